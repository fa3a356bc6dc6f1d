//! The deprecated `serviceAccount` pod field.
//!
//! `spec.serviceAccount` is a deprecated alias of `serviceAccountName`: when
//! both are set with different values, which one wins is easy to misread in a
//! review (the API server uses `serviceAccountName`).

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::rules::pod_security::NSA_SERVICE_ACCOUNTS;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "deprecated-service-account-field",
        title: "Deprecated serviceAccount field",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[NSA_SERVICE_ACCOUNTS],
        rationale: "`serviceAccount` is a deprecated alias of `serviceAccountName`. Reviewers and tools that read only one of them can misjudge which identity, and which RBAC permissions, the pod gets (KubeLinter deprecated-service-account-field, Kubescape C-0294).",
        remediation: "Rename `serviceAccount` to `serviceAccountName` (or remove it when `serviceAccountName` is set to the same value).",
        help: "use serviceAccountName instead of serviceAccount",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccount: web\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let Some(old) = w.spec.service_account.as_deref() else {
            continue;
        };
        let path = w.spec_field("serviceAccount");
        let (message, fix) = match w.spec.service_account_name.as_deref() {
            None => {
                // Rename the key.
                let fix = Some(FixPlan::rename_key(
                    &path,
                    "serviceAccountName",
                    "Rename to serviceAccountName",
                    Applicability::Safe,
                ));
                (
                    format!(
                        "serviceAccount is deprecated; rename it to serviceAccountName (value \"{old}\")"
                    ),
                    fix,
                )
            }
            Some(new) if new == old => (
                "serviceAccount is deprecated and repeats serviceAccountName; remove it"
                    .to_string(),
                None,
            ),
            Some(new) => (
                format!(
                    "serviceAccount \"{old}\" is deprecated and ignored: the pod runs as serviceAccountName \"{new}\" (line {}); remove it",
                    ctx.line_number(w.resource, &w.spec_field("serviceAccountName"))
                ),
                None,
            ),
        };
        out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
    }
}
