//! Exact ranges on the inputs the core issue names: a multi-document file
//! with a broken document, a List, non-ASCII text before a finding on the same
//! line, a YAML 1.1 boolean, BOM, CRLF, anchors and merge keys.

use kubeharden::rules::Profile;
use kubeharden::{Options, check};
use serde_json::json;

/// The Pod Security rules only: these inputs are about positions, and the
/// exact lists below would otherwise change with every hardening rule.
fn pss() -> Options {
    Options {
        profile: Profile::Restricted,
        ..Options::default()
    }
}

fn ranges(source: &str) -> Vec<(String, [u32; 4])> {
    check(source, &pss())
        .diagnostics
        .into_iter()
        .map(|d| {
            (
                d.rule,
                [
                    d.range.start.line,
                    d.range.start.character,
                    d.range.end.line,
                    d.range.end.character,
                ],
            )
        })
        .collect()
}

fn has(list: &[(String, [u32; 4])], rule: &str, r: [u32; 4]) -> bool {
    list.iter().any(|(id, range)| id == rule && *range == r)
}

#[test]
fn multi_document_file_with_broken_document_list_unicode_and_yaml11_boolean() {
    let src = include_str!("fixtures/core/multi.yaml");
    let got = ranges(src);
    // `hostPID: yes` is true for Kubernetes (YAML 1.1): key..value.
    assert!(has(&got, "host-namespaces", [9, 2, 9, 14]), "{got:?}");
    // `privileged: on` inside a flow mapping.
    assert!(has(&got, "privileged", [13, 22, 13, 36]), "{got:?}");
    // The broken document is reported at its line; the List after it is still checked.
    assert!(has(&got, "yaml-syntax", [19, 18, 19, 19]), "{got:?}");
    // In the List item, the container name holds non-ASCII text and an emoji
    // (2 UTF-16 units) on line 31; the finding on line 32 starts at character 24.
    assert!(has(&got, "privileged", [32, 24, 32, 40]), "{got:?}");
}

#[test]
fn utf16_columns_after_non_ascii_on_the_same_line() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"é😀\"}\nspec:\n  containers: [{name: \"ü😀\", image: x, securityContext: {privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false}}]\n";
    let got = ranges(src);
    let line = src.lines().nth(4).unwrap();
    let byte = line.find("privileged").unwrap();
    let utf16 = line[..byte].encode_utf16().count() as u32;
    assert!(
        has(&got, "privileged", [4, utf16, 4, utf16 + 16]),
        "{got:?} want col {utf16}"
    );
}

#[test]
fn bom_and_crlf() {
    let src = "\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: w\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: x\r\n    securityContext:\r\n      privileged: true\r\n      runAsNonRoot: true\r\n      allowPrivilegeEscalation: false\r\n      capabilities: {drop: [ALL]}\r\n      seccompProfile: {type: RuntimeDefault}\r\n";
    let got = ranges(src);
    assert_eq!(got, vec![("privileged".to_string(), [9, 6, 9, 22])]);
}

#[test]
fn anchors_aliases_and_merge_keys_are_read_as_kubernetes_reads_them() {
    let src = "\
apiVersion: v1
kind: Pod
metadata:
  name: w
spec:
  containers:
  - name: a
    image: x
    securityContext: &sc
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      seccompProfile: {type: RuntimeDefault}
  - name: b
    image: x
    securityContext:
      <<: *sc
      privileged: true
";
    let got = ranges(src);
    assert_eq!(
        got,
        vec![("privileged".to_string(), [17, 6, 17, 22])],
        "{got:?}"
    );
}

#[test]
fn quoted_true_is_a_string_and_a_schema_error_at_the_value() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      privileged: \"true\"\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}\n      seccompProfile: {type: RuntimeDefault}\n";
    let report = check(src, &pss());
    let d: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.range.start.line, d.range.start.character))
        .collect();
    assert_eq!(d, vec![("schema-invalid", 9, 18)]);
}

