//! Where control-plane admission-plugin findings sit: on the
//! `--enable-admission-plugins` item when the flag is given (in either the
//! `--flag=value` or the `--flag value` form), on the binary's item when not.

use kubeharden::{Options, check};

const RULE: &str = "apiserver-always-pull-images";

fn apiserver(command: &[&str], args: &[&str]) -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.34.0\n    command:\n",
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

/// Each finding of the rule: its path, its range as 1-based
/// `line:column-line:column`, and its message.
fn findings(source: &str) -> Vec<(String, String, String)> {
    check(source, &Options::default())
        .diagnostics
        .iter()
        .filter(|d| d.rule == RULE)
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
