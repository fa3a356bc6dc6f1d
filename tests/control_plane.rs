//! Where control-plane findings sit: on the flag's item when the flag is
//! given (in either the `--flag=value` or the `--flag value` form), on the
//! binary's item when it is missing.

use kubeharden::{Options, check};

const RULE: &str = "apiserver-always-pull-images";
const GC_RULE: &str = "controller-manager-terminated-pod-gc";

fn apiserver(command: &[&str], args: &[&str]) -> String {
    static_pod("kube-apiserver", command, args)
}

/// A static pod running `binary` (lines 1-10 are the header, so the first
/// command item is on line 11).
fn static_pod(binary: &str, command: &[&str], args: &[&str]) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {binary}\n  namespace: kube-system\nspec:\n  containers:\n  - name: {binary}\n    image: registry.k8s.io/{binary}:v1.34.0\n    command:\n",
    );
    for c in command {
        s.push_str(&format!("    - {c}\n"));
    }
    if !args.is_empty() {
        s.push_str("    args:\n");
        for a in args {
            s.push_str(&format!("    - {a}\n"));
        }
    }
    s
}

/// Each finding of [`RULE`]: its path, its range as 1-based
/// `line:column-line:column`, and its message.
fn findings(source: &str) -> Vec<(String, String, String)> {
    findings_of(RULE, source)
}

fn findings_of(rule: &str, source: &str) -> Vec<(String, String, String)> {
    check(source, &Options::default())
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            let r = d.range;
            (
                d.path.clone().unwrap_or_default(),
                format!(
                    "{}:{}-{}:{}",
                    r.start.line + 1,
                    r.start.character + 1,
                    r.end.line + 1,
                    r.end.character + 1
                ),
                d.message.clone(),
            )
        })
        .collect()
}

/// The range of the list item `item` on 1-based line `line` (`    - item`).
fn item_range(line: u32, item: &str) -> String {
    format!("{line}:7-{line}:{}", 7 + item.len())
}

#[test]
fn missing_plugin_is_reported_on_the_enable_flag() {
    let src = apiserver(
        &[
            "kube-apiserver",
            "--profiling=false",
            "--enable-admission-plugins=NodeRestriction,EventRateLimit",
        ],
        &[],
    );
    let f = findings(&src);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "spec.containers[0].command[2]");
    assert_eq!(
        f[0].1,
        item_range(
            13,
            "--enable-admission-plugins=NodeRestriction,EventRateLimit"
        )
    );
    assert_eq!(
        f[0].2,
        "kube-apiserver does not enable the AlwaysPullImages admission plugin: a pod can start any image already cached on its node without credentials for it; add it to --enable-admission-plugins on multi-tenant clusters"
    );
}

#[test]
fn missing_plugin_is_reported_on_the_flag_name_in_the_split_form() {
    let src = apiserver(
        &["kube-apiserver"],
        &["--enable-admission-plugins", "NodeRestriction"],
    );
    let f = findings(&src);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "spec.containers[0].args[0]");
    assert_eq!(f[0].1, item_range(13, "--enable-admission-plugins"));
}

#[test]
fn missing_flag_is_reported_on_the_binary() {
    let src = apiserver(&["/usr/local/bin/kube-apiserver", "--profiling=false"], &[]);
    let f = findings(&src);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "spec.containers[0].command[0]");
    assert_eq!(f[0].1, item_range(11, "/usr/local/bin/kube-apiserver"));
}

#[test]
fn enabled_plugin_passes_in_any_position_and_form() {
    for src in [
        apiserver(
            &[
                "kube-apiserver",
                "--enable-admission-plugins=NodeRestriction, AlwaysPullImages",
            ],
            &[],
        ),
        apiserver(
            &["kube-apiserver"],
            &[
                "--enable-admission-plugins",
                "AlwaysPullImages,NodeRestriction",
            ],
        ),
    ] {
        assert_eq!(findings(&src), Vec::new(), "{src}");
    }
}

#[test]
fn a_plugin_named_alike_does_not_count() {
    let src = apiserver(
        &[
            "kube-apiserver",
            "--enable-admission-plugins=NodeRestriction,AlwaysPullImagesX",
        ],
        &[],
    );
    assert_eq!(findings(&src).len(), 1);
}

