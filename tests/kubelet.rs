//! The kubelet rules read the kubelet's command line as well as its
//! `KubeletConfiguration`: a flag wins over the file's field (as the kubelet
//! re-applies its command line over `--config`), a command line is tied to
//! the file its `--config` names, and each finding sits on the flag or the
//! field that decides the setting.

use kubeharden::{Options, Source, check, check_bundle};

/// A Pod whose container runs `kubelet` with `flags` (line 11 is `- kubelet`,
/// the flags follow on lines 12, 13, ...).
fn kubelet_pod(flags: &[&str]) -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: node\n  namespace: kube-system\nspec:\n  containers:\n  - name: kubelet\n    image: registry.example.com/node:v1\n    command:\n    - kubelet\n",
    );
    for f in flags {
        s.push_str(&format!("    - {f}\n"));
    }
    s
}

const CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

/// (file, rule, path, message) of every kubelet finding of the bundle.
fn findings(sources: &[(&str, &str)]) -> Vec<(String, String, String, String)> {
    let sources: Vec<Source> = sources
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    check_bundle(&sources, &Options::default())
        .iter()
        .zip(&sources)
        .flat_map(|(report, source)| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.rule.starts_with("kubelet-"))
                .map(|d| {
                    (
                        source.name.to_string(),
                        d.rule.clone(),
                        d.path.clone().unwrap_or_default(),
                        d.message.clone(),
                    )
                })
        })
        .collect()
}

fn of<'a>(
    all: &'a [(String, String, String, String)],
    rule: &str,
) -> Vec<&'a (String, String, String, String)> {
    all.iter().filter(|f| f.1 == rule).collect()
}

#[test]
fn flags_alone_are_judged_with_the_command_lines_defaults() {
    let pod = kubelet_pod(&["--anonymous-auth=true", "--read-only-port=10255"]);
    let all = findings(&[("node.yaml", &pod)]);
    let anon = of(&all, "kubelet-anonymous-auth");
    // The flag, and the token webhook the command line leaves off.
    assert_eq!(anon.len(), 2, "{anon:?}");
    let at = |path: &str| anon.iter().find(|f| f.2 == path).map(|f| f.3.as_str());
    let flag = at("spec.containers[0].command[1]").unwrap();
    assert!(flag.contains("(--anonymous-auth=true)"), "{flag}");
    let binary = at("spec.containers[0].command[0]").unwrap();
    assert!(binary.contains("--authentication-token-webhook is not set and there is no --config"));
    let port = of(&all, "kubelet-read-only-port");
    assert_eq!(port.len(), 1);
    assert_eq!(port[0].2, "spec.containers[0].command[2]");
    assert!(port[0].3.contains("on port 10255 (--read-only-port=10255)"));
    // Without --config, AlwaysAllow is the command line's default.
    let authz = of(&all, "kubelet-authorization-mode");
    assert_eq!(authz.len(), 1);
    assert_eq!(authz[0].2, "spec.containers[0].command[0]");
}

#[test]
fn a_command_line_with_every_flag_set_well_passes() {
    let pod = kubelet_pod(&[
        "--anonymous-auth=false",
        "--authentication-token-webhook",
        "--authorization-mode=Webhook",
        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--read-only-port=0",
        "--protect-kernel-defaults=true",
        "--rotate-certificates",
        "--rotate-server-certificates=true",
        "--pod-max-pids=4096",
        "--seccomp-default=true",
        "--tls-min-version=VersionTLS12",
        "--streaming-connection-idle-timeout=5m",
        "--event-qps=50",
    ]);
    assert_eq!(findings(&[("node.yaml", &pod)]), vec![]);
}

#[test]
fn a_config_file_alone_is_judged_with_its_own_defaults() {
    let config = format!("{CONFIG}authentication:\n  anonymous:\n    enabled: true\n");
    let all = findings(&[("kubelet.yaml", &config)]);
    let anon = of(&all, "kubelet-anonymous-auth");
    assert_eq!(anon.len(), 1);
    assert_eq!(anon[0].2, "authentication.anonymous.enabled");
    // The file's defaults close the read-only port and authorize by Webhook.
    assert!(of(&all, "kubelet-read-only-port").is_empty());
    assert!(of(&all, "kubelet-authorization-mode").is_empty());
}

