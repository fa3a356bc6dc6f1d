//! Pods that name a ServiceAccount the input does not define, when the input
//! defines ServiceAccounts of its own.
//!
//! A manifest set that ships its ServiceAccounts but refers to one it lacks
//! is usually a typo: the pod is refused at admission, or, worse, runs as a
//! same-named ServiceAccount someone else created with other permissions.
//! Inputs without any ServiceAccount are not judged (they rely on ones made
//! elsewhere).

use crate::diagnostic::Severity;
use crate::model::resource::Resource;
use crate::rules::pod_security::NSA_SERVICE_ACCOUNTS;
use crate::rules::workload::{find_service_account, service_account, service_account_path};
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "missing-service-account",
        title: "ServiceAccount not defined in the input",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[NSA_SERVICE_ACCOUNTS],
        rationale: "When the manifests define their ServiceAccounts, a pod that names another one either fails admission or runs with a ServiceAccount, and RBAC, nobody reviewed here (KubeLinter non-existent-service-account, Kubescape C-0307).",
        remediation: "Fix the `serviceAccountName`, or add the ServiceAccount (and its RBAC) to the manifests.",
        help: "name a ServiceAccount the manifests define, or add it",
        bad_example: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: wbe\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let defined: Vec<&Resource> = ctx.of_kind(Kind::SERVICE_ACCOUNT).map(|(_, r)| r).collect();
    if defined.is_empty() {
        return;
    }
    for w in ctx.workloads {
        let name = service_account(w);
        if name == "default" || find_service_account(ctx, w, name).is_some() {
            continue;
        }
        let names: Vec<String> = defined
            .iter()
            .filter_map(|r| r.id.name.as_ref().map(|n| format!("\"{n}\"")))
            .take(5)
            .collect();
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            service_account_path(w),
            format!(
                "ServiceAccount \"{name}\" is not defined in this input{}, which defines {}",
                ctx.resource(w)
                    .namespace()
                    .map(|n| format!(" (namespace \"{n}\")"))
                    .unwrap_or_default(),
                crate::rules::workload::list(&names)
            ),
        ));
    }
}
