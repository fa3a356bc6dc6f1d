//! One bundle per run: resources split over many sources give the findings
//! the same resources give in one source, each finding in the file of its
//! resource; and the CLI's reading of directories (gitignore, symbolic-link
//! loops, special files, non-UTF-8 bytes, the size limit).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use kubeharden::{Options, Source, check, check_bundle, rules::registry};

/// The documents of a stream, cut at `---` lines (each keeps its text).
fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            docs.push(String::new());
        } else {
            docs.last_mut().unwrap().push_str(line);
        }
    }
    docs.retain(|d| !d.trim().is_empty());
    docs
}

/// What must not depend on how the resources are split into files: rule,
/// resource, path, severity, and the message with places made neutral
/// (`line 12` and `line 3 of b.yaml` both read `line N`).
type Key = (String, String, String, String, String);

fn neutral(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            out.push_str("line ");
            rest = after;
            continue;
        }
        out.push_str("line N");
        rest = &after[digits..];
        if let Some(tail) = rest.strip_prefix(" of ") {
            let name_len = tail.find([')', ' ', ',', ';']).unwrap_or(tail.len());
            rest = &tail[name_len..];
        }
    }
    out.push_str(rest);
    out
}

fn keys<'a>(diags: impl Iterator<Item = &'a kubeharden::Diagnostic>) -> BTreeMap<Key, usize> {
    let mut m = BTreeMap::new();
    for d in diags {
        let resource = d
            .resource
            .as_ref()
            .map(|r| format!("{}/{:?}/{:?}", r.kind, r.namespace, r.name))
            .unwrap_or_default();
        let key = (
            d.rule.clone(),
            resource,
            d.path.clone().unwrap_or_default(),
            d.severity.as_str().to_string(),
            neutral(&d.message),
        );
        *m.entry(key).or_default() += 1;
    }
    m
}

/// Checks `text` whole and split into one source per document, and
/// requires the same findings, each split one in the source of its resource.
fn assert_split_equals_joined(label: &str, text: &str, options: &Options) -> usize {
    let docs = split_documents(text);
    if docs.len() < 2 {
        return 0;
    }
    let joined = check(text, options);
    let named = one_file_per_document(&docs);
    let split = check_bundle(&sources_of(&named), options);
    assert_eq!(split.len(), docs.len(), "{label}: one report per source");
    for (i, report) in split.iter().enumerate() {
        let alone = check(&docs[i], options);
        assert_eq!(
            report.resources.len(),
            alone.resources.len(),
            "{label}: source {i} keeps its own resources"
        );
        for d in &report.diagnostics {
            if let Some(r) = &d.resource {
                assert!(
                    report.resources.iter().any(|s| s.id == *r),
                    "{label}: {} on {r:?} is reported in source {i}, which does not hold it",
                    d.rule
                );
            }
        }
    }
    let a = keys(joined.diagnostics.iter());
    let b = keys(split.iter().flat_map(|r| &r.diagnostics));
    assert_eq!(a, b, "{label}: one file and one file per document differ");
    a.values().sum()
}

#[test]
fn every_multi_document_fixture_gives_the_same_findings_split_into_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let options = Options::default();
    let (mut files, mut findings) = (0, 0);
    for f in common::manifest_files(&root) {
        let text = std::fs::read_to_string(&f).unwrap();
        let n = assert_split_equals_joined(&f.display().to_string(), &text, &options);
        if n > 0 {
            files += 1;
            findings += n;
        }
    }
    assert!(files >= 10, "only {files} multi-document fixtures");
    assert!(findings >= 100, "only {findings} findings compared");
}

#[test]
fn every_rule_example_gives_the_same_findings_split_into_files() {
    let mut compared = 0;
    for rule in registry() {
        for (which, text) in [
            ("bad", rule.meta.bad_example),
            ("good", rule.meta.good_example),
        ] {
            let label = format!("{} {which} example", rule.meta.id);
            compared += assert_split_equals_joined(&label, text, &Options::default());
        }
    }
    assert!(compared > 50, "only {compared} findings compared");
}

#[test]
fn the_real_corpus_gives_the_same_findings_split_into_files() {
    let Some((_, files)) = common::corpus_files("bundle split of the real corpus") else {
        return;
    };
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert_split_equals_joined(&f.display().to_string(), &text, &Options::default());
    }
}