#[test]
fn a_bad_flag_wins_over_a_good_field_and_says_so() {
    let pod = kubelet_pod(&[
        "--config=/var/lib/kubelet/config.yaml",
        "--anonymous-auth=true",
    ]);
    let config = format!(
        "{CONFIG}authentication:\n  anonymous:\n    enabled: false\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
    );
    let all = findings(&[
        ("node.yaml", &pod),
        ("nodes/var/lib/kubelet/config.yaml", &config),
    ]);
    let anon = of(&all, "kubelet-anonymous-auth");
    assert_eq!(anon.len(), 1, "{anon:?}");
    assert_eq!(anon[0].0, "node.yaml");
    assert_eq!(anon[0].2, "spec.containers[0].command[2]");
    assert!(
        anon[0].3.contains(
            "(--anonymous-auth=true, which overrides authentication.anonymous.enabled: false of its KubeletConfiguration)"
        ),
        "{}",
        anon[0].3
    );
    // The linked file's defaults apply, not the command line's: no
    // read-only port and no AlwaysAllow; its missing fields are reported on
    // the file, once.
    assert!(of(&all, "kubelet-read-only-port").is_empty());
    assert!(of(&all, "kubelet-authorization-mode").is_empty());
    let pids = of(&all, "kubelet-pod-pids-limit");
    assert_eq!(pids.len(), 1);
    assert_eq!(
        (pids[0].0.as_str(), pids[0].2.as_str()),
        ("nodes/var/lib/kubelet/config.yaml", "kind")
    );
}

#[test]
fn a_good_flag_wins_over_a_bad_field() {
    let pod = kubelet_pod(&[
        "--config=/var/lib/kubelet/config.yaml",
        "--read-only-port=0",
        "--event-qps=20",
    ]);
    let config = format!("{CONFIG}readOnlyPort: 10255\neventRecordQPS: 0\n");
    let all = findings(&[
        ("node.yaml", &pod),
        ("var/lib/kubelet/config.yaml", &config),
    ]);
    assert!(of(&all, "kubelet-read-only-port").is_empty(), "{all:?}");
    assert!(of(&all, "kubelet-event-qps").is_empty(), "{all:?}");
    // The same file, named by no command line, is judged alone.
    let alone = findings(&[("var/lib/kubelet/config.yaml", &config)]);
    assert_eq!(of(&alone, "kubelet-read-only-port").len(), 1);
    assert_eq!(of(&alone, "kubelet-event-qps").len(), 1);
}

#[test]
fn a_config_the_bundle_does_not_hold_leaves_unset_settings_unknown() {
    let pod = kubelet_pod(&[
        "--config=/var/lib/kubelet/config.yaml",
        "--read-only-port=10255",
    ]);
    // A bare file name is not a link: too many files are config.yaml.
    let config = format!("{CONFIG}readOnlyPort: 0\n");
    let all = findings(&[("node.yaml", &pod), ("config.yaml", &config)]);
    let port = of(&all, "kubelet-read-only-port");
    assert_eq!(port.len(), 1, "{port:?}");
    assert_eq!(port[0].0, "node.yaml");
    assert!(!port[0].3.contains("overrides"));
    // Nothing is said of what the unseen file may set.
    assert!(of(&all, "kubelet-authorization-mode").is_empty());
    assert!(
        of(&all, "kubelet-anonymous-auth")
            .iter()
            .all(|f| f.0 == "config.yaml")
    );
}

#[test]
fn empty_flag_values_count_as_absent() {
    let pod = kubelet_pod(&["--read-only-port=", "--client-ca-file="]);
    let all = findings(&[("node.yaml", &pod)]);
    // Absent, so the command line's default (10255) applies, on the binary.
    let port = of(&all, "kubelet-read-only-port");
    assert_eq!(port.len(), 1);
    assert_eq!(port[0].2, "spec.containers[0].command[0]");
    let ca = of(&all, "kubelet-client-ca-file");
    assert_eq!(ca.len(), 1);
    assert_eq!(ca[0].2, "spec.containers[0].command[0]");
    assert!(ca[0].3.contains("--client-ca-file is not set"));
}

#[test]
fn an_args_only_container_whose_image_names_the_kubelet_is_a_kubelet() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: node\nspec:\n  containers:\n  - name: kubelet\n    image: registry.example.com/kubelet:v1.34.0\n    args:\n    - --anonymous-auth=true\n";
    let all = findings(&[("node.yaml", pod)]);
    let anon = of(&all, "kubelet-anonymous-auth");
    assert!(
        anon.iter()
            .any(|f| f.2 == "spec.containers[0].args[0]" && f.3.contains("--anonymous-auth=true")),
        "{anon:?}"
    );
    // A missing flag is reported on the image (the entrypoint runs it).
    let authz = of(&all, "kubelet-authorization-mode");
    assert_eq!(authz[0].2, "spec.containers[0].image");
    // Another image with the same args is not a kubelet.
    let other = pod.replace("registry.example.com/kubelet", "registry.example.com/agent");
    assert_eq!(findings(&[("node.yaml", &other)]), vec![]);
}

#[test]
fn a_flag_whose_value_ends_in_kubelet_is_not_a_kubelet() {
    // prometheus-operator's first argument, in the real corpus.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: operator\nspec:\n  containers:\n  - name: operator\n    image: quay.io/prometheus-operator/prometheus-operator:v0.93.0\n    args:\n    - --kubelet-service=kube-system/kubelet\n";
    assert_eq!(findings(&[("operator.yaml", pod)]), vec![]);
}