fn controller_manager(command: &[&str], args: &[&str]) -> String {
    static_pod("kube-controller-manager", command, args)
}

#[test]
fn terminated_pod_gc_missing_flag_is_reported_on_the_binary() {
    let src = controller_manager(&["kube-controller-manager", "--profiling=false"], &[]);
    let f = findings_of(GC_RULE, &src);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "spec.containers[0].command[0]");
    assert_eq!(f[0].1, item_range(11, "kube-controller-manager"));
    assert_eq!(
        f[0].2,
        "kube-controller-manager runs without --terminated-pod-gc-threshold: finished pods are kept until 12500 of them exist (the default); set it to a positive threshold your API server and etcd sustain"
    );
}

#[test]
fn terminated_pod_gc_disabled_is_reported_on_the_flag() {
    let src = controller_manager(
        &["kube-controller-manager", "--terminated-pod-gc-threshold=0"],
        &[],
    );
    let f = findings_of(GC_RULE, &src);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "spec.containers[0].command[1]");
    assert_eq!(f[0].1, item_range(12, "--terminated-pod-gc-threshold=0"));
    assert_eq!(
        f[0].2,
        "kube-controller-manager --terminated-pod-gc-threshold=0 disables the terminated-pod garbage collector: Succeeded and Failed pods are never deleted; set a positive threshold"
    );

    // The `--flag value` form, in args, with a negative value.
    let src = controller_manager(
        &["kube-controller-manager"],
        &["--terminated-pod-gc-threshold", "'-1'"],
    );
    let f = findings_of(GC_RULE, &src);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "spec.containers[0].args[0]");
    assert_eq!(f[0].1, item_range(13, "--terminated-pod-gc-threshold"));
}

#[test]
fn terminated_pod_gc_positive_threshold_passes() {
    for src in [
        controller_manager(
            &[
                "kube-controller-manager",
                "--terminated-pod-gc-threshold=10",
            ],
            &[],
        ),
        controller_manager(
            &["kube-controller-manager"],
            &["--terminated-pod-gc-threshold", "12500"],
        ),
    ] {
        assert_eq!(findings_of(GC_RULE, &src), Vec::new(), "{src}");
    }
}

/// A static pod whose container has only `args`, so its image's entrypoint
/// runs; `labels` are the pod's (kubeadm labels its pods `component: <binary>`).
fn entrypoint_pod(image: &str, labels: &str, args: &[&str]) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n  namespace: kube-system\n  labels: {{{labels}}}\nspec:\n  containers:\n  - name: c\n    image: {image}\n    args:\n",
    );
    for a in args {
        s.push_str(&format!("    - {a}\n"));
    }
    s
}

fn rules_of(source: &str) -> Vec<String> {
    check(source, &Options::default())
        .diagnostics
        .iter()
        .map(|d| d.rule.clone())
        .collect()
}

#[test]
fn empty_flag_values_count_as_absent() {
    let insecure = "apiserver-insecure";
    let set = |key: &str, cert: &str| {
        apiserver(
            &["kube-apiserver"],
            &[key, cert, "--authorization-mode=Node,RBAC"],
        )
    };
    let about = |f: &[(String, String, String)], flag: &str| {
        f.iter()
            .filter(|(_, _, m)| m.contains(&format!("without --{flag}:")))
            .count()
    };
    // Both given: neither is missing.
    let ok = findings_of(
        insecure,
        &set("--tls-private-key-file=/k.key", "--tls-cert-file=/k.crt"),
    );
    assert_eq!(about(&ok, "tls-private-key-file"), 0);
    assert_eq!(about(&ok, "tls-cert-file"), 0);
    // `--tls-private-key-file=` and a bare `--tls-cert-file` followed by a
    // flag: both missing, reported on the binary.
    let bad = findings_of(insecure, &set("--tls-private-key-file=", "--tls-cert-file"));
    assert_eq!(about(&bad, "tls-private-key-file"), 1, "{bad:?}");
    assert_eq!(about(&bad, "tls-cert-file"), 1, "{bad:?}");
    assert!(
        bad.iter()
            .filter(|(_, _, m)| m.contains("--tls-"))
            .all(|(p, _, _)| p.ends_with("command[0]")),
        "{bad:?}"
    );
    // A bare boolean flag is true: `--profiling` keeps profiling on.
    let prof = findings_of(
        "apiserver-profiling",
        &apiserver(&["kube-apiserver", "--profiling"], &[]),
    );
    assert_eq!(prof.len(), 1, "{prof:?}");
    assert!(prof[0].2.contains("--profiling=true"), "{prof:?}");
}

