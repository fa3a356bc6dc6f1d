//! `rbac-workload-takeover`: a workload whose ServiceAccount a binding ties
//! to a role flagged by the other RBAC rules.

use super::escalation::escalations;
use super::secrets::secrets;
use super::wildcards::wildcards;
use super::*;

pub static WORKLOAD_TAKEOVER: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-workload-takeover",
        title: "Workload runs with a dangerous RBAC role",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            good_practices("Privilege escalation risks"),
            cis_k8s!(
                "5.1.6",
                "Ensure that Service Account Tokens are only mounted where necessary"
            ),
            NSA_RBAC,
        ],
        rationale: "A pod's ServiceAccount token is readable by anything that runs in the pod: an exploited application, a malicious dependency, anyone who can exec into it. When a binding ties that ServiceAccount to cluster-admin, wildcards, Secrets or escalation verbs, compromising the pod compromises the cluster.",
        remediation: "Give the workload its own ServiceAccount bound to a least-privilege role, or set `automountServiceAccountToken: false` when it does not call the API.",
        help: "bind this ServiceAccount to a least-privilege role",
        bad_example: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: deployer\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: deployer\n  namespace: ci\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: runner\n  namespace: ci\nspec:\n  serviceAccountName: deployer\n  containers:\n  - name: app\n    image: registry.example.com/runner:1.0\n",
        good_example: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: deployer\n  namespace: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: deployer\n  namespace: ci\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: runner\n  namespace: ci\nspec:\n  serviceAccountName: deployer\n  containers:\n  - name: app\n    image: registry.example.com/runner:1.0\n",
        pss: None,
        params: &[],
    },
    check: Some(check_takeover),
};

/// Why a role is dangerous to hold, if it is.
fn danger(roles: &HashMap<&str, Vec<&Resource>>, binding: &Resource) -> Option<(String, bool)> {
    let (kind, role_name) = role_ref(binding);
    if (kind, role_name) == ("ClusterRole", "cluster-admin") {
        return Some((
            "cluster-admin, superuser over the whole cluster".into(),
            true,
        ));
    }
    let role = roles.get(role_name)?.iter().copied().find(|r| {
        r.is(kind)
            && (kind == "ClusterRole"
                || r.namespace() == binding.namespace()
                || r.namespace().is_none()
                || binding.namespace().is_none())
    })?;
    let mut grants: Vec<String> = wildcards(role)
        .into_iter()
        .chain(secrets(role))
        .chain(escalations(role))
        .map(|g| short(&g.what).to_string())
        .collect();
    let mut seen = Vec::new();
    grants.retain(|g| {
        let new = !seen.contains(g);
        seen.push(g.clone());
        new
    });
    if grants.is_empty() {
        return None;
    }
    let more = grants.len().saturating_sub(3);
    grants.truncate(3);
    let mut text = format!("{kind} \"{role_name}\" ({}", list(&grants));
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text.push(')');
    Some((text, false))
}

fn check_takeover(ctx: &Context, out: &mut Vec<Finding>) {
    // Roles by name: inputs can hold tens of thousands of objects.
    let mut roles: HashMap<&str, Vec<&Resource>> = HashMap::new();
    for r in ctx.resources.iter().filter(|r| is_role(r)) {
        roles.entry(name(r)).or_default().push(r);
    }
    let bindings: Vec<(usize, &Resource, String, bool)> = bindings(ctx)
        .filter_map(|(i, b)| {
            let (text, admin) = danger(&roles, b)?;
            Some((i, b, text, admin))
        })
        .collect();
    if bindings.is_empty() {
        return;
    }
    for w in ctx.workloads {
        if w.spec.automount_service_account_token == Some(false) {
            continue;
        }
        let r = ctx.resource(w);
        let (sa, path) = match (&w.spec.service_account_name, &w.spec.service_account) {
            (Some(n), _) if !n.is_empty() => (n.as_str(), w.spec_field("serviceAccountName")),
            (_, Some(n)) if !n.is_empty() => (n.as_str(), w.spec_field("serviceAccount")),
            _ => ("default", w.spec_path.clone()),
        };
        let ns = r.namespace();
        for (bi, b, text, admin) in &bindings {
            // A workload or subject without a namespace lands wherever the
            // input is applied: assume the same place.
            let bound = subjects(b).iter().any(|s| {
                let same_ns = |other: Option<&str>| ns.is_none() || other.is_none() || ns == other;
                match s.kind {
                    "ServiceAccount" => s.name == sa && same_ns(s.namespace),
                    "Group" => {
                        s.name == "system:serviceaccounts"
                            || s.name
                                .strip_prefix("system:serviceaccounts:")
                                .is_some_and(|n| same_ns(Some(n)))
                    }
                    _ => false,
                }
            });
            if !bound {
                continue;
            }
            let mut f = Finding::new(
                &WORKLOAD_TAKEOVER.meta,
                w.resource,
                path.clone(),
                format!(
                    "runs as ServiceAccount \"{sa}\", which {} ({}) binds to {text}: whoever compromises this pod holds that role",
                    describe(b),
                    ctx.place(w.resource, *bi, &Path::parse("roleRef"))
                ),
            );
            if *admin {
                f.severity = Some(Severity::Critical);
            }
            let f = f.with_related(
                *bi,
                Path::parse("roleRef"),
                format!("{} binds ServiceAccount \"{sa}\" to {text}", describe(b)),
            );
            out.push(f);
        }
    }
}
