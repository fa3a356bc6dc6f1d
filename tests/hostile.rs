//! Hostile input is bounded: a clear diagnostic at a position, never a hang,
//! a stack overflow or a panic. (No timings here: `make bench` measures.)

mod common;

#[path = "common/hostile_inputs.rs"]
mod hostile_inputs;

use hostile_inputs::merge_bombs;
use kubeharden::{Options, check};

fn rules_of(source: &str) -> Vec<String> {
    check(source, &Options::default())
        .diagnostics
        .into_iter()
        .map(|d| d.rule)
        .collect()
}

#[test]
fn alias_bomb_is_cut_off() {
    let mut s = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..12 {
        let p = i - 1;
        s.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let rules = rules_of(&s);
    assert!(rules.contains(&"input-limit".to_string()), "{rules:?}");
}

#[test]
fn deep_block_nesting_is_refused_with_a_diagnostic() {
    let mut s = String::new();
    for i in 0..5000 {
        s.push_str(&" ".repeat(i));
        s.push_str("a:\n");
    }
    assert!(rules_of(&s).contains(&"input-limit".to_string()));
}

#[test]
fn deep_flow_nesting_is_refused_with_a_diagnostic() {
    let s = "[".repeat(100_000) + &"]".repeat(100_000);
    let rules = rules_of(&s);
    assert!(!rules.is_empty(), "a diagnostic, not a silent pass");
    let s = "{a: ".repeat(50_000) + "1" + &"}".repeat(50_000);
    assert!(!rules_of(&s).is_empty());
}

#[test]
fn megabyte_line_and_ten_megabyte_file() {
    let long = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  k: \"{}é\"\n",
        "x".repeat(1 << 20)
    );
    assert!(rules_of(&long).is_empty());
    // ~2.7 KB per document: fewer documents than MAX_DIAGNOSTICS.
    let doc = &format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{note: \"{}\"}}}}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext: {{privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {{drop: [ALL]}}, seccompProfile: {{type: RuntimeDefault}}}}\n---\n",
        "n".repeat(2500)
    );
    let big = doc.repeat(10 * 1024 * 1024 / doc.len());
    // Baseline profile: one finding per pod, so none is cut by MAX_DIAGNOSTICS.
    let baseline = Options {
        profile: kubeharden::rules::Profile::Baseline,
        ..Options::default()
    };
    let report = check(&big, &baseline);
    // Every document is read: a privileged finding per pod, no reader errors
    // (past MAX_DIAGNOSTICS an input-limit note says how many were left out).
    let privileged = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "privileged")
        .count();
    assert_eq!(privileged, 10 * 1024 * 1024 / doc.len());
    assert!(report.diagnostics.iter().all(|d| !matches!(
        d.rule.as_str(),
        "yaml-syntax" | "schema-invalid" | "schema-unknown-field" | "yaml-duplicate-key"
    )));
}

#[test]
fn megabyte_flow_lines_stay_linear() {
    // 200,000 items on one line, plain and quoted: a reader that rescans
    // the line per item would not finish.
    for item in ["a", "\"a\"", "'a'"] {
        let items = vec![item; 200_000].join(", ");
        let s = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: m, labels: {{a: [{items}]}}}}\n"
        );
        assert!(rules_of(&s).iter().all(|r| r != "yaml-syntax"));
        let s = format!("a: [{items}]\nb: {{k: [{items}]}}\n");
        assert!(rules_of(&s).is_empty());
    }
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "\u{0}\u{1}\u{2}",
        ":\n:\n- - -\n? ? ?",
        "key: [unclosed",
        "'unterminated",
        "a: *unknown",
        "--- !!binary\n!!!",
        "%YAML 1.1\n%YAML 1.1\n---\na: 1",
        "%ééé\n---\n:",
        "%X ñ 😀\n--- [a:]",
        "\t\tkey: value",
        "apiVersion: v1\nkind: Pod\nspec: 5\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers: 7\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - 1\n  - [2]\n  - name: x\n    securityContext: []\n",
        "apiVersion: [v1]\nkind: {Pod: 1}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: a, image: b, ports: [{containerPort: .inf}]}]}}}\n",
        "? [complex, key]\n: value\napiVersion: v1\nkind: Pod\n",
        "apiVersion: v1\nkind: List\nitems: [1, null, {kind: Pod}]\n",
    ];
    for s in samples {
        let _ = check(s, &Options::default());
    }
}

/// `(rule, line, start character, end character)` of every diagnostic (0-based).
fn at(source: &str) -> Vec<(String, u32, u32, u32)> {
    check(source, &Options::default())
        .diagnostics
        .into_iter()
        .map(|d| {
            assert_eq!(d.range.start.line, d.range.end.line, "{d:?}");
            (
                d.rule,
                d.range.start.line,
                d.range.start.character,
                d.range.end.character,
            )
        })
        .collect()
}

