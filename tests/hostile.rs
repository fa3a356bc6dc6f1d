//! Hostile input is bounded: a clear diagnostic at a position, never a hang,
//! a stack overflow or a panic. (No timings here: `make bench` measures.)

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
