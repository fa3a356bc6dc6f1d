//! Exceptions with reasons: the annotation, the comment and the config's
//! exemptions suppress exactly what they name, and every wrong form (no
//! reason, placeholder reason, unknown rule, bad or past date, nothing
//! suppressed) is a finding at the exception. Also SARIF suppressions and the
//! CLI's baseline.

use kubeharden::config::parse_config;
use kubeharden::exceptions::{Date, SuppressionKind};
use kubeharden::{Diagnostic, Options, Source, check, check_bundle};

fn options() -> Options {
    Options {
        today: Date::parse("2026-06-01"),
        ..Options::default()
    }
}

fn at(d: &Diagnostic) -> String {
    let r = d.range;
    format!(
        "{}:{}-{}:{}",
        r.start.line + 1,
        r.start.character + 1,
        r.end.line + 1,
        r.end.character + 1
    )
}

/// `rule at message` of the exception findings.
fn exception_findings(ds: &[Diagnostic]) -> Vec<String> {
    ds.iter()
        .filter(|d| d.rule.starts_with("exception-"))
        .map(|d| format!("{} {} {}", d.rule, at(d), d.message))
        .collect()
}

/// Rules of the suppressed findings, with their suppression kind.
fn suppressed(ds: &[Diagnostic]) -> Vec<(String, SuppressionKind)> {
    ds.iter()
        .filter_map(|d| d.suppression.as_ref().map(|s| (d.rule.clone(), s.kind)))
        .collect()
}

const FALCO: &str = "\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: falco
  namespace: falco
  annotations:
    kubeharden.dev/ignore: \"privileged, host-namespaces: Falco reads kernel events\"
spec:
  selector: {matchLabels: {app: falco}}
  template:
    metadata:
      labels: {app: falco}
    spec:
      hostPID: true
      containers:
      - name: falco
        image: falcosecurity/falco:0.39.0
        securityContext:
          privileged: true
";

#[test]
fn an_annotation_covers_its_workload_and_pod_template() {
    let report = check(FALCO, &options());
    let s = suppressed(&report.diagnostics);
    assert!(s.contains(&("privileged".into(), SuppressionKind::Annotation)));
    assert!(s.contains(&("host-namespaces".into(), SuppressionKind::Annotation)));
    assert_eq!(s.len(), 2, "{s:?}");
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "privileged")
        .unwrap();
    let sup = d.suppression.as_ref().unwrap();
    assert_eq!(sup.reason, "Falco reads kernel events");
    assert_eq!(sup.location.range.start.line, 6);
    assert!(exception_findings(&report.diagnostics).is_empty());
    // The JSON carries the suppression; unsuppressed findings have none.
    let json = serde_json::to_value(&report).unwrap();
    let marked: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("suppression").is_some())
        .collect();
    assert_eq!(marked.len(), 2);
    assert_eq!(marked[0]["suppression"]["kind"], "annotation");
}

#[test]
fn wrong_annotations_are_findings_at_the_annotation() {
    let cases = [
        (
            "privileged",
            vec![
                "exception-invalid 7:28-7:40 this exception has no reason, so it does not apply: write `<rule>: <reason>`",
            ],
        ),
        (
            "privileged: TODO: reason",
            vec![
                "exception-invalid 7:28-7:54 the reason \"TODO: reason\" is a placeholder, so this exception does not apply: write why the risk is accepted",
            ],
        ),
        (
            "privileged, privilegd: kernel events",
            vec![
                "exception-invalid 7:41-7:50 unknown rule id \"privilegd\" in this exception; did you mean \"privileged\"?",
            ],
        ),
        (
            "privileged: kernel events until 2026-05-31",
            vec![
                "exception-expired 7:61-7:71 this exception expired on 2026-05-31; its findings are reported again",
            ],
        ),
        (
            "privileged: kernel events until 31.05.2026",
            vec![
                "exception-invalid 7:61-7:71 invalid date \"31.05.2026\" after `until`: expected YYYY-MM-DD",
            ],
        ),
        (
            "privileged, image-tag: kernel events",
            vec![
                "exception-unused 7:41-7:50 this exception of image-tag suppresses nothing: remove it",
            ],
        ),
    ];
    for (value, expected) in cases {
        let text = FALCO.replace(
            "\"privileged, host-namespaces: Falco reads kernel events\"",
            &format!("\"{value}\""),
        );
        let report = check(&text, &options());
        assert_eq!(exception_findings(&report.diagnostics), expected, "{value}");
        let applies = !value.contains("TODO")
            && value.contains(": ")
            && !value.contains("2026-05-31")
            && !value.contains("31.05");
        let is_suppressed = report
            .diagnostics
            .iter()
            .any(|d| d.rule == "privileged" && d.suppression.is_some());
        assert_eq!(is_suppressed, applies, "{value}");
    }
    // Still current on its last day.
    let text = FALCO.replace(
        "Falco reads kernel events\"",
        "Falco reads kernel events until 2026-06-01\"",
    );
    let report = check(&text, &options());
    assert_eq!(suppressed(&report.diagnostics).len(), 2);
    // Without a date to compare with, nothing expires.
    let report = check(
        &FALCO.replace("events\"", "events until 2020-01-01\""),
        &Options::default(),
    );
    assert_eq!(suppressed(&report.diagnostics).len(), 2);
}

