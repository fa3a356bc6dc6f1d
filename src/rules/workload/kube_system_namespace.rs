//! Workloads placed in `kube-system`.
//!
//! `kube-system` holds the cluster's own components and their highly
//! privileged ServiceAccounts and Secrets; anyone who may create pods there
//! can mount them. Add-ons traditionally installed there (CNI plugins, DNS,
//! metrics) are reported too: the namespace is best kept for what the
//! distribution itself manages. Only an explicit namespace is judged.

use crate::diagnostic::Severity;
use crate::rules::workload::{nsa, report_workloads_in};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "kube-system-namespace",
        title: "Workload in kube-system",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Network separation and hardening: namespaces",
            "Use namespaces to isolate resources",
        )],
        rationale: "Pods in kube-system can mount the control plane's ServiceAccounts and Secrets, and that namespace is usually exempt from Pod Security admission and NetworkPolicies. Application workloads there inherit that trust (Trivy KSV-0037).",
        remediation: "Deploy applications and third-party add-ons into their own namespace; keep kube-system for the components the distribution manages.",
        help: "deploy into a dedicated namespace instead of kube-system",
        bad_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n",
        good_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    report_workloads_in(
        ctx,
        out,
        &RULE.meta,
        "kube-system",
        "kube-system, next to the control plane's credentials; use a dedicated namespace",
    );
}
