//! A stricter profile never lets a baseline violation through: wherever
//! `--profile baseline` fails CI (default `--fail-on high`), `restricted` and
//! `hardened` fail too, although a restricted rule takes over the baseline
//! rule's finding (one finding per problem). Checked through the CLI over
//! every failing baseline fixture of `../shared/corpus/pss` and every rule's
//! failing example.

mod common;

use kubeharden::rules::registry;

const PROFILES: [&str; 3] = ["baseline", "restricted", "hardened"];

/// The CLI's exit status for `source` under `profile`.
fn status(source: &str, profile: &str, pss_version: &str) -> i32 {
    let out = common::cli_with_stdin(
        &[
            "check",
            "--profile",
            profile,
            "--pss-version",
            pss_version,
            "--format",
            "json",
            "-",
        ],
        source,
    );
    out.status.code().unwrap_or(-1)
}

/// `None` when every profile agrees with baseline (or baseline passes).
fn disagreement(source: &str, pss_version: &str) -> Option<String> {
    let statuses: Vec<i32> = PROFILES
        .iter()
        .map(|p| status(source, p, pss_version))
        .collect();
    (statuses[0] == 1 && statuses.iter().any(|&s| s != 1)).then(|| {
        PROFILES
            .iter()
            .zip(&statuses)
            .map(|(p, s)| format!("{p}: {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

#[test]
fn failing_baseline_fixtures_fail_under_every_profile() {
    let Some(shared) = common::shared_dir() else {
        common::skip("profile severity over the PSS fixtures");
        return;
    };
    let corpus = shared.join("corpus/pss");
    let Ok(tsv) = std::fs::read_to_string(corpus.join("expected.tsv")) else {
        common::skip("profile severity (corpus/pss/expected.tsv missing)");
        return;
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (level, version, expected, file) = (cols[0], cols[1], cols[2], cols[3]);
        if level != "baseline" || expected != "fail" {
            continue;
        }
        let text = std::fs::read_to_string(corpus.join(file)).unwrap();
        if let Some(d) = disagreement(&text, version) {
            problems.push(format!("{file} ({version}): {d}"));
        }
        checked += 1;
    }
    assert!(checked > 0, "no failing baseline fixtures in expected.tsv");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn failing_rule_examples_fail_under_every_profile_if_baseline_fails() {
    let mut problems = Vec::new();
    for rule in registry() {
        let m = &rule.meta;
        if let Some(d) = disagreement(m.bad_example, "latest") {
            problems.push(format!("{}: {d}", m.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The two cases reported in the issue, by hand: an added SYS_ADMIN and an
/// Unconfined seccomp profile (also on a Windows pod, where the restricted
/// checks do not apply and the baseline ones must still report).
#[test]
fn sys_admin_and_unconfined_fail_under_every_profile() {
    let pod = |sc: &str, os: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{os}  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n{sc}"
        )
    };
    for os in ["", "  os: {name: windows}\n"] {
        for sc in [
            "      capabilities:\n        add: [SYS_ADMIN]\n",
            "      seccompProfile:\n        type: Unconfined\n",
        ] {
            let source = pod(sc, os);
            for profile in PROFILES {
                assert_eq!(status(&source, profile, "latest"), 1, "{profile}: {source}");
            }
        }
    }
}