#[test]
fn one_mistyped_field_leaves_the_rest_of_the_pod_checked() {
    // The API server refuses this pod for `command[1]`; until the author
    // fixes it, the privileged container must still be reported (a typed
    // decode of the whole spec used to drop every rule for the pod).
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: a\n    image: x\n    command: [run, {a: b}]\n    securityContext:\n      privileged: true\n";
    let got = ranges(src);
    assert!(has(&got, "schema-invalid", [8, 19, 8, 25]), "{got:?}");
    assert!(has(&got, "privileged", [10, 6, 10, 22]), "{got:?}");
}

#[test]
fn missing_field_points_at_nearest_existing_node() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      readOnlyRootFilesystem: true\n  - name: b\n    image: y\n";
    let report = check(src, &Options::default());
    let ape: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "allow-privilege-escalation")
        .collect();
    assert_eq!(ape.len(), 2);
    // Container a has a securityContext: its key.
    assert_eq!(
        serde_json::to_value(ape[0].range).unwrap(),
        json!({"start": {"line": 10, "character": 4}, "end": {"line": 10, "character": 19}})
    );
    // Container b has none: the container entry's first line.
    assert_eq!(
        serde_json::to_value(ape[1].range).unwrap(),
        json!({"start": {"line": 12, "character": 4}, "end": {"line": 12, "character": 11}})
    );
}

#[test]
fn unknown_field_with_did_you_mean() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: a\n    image: x\n    securityContex:\n      runAsNonRoot: true\n";
    let report = check(src, &Options::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "schema-unknown-field")
        .expect("unknown field");
    assert!(
        d.message.contains("did you mean \"securityContext\""),
        "{}",
        d.message
    );
    assert_eq!(
        (
            d.range.start.line,
            d.range.start.character,
            d.range.end.character
        ),
        (8, 4, 18)
    );
}

#[test]
fn duplicate_keys_are_errors() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  name: v\n";
    let got = ranges(src);
    assert!(has(&got, "yaml-duplicate-key", [4, 2, 4, 6]), "{got:?}");
}

/// Kubernetes keeps a repeated key's last value; the finding about that
/// value points at the last occurrence, not the first.
#[test]
fn a_repeated_key_is_located_at_its_last_occurrence() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  hostPID: false\n  hostPID: true\n  containers: []\n";
    let got = ranges(src);
    assert!(has(&got, "yaml-duplicate-key", [6, 2, 6, 9]), "{got:?}");
    assert!(
        got.iter()
            .any(|(id, r)| id == "host-namespaces" && r[0] == 6),
        "{got:?}"
    );
    assert!(
        !got.iter()
            .any(|(id, r)| id == "host-namespaces" && r[0] == 5),
        "{got:?}"
    );
}

#[test]
fn helm_template_gets_one_diagnostic() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-web\n{{- if .Values.x }}\n  labels: {a: b}\n{{- end }}\nspec: {}\n";
    let got = ranges(src);
    assert_eq!(got, vec![("helm-unrendered".to_string(), [3, 8, 3, 27])]);
}

#[test]
fn go_templates_in_values_are_content() {
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  summary: \"Instance {{ $labels.instance }} down\"\n";
    assert!(ranges(src).is_empty());
}

#[test]
fn non_kubernetes_yaml_and_unknown_kinds_are_not_errors() {
    assert!(ranges("foo: bar\nlist: [1, 2]\n").is_empty());
    assert!(
        ranges(
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1]}\n"
        )
        .is_empty()
    );
    assert!(ranges("").is_empty());
    assert!(ranges("# only a comment\n---\n# another\n").is_empty());
}

#[test]
fn custom_resources_embedding_pod_templates_are_checked() {
    let src = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n        securityContext: {privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}\n";
    let got = ranges(src);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "privileged");
}

