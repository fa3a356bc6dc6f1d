//! Pods whose containers share one process namespace
//! (`shareProcessNamespace: true`).
//!
//! Containers of such a pod see and signal each other's processes and read
//! each other's filesystems and environment through `/proc/<pid>/root` and
//! `/proc/<pid>/environ`: a compromised sidecar reaches the main container's
//! secrets.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "share-process-namespace",
        title: "Containers share a process namespace",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security",
            "Kubernetes Pod security: container isolation",
        )],
        rationale: "With a shared process namespace every container of the pod can see the others' processes, send them signals, and read their filesystems and environment variables through /proc: the isolation between a sidecar and the application is gone.",
        remediation: "Remove `shareProcessNamespace` unless a debugging or sidecar pattern truly needs it; use ephemeral debug containers targeting one container instead.",
        help: "remove shareProcessNamespace",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  shareProcessNamespace: true\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        if w.spec.share_process_namespace != Some(true) {
            continue;
        }
        let path = w.spec_field("shareProcessNamespace");
        out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "pod shares one process namespace between its {} containers: each can read the others' files and environment through /proc",
                    w.containers().count()
                ),
            ).setting("false", "Set shareProcessNamespace to false", Applicability::Unsafe),
        );
    }
}