/// A pod whose first container's fields the tests go on with.
macro_rules! web_pod {
    () => {
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n"
    };
}

const COMMENTED: &str = concat!(
    web_pod!(),
    "    # kubeharden-ignore image-tag, image-digest: the release job pins it
    image: nginx:latest
    securityContext:
      privileged: true # kubeharden-ignore privileged: a test pod
  - name: sidecar
    image: busybox:latest
"
);

#[test]
fn a_comment_covers_the_node_on_its_line_or_the_next() {
    let report = check(COMMENTED, &options());
    let s = suppressed(&report.diagnostics);
    assert!(s.contains(&("image-tag".into(), SuppressionKind::Comment)));
    assert!(s.contains(&("image-digest".into(), SuppressionKind::Comment)));
    assert!(s.contains(&("privileged".into(), SuppressionKind::Comment)));
    // The sidecar's image on line 13 is not covered.
    let sidecar: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "image-tag" && d.range.start.line == 12)
        .collect();
    assert_eq!(sidecar.len(), 1);
    assert!(sidecar[0].suppression.is_none());
    assert!(exception_findings(&report.diagnostics).is_empty());
}

#[test]
fn a_comment_on_a_field_covers_what_is_under_it() {
    let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  # kubeharden-ignore run-as-non-root: the image's entrypoint drops to uid 1000
  - name: app
    image: nginx:1.27
";
    let report = check(text, &options());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "run-as-non-root")
        .unwrap();
    assert!(d.suppression.is_some(), "{d:?}");
}