#[test]
fn cronjob_and_ephemeral_and_init_containers() {
    let src = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n          restartPolicy: Never\n          initContainers:\n          - {name: i, image: x, securityContext: {privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}\n          containers:\n          - {name: a, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}\n          ephemeralContainers:\n          - {name: e, image: x, targetContainerName: a, securityContext: {privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}\n";
    let report = check(src, &pss());
    let msgs: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.clone(), d.message.clone()))
        .collect();
    assert_eq!(
        msgs,
        vec![
            (
                "privileged".into(),
                "init container \"i\" runs privileged (privileged: true): it gets every capability and the node's devices; set privileged to false".into()
            ),
            (
                "privileged".into(),
                "ephemeral container \"e\" runs privileged (privileged: true): it gets every capability and the node's devices; set privileged to false".into()
            ),
        ]
    );
}

#[test]
fn secret_data_must_be_base64_at_the_value() {
    let src = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  ok: aHVudGVyMg==\n  bad: \"!!!\"\n";
    let report = check(
        src,
        &Options {
            profile: kubeharden::rules::Profile::Baseline,
            ..Options::default()
        },
    );
    let d: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.as_str(),
                d.range.start.line,
                d.range.start.character,
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2), ("schema-invalid", 5, 7));
    assert!(d[0].3.contains("not valid base64"), "{}", d[0].3);
}

#[test]
fn a_quoted_value_ends_at_its_closing_quote_not_at_the_comment() {
    // saphyr-parser's event for a quoted value runs on over the blanks and
    // the comment after it; both readers (the fast path and the general one,
    // which an anchor forces here) stop the range at the closing quote.
    for anchor in ["", "&p "] {
        let source = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      privileged: {anchor}\"true\"   # a comment\n      runAsNonRoot: 'yes' # 'quoted'\n"
        );
        let r = ranges(&source);
        // The node starts at its anchor, when it has one.
        let end = 18 + anchor.len() as u32 + 6;
        assert!(
            has(&r, "schema-invalid", [9, 18, 9, end]),
            "{anchor:?}: {r:?}"
        );
        assert!(
            has(&r, "schema-invalid", [10, 20, 10, 25]),
            "{anchor:?}: {r:?}"
        );
    }
}

/// A reserved directive with non-ASCII text (`%ééé`, `%X ñ`): saphyr-parser
/// 0.3.4's string input counted its name and parameters in bytes while its
/// markers count characters, so every later position of the document was
/// off by the difference; an empty key then lay past the end of the text
/// and the check panicked (found by fuzzing `config`, a CLI exit 101).
#[test]
fn positions_after_a_directive_with_non_ascii_text() {
    for directive in ["%ééé", "%X ñandú", "%é 😀 ü", "%FOO é # ü"] {
        // Reported, at the key's `:`, and nothing panics.
        let src = format!("{directive}\n---\n:\n");
        let got = ranges(&src);
        assert!(has(&got, "yaml-syntax", [2, 0, 2, 1]), "{src:?}: {got:?}");
        // A finding after the directive sits on its value.
        let src = format!(
            "{directive}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {{privileged: true}}\n"
        );
        let got = ranges(&src);
        assert!(has(&got, "privileged", [9, 22, 9, 38]), "{src:?}: {got:?}");
    }
}

/// An anchor or alias without a name at the very end of the text
/// (`a: *a *`, no final line break): the problem was placed one character
/// past the end, outside the text (found by fuzzing `config`). It is at the
/// indicator now, as a scanner error at the end of a document is.
#[test]
fn a_nameless_property_at_the_end_of_the_text_is_reported_inside_it() {
    for (src, at) in [
        ("x: &a 1\na: *a *", [1, 6, 1, 7]),
        ("x: &a 1\na: *a &", [1, 6, 1, 7]),
        ("a: [b, *", [0, 7, 0, 8]),
        ("x: 1\n---\nx: &a 1\na: *a *", [3, 6, 3, 7]),
    ] {
        let got = ranges(src);
        let map = kubeharden::source::SourceMap::new(src);
        for (rule, r) in &got {
            for (line, character) in [(r[0], r[1]), (r[2], r[3])] {
                let p = kubeharden::source::Position { line, character };
                assert!(
                    map.byte_of_position(p).is_some(),
                    "{src:?}: {rule} {r:?} is outside the text"
                );
            }
        }
        assert!(has(&got, "yaml-syntax", at), "{src:?}: {got:?}");
    }
}