/// Values that contain themselves, through a merge key or a plain alias, and
/// where the diagnostic goes: the `<<` key of the merge that closes the
/// cycle, or the alias itself.
pub const SELF_CONTAINING: &[(&str, (u32, u32, u32))] = &[
    ("a: &a\n  b: 1\n  <<: *a\n", (2, 2, 4)),
    ("a: &a\n  b: 1\n  <<: [*a]\n", (2, 2, 4)),
    ("a: &a\n  <<: [{c: 1}, *a]\n  b: 1\n", (1, 2, 4)),
    ("x:\n- &a\n  b: 1\n  <<: *a\n", (3, 2, 4)),
    ("x:\n- &a\n  - b: 1\n    <<: *a\n", (3, 4, 6)),
    // Mutual: the inner merge brings back the outer mapping, which merges
    // the inner one again.
    ("a: &a\n  b: 1\n  c: &b\n    <<: *a\n  <<: *b\n", (3, 4, 6)),
    ("{a: &a {b: 1, <<: *a}}", (0, 14, 16)),
    ("a: &a [1, *a]\n", (0, 10, 12)),
    ("a: &a\n  b: *a\n", (1, 5, 7)),
];

#[test]
fn values_that_contain_themselves_get_a_syntax_error_at_the_merge() {
    for (source, (line, start, end)) in SELF_CONTAINING {
        assert_eq!(
            at(source),
            vec![("yaml-syntax".to_string(), *line, *start, *end)],
            "{source}"
        );
        let d = &check(source, &Options::default()).diagnostics[0];
        assert!(d.message.contains("contain"), "{}", d.message);
    }
}

#[test]
fn the_rest_of_a_self_merging_document_is_still_checked() {
    let source = "apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: p\n  <<: *m\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext: &s\n      privileged: true\n      <<: [*s]\n";
    let found = at(source);
    assert!(
        found.contains(&("yaml-syntax".to_string(), 4, 2, 4)),
        "{found:?}"
    );
    assert!(
        found.contains(&("yaml-syntax".to_string(), 11, 6, 8)),
        "{found:?}"
    );
    assert!(
        found.contains(&("privileged".to_string(), 10, 6, 22)),
        "{found:?}"
    );
    // Merged keys of a sound merge are still seen next to the bad one.
    let source = "base: &b {privileged: true}\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext: &s\n      <<: [*b, *s]\n";
    let rules = rules_of(source);
    assert!(rules.contains(&"privileged".to_string()), "{rules:?}");
    assert!(rules.contains(&"yaml-syntax".to_string()), "{rules:?}");
}

#[test]
fn merge_bombs_are_bounded() {
    let bombs = merge_bombs();
    // Shared sources expand within the alias budget: nothing to report.
    assert!(rules_of(&bombs[0]).is_empty(), "{:?}", rules_of(&bombs[0]));
    assert!(rules_of(&bombs[1]).contains(&"input-limit".to_string()));
    // Key lookups through merges (locating findings) visit each source once.
    assert!(!rules_of(&bombs[2]).is_empty());
}

#[test]
fn cli_reports_self_merges_instead_of_aborting() {
    for (source, (line, start, _)) in SELF_CONTAINING {
        let out = common::cli_with_stdin(&["check", "--format", "json", "-"], source);
        // A high-severity diagnostic: exit status 1, not an abort.
        assert_eq!(out.status.code(), Some(1), "{source}: {out:?}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let d = &json["files"][0]["diagnostics"][0];
        assert_eq!(d["rule"], "yaml-syntax", "{json}");
        assert_eq!(
            d["range"]["start"],
            serde_json::json!({"line": line, "character": start}),
            "{json}"
        );
    }
}

#[test]
fn many_unknown_keys_are_each_reported_at_their_key() {
    // Linear since the parent mapping is located and indexed once (this took
    // seconds per few thousand keys); `cargo bench --bench scaling` times it.
    let n = 4_000;
    let mut s = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imagePullPolicx: Always\n    image: nginx:1.27\n",
    );
    for i in 0..n {
        s.push_str(&format!("    unknownField{i}: {i}\n"));
    }
    let report = check(&s, &Options::default());
    let unknown: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "schema-unknown-field")
        .collect();
    assert_eq!(unknown.len(), n + 1);
    assert!(
        unknown[0]
            .message
            .contains("did you mean \"imagePullPolicy\"?"),
        "{}",
        unknown[0].message
    );
    for (i, d) in unknown[1..].iter().enumerate() {
        let key = format!("unknownField{i}");
        assert_eq!(d.range.start.line as usize, 9 + i, "{}", d.message);
        assert_eq!(
            (d.range.start.character, d.range.end.character),
            (4, 4 + key.len() as u32)
        );
        assert!(d.message.contains(&format!("\"{key}\"")), "{}", d.message);
        assert_eq!(
            d.path.as_deref(),
            Some(&*format!("spec.containers[0].{key}"))
        );
    }
}
