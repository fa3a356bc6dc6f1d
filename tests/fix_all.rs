//! `fix_all`: every safe fix, in passes re-checked after each.

mod common;

use kubeharden::diagnostic::Applicability;
use kubeharden::{FixAll, Options, SkipReason, check, fix_all};

const MANY_MISSING: &str = include_str!("fix_data/many-missing.yaml");
const FLOW: &str = include_str!("fix_data/flow.yaml");
const JSON: &str = include_str!("fix_data/pod.json");
const MULTI_BROKEN: &str = include_str!("fix_data/multi-broken.yaml");

fn rules(diags: &[kubeharden::Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.rule.as_str()).collect()
}

/// What must hold for any input: nothing breaks, applied findings are gone,
/// no safe fix is left unless it failed, and a second run changes nothing.
fn assert_sound(source: &str, options: &Options, what: &str) -> FixAll {
    let before = check(source, options);
    let result = fix_all(source, options);
    let count = |diags: &[kubeharden::Diagnostic], rule: &str| {
        diags.iter().filter(|d| d.rule == rule).count()
    };
    for guard in ["yaml-syntax", "yaml-duplicate-key", "schema-invalid"] {
        assert!(
            count(&result.diagnostics, guard) <= count(&before.diagnostics, guard),
            "{what}: {guard} appeared:\n{}",
            result.text
        );
    }
    // The same resource may stand twice in a text (no name, no namespace):
    // counts, not presence.
    let at = |diags: &[kubeharden::Diagnostic], a: &kubeharden::AppliedFix| {
        diags
            .iter()
            .filter(|d| d.rule == a.rule && d.path == a.path && d.resource == a.resource)
            .count()
    };
    for a in &result.applied {
        let applied = result.applied.iter().filter(|b| *b == a).count();
        assert!(
            at(&result.diagnostics, a) + applied <= at(&before.diagnostics, a),
            "{what}: {} at {:?} was applied but is still reported",
            a.rule,
            a.path
        );
    }
    for d in &result.diagnostics {
        if let Some(fix) = &d.fix {
            let s = result
                .skipped
                .iter()
                .find(|s| s.rule == d.rule && s.path == d.path && s.title == fix.title)
                .unwrap_or_else(|| panic!("{what}: {} at {:?} not in skipped", d.rule, d.path));
            assert_eq!(
                s.reason == SkipReason::Unsafe,
                fix.applicability == Applicability::Unsafe,
                "{what}: {s:?}"
            );
        }
    }
    // The final diagnostics are exactly what `check` says about the text.
    assert_eq!(check(&result.text, options).diagnostics, result.diagnostics);
    let again = fix_all(&result.text, options);
    assert!(again.applied.is_empty(), "{what}: {:?}", again.applied);
    assert_eq!(again.text, result.text, "{what}: not idempotent");
    result
}

/// Applying every safe fix of one check at once (what a naive "fix all"
/// does) gives duplicate `securityContext` keys: the reason for `fix_all`.
#[test]
fn naive_fix_all_would_duplicate_keys() {
    let report = check(MANY_MISSING, &Options::default());
    let mut edits: Vec<_> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applicability == Applicability::Safe)
        .flat_map(|f| f.edits.iter())
        .collect();
    assert!(edits.len() >= 5);
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut text = MANY_MISSING.to_string();
    for e in edits {
        // ASCII text: UTF-16 columns are byte columns.
        let line_start = |l: u32| {
            text.split_inclusive('\n')
                .take(l as usize)
                .map(str::len)
                .sum::<usize>()
        };
        let start = line_start(e.range.start.line) + e.range.start.character as usize;
        let end = line_start(e.range.end.line) + e.range.end.character as usize;
        text.replace_range(start..end, &e.new_text);
    }
    let after = check(&text, &Options::default());
    assert!(rules(&after.diagnostics).contains(&"yaml-duplicate-key"));
}

#[test]
fn one_security_context_block_per_container() {
    let result = assert_sound(MANY_MISSING, &Options::default(), "many-missing");
    insta::assert_snapshot!("many_missing_fixed", result.text);
    // Three containers, three blocks: the sidecar's own block was extended.
    assert_eq!(result.text.matches("securityContext:").count(), 3);
    assert_eq!(
        result
            .text
            .matches("allowPrivilegeEscalation: false")
            .count(),
        3
    );
    assert_eq!(result.text.matches("type: RuntimeDefault").count(), 3);
    let applied: Vec<&str> = result.applied.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(applied.len(), 7, "{applied:?}");
    for rule in [
        "allow-privilege-escalation",
        "seccomp-profile-restricted",
        "deprecated-registry",
    ] {
        assert!(applied.contains(&rule), "{applied:?}");
        assert!(
            !rules(&result.diagnostics).contains(&rule),
            "{rule} remains"
        );
    }
    // Unsafe fixes stay findings, listed as skipped.
    for rule in [
        "run-as-non-root",
        "capabilities-restricted",
        "read-only-root-filesystem",
        "automount-service-account-token",
    ] {
        assert!(
            result
                .skipped
                .iter()
                .any(|s| s.rule == rule && s.reason == SkipReason::Unsafe),
            "{rule}: {:?}",
            result.skipped
        );
        assert!(rules(&result.diagnostics).contains(&rule));
    }
    // Pass 1: one fix per insertion point (and the image, elsewhere);
    // pass 2: the second securityContext field of each container.
    assert_eq!(result.passes, 2);
}

