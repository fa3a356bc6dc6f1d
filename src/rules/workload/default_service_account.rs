//! Pods that run as their namespace's `default` ServiceAccount.
//!
//! Every pod that names no ServiceAccount (or names `default`) shares the
//! namespace's `default` one: any permission granted to it for one workload is
//! granted to all of them, and its token identifies none of them.

use crate::diagnostic::Severity;
use crate::rules::workload::{nsa, service_account, service_account_path};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "default-service-account",
        title: "Pod runs as the default ServiceAccount",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa(
                "Authentication and authorization",
                "Create separate service accounts per workload with least privilege",
            ),
            cis_k8s!(
                "5.1.5",
                "Ensure that default service accounts are not actively used"
            ),
        ],
        rationale: "The `default` ServiceAccount is shared by every pod of the namespace that names none: a RoleBinding added for one workload grants all of them, and audit logs cannot tell them apart (KubeLinter default-service-account, Checkov CKV_K8S_41, Kubescape C-0189).",
        remediation: "Create a ServiceAccount per workload (with `automountServiceAccountToken: false` unless it calls the API) and set `serviceAccountName` to it.",
        help: "create a dedicated ServiceAccount and set serviceAccountName",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        replaced_by: None,
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        if service_account(w) != "default" {
            continue;
        }
        let explicit = w.spec.service_account_name.as_deref() == Some("default")
            || w.spec.service_account.as_deref() == Some("default");
        let message = if explicit {
            "pod runs as the namespace's \"default\" ServiceAccount; use a dedicated one"
                .to_string()
        } else {
            "pod names no ServiceAccount, so it runs as the namespace's \"default\" one; set serviceAccountName to a dedicated ServiceAccount".to_string()
        };
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            service_account_path(w),
            message,
        ));
    }
}