#[test]
fn wrong_comments_are_findings_at_the_comment() {
    let text = concat!(
        web_pod!(),
        "    # kubeharden-ignore image-tag
    image: nginx:latest
    # kubeharden-ignore imagetag: pinned
    imagePullPolicy: Always
    # kubeharden-ignore privileged: nothing is privileged here
    securityContext: {}
# kubeharden-ignore image-tag: at the end, before nothing
"
    );
    let report = check(text, &options());
    insta::assert_snapshot!(exception_findings(&report.diagnostics).join("\n"), @r###"
    exception-invalid 8:5-8:34 this exception has no reason, so it does not apply: write `<rule>: <reason>`
    exception-invalid 10:25-10:33 unknown rule id "imagetag" in this exception; did you mean "image-tag"?
    exception-unused 12:25-12:35 this exception of privileged suppresses nothing: remove it
    exception-unused 14:1-14:58 this exception comment is followed by no field, so it suppresses nothing
    "###);
    assert!(suppressed(&report.diagnostics).is_empty());
    // In a value, the marker is text, not a comment.
    let quoted = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  note: \"x# kubeharden-ignore image-tag: no\"
";
    assert!(exception_findings(&check(quoted, &options()).diagnostics).is_empty());
}

#[test]
fn a_comment_never_covers_the_next_document() {
    // Found by the `bundle` fuzz target: the comment ends its document, so it
    // is followed by no field whether a document follows it or not.
    let first = concat!(web_pod!(), "    # kubeharden-ignore im");
    let unused = "exception-unused 8:5-8:27 this exception comment is followed by no field, so it suppresses nothing";
    for text in [
        first.to_string(),
        format!("{first}\n"),
        format!("{first}\n---\n\n---\nns:\n  a: b\n"),
        format!("{first}\n...\n---\napiVersion: v1\nkind: Pod\n"),
    ] {
        let report = check(&text, &options());
        assert_eq!(exception_findings(&report.diagnostics), [unused], "{text}");
    }
}

#[test]
fn config_exemptions_select_by_kind_namespace_and_name_globs() {
    let config = "\
exemptions:
  - rules: [privileged, host-namespaces]
    kind: DaemonSet
    namespace: fal*
    name: falco
    reason: Falco reads kernel events
  - rules: [image-tag]
    name: nothing-*
    reason: the release job pins it
  - rules: [privileged]
    kind: DaemonSet
  - rules: [no-such-rule, image-digest]
    reason: pinned by tag on purpose
  - rules: [privileged]
    kind: DaemonSet
    reason: will be fixed
    until: 2026-01-01
";
    let parsed = parse_config(".kubeharden.yaml", config);
    assert!(parsed.diagnostics.is_empty());
    let mut options = parsed.config.options(&kubeharden::config::Overrides {
        today: Date::parse("2026-06-01"),
        ..Default::default()
    });
    options.profile = kubeharden::rules::Profile::Hardened;
    let falco = FALCO.replace(
        "  annotations:\n    kubeharden.dev/ignore: \"privileged, host-namespaces: Falco reads kernel events\"\n",
        "",
    );
    let reports = check_bundle(
        &[
            Source {
                name: "falco.yaml",
                text: &falco,
            },
            Source {
                name: ".kubeharden.yaml",
                text: config,
            },
        ],
        &options,
    );
    let s = suppressed(&reports[0].diagnostics);
    assert!(s.contains(&("privileged".into(), SuppressionKind::Config)));
    assert!(s.contains(&("host-namespaces".into(), SuppressionKind::Config)));
    assert!(s.contains(&("image-digest".into(), SuppressionKind::Config)));
    assert!(exception_findings(&reports[0].diagnostics).is_empty());
    // The findings about the entries are in the config file, at the entry.
    insta::assert_snapshot!(exception_findings(&reports[1].diagnostics).join("\n"), @r###"
    exception-unused 7:13-7:22 this exception of image-tag suppresses nothing: remove it
    exception-invalid 10:5-11:20 this exception has no reason, so it does not apply: write `<rule>: <reason>`
    exception-invalid 12:13-12:25 unknown rule id "no-such-rule" in this exception
    exception-expired 17:12-17:22 this exception expired on 2026-01-01; its findings are reported again
    "###);
    // Without the config among the sources (`kubeharden fix`, a single
    // buffer) its exemptions apply, and nothing is said about them.
    let alone = check(&falco, &options);
    assert!(
        suppressed(&alone.diagnostics).contains(&("privileged".into(), SuppressionKind::Config))
    );
    assert!(exception_findings(&alone.diagnostics).is_empty());
}

#[test]
fn sarif_puts_suppressed_findings_in_suppressions() {
    let report = check(FALCO, &options());
    let log = serde_json::to_value(kubeharden::render::sarif::sarif(&[(
        "falco.yaml".into(),
        &report.diagnostics,
    )]))
    .unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let with: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(with.len(), 2);
    let s = &with[0]["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(s["status"], "accepted");
    assert_eq!(s["justification"], "Falco reads kernel events");
    assert_eq!(s["location"]["physicalLocation"]["region"]["startLine"], 7);
}

#[test]
fn severity_overrides_apply() {
    let parsed = parse_config("c", "severity:\n  privileged: low\n");
    let options = parsed.config.options(&Default::default());
    let text = FALCO.replace("kubeharden.dev/ignore", "note");
    let report = check(&text, &options);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "privileged")
        .unwrap();
    assert_eq!(d.severity, kubeharden::Severity::Low);
}

mod cli {
    use std::process::Command;

    fn kubeharden(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_kubeharden"))
            .current_dir(dir)
            .arg("check")
            .args(args)
            .output()
            .unwrap()
    }

    #[test]
    fn text_output_hides_and_counts_suppressed_findings() {
        let dir = std::env::temp_dir().join(format!("kh-exc-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("falco.yaml"), super::FALCO).unwrap();
        let out = kubeharden(&dir, &["--fail-on", "critical", "falco.yaml"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("[privileged]"), "{text}");
        assert!(
            text.contains("; 2 suppressed (--show-suppressed shows them)"),
            "{text}"
        );
        let out = kubeharden(&dir, &["--show-suppressed", "falco.yaml"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("[privileged]"));
        assert!(
            text.contains("suppressed (annotation) at falco.yaml:7: Falco reads kernel events")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_baseline_accepts_todays_findings_and_names_stale_entries() {
        let dir = std::env::temp_dir().join(format!("kh-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:latest\n";
        std::fs::write(dir.join("pod.yaml"), pod).unwrap();
        let out = kubeharden(&dir, &["--write-baseline", "baseline.json", "pod.yaml"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("wrote"));
        let written = std::fs::read_to_string(dir.join("baseline.json")).unwrap();
        assert!(!written.contains("\"line\""), "no positions in a baseline");

        // Unrelated edits (lines above, a comment) keep every entry matching.
        let edited = format!(
            "# owned by team web\n\n{}",
            pod.replace("  name: web\n", "  name: web\n  labels: {app: web}\n")
        );
        std::fs::write(dir.join("pod.yaml"), &edited).unwrap();
        let out = kubeharden(
            &dir,
            &[
                "--baseline",
                "baseline.json",
                "--format",
                "json",
                "pod.yaml",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ds = json["files"][0]["diagnostics"].as_array().unwrap();
        assert!(!ds.is_empty());
        assert!(ds.iter().all(|d| d["suppression"]["kind"] == "baseline"));
        assert!(String::from_utf8_lossy(&out.stderr).is_empty());

        // A new finding fails; a fixed one makes its entry stale.
        let changed = edited
            .replace("image: nginx:latest", "image: nginx:1.27")
            .replace("  containers:\n", "  hostNetwork: true\n  containers:\n");
        std::fs::write(dir.join("pod.yaml"), &changed).unwrap();
        let out = kubeharden(&dir, &["--baseline", "baseline.json", "pod.yaml"]);
        assert_eq!(out.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("[host-namespaces]"), "{stdout}");
        assert!(!stdout.contains("[run-as-non-root]"), "{stdout}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("baseline entry no longer matches a finding (remove it or write the baseline again): image-tag in pod.yaml (Pod/-/web at spec.containers[0].image)"),
            "{stderr}"
        );
        // A file that is not a baseline: exit 2.
        let out = kubeharden(&dir, &["--baseline", "pod.yaml", "pod.yaml"]);
        assert_eq!(out.status.code(), Some(2));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

mod quick_fix {
    use super::*;
    use kubeharden::ignore_fix;
    use kubeharden::model::edit::apply_edits;

    fn finding<'a>(ds: &'a [Diagnostic], rule: &str) -> &'a Diagnostic {
        ds.iter().find(|d| d.rule == rule).unwrap()
    }

    #[test]
    fn ignore_with_a_reason_inserts_a_placeholder_that_is_reported_until_replaced() {
        let text = FALCO.replace(
            "  annotations:\n    kubeharden.dev/ignore: \"privileged, host-namespaces: Falco reads kernel events\"\n",
            "  labels: {app: falco}\n",
        );
        let report = check(&text, &options());
        let d = finding(&report.diagnostics, "privileged");
        let fix = ignore_fix(&text, "privileged", d.range.start).expect("a fix");
        assert_eq!(
            fix.title,
            "Ignore privileged on DaemonSet falco with a reason"
        );
        assert_eq!(
            fix.applicability,
            kubeharden::diagnostic::Applicability::Unsafe
        );
        let fixed = apply_edits(&text, &fix.edits).unwrap();
        assert!(fixed.contains(
            "  labels: {app: falco}\n  annotations:\n    kubeharden.dev/ignore: \"privileged: TODO: reason\"\n"
        ), "{fixed}");
        let report = check(&fixed, &options());
        assert!(
            finding(&report.diagnostics, "privileged")
                .suppression
                .is_none()
        );
        assert_eq!(
            exception_findings(&report.diagnostics),
            vec![
                "exception-invalid 8:28-8:54 the reason \"TODO: reason\" is a placeholder, so this exception does not apply: write why the risk is accepted"
            ]
        );
        // With a real reason, it applies.
        let reasoned = fixed.replace("TODO: reason", "Falco reads kernel events");
        let report = check(&reasoned, &options());
        assert!(
            finding(&report.diagnostics, "privileged")
                .suppression
                .is_some()
        );
        assert!(exception_findings(&report.diagnostics).is_empty());
    }

    #[test]
    fn ignore_extends_an_existing_annotation_and_keeps_its_reason_and_date() {
        let text = FALCO.replace("events\"", "events until 2030-01-01\"");
        let report = check(&text, &options());
        let d = finding(&report.diagnostics, "image-digest");
        let fix = ignore_fix(&text, "image-digest", d.range.start).unwrap();
        let fixed = apply_edits(&text, &fix.edits).unwrap();
        assert!(fixed.contains(
            "kubeharden.dev/ignore: \"privileged, host-namespaces, image-digest: Falco reads kernel events until 2030-01-01\"\n"
        ), "{fixed}");
        let report = check(&fixed, &options());
        assert!(
            finding(&report.diagnostics, "image-digest")
                .suppression
                .is_some()
        );
        // Already ignored: nothing to offer.
        let p = finding(&report.diagnostics, "privileged");
        assert!(ignore_fix(&fixed, "privileged", p.range.start).is_none());
    }

    #[test]
    fn no_fix_outside_a_resource() {
        assert!(ignore_fix("a: [", "yaml-syntax", Default::default()).is_none());
    }
}
