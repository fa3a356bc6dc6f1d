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
