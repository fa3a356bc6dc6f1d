//! Pods that share the node's user namespace (`hostUsers` unset or true).
//!
//! With `hostUsers: false` the pod gets its own user namespace: UID 0 inside
//! is an unprivileged UID on the node, and capabilities count only inside
//! it, so a container escape no longer lands as root on the node. A
//! suggestion for clusters that support it, not a Pod Security control:
//! low severity, hardened profile only. Pods that cannot use it are skipped:
//! host network, PID or IPC namespaces (the API server rejects them with
//! `hostUsers: false`) and Windows pods (Linux only).

use crate::diagnostic::{Applicability, Severity};
use crate::rules::peers::kubesec;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Reference, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-users",
        title: "Pod shares the node's user namespace",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[
            Reference {
                source: "Kubernetes",
                id: "User Namespaces",
                title: "User Namespaces",
                url: "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
            },
            nsa(
                "Pod security: non-root containers and rootless container engines",
                "Use containers built to run applications as non-root users",
            ),
            kubesec("HostUsers", "hostUsers: false (user namespaces)"),
        ],
        rationale: "Without a user namespace, root in a container is root on the node: a container escape (a runtime or kernel bug, a mounted socket) hands the attacker the node, and a capability the container holds holds on the node too. With `hostUsers: false` the pod's UIDs and GIDs map to an unprivileged range of the node's, so several HIGH and CRITICAL container-escape vulnerabilities were not exploitable under it. Support: alpha in Kubernetes 1.25 (stateless pods) and 1.28 (all volumes, through idmap mounts), beta from 1.30 behind the UserNamespacesSupport feature gate, beta and on by default from 1.33, stable from 1.36; nodes need Linux with idmap-mount support (kernel 6.3 or later for most filesystems) and a runtime that supports it (containerd 2.0 or later, CRI-O 1.25 or later). From 1.35 the Pod Security restricted level accepts runAsNonRoot and runAsUser 0 in such pods. A pod with hostNetwork, hostPID or hostIPC cannot use it and is not reported, nor is a Windows pod.",
        remediation: "Set `spec.hostUsers: false` on clusters that support user namespaces (test first: files on volumes the pod shares with other pods or the node are owned through the mapping, and a few workloads need host UIDs).",
        help: "set hostUsers: false where the cluster supports user namespaces",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostUsers: false\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let s = &w.spec;
        if s.host_users == Some(false)
            || s.host_network == Some(true)
            || s.host_pid == Some(true)
            || s.host_ipc == Some(true)
            || w.is_windows()
        {
            continue;
        }
        let path = w.spec_field("hostUsers");
        let state = if s.host_users == Some(true) {
            "hostUsers: true"
        } else {
            "hostUsers is not set"
        };
        out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!("pod shares the node's user namespace ({state}): root in its containers is root on the node after an escape; set hostUsers: false where the cluster supports user namespaces (beta on by default from Kubernetes 1.33, stable in 1.36)"),
            ).setting("false", "Set hostUsers to false", Applicability::Unsafe),
        );
    }
}
