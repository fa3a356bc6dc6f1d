//! Containers without a memory limit or a CPU request.
//!
//! The NSA/CISA guide asks for resource policies against denial of service: a
//! container without a memory limit can exhaust the node's memory, one
//! without a CPU request (or a CPU limit, which Kubernetes copies into the
//! missing request) is scheduled as best-effort and starved first or starves
//! others. One finding per container, naming what is missing.

use crate::diagnostic::Severity;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "resource-limits",
        title: "Container without memory limit or CPU request",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: resource policies",
            "Use resource policies (LimitRange, ResourceQuota, container limits) against denial of service",
        )],
        rationale: "Without a memory limit, one compromised or leaking container can exhaust the node's memory and get other pods evicted; without a CPU request it runs best-effort. Resource limits are the NSA/CISA guide's defence against denial of service (KubeLinter unset-memory-requirements, Polaris memoryLimitsMissing, Checkov CKV_K8S_10-13, Trivy KSV-0011/0015/0016/0018).",
        remediation: "Set `resources.limits.memory` and `resources.requests.cpu` (and preferably `requests.memory`) on every container, or enforce defaults with a LimitRange.",
        help: "set resources.limits.memory and resources.requests.cpu",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi\n      limits:\n        memory: 128Mi\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        // Ephemeral containers cannot set resources.
        if c.kind == crate::model::workload::ContainerKind::Ephemeral {
            continue;
        }
        let res = c.container.resources.as_ref();
        let limits = res.and_then(|r| r.limits.as_ref());
        let requests = res.and_then(|r| r.requests.as_ref());
        let has_limit = |k: &str| limits.is_some_and(|m| m.contains_key(k));
        let has_request = |k: &str| requests.is_some_and(|m| m.contains_key(k));
        let mut missing = Vec::new();
        if !has_limit("memory") {
            missing.push("memory limit");
        }
        // A CPU limit without a request defaults the request to it.
        if !has_request("cpu") && !has_limit("cpu") {
            missing.push("CPU request");
        }
        if missing.is_empty() {
            continue;
        }
        let path = if res.is_none() {
            c.path.key("resources")
        } else if !has_limit("memory") {
            c.path.key("resources").key("limits").key("memory")
        } else {
            c.path.key("resources").key("requests").key("cpu")
        };
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            path,
            format!("{} has no {}", c.describe(), missing.join(" and no ")),
        ));
    }
}
