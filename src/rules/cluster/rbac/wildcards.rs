//! `rbac-wildcard` and `rbac-prefer-namespaced`: how broad a role's rules are.

use super::*;

pub static WILDCARD: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-wildcard",
        title: "Wildcard in an RBAC rule",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            good_practices("Least privilege"),
            cis_k8s!("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
            NSA_RBAC,
        ],
        rationale: "A `*` grants every verb, resource or API group, including ones added later (new subresources, custom resources): the role silently grows to include secrets, escalate, impersonate and everything else.",
        remediation: "List the verbs, resources and API groups the subject needs instead of `*`.",
        help: "replace \"*\" with the explicit verbs, resources or API groups needed",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ops\nrules:\n- apiGroups: [\"\"]\n  resources: [\"*\"]\n  verbs: [\"get\", \"list\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ops\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"services\"]\n  verbs: [\"get\", \"list\"]\n",
        pss: None,
        params: &[],
    },
    check: Some(check_wildcard),
};

pub static PREFER_NAMESPACED: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-prefer-namespaced",
        title: "ClusterRoleBinding where a RoleBinding would do",
        severity: Severity::Low,
        category: "rbac",
        profiles: HARDENED,
        references: &[good_practices("Least privilege")],
        rationale: "A ClusterRoleBinding grants its role in every namespace, present and future. When the role only touches namespaced resources, RoleBindings in the namespaces the subject works in grant the same with a smaller blast radius.",
        remediation: "Replace the ClusterRoleBinding with RoleBindings (to the same ClusterRole) in the namespaces that need it.",
        help: "use a RoleBinding per namespace that needs this role",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: config-reader\nrules:\n- apiGroups: [\"\"]\n  resources: [\"configmaps\"]\n  verbs: [\"get\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: config-reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: config-reader\nsubjects:\n- kind: ServiceAccount\n  name: app\n  namespace: apps\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: config-reader\nrules:\n- apiGroups: [\"\"]\n  resources: [\"configmaps\"]\n  verbs: [\"get\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: config-reader\n  namespace: apps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: config-reader\nsubjects:\n- kind: ServiceAccount\n  name: app\n  namespace: apps\n",
        pss: None,
        params: &[],
    },
    check: Some(check_prefer_namespaced),
};

pub(super) fn wildcards(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for rule in r.field("rules").iter().flat_map(Field::items) {
        for field in ["verbs", "apiGroups", "resources", "nonResourceURLs"] {
            for (s, path) in rule.key(field).iter().flat_map(Field::strings) {
                if s == "*" || (field == "nonResourceURLs" && s == "/*") {
                    out.push(Grant {
                        path,
                        what: format!("\"{s}\" in {field}"),
                        through: Vec::new(),
                    });
                }
            }
        }
    }
    out
}

fn check_wildcard(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in roles(ctx) {
        for g in wildcards(r) {
            out.push(Finding::new(
                &WILDCARD.meta,
                ri,
                g.path,
                format!(
                    "{} grants {}: every current and future value matches; list the ones needed",
                    describe(r),
                    g.what
                ),
            ));
        }
    }
}

/// Plural names of namespaced built-in resources (subresources are judged by
/// their parent).
const NAMESPACED: &[&str] = &[
    "pods",
    "services",
    "endpoints",
    "configmaps",
    "secrets",
    "serviceaccounts",
    "persistentvolumeclaims",
    "events",
    "limitranges",
    "resourcequotas",
    "replicationcontrollers",
    "podtemplates",
    "bindings",
    "deployments",
    "daemonsets",
    "statefulsets",
    "replicasets",
    "controllerrevisions",
    "jobs",
    "cronjobs",
    "ingresses",
    "networkpolicies",
    "roles",
    "rolebindings",
    "leases",
    "endpointslices",
    "horizontalpodautoscalers",
    "poddisruptionbudgets",
    "csistoragecapacities",
    "localsubjectaccessreviews",
    "resourceclaims",
    "resourceclaimtemplates",
];

fn check_prefer_namespaced(ctx: &Context, out: &mut Vec<Finding>) {
    // Plural names of custom resources the input declares namespaced.
    let crds: std::collections::HashSet<&str> = ctx
        .resources
        .iter()
        .filter(|r| {
            Kind::CUSTOM_RESOURCE_DEFINITION.is(r)
                && str_at(&r.json, "spec.scope") == Some("Namespaced")
        })
        .filter_map(|r| str_at(&r.json, "spec.names.plural"))
        .collect();
    for (ri, b) in ctx.resources.iter().enumerate() {
        if !Kind::CLUSTER_ROLE_BINDING.is(b) {
            continue;
        }
        let (kind, role_name) = role_ref(b);
        if kind != "ClusterRole" {
            continue;
        }
        // By the index: a repository holds thousands of bindings and roles.
        let Some(role) = ctx
            .named(Kind::CLUSTER_ROLE, role_name)
            .map(|(_, r)| r)
            .next()
        else {
            continue;
        };
        if role.json.get("aggregationRule").is_some() {
            continue;
        }
        let rs = items(&role.json, "rules");
        let namespaced_only = !rs.is_empty()
            && rs.iter().all(|(_, rule)| {
                rule.get("nonResourceURLs")
                    .is_none_or(|v| v.as_array().is_none_or(<[_]>::is_empty))
                    && !strings(rule.get("apiGroups"))
                        .iter()
                        .any(|(_, g)| *g == "*")
                    && {
                        let res = strings(rule.get("resources"));
                        !res.is_empty()
                            && res.iter().all(|(_, r)| {
                                let base = r.split('/').next().unwrap_or(r);
                                NAMESPACED.contains(&base) || crds.contains(&base)
                            })
                    }
            });
        if namespaced_only {
            out.push(Finding::new(
                &PREFER_NAMESPACED.meta,
                ri,
                Path::parse("roleRef.kind"),
                format!(
                    "{} grants ClusterRole \"{role_name}\" in every namespace, but the role only touches namespaced resources; RoleBindings in the namespaces that need it would do",
                    describe(b)
                ),
            ));
        }
    }
}
