//! Pods that run on the node's default runtime rather than a sandboxed one
//! (`runtimeClassName`, e.g. gVisor or Kata Containers).
//!
//! A sandboxed runtime puts a second kernel boundary between untrusted code
//! and the node. Only the hint that one exists is given (severity info):
//! which workloads are untrusted is the reader's call, and runtime class
//! names are cluster-specific, so any `runtimeClassName` passes.

use crate::diagnostic::Severity;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "sandboxed-runtime",
        title: "No sandboxed runtime class",
        severity: Severity::Info,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: hardening container environments",
            "Hardening container environments (hypervisor-backed and kernel-sandboxed runtimes)",
        )],
        rationale: "Containers share the node's kernel: one kernel exploit is a node compromise. Sandboxed runtimes (gVisor, Kata Containers) selected with `runtimeClassName` add an isolation boundary for untrusted or multi-tenant code, as the NSA/CISA guide suggests (Kubescape C-0297, Kyverno restrict-runtimeClassName).",
        remediation: "For workloads that run untrusted code, set `runtimeClassName` to a sandboxed RuntimeClass installed in the cluster (e.g. `gvisor`, `kata`).",
        help: "set runtimeClassName to a sandboxed RuntimeClass for untrusted workloads",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  runtimeClassName: gvisor\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        if w.spec
            .runtime_class_name
            .as_deref()
            .is_some_and(|r| !r.is_empty())
        {
            continue;
        }
        // Host-level pods cannot be sandboxed; other rules report them.
        if w.spec.host_network == Some(true) || w.spec.host_pid == Some(true) {
            continue;
        }
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            w.spec_field("runtimeClassName"),
            "pod runs on the node's default container runtime; untrusted code belongs in a sandboxed runtime class (gVisor, Kata)".into(),
        ));
    }
}
