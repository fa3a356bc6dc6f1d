//! Fixture files with snapshots of their diagnostics (insta). Review changes
//! with `cargo insta review` or by reading the `.snap` diffs.

use kubeharden::{Options, check};
use serde_json::{Value, json};

fn summarize(source: &str) -> Value {
    let report = check(source, &Options::default());
    let diags: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let r = d.range;
            json!({
                "rule": d.rule,
                "severity": d.severity,
                "at": format!("{}:{}-{}:{}", r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1),
                "message": d.message,
                "path": d.path,
                "fix": d.fix.as_ref().map(|f| json!({
                    "title": f.title,
                    "applicability": f.applicability,
                    "edits": f.edits.iter().map(|e| json!({
                        "at": format!("{}:{}-{}:{}", e.range.start.line + 1, e.range.start.character + 1, e.range.end.line + 1, e.range.end.character + 1),
                        "newText": e.new_text,
                    })).collect::<Vec<_>>(),
                })),
            })
        })
        .collect();
    json!({ "resources": report.resources.len(), "diagnostics": diags })
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/**/*.yaml", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        insta::assert_json_snapshot!(summarize(&source));
    });
}

/// Every rule's failing and passing examples (the ones its docs show) are
/// fixtures too: the findings of that rule are pinned here, with the
/// problems of the input itself (category `input`: YAML, schema, exceptions)
/// so that an example Kubernetes would refuse shows in its snapshot. Other
/// rules' findings on the example are left out: they are pinned by those
/// rules' own examples and fixtures, and a change of one rule's message
/// rewrites that rule's snapshots only.
#[test]
fn rule_examples() {
    let is_input =
        |id: &str| kubeharden::rules::find(id).is_some_and(|r| r.meta.category == "input");
    for rule in kubeharden::rules::registry() {
        let m = &rule.meta;
        // Its examples are config files (tests/config.rs checks them).
        if m.id == "config-invalid" {
            continue;
        }
        let options = Options {
            enable: vec![m.id.to_string()],
            disable: kubeharden::rules::replaced_by(m.id)
                .iter()
                .map(|r| r.to_string())
                .collect(),
            image_registries: vec!["registry.example.com".into()],
            today: kubeharden::exceptions::Date::parse("2026-01-01"),
            ..Options::default()
        };
        for (kind, source) in [("fail", m.bad_example), ("pass", m.good_example)] {
            let report = check(source, &options);
            let diags: Vec<Value> = report
                .diagnostics
                .iter()
                .filter(|d| d.rule == m.id || is_input(&d.rule))
                .map(|d| {
                    let r = d.range;
                    let mut v = json!({
                        "rule": d.rule,
                        "at": format!("{}:{}-{}:{}", r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1),
                        "message": d.message,
                        "fix": d.fix.as_ref().map(|f| f.title.clone()),
                    });
                    if let Some(s) = &d.suppression {
                        v["suppressed"] = json!(s.reason);
                    }
                    v
                })
                .collect();
            insta::assert_json_snapshot!(format!("example-{}-{kind}", m.id), diags);
        }
    }
}
