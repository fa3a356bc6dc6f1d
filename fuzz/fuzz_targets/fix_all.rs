//! `fix_all` on any bytes with any options. The fixed text re-checks without
//! a syntax error, a duplicate key, an invalid or an unknown field it did not
//! have; its diagnostics are what `check` says about it; every applied
//! finding is gone; and fixing the result again changes nothing.
#![no_main]

use kubeharden::{SkipReason, check, fix_all};
use kubeharden_fuzz::{assert_report_sound, split};
use libfuzzer_sys::fuzz_target;

const GUARDS: [&str; 4] = [
    "yaml-syntax",
    "yaml-duplicate-key",
    "schema-invalid",
    "schema-unknown-field",
];

fuzz_target!(|data: &[u8]| {
    let (options, text) = split(data);
    // The guard rules on, whatever the options say: what fix_all judges by.
    let mut guard = options.clone();
    guard.disable.retain(|d| !GUARDS.contains(&d.as_str()));
    let count = |text: &str, rule: &str| {
        check(text, &guard)
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .count()
    };
    let result = fix_all(&text, &options);
    if result.applied.is_empty() {
        assert_eq!(result.text, text, "nothing applied, yet the text changed");
        return;
    }
    for rule in GUARDS {
        let (before, after) = (count(&text, rule), count(&result.text, rule));
        assert!(
            after <= before,
            "{rule}: {before} before, {after} after fixing\n--- input\n{text}\n--- fixed\n{}",
            result.text
        );
    }
    let recheck = check(&result.text, &options);
    assert_eq!(
        recheck.diagnostics, result.diagnostics,
        "diagnostics differ from check's"
    );
    assert_report_sound(&result.text, &options, &recheck);
    // Each applied fix removed one finding of its rule, resource and path
    // (the same resource may stand twice in a file: counts, not presence).
    let before = check(&text, &options).diagnostics;
    let count = |diags: &[kubeharden::Diagnostic], a: &kubeharden::AppliedFix| {
        diags
            .iter()
            .filter(|d| d.rule == a.rule && d.path == a.path && d.resource == a.resource)
            .count()
    };
    for a in &result.applied {
        let applied = result.applied.iter().filter(|b| *b == a).count();
        assert!(
            count(&result.diagnostics, a) + applied <= count(&before, a),
            "{a:?} applied, yet still reported"
        );
    }
    if result
        .skipped
        .iter()
        .all(|s| s.reason != SkipReason::PassLimit)
    {
        let again = fix_all(&result.text, &options);
        assert!(
            again.applied.is_empty(),
            "fixing twice differs from fixing once: the second run applied {:?}\n--- input\n{text}\n--- fixed once\n{}\n--- fixed twice\n{}",
            again.applied,
            result.text,
            again.text
        );
    }
});
