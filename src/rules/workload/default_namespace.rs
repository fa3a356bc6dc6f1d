//! Workloads placed in the `default` namespace.
//!
//! Only an explicit `metadata.namespace: default` is reported: a manifest
//! without a namespace is placed by whoever applies it (`kubectl -n`,
//! kustomize, Argo CD), which the file cannot tell.

use crate::diagnostic::Severity;
use crate::rules::workload::{nsa, report_workloads_in};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "default-namespace",
        title: "Workload in the default namespace",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa(
                "Network separation and hardening: namespaces",
                "Use namespaces to isolate resources",
            ),
            cis_k8s!("5.6.4", "The default namespace should not be used"),
        ],
        rationale: "The default namespace is where everything lands by accident: RBAC, NetworkPolicies, quotas and Pod Security labels are rarely tailored to it, so workloads there share permissions and network reach with unrelated ones (KubeLinter use-namespace, Checkov CKV_K8S_21, Trivy KSV-0110, Kubescape C-0061).",
        remediation: "Create a namespace per application or team, with its own RBAC, NetworkPolicies and Pod Security labels, and deploy there.",
        help: "deploy into a dedicated namespace",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
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
        "default",
        "the default namespace; use a dedicated one",
    );
}