#[test]
fn a_message_naming_a_resource_in_another_file_names_the_file() {
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  serviceAccountName: web\n  containers:\n  - name: a\n    image: nginx:1.27\n";
    let reports = check_bundle(
        &[
            Source {
                name: "k8s/sa.yaml",
                text: sa,
            },
            Source {
                name: "k8s/pod.yaml",
                text: pod,
            },
        ],
        &Options::default(),
    );
    let automount = reports[1]
        .diagnostics
        .iter()
        .find(|d| d.rule == "automount-service-account-token")
        .expect("the pod's token finding");
    assert!(
        automount.message.contains("(line 1 of k8s/sa.yaml)"),
        "{}",
        automount.message
    );
    assert!(
        !reports[1]
            .diagnostics
            .iter()
            .any(|d| d.rule == "missing-service-account"),
        "the ServiceAccount in the other file counts"
    );
}

// ---------------------------------------------------------------------------
// The CLI: directories as one bundle, and what it refuses to read.

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bundle_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn rules_in(report: &serde_json::Value, file_suffix: &str) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(file_suffix))
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

const NAMESPACE: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: LimitRange
metadata:
  name: limits
  namespace: shop
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
  namespace: shop
spec:
  hard: {pods: \"20\"}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
automountServiceAccountToken: false
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.27
";

#[test]
fn a_directory_is_one_bundle() {
    let d = dir("repo");
    std::fs::write(d.join("namespace.yaml"), NAMESPACE).unwrap();
    std::fs::write(d.join("deployment.yaml"), DEPLOYMENT).unwrap();
    let o = bin(&["check", "--format", "json", d.to_str().unwrap()]);
    let report = json(&o);
    let rules = rules_in(&report, "deployment.yaml");
    for absent in [
        "network-policy-default-deny",
        "network-policy-coverage",
        "namespace-resource-policies",
        "missing-service-account",
        "automount-service-account-token",
    ] {
        assert!(
            !rules.iter().any(|r| r == absent),
            "{absent} reported although namespace.yaml holds what it asks for: {rules:?}"
        );
    }
    // The same Deployment alone still gets them.
    std::fs::remove_file(d.join("namespace.yaml")).unwrap();
    let alone = rules_in(
        &json(&bin(&["check", "--format", "json", d.to_str().unwrap()])),
        "deployment.yaml",
    );
    for present in [
        "network-policy-default-deny",
        "namespace-resource-policies",
        "automount-service-account-token",
    ] {
        assert!(alone.iter().any(|r| r == present), "{present}: {alone:?}");
    }
}

#[test]
fn gitignored_files_are_not_read() {
    let d = dir("gitignore");
    std::fs::create_dir_all(d.join("rendered")).unwrap();
    std::fs::write(d.join(".gitignore"), "rendered/\n").unwrap();
    std::fs::write(d.join("rendered/pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n    securityContext: {privileged: true}\n").unwrap();
    std::fs::write(
        d.join("ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    )
    .unwrap();
    let report = json(&bin(&["check", "--format", "json", d.to_str().unwrap()]));
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("ns.yaml"));
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_noted_once_and_each_file_is_read_once() {
    let d = dir("symlinks");
    std::fs::write(d.join("pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n").unwrap();
    std::os::unix::fs::symlink(".", d.join("s1")).unwrap();
    std::os::unix::fs::symlink(".", d.join("s2")).unwrap();
    std::os::unix::fs::symlink("pod.yaml", d.join("again.yaml")).unwrap();
    let o = bin(&["check", "--format", "json", d.to_str().unwrap()]);
    let report = json(&o);
    assert_eq!(report["files"].as_array().unwrap().len(), 1, "{report}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.matches("(a loop)").count(), 2, "{stderr}");
}

#[cfg(unix)]
#[test]
fn special_files_in_a_walk_are_skipped_with_a_note() {
    let d = dir("fifo");
    let fifo = d.join("pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    std::fs::write(
        d.join("ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    )
    .unwrap();
    let o = bin(&["check", "--format", "json", d.to_str().unwrap()]);
    assert_eq!(json(&o)["files"].as_array().unwrap().len(), 1);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("pipe.yaml: skipped: not a regular file"),
        "{stderr}"
    );
}

#[test]
fn invalid_utf8_is_a_diagnostic_at_the_first_bad_byte() {
    let d = dir("utf8");
    let f = d.join("pod.yaml");
    let mut bytes = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xc3\xa9-".to_vec();
    bytes.extend_from_slice(b"\xff\xfe\n");
    std::fs::write(&f, &bytes).unwrap();
    let o = bin(&["check", "--format", "json", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "a file that cannot be read fails");
    let report = json(&o);
    let d0 = &report["files"][0]["diagnostics"][0];
    assert_eq!(d0["rule"], "yaml-syntax");
    assert_eq!(d0["range"]["start"]["line"], 3);
    // `  name: café-`: the bad byte is the 14th character (UTF-16 column 13).
    assert_eq!(d0["range"]["start"]["character"], 13);
    assert!(
        d0["message"].as_str().unwrap().contains("byte 0xFF"),
        "{d0}"
    );
    // `fix` refuses it too, writing nothing.
    let o = bin(&["fix", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&f).unwrap(), bytes);
}

#[test]
fn an_input_above_the_limit_is_refused_without_reading_it_whole() {
    let d = dir("limit");
    let f = d.join("big.yaml");
    let file = std::fs::File::create(&f).unwrap();
    // Sparse: 1 GiB on disk costs nothing; reading it whole would.
    file.set_len(1 << 30).unwrap();
    drop(file);
    let o = bin(&["check", "--format", "json", f.to_str().unwrap()]);
    let report = json(&o);
    let diags = report["files"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["rule"], "input-limit");
    let _ = std::fs::remove_file(Path::new(&f));
}

/// Documents named as files `doc0.yaml`, `doc1.yaml`, ...
fn one_file_per_document(docs: &[String]) -> Vec<(String, String)> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| (format!("doc{i}.yaml"), d.clone()))
        .collect()
}

/// Each file's path and text.
fn named_texts(files: &[PathBuf]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
        .collect()
}

fn sources_of(texts: &[(String, String)]) -> Vec<Source<'_>> {
    texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect()
}

/// Reports of a bundle as text, for comparing two ways of checking it.
fn reports_json(reports: &[kubeharden::Report]) -> Vec<String> {
    reports
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect()
}

/// A large bundle lets each source's trees go once its resources are read
/// and reads them again where needed (placing findings, fixes, exception
/// comments and annotations, messages and related sites naming a line in
/// another file), and runs the rules about workloads on a window of its
/// sources at a time: the reports must be the very same as with the trees
/// kept and the rules run once over the whole bundle.
fn assert_rereading_changes_nothing(label: &str, sources: &[Source]) -> usize {
    use kubeharden::check::{Plan, check_bundle_planned};
    let options = Options::default();
    let whole = check_bundle_planned(
        sources,
        &options,
        Plan {
            keep_trees: true,
            window_resources: usize::MAX,
        },
    );
    let expected = reports_json(&whole);
    for plan in [
        Plan {
            keep_trees: false,
            window_resources: usize::MAX,
        },
        Plan {
            keep_trees: true,
            window_resources: 1,
        },
        Plan {
            keep_trees: false,
            window_resources: 3,
        },
    ] {
        let got = reports_json(&check_bundle_planned(sources, &options, plan));
        assert_eq!(expected.len(), got.len(), "{label}");
        for (i, (a, b)) in expected.iter().zip(&got).enumerate() {
            assert_eq!(
                a, b,
                "{label}: source {} differs with {plan:?}",
                sources[i].name
            );
        }
    }
    assert_eq!(
        expected,
        reports_json(&check_bundle(sources, &options)),
        "{label}: check_bundle"
    );
    whole.iter().map(|r| r.diagnostics.len()).sum()
}

#[test]
fn reading_trees_again_and_windows_of_sources_give_the_same_reports() {
    // Every fixture as one bundle, and every rule example split into files.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let texts = named_texts(&common::manifest_files(&root));
    let mut compared = assert_rereading_changes_nothing("fixtures", &sources_of(&texts));
    for rule in registry() {
        let named = one_file_per_document(&split_documents(rule.meta.bad_example));
        compared += assert_rereading_changes_nothing(rule.meta.id, &sources_of(&named));
    }
    // Exceptions (a comment, an annotation, one without a reason, one
    // unused) and a pod-level setting a container overrides (its message
    // names the pod's line).
    let exceptions = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    kubeharden.dev/ignore: \"host-namespaces: node agent\"\nspec:\n  hostNetwork: true\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: c\n    image: nginx:1.25\n    # kubeharden-ignore privileged: the agent needs it\n    securityContext:\n      privileged: true\n      runAsNonRoot: false\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  annotations:\n    kubeharden.dev/ignore: \"image-tag\"\nspec:\n  containers:\n  - name: c\n    image: nginx # kubeharden-ignore sandboxed-runtime: checked elsewhere\n";
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\nautomountServiceAccountToken: true\n";
    let named = [
        ("pods.yaml".to_string(), exceptions.to_string()),
        ("sa.yaml".to_string(), sa.to_string()),
    ];
    compared += assert_rereading_changes_nothing("exceptions", &sources_of(&named));
    assert!(compared > 500, "only {compared} findings compared");
    let Some((_, files)) = common::corpus_files("re-reading the real corpus's trees") else {
        return;
    };
    let texts = named_texts(&files);
    assert_rereading_changes_nothing("real corpus", &sources_of(&texts));
}
