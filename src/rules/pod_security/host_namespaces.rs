//! Host Namespaces (baseline, since v1.0; `hostNamespaces`).
//!
//! > Sharing the host namespaces must be disallowed.
//! > Restricted fields: `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`.
//! > Allowed values: undefined/nil, `false`.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-namespaces",
        title: "Host namespaces shared",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("hostNamespaces", "Baseline: Host Namespaces"),
            nsa("Pod security", "Kubernetes Pod security"),
            cis_k8s!(
                "5.2.3",
                "Minimize the admission of containers wishing to share the host process ID namespace"
            ),
            cis_k8s!(
                "5.2.4",
                "Minimize the admission of containers wishing to share the host IPC namespace"
            ),
            cis_k8s!(
                "5.2.5",
                "Minimize the admission of containers wishing to share the host network namespace"
            ),
        ],
        rationale: "With the host's network namespace a pod sees and binds every node interface (and the kubelet and cloud metadata endpoints); with its PID namespace it sees and signals every process on the node; with its IPC namespace it reads other workloads' shared memory.",
        remediation: "Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false); expose ports through a Service instead.",
        help: "set the field to false (or remove it)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: false\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: Some(PssCheck::new("hostNamespaces", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let fields = [
            (
                "hostNetwork",
                w.spec.host_network,
                "the node's network namespace",
            ),
            ("hostPID", w.spec.host_pid, "the node's process namespace"),
            ("hostIPC", w.spec.host_ipc, "the node's IPC namespace"),
        ];
        for (field, value, what) in fields {
            if value == Some(true) {
                let path = w.spec_field(field);
                out.push(
                    Finding::new(
                        &RULE.meta,
                        w.resource,
                        path,
                        format!("pod shares {what} ({field}: true); set {field} to false"),
                    )
                    .setting(
                        "false",
                        format!("Set {field} to false"),
                        Applicability::Unsafe,
                    ),
                );
            }
        }
    }
}
