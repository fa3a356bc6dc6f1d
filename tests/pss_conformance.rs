//! Conformance with the official Pod Security Standards fixtures of
//! `k8s.io/pod-security-admission` (`../shared/corpus/pss`, see its README):
//! every `fail` fixture fires the rule of the check upstream expects, every
//! `pass` fixture yields no Pod Security finding (and no input diagnostic) at
//! that level and policy version.

mod common;

use kubeharden::check;
use kubeharden::options::{Options, PssVersion};
use kubeharden::rules::{Profile, find, registry};

/// Kubernetes check id → rule id, as each rule declares it (`RuleMeta::pss`).
fn rule_of(check_id: &str) -> Option<&'static str> {
    registry()
        .iter()
        .find(|r| r.meta.pss.is_some_and(|p| p.check == check_id))
        .map(|r| r.meta.id)
}

#[test]
fn official_pod_security_fixtures() {
    let Some(shared) = common::shared_dir() else {
        common::skip("PSS conformance");
        return;
    };
    let corpus = shared.join("corpus/pss");
    let tsv = match std::fs::read_to_string(corpus.join("expected.tsv")) {
        Ok(t) => t,
        Err(_) => {
            common::skip("PSS conformance (corpus/pss/expected.tsv missing)");
            return;
        }
    };
    let mut total = 0;
    let mut mismatches = Vec::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (level, version, expected, file) = (cols[0], cols[1], cols[2], cols[3]);
        let violated = cols.get(5).copied().unwrap_or("");
        total += 1;
        let profile = Profile::parse(level).unwrap_or_else(|| panic!("level {level}"));
        let pss_version = PssVersion::parse(version).unwrap_or_else(|| panic!("version {version}"));
        let options = Options {
            profile,
            pss_version,
            ..Default::default()
        };
        let text =
            std::fs::read_to_string(corpus.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let report = check(&text, &options);
        let summary = |rules: &mut dyn Iterator<Item = &kubeharden::Diagnostic>| {
            rules
                .map(|d| format!("{} ({})", d.rule, d.message))
                .collect::<Vec<_>>()
                .join("; ")
        };
        match expected {
            "fail" => {
                let Some(rule) = rule_of(violated) else {
                    mismatches.push(format!("{file}: unknown check id {violated:?}"));
                    continue;
                };
                if !report.diagnostics.iter().any(|d| d.rule == rule) {
                    mismatches.push(format!(
                        "{file} [{level} {version}]: expected {rule} ({violated}), got: {}",
                        summary(&mut report.diagnostics.iter())
                    ));
                }
            }
            "pass" => {
                let unexpected: Vec<&kubeharden::Diagnostic> = report
                    .diagnostics
                    .iter()
                    .filter(|d| {
                        find(&d.rule).is_none_or(|r| {
                            r.meta.category == "pod-security" || r.meta.category == "input"
                        })
                    })
                    .collect();
                if !unexpected.is_empty() {
                    mismatches.push(format!(
                        "{file} [{level} {version}]: expected no finding, got: {}",
                        summary(&mut unexpected.into_iter())
                    ));
                }
            }
            other => mismatches.push(format!("{file}: unknown verdict {other:?}")),
        }
    }
    let passed = total - mismatches.len();
    println!("PSS conformance: {passed}/{total}");
    eprintln!("PSS conformance: {passed}/{total}");
    assert!(
        mismatches.is_empty(),
        "PSS conformance: {passed}/{total}; mismatches:\n{}",
        mismatches.join("\n")
    );
}

/// Column 7 of expected.tsv: every check that fires, per an independent
/// re-implementation that reproduces all upstream verdicts. Not upstream
/// ground truth, but agreeing with it on every fixture shows the overrides
/// and exemptions produce neither duplicate nor extra findings.
#[test]
fn same_checks_fire_as_the_reference_reimplementation() {
    let Some(shared) = common::shared_dir() else {
        common::skip("PSS all-violations agreement");
        return;
    };
    let corpus = shared.join("corpus/pss");
    let Ok(tsv) = std::fs::read_to_string(corpus.join("expected.tsv")) else {
        common::skip("PSS all-violations agreement (corpus/pss/expected.tsv missing)");
        return;
    };
    let mut mismatches = Vec::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let options = Options {
            profile: Profile::parse(cols[0]).expect("level"),
            pss_version: PssVersion::parse(cols[1]).expect("version"),
            ..Default::default()
        };
        let text = std::fs::read_to_string(corpus.join(cols[3])).expect("fixture");
        let mut got: Vec<String> = check(&text, &options)
            .diagnostics
            .iter()
            .map(|d| d.rule.clone())
            .collect();
        got.sort();
        got.dedup();
        let mut want: Vec<String> = match cols.get(6) {
            None | Some(&"-") => Vec::new(),
            Some(all) => all
                .split(',')
                .map(|c| rule_of(c).unwrap_or(c).to_string())
                .collect(),
        };
        want.sort();
        want.dedup();
        if got != want {
            mismatches.push(format!("{}: want {want:?}, got {got:?}", cols[3]));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