#[test]
fn components_started_by_their_image_entrypoint_are_recognised() {
    // etcd through its image's entrypoint (args only).
    let etcd = entrypoint_pod(
        "registry.k8s.io/etcd:3.5.15-0",
        "",
        &["--peer-client-cert-auth=false", "--client-cert-auth=true"],
    );
    let f = findings_of("etcd-peer-tls", &etcd);
    assert!(
        f.iter()
            .any(|(p, _, m)| p.ends_with("args[0]") && m.contains("--peer-client-cert-auth=false")),
        "{f:?}"
    );
    // Missing flags of an entrypoint-started component sit on its image.
    assert!(
        f.iter()
            .any(|(p, _, m)| p.ends_with("image") && m.contains("without --peer-cert-file")),
        "{f:?}"
    );
    for (image, rule, flag) in [
        (
            "registry.k8s.io/kube-apiserver:v1.30.0",
            "apiserver-profiling",
            "--profiling=true",
        ),
        (
            "registry.k8s.io/kube-controller-manager:v1.30.0",
            "controller-manager-profiling",
            "--profiling=true",
        ),
        (
            "k8s.gcr.io/kube-scheduler-amd64:v1.11.0",
            "scheduler-profiling",
            "--profiling=true",
        ),
    ] {
        let rules = rules_of(&entrypoint_pod(image, "", &[flag]));
        assert!(rules.iter().any(|r| r == rule), "{image}: {rules:?}");
    }
    // kubeadm's label names the component whatever the image.
    let labelled = entrypoint_pod(
        "mirror.example.com/cp/apiserver:v1.30.0",
        "component: kube-apiserver, tier: control-plane",
        &["--profiling=true"],
    );
    assert!(
        rules_of(&labelled)
            .iter()
            .any(|r| r == "apiserver-profiling")
    );
}

#[test]
fn other_containers_of_component_images_are_not_components() {
    for source in [
        // An image named alike but a different repository name.
        entrypoint_pod("quay.io/coreos/etcd-operator:v0.9.4", "", &["--profiling=true"]),
        // A command decides what runs: etcdctl in an etcd image.
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: backup\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/etcd:3.5.15-0\n    command: [etcdctl, snapshot, save, /backup/db]\n".to_string(),
        // Args that do not begin with a flag: not a component command line.
        entrypoint_pod("registry.k8s.io/etcd:3.5.15-0", "", &["member", "list", "--auto-tls=true"]),
        // A script that runs another program of the image.
        entrypoint_pod("registry.k8s.io/etcd:3.5.15-0", "", &["sh", "-c", "etcdctl --auto-tls=true get x"]),
        // A first argument whose value ends in a component's name is a
        // flag, not the binary (prometheus-operator's `--kubelet-service`).
        entrypoint_pod("registry.example.com/proxy:v1", "", &["--upstream=https://kube-system/kube-apiserver"]),
        // No args at all: nothing to judge.
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: e\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/etcd:3.5.15-0\n".to_string(),
    ] {
        let rules = rules_of(&source);
        assert!(
            !rules.iter().any(|r| r.starts_with("etcd-") || r.starts_with("apiserver-") || r.starts_with("scheduler-")),
            "{source}: {rules:?}"
        );
    }
}

/// Args that replace the image's command with a shell script run what the
/// script names (`sh -c "etcd …"` in an etcd image runs etcd).
#[test]
fn a_component_started_by_a_shell_script_is_that_component() {
    let source = entrypoint_pod(
        "registry.k8s.io/etcd:3.5.15-0",
        "",
        &[
            "sh",
            "-c",
            "exec etcd --auto-tls=true --data-dir=/var/lib/etcd",
        ],
    );
    let rules = rules_of(&source);
    assert!(rules.iter().any(|r| r.starts_with("etcd-")), "{rules:?}");
}
