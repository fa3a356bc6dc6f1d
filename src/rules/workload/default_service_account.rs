//! Pods that run as their namespace's `default` ServiceAccount, the
//! `default` ServiceAccount object itself, and bindings that grant it roles
//! (CIS 5.1.5: default service accounts are not actively used).
//!
//! Every pod that names no ServiceAccount (or names `default`) shares the
//! namespace's `default` one: any permission granted to it for one workload is
//! granted to all of them, and its token identifies none of them. So the
//! `default` object should set `automountServiceAccountToken: false` (a pod
//! that needs a token sets it on its own spec, which wins), and no binding
//! should name it.

use crate::model::value::Value;
use crate::rules::pod_security::NSA_SERVICE_ACCOUNTS;

use crate::diagnostic::{Applicability, Severity};
use crate::model::path::Path;
use crate::model::rbac::is_binding;
use crate::model::resource::{str_at, value_at};
use crate::rules::peers::{checkov, kube_linter, kubescape, kubesec};
use crate::rules::workload::{service_account, service_account_path};
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "default-service-account",
        title: "Default ServiceAccount used, automounted or bound",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[
            NSA_SERVICE_ACCOUNTS,
            cis_k8s!(
                "5.1.5",
                "Ensure that default service accounts are not actively used"
            ),
            kube_linter("default-service-account", "Default service account"),
            kubesec("ServiceAccountName", "Service account name set"),
            checkov(
                "CKV_K8S_41",
                "Ensure that default service accounts are not actively used",
            ),
            checkov(
                "CKV_K8S_42",
                "Ensure that default service accounts are not actively used",
            ),
            kubescape(
                "C-0189",
                "Ensure that default service accounts are not actively used",
            ),
        ],
        rationale: "The `default` ServiceAccount is shared by every pod of the namespace that names none: a RoleBinding added for one workload grants all of them, and audit logs cannot tell them apart. The CIS Benchmark (5.1.5) also asks that the `default` ServiceAccount object set `automountServiceAccountToken: false`, so pods that name no ServiceAccount get no token (a pod that needs one sets it on its own spec, which takes precedence), and that no RoleBinding or ClusterRoleBinding grant it anything.",
        remediation: "Create a ServiceAccount per workload (with `automountServiceAccountToken: false` unless it calls the API) and set `serviceAccountName` to it; set `automountServiceAccountToken: false` on each namespace's `default` ServiceAccount; bind roles to the dedicated ServiceAccounts, never to `default`.",
        help: "create a dedicated ServiceAccount and set serviceAccountName",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    check_objects(ctx, out);
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

/// The ServiceAccount objects named `default` that do not set
/// `automountServiceAccountToken: false`, and binding subjects that name a
/// namespace's `default` ServiceAccount.
fn check_objects(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate() {
        if Kind::SERVICE_ACCOUNT.is(r) && r.id.name.as_deref() == Some("default") {
            let field = value_at(&r.json, "automountServiceAccountToken");
            if field == Some(&Value::Bool(false)) {
                continue;
            }
            let path = Path::parse("automountServiceAccountToken");
            // The finding is about the field the fix sets; when it is
            // missing, it is shown on the object's name.
            let (span, state) = match field {
                Some(v) => (None, format!("automountServiceAccountToken: {v}")),
                None => (
                    Some(
                        crate::model::locate::locate(
                            &ctx.document(ri),
                            r.node,
                            &Path::parse("metadata.name"),
                        )
                        .span,
                    ),
                    "automountServiceAccountToken is not set".to_string(),
                ),
            };
            let mut f = Finding::new(
                &RULE.meta,
                ri,
                path,
                format!("the \"default\" ServiceAccount mounts its token into every pod that names no ServiceAccount ({state}); set automountServiceAccountToken: false"),
            ).setting("false", "Set automountServiceAccountToken to false", Applicability::Safe);
            f.help = Some(
                "set automountServiceAccountToken: false on the default ServiceAccount".into(),
            );
            f.span = span;
            out.push(f);
        }
        if !is_binding(r) {
            continue;
        }
        let role = str_at(&r.json, "roleRef.name").unwrap_or("?");
        for (i, s) in value_at(&r.json, "subjects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if s.get("kind").and_then(Value::as_str) != Some("ServiceAccount")
                || s.get("name").and_then(Value::as_str) != Some("default")
            {
                continue;
            }
            let ns = s
                .get("namespace")
                .and_then(Value::as_str)
                .or(r.namespace())
                .map_or("its namespace".to_string(), |n| {
                    format!("namespace \"{n}\"")
                });
            let mut f = Finding::new(
                &RULE.meta,
                ri,
                Path::parse("subjects").index(i).key("name"),
                format!(
                    "{} {} grants \"{role}\" to the \"default\" ServiceAccount of {ns}: every pod there that names no ServiceAccount gets it; bind a dedicated ServiceAccount instead",
                    r.id.kind,
                    r.id.name.as_deref().unwrap_or("")
                ),
            );
            f.help = Some("bind the role to a dedicated ServiceAccount, not default".into());
            out.push(f);
        }
    }
}
