//! hostPath volumes of the container runtime socket and of host paths that
//! give away the node.
//!
//! The Docker, containerd and CRI-O sockets (and their directories) let a pod
//! start a privileged container on the node: root on the node, whatever the
//! pod's own security context says. `/`, `/etc`, `/proc`, `/root`, `/dev`,
//! `/boot`, the kubelet's and the runtimes' state directories are as bad
//! (credentials, the host's processes, its configuration); `/sys` and
//! `/var/log` (symlink tricks through the kubelet's log reader) are reported
//! as high. A path is sensitive when it is one of these, lies under one, or
//! contains one (`/var` contains `/var/run/docker.sock`). `/var/run` and
//! `/run` are the same directory on every current distribution.

use crate::diagnostic::Severity;
use crate::rules::pod_security::host_path_volumes::mounted_by;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "container-runtime-socket",
        title: "Container runtime socket or sensitive host path mounted",
        severity: Severity::Critical,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa(
                "Pod security",
                "Kubernetes Pod security: hostPath and runtime sockets",
            ),
            cis_k8s!("5.2.11", "Minimize the admission of HostPath volumes"),
        ],
        rationale: "Whoever can talk to the container runtime socket can start a privileged container with the host's filesystem mounted: it is root on the node. Host directories such as /, /etc, /proc, /root or the kubelet's directory expose node credentials, other pods' secrets and the host's processes (KubeLinter docker-sock and sensitive-host-mounts, kubesec DockerSock, Checkov CKV_K8S_27, Trivy KSV-0006/KSV-0121, Kyverno disallow-cri-sock-mount).",
        remediation: "Remove the volume. Build images with a daemonless builder (kaniko, buildkit rootless) instead of the node's Docker; give node agents only the narrowest subdirectory, read-only, in a separately governed namespace.",
        help: "remove the hostPath volume; node agents should mount the narrowest path, read-only",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n  - name: app\n    image: docker:27\n    volumeMounts:\n    - name: sock\n      mountPath: /var/run/docker.sock\n  volumes:\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    hostPath:\n      path: /srv/app-data\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// Runtime sockets and their directories.
const SOCKETS: &[&str] = &[
    "/run/docker.sock",
    "/run/docker",
    "/run/containerd",
    "/run/crio",
    "/run/cri-dockerd.sock",
    "/run/podman",
    "/run/k3s/containerd",
    "/var/lib/docker",
    "/var/lib/containerd",
];

/// Sensitive host paths (descendants included) and their severity.
const SENSITIVE: &[(&str, Severity)] = &[
    ("/etc", Severity::Critical),
    ("/proc", Severity::Critical),
    ("/root", Severity::Critical),
    ("/dev", Severity::Critical),
    ("/boot", Severity::Critical),
    ("/home", Severity::High),
    ("/var/lib/kubelet", Severity::Critical),
    ("/etc/kubernetes", Severity::Critical),
    ("/var/lib/etcd", Severity::Critical),
    ("/sys", Severity::High),
    ("/var/log", Severity::High),
];

/// `/var/run/x/` → `/run/x`; `//a/./b` → `/a/b`.
pub fn normalize(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = format!("/{}", parts.join("/"));
    match joined.strip_prefix("/var/run") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("/run{rest}"),
        _ => joined,
    }
}

fn under(path: &str, root: &str) -> bool {
    path == root || root == "/" || path.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

/// What a host path exposes, with the severity, if it is sensitive.
pub fn classify(raw: &str) -> Option<(String, Severity)> {
    let p = normalize(raw);
    for s in SOCKETS {
        if under(&p, s) {
            return Some((
                "the container runtime socket or its state: root on the node".into(),
                Severity::Critical,
            ));
        }
        if under(s, &p) {
            return Some((
                format!("a directory holding the container runtime socket ({s}): root on the node"),
                Severity::Critical,
            ));
        }
    }
    for (s, sev) in SENSITIVE {
        if under(&p, s) {
            return Some((format!("the node's {s}"), *sev));
        }
    }
    for (s, sev) in SENSITIVE {
        if under(s, &p) {
            return Some((format!("a directory holding the node's {s}"), *sev));
        }
    }
    None
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
            let Some(host) = &v.host_path else { continue };
            let Some((what, severity)) = classify(&host.path) else {
                continue;
            };
            let mut f = Finding::new(
                &RULE.meta,
                w.resource,
                w.spec_field("volumes").index(i).key("hostPath").key("path"),
                format!(
                    "volume \"{}\" mounts {} from the host, {what}{}",
                    v.name,
                    host.path,
                    mounted_by(w, &v.name)
                ),
            );
            if severity != RULE.meta.severity {
                f.severity = Some(severity);
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_host_paths() {
        assert_eq!(normalize("/var/run//docker.sock/"), "/run/docker.sock");
        assert!(classify("/var/run/docker.sock").is_some());
        assert!(classify("/run/containerd/containerd.sock").is_some());
        assert!(classify("/var/run/crio/crio.sock").is_some());
        assert!(classify("/var/run").is_some());
        assert!(classify("/").is_some());
        assert!(classify("/var").is_some());
        assert!(classify("/etc/cni/net.d").is_some());
        assert_eq!(classify("/var/log/pods").map(|c| c.1), Some(Severity::High));
        assert!(classify("/var/run/calico").is_none());
        assert!(classify("/run/xtables.lock").is_none());
        assert!(classify("/srv/data").is_none());
        assert!(classify("/lib/modules").is_none());
        assert!(classify("/var/lib/calico").is_none());
        assert!(classify("/etcd-data").is_none());
    }
}
