//! Pods that mount a Kubernetes API token they may not need.
//!
//! Kubernetes mounts the ServiceAccount's token into every container unless
//! the pod or its ServiceAccount sets `automountServiceAccountToken: false`
//! (the pod's value wins). A stolen token is an API credential. The pod's
//! ServiceAccount is looked up in the same input; when the input binds that
//! ServiceAccount to a Role or ClusterRole, the pod evidently uses the API
//! and is not reported (an explicit `true` is then intentional too).

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Applicability, Severity};
use crate::model::path::Path;
use crate::rules::workload::{find_service_account, nsa, service_account};
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "automount-service-account-token",
        title: "Service account token mounted automatically",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa(
                "Pod security: protecting pod service account tokens",
                "Protecting Pod service account tokens",
            ),
            cis_k8s!(
                "5.1.6",
                "Ensure that Service Account Tokens are only mounted where necessary"
            ),
        ],
        rationale: "Every container gets an API token of its ServiceAccount unless automounting is turned off. An attacker who compromises the container can use it against the API server with whatever the ServiceAccount is allowed (Polaris automountServiceAccountToken, Checkov CKV_K8S_38, Trivy KSV-0036, Kubescape C-0034).",
        remediation: "Set `automountServiceAccountToken: false` on the pod, or on its ServiceAccount, for pods that do not call the Kubernetes API; mount a projected token explicitly where one is needed.",
        help: "set automountServiceAccountToken: false on the pod or its ServiceAccount",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  automountServiceAccountToken: false\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// The ServiceAccounts that a RoleBinding or ClusterRoleBinding of the input
/// has as a subject, by name: whether one binding leaves the namespace unset
/// (it matches any), and the namespaces named. Built once per run: a
/// repository holds thousands of workloads and bindings, and asking every
/// binding for every workload is quadratic.
#[derive(Default)]
struct Bound<'a> {
    by_name: HashMap<&'a str, (bool, HashSet<&'a str>)>,
}

impl<'a> Bound<'a> {
    fn new(ctx: &Context<'a>) -> Bound<'a> {
        let mut bound = Bound::default();
        for (_, r) in ctx
            .of_kind(Kind::ROLE_BINDING)
            .chain(ctx.of_kind(Kind::CLUSTER_ROLE_BINDING))
        {
            let binding_ns = r.namespace();
            let Some(subjects) = r.json.get("subjects").and_then(|s| s.as_array()) else {
                continue;
            };
            for s in subjects {
                if s.get("kind").and_then(|k| k.as_str()) != Some("ServiceAccount") {
                    continue;
                }
                let Some(name) = s.get("name").and_then(|n| n.as_str()) else {
                    continue;
                };
                let entry = bound.by_name.entry(name).or_default();
                match s.get("namespace").and_then(|n| n.as_str()).or(binding_ns) {
                    Some(ns) => {
                        entry.1.insert(ns);
                    }
                    None => entry.0 = true,
                }
            }
        }
        bound
    }

    /// Whether the ServiceAccount `name` of a pod in `ns` is bound
    /// (namespaces compared as `same_namespace` does: unset matches any).
    fn has(&self, name: &str, ns: Option<&str>) -> bool {
        self.by_name.get(name).is_some_and(|(any, namespaces)| {
            *any || match ns {
                Some(ns) => namespaces.contains(ns),
                None => !namespaces.is_empty(),
            }
        })
    }
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let bound = Bound::new(ctx);
    for w in ctx.workloads {
        let path = w.spec_field("automountServiceAccountToken");
        let name = service_account(w);
        let ns = ctx.resource(w).namespace();
        let mut related = None;
        let message = match w.spec.automount_service_account_token {
            Some(false) => continue,
            // An explicit true for a ServiceAccount the input binds to a role: the pod uses the API.
            Some(true) if bound.has(name, ns) => continue,
            Some(true) => format!(
                "pod sets automountServiceAccountToken to true: every container gets an API token of ServiceAccount \"{name}\""
            ),
            None => {
                let sa = find_service_account(ctx, w, name);
                let sa_value = sa.and_then(|(_, r)| {
                    r.json
                        .get("automountServiceAccountToken")
                        .and_then(|v| v.as_bool())
                });
                if sa_value == Some(false) {
                    continue;
                }
                if bound.has(name, ns) {
                    continue;
                }
                match sa {
                    Some((i, _)) => {
                        related = Some(i);
                        format!(
                            "pod mounts an API token of ServiceAccount \"{name}\": neither the pod nor the ServiceAccount ({}) sets automountServiceAccountToken to false",
                            ctx.place(w.resource, i, &Path::parse("automountServiceAccountToken"))
                        )
                    }
                    None => format!(
                        "pod mounts an API token of ServiceAccount \"{name}\": the pod does not set automountServiceAccountToken to false (and the ServiceAccount is not in this input)"
                    ),
                }
            }
        };
        let mut finding = Finding::new(&RULE.meta, w.resource, path, message).setting(
            "false",
            "Set automountServiceAccountToken to false",
            Applicability::Unsafe,
        );
        if let Some(i) = related {
            finding = finding.with_related(
                i,
                Path::parse("metadata.name"),
                format!("ServiceAccount \"{name}\" (automountServiceAccountToken not false)"),
            );
        }
        out.push(finding);
    }
}