#[test]
fn streaming_idle_timeout_zero_is_reported_on_the_flag_only() {
    let pod = kubelet_pod(&[
        "--config=/var/lib/kubelet/config.yaml",
        "--streaming-connection-idle-timeout=0s",
    ]);
    let config = format!("{CONFIG}streamingConnectionIdleTimeout: 5m\n");
    let all = findings(&[
        ("node.yaml", &pod),
        ("/var/lib/kubelet/config.yaml", &config),
    ]);
    let f = of(&all, "kubelet-streaming-idle-timeout");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].2, "spec.containers[0].command[2]");
    assert!(f[0].3.contains(
        "(--streaming-connection-idle-timeout=0s, which overrides streamingConnectionIdleTimeout: 5m of its KubeletConfiguration)"
    ));
    // In the file, 0 means "not set" and is defaulted to 4h.
    let zero = format!("{CONFIG}streamingConnectionIdleTimeout: 0s\n");
    assert!(
        of(
            &findings(&[("k.yaml", &zero)]),
            "kubelet-streaming-idle-timeout"
        )
        .is_empty()
    );
    let pod = kubelet_pod(&["--streaming-connection-idle-timeout=4h"]);
    assert!(
        of(
            &findings(&[("n.yaml", &pod)]),
            "kubelet-streaming-idle-timeout"
        )
        .is_empty()
    );
}

#[test]
fn hostname_override_is_reported_when_given_a_value() {
    let pod = kubelet_pod(&["--hostname-override", "node-1.example.com"]);
    let all = findings(&[("node.yaml", &pod)]);
    let f = of(&all, "kubelet-hostname-override");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].2, "spec.containers[0].command[1]");
    assert!(f[0].3.contains("registers the node as node-1.example.com"));
    for empty in ["--hostname-override=", "--node-ip=10.0.0.1"] {
        let pod = kubelet_pod(&[empty]);
        assert!(of(&findings(&[("n.yaml", &pod)]), "kubelet-hostname-override").is_empty());
    }
}

#[test]
fn event_qps_zero_and_negative_are_reported_positive_rates_are_not() {
    let zero = format!("{CONFIG}eventRecordQPS: 0\n");
    let f = findings(&[("k.yaml", &zero)]);
    let f = of(&f, "kubelet-event-qps");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].2, "eventRecordQPS");
    assert!(
        f[0].3
            .contains("without any rate limit (eventRecordQPS: 0)")
    );
    let pod = kubelet_pod(&["--event-qps=-1"]);
    let f = findings(&[("n.yaml", &pod)]);
    let f = of(&f, "kubelet-event-qps");
    assert_eq!(f.len(), 1);
    assert!(
        f[0].3
            .contains("rejects a negative event rate (--event-qps=-1)")
    );
    for fine in ["eventRecordQPS: 1\n", "eventRecordQPS: 50\n", ""] {
        let config = format!("{CONFIG}{fine}");
        assert!(of(&findings(&[("k.yaml", &config)]), "kubelet-event-qps").is_empty());
    }
}

#[test]
fn single_buffers_judge_the_command_line_and_the_file_apart() {
    // No file name to link by: both are judged alone.
    let text = format!(
        "{}---\n{CONFIG}readOnlyPort: 10255\n",
        kubelet_pod(&[
            "--config=/var/lib/kubelet/config.yaml",
            "--read-only-port=0"
        ])
    );
    let report = check(&text, &Options::default());
    let port: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "kubelet-read-only-port")
        .collect();
    assert_eq!(port.len(), 1);
    assert_eq!(port[0].path.as_deref(), Some("readOnlyPort"));
}

#[test]
fn a_kubelet_started_by_a_shell_script_is_a_kubelet() {
    // Node images and kind-style manifests wrap the kubelet in `sh -c`.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: node\nspec:\n  containers:\n  - name: kubelet\n    image: registry.example.com/node:v1\n    command: [/bin/sh, -ec]\n    args:\n    - |\n      mkdir -p /var/lib/kubelet\n      exec /usr/bin/kubelet --anonymous-auth=true \\\n        --read-only-port 10255 --config=/etc/kubelet.yaml # --anonymous-auth=false\n";
    let all = findings(&[("node.yaml", pod)]);
    let anon = of(&all, "kubelet-anonymous-auth");
    assert!(
        anon.iter()
            .any(|f| f.2 == "spec.containers[0].args[0]" && f.3.contains("--anonymous-auth=true")),
        "{all:?}"
    );
    let port = of(&all, "kubelet-read-only-port");
    assert_eq!(port.len(), 1, "{all:?}");
    assert_eq!(port[0].2, "spec.containers[0].args[0]");
    // A script that only mentions the kubelet (an echo, a comment, a
    // flag's value) does not run it.
    for script in [
        "echo kubelet --anonymous-auth=true",
        "# kubelet --anonymous-auth=true\\nsleep 1",
        "run --name=kubelet --anonymous-auth=true",
    ] {
        let other = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: node\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/node:v1\n    command: [sh, -c, \"{script}\"]\n"
        );
        assert_eq!(findings(&[("node.yaml", &other)]), vec![], "{script}");
    }
}