#[test]
fn flow_collections_get_no_fix_and_stay_unchanged() {
    let result = assert_sound(FLOW, &Options::default(), "flow");
    assert_eq!(result.text, FLOW);
    assert!(result.applied.is_empty());
    // set_field offers no edit into `securityContext: {}`: the findings stay
    // without a fix, and say why (on the diagnostic and in `skipped`).
    let ape = result
        .diagnostics
        .iter()
        .find(|d| d.rule == "allow-privilege-escalation")
        .unwrap();
    assert!(ape.fix.is_none());
    let no_fix = ape.no_fix.as_ref().unwrap();
    assert_eq!(no_fix.reason, SkipReason::FlowStyle);
    assert_eq!(no_fix.title, "Set allowPrivilegeEscalation to false");
    let skipped = result
        .skipped
        .iter()
        .find(|s| s.rule == "allow-privilege-escalation")
        .unwrap();
    assert_eq!(skipped.reason, SkipReason::FlowStyle);
    assert_eq!(
        skipped.path.as_deref(),
        Some("spec.containers[0].securityContext.allowPrivilegeEscalation")
    );
    assert!(
        result
            .skipped
            .iter()
            .all(|s| matches!(s.reason, SkipReason::Unsafe | SkipReason::FlowStyle))
    );
    assert_eq!(result.passes, 0);
}

#[test]
fn flow_style_pods_list_their_fixes_as_skipped() {
    let pod = "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: nginx}]}}\n";
    let result = fix_all(pod, &Options::default());
    assert_eq!(result.text, pod);
    assert!(result.applied.is_empty());
    let flow: Vec<&str> = result
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::FlowStyle)
        .map(|s| s.rule.as_str())
        .collect();
    assert!(flow.contains(&"allow-privilege-escalation"), "{flow:?}");
    assert!(flow.contains(&"seccomp-profile-restricted"), "{flow:?}");
    // Every finding that would have a fix is either fixable or says why not.
    for d in &result.diagnostics {
        if let Some(no) = &d.no_fix {
            assert!(d.fix.is_none());
            assert!(
                result
                    .skipped
                    .iter()
                    .any(|s| s.rule == d.rule && s.path == d.path && s.reason == no.reason)
            );
        }
    }
}

#[test]
fn json_input_stays_json() {
    let result = assert_sound(JSON, &Options::default(), "json");
    assert_eq!(result.text, JSON);
    serde_json::from_str::<serde_json::Value>(&result.text).unwrap();
    // The registry fix writes a plain scalar over a JSON string: tried, undone.
    let s = result
        .skipped
        .iter()
        .find(|s| s.rule == "deprecated-registry")
        .unwrap();
    assert_eq!(s.reason, SkipReason::BreaksJson);
    assert_eq!(result.passes, 1);

    // Two resources: their fixes are tried together, fail, then one by one.
    let list = r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": [{"name": "c", "image": "k8s.gcr.io/a:1"}]}},
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}, "spec": {"containers": [{"name": "c", "image": "k8s.gcr.io/b:1"}]}}
]}"#;
    let result = assert_sound(list, &Options::default(), "json list");
    assert_eq!(result.text, list);
    let breaks: Vec<_> = result
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::BreaksJson)
        .collect();
    assert_eq!(breaks.len(), 2, "{:?}", result.skipped);
    // Batch (a+b), a alone, then b alone.
    assert_eq!(result.passes, 3);
}

#[test]
fn crlf_and_non_ascii_before_the_edit() {
    let lf = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    note: \"é😀 日本語 🚀\"\nspec:\n  containers:\n  - name: a\n    image: k8s.gcr.io/pause:3.9 # ünïcode 😀\n";
    let crlf = lf.replace('\n', "\r\n");
    let from_lf = assert_sound(lf, &Options::default(), "lf");
    let from_crlf = assert_sound(&crlf, &Options::default(), "crlf");
    assert_eq!(from_lf.applied, from_crlf.applied);
    assert_eq!(from_lf.applied.len(), 3);
    assert_eq!(from_crlf.text, from_lf.text.replace('\n', "\r\n"));
    assert!(!from_crlf.text.replace("\r\n", "").contains('\n'));
    assert!(from_lf.text.contains(
        "    image: registry.k8s.io/pause:3.9 # ünïcode 😀\n    securityContext:\n      allowPrivilegeEscalation: false\n"
    ));
    // A BOM is kept, and positions count without it.
    let bom = format!("\u{feff}{crlf}");
    let with_bom = fix_all(&bom, &Options::default());
    assert_eq!(with_bom.text, format!("\u{feff}{}", from_crlf.text));
}

