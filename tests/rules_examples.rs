//! Every rule's failing example fires that rule; its passing example does
//! not. The examples are the ones the docs and the web page show.

use kubeharden::check;
use kubeharden::options::Options;
use kubeharden::rules::registry;

#[test]
fn every_rule_has_metadata_and_examples_that_behave() {
    let mut problems = Vec::new();
    for rule in registry() {
        let m = &rule.meta;
        for (what, text) in [
            ("title", m.title),
            ("rationale", m.rationale),
            ("remediation", m.remediation),
            ("help", m.help),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("{}: empty {what}", m.id));
            }
        }
        if m.references.is_empty() {
            problems.push(format!("{}: no references", m.id));
        }
        // Examples run with the rule switched on whatever its profiles.
        let options = Options {
            enable: vec![m.id.to_string()],
            // A baseline rule steps aside for its restricted replacement.
            disable: m.replaced_by.iter().map(|r| r.to_string()).collect(),
            image_registries: vec!["registry.example.com".into()],
            ..Options::default()
        };
        let bad = check(m.bad_example, &options);
        if !bad.diagnostics.iter().any(|d| d.rule == m.id) {
            problems.push(format!(
                "{}: failing example does not fire: {:?}",
                m.id, bad.diagnostics
            ));
        }
        let good = check(m.good_example, &options);
        if let Some(d) = good.diagnostics.iter().find(|d| d.rule == m.id) {
            problems.push(format!("{}: passing example fires: {}", m.id, d.message));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_ids_are_unique_and_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for rule in registry() {
        let id = rule.meta.id;
        assert!(seen.insert(id), "duplicate id {id}");
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id} is not kebab-case"
        );
    }
}