#[test]
fn a_broken_document_does_not_stop_the_others() {
    let result = assert_sound(MULTI_BROKEN, &Options::default(), "multi-broken");
    assert!(rules(&result.diagnostics).contains(&"yaml-syntax"));
    // Two documents, two fixes each at one insertion point: two passes.
    assert_eq!(result.applied.len(), 4);
    assert_eq!(result.passes, 2);
    let docs: Vec<&str> = result.text.split("---\n").collect();
    let original: Vec<&str> = MULTI_BROKEN.split("---\n").collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1], original[1], "the broken document is untouched");
    for i in [0, 2] {
        assert!(
            docs[i].contains("allowPrivilegeEscalation: false"),
            "{}",
            docs[i]
        );
        assert!(docs[i].contains("type: RuntimeDefault"), "{}", docs[i]);
    }
}

#[test]
fn options_choose_the_fixes() {
    let opts = Options {
        disable: vec![
            "seccomp-profile-restricted".into(),
            "yaml-duplicate-key".into(),
        ],
        ..Options::default()
    };
    let result = assert_sound(MANY_MISSING, &opts, "disabled");
    assert!(!result.text.contains("RuntimeDefault"));
    assert!(
        result
            .applied
            .iter()
            .all(|a| a.rule != "seccomp-profile-restricted")
    );
    // A disabled guard rule stays out of the result, but still guards.
    assert!(!rules(&result.diagnostics).contains(&"yaml-duplicate-key"));
    assert_eq!(result.text.matches("securityContext:").count(), 3);
}

#[test]
fn the_pass_limit_stops_and_says_so() {
    let result = kubeharden::fix_all::fix_all_within(MANY_MISSING, &Options::default(), 1);
    assert_eq!(result.passes, 1);
    assert_eq!(result.applied.len(), 4);
    let limited = result
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::PassLimit)
        .count();
    assert_eq!(limited, 3, "{:?}", result.skipped);
    // Still one block per container: the rest waits for a pass it never gets.
    assert!(!rules(&result.diagnostics).contains(&"yaml-duplicate-key"));
}

/// Found by the fix_all fuzz target: a repeated key (`containers` twice)
/// whose last value Kubernetes' JSON keeps. Findings read the last one, so
/// their ranges and fixes must point there too, not at the first.
#[test]
fn a_repeated_key_is_fixed_where_its_kept_value_is() {
    let src = "kind: Pod\nspec:\n  containers:\n  - e: a\n---\nkind: Pod\nm: h-\nspec:\n  containers:\n  - 17: a\n  containers:\n  -\n";
    let result = assert_sound(src, &Options::default(), "repeated key");
    // The first pod is fixed; the second one's container is the null item
    // under the second `containers`, which no edit can reach.
    assert!(
        result
            .text
            .starts_with("kind: Pod\nspec:\n  containers:\n  - e: a\n    securityContext:\n")
    );
    assert!(
        result
            .text
            .ends_with("  containers:\n  - 17: a\n  containers:\n  -\n"),
        "{}",
        result.text
    );
    let second = check(src, &Options::default())
        .diagnostics
        .into_iter()
        .find(|d| d.rule == "allow-privilege-escalation" && d.range.start.line > 4)
        .expect("the second pod's finding");
    assert_eq!(second.range.start.line, 11, "{second:?}");
}

#[test]
fn hostile_input_ends_quickly() {
    // Many containers, each with two safe fixes: bounded, and all applied.
    let mut many =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n");
    for i in 0..150 {
        many.push_str(&format!("  - name: c{i}\n    image: example.com/c:{i}\n"));
    }
    let result = fix_all(&many, &Options::default());
    assert_eq!(result.applied.len(), 300);
    assert_eq!(result.passes, 2);
    assert!(
        rules(&result.diagnostics)
            .iter()
            .all(|r| *r != "allow-privilege-escalation")
    );
    // Inputs the reader refuses or cuts off: nothing to fix, text unchanged.
    let deep = "[".repeat(20_000);
    let nested: String = (0..3000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    for source in [
        "",
        "\u{feff}",
        "\r\n\r\n",
        "{{ .Values.x }}",
        "a: [",
        &deep,
        &nested,
        "apiVersion: v1\nkind: Pod\nspec: {containers: 1}",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - &c {name: a, image: b}\n  - *c\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: b\n    image: c\n",
    ] {
        let r = fix_all(source, &Options::default());
        assert!(
            r.passes <= r.applied.len() + r.skipped.len() + 1,
            "{source:.40}"
        );
        assert_sound(source, &Options::default(), &format!("{source:.40}"));
    }
}

/// Every fixture and, when `../shared` exists, every real manifest: sound.
#[test]
fn fixtures_and_corpus_are_fixed_soundly() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = common::manifest_files(&root.join("fixtures"));
    files.extend(common::manifest_files(&root.join("fix_data")));
    if let Some((_, corpus)) = common::corpus_files("fix_all over the real corpus") {
        files.extend(corpus);
    }
    let mut applied = 0;
    for f in &files {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        applied += assert_sound(&text, &Options::default(), &f.display().to_string())
            .applied
            .len();
    }
    assert!(applied > 20, "{applied}");
}
