//! Bindings of `cluster-admin`, of the anonymous and authenticated groups and
//! of `system:masters`.

use super::*;

pub static CLUSTER_ADMIN_BINDING: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-cluster-admin-binding",
        title: "Binding of cluster-admin",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            cis_k8s!(
                "5.1.1",
                "Ensure that the cluster-admin role is only used where required"
            ),
            good_practices("Least privilege"),
            NSA_RBAC,
        ],
        rationale: "`cluster-admin` is superuser over every resource in every namespace. Bound to a ServiceAccount, any pod that mounts its token (or anyone who can create pods in its namespace) owns the cluster. The API server's own bootstrap binding (ClusterRoleBinding `cluster-admin` to group `system:masters`, labelled `kubernetes.io/bootstrapping: rbac-defaults`, as a dump of a live cluster shows it) is not reported: the API server re-creates it at every start, it cannot be removed, and it grants nothing (system:masters bypasses RBAC); a subject added to a copy of it still is.",
        remediation: "Bind a role that lists only the permissions needed, scoped with a RoleBinding to the namespaces needed.",
        help: "bind a least-privilege role instead of cluster-admin",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ci\n  namespace: apps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci\n",
        pss: None,
        params: &[],
    },
    check: Some(check_cluster_admin),
};

pub static ANONYMOUS_BINDING: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-anonymous-binding",
        title: "Binding to anonymous or all authenticated users",
        severity: Severity::Critical,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            good_practices("Least privilege"),
            k8s(
                "system:anonymous",
                "Anonymous requests",
                "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
            ),
            NSA_RBAC,
        ],
        rationale: "`system:anonymous` and `system:unauthenticated` are every request without credentials; `system:authenticated` is every identity the cluster accepts, including every ServiceAccount of every namespace and, on managed clusters, any account of the cloud provider. Permissions bound to them are public.",
        remediation: "Bind the role to the specific users, groups or ServiceAccounts that need it.",
        help: "bind the role to specific subjects, not to a system group",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: open\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:unauthenticated\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: open\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: sre\n",
        pss: None,
        params: &[],
    },
    check: Some(check_anonymous),
};

pub static SYSTEM_MASTERS_BINDING: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-system-masters-binding",
        title: "Binding to the system:masters group",
        severity: Severity::Medium,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            good_practices("Least privilege"),
            cis_k8s!("5.1.7", "Avoid use of system:masters group"),
            k8s(
                "system:masters",
                "Default roles and role bindings",
                "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings",
            ),
            NSA_RBAC,
        ],
        rationale: "Members of `system:masters` are superusers before RBAC is consulted: the API server admits their requests without reading any binding, and membership comes from a client certificate's organization or an authenticator mapping (EKS aws-auth), which RBAC cannot revoke. A binding to it (other than the API server's own bootstrap binding of cluster-admin, labelled `kubernetes.io/bootstrapping: rbac-defaults`, which is not reported) grants nothing, so it is a sign the group is taken for an ordinary one (a role meant to limit someone who is in fact unlimited, or a plan to add people to it) (Trivy KSV-0123, Kyverno restrict-binding-system-groups). It is a rule of its own, not `rbac-anonymous-binding`: those bindings make permissions public, this one changes no permission, hence medium severity.",
        remediation: "Remove the subject and bind the role to a dedicated group; keep system:masters for break-glass certificates only.",
        help: "bind the role to a dedicated group instead of system:masters",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: admins\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:masters\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: admins\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: platform-admins\n",
        pss: None,
        params: &[],
    },
    check: Some(check_system_masters),
};

fn check_system_masters(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, b) in bindings(ctx) {
        let (kind, role) = role_ref(b);
        if is_bootstrap_admin(b) {
            continue;
        }
        for s in subjects(b) {
            if is_masters(&s) {
                out.push(Finding::new(
                    &SYSTEM_MASTERS_BINDING.meta,
                    ri,
                    s.path("name"),
                    format!(
                        "{} binds {kind} \"{role}\" to group system:masters, whose members bypass RBAC altogether: the binding grants nothing and suggests the group is mistaken for an ordinary one; bind the role to a dedicated group",
                        describe(b)
                    ),
                ));
            }
        }
    }
}

/// The API server's own bootstrap binding of cluster-admin (to
/// system:masters), as a dump of a live cluster's RBAC shows it: labelled
/// `kubernetes.io/bootstrapping: rbac-defaults`. The API server re-creates
/// it at every start, so a manifest that carries it changes nothing.
fn is_bootstrap_admin(b: &Resource) -> bool {
    Kind::CLUSTER_ROLE_BINDING.is(b)
        && role_ref(b) == ("ClusterRole", "cluster-admin")
        && crate::model::resource::value_at(&b.json, "metadata.labels")
            .and_then(|l| l.get("kubernetes.io/bootstrapping"))
            .and_then(Value::as_str)
            == Some("rbac-defaults")
}

fn is_masters(s: &Subject) -> bool {
    s.kind == "Group" && s.name == "system:masters"
}

fn subject_text(s: &Subject) -> String {
    match (s.kind, s.namespace) {
        ("ServiceAccount", Some(ns)) => format!("ServiceAccount {ns}/{}", s.name),
        (kind, _) => format!("{kind} {}", s.name),
    }
}

fn check_cluster_admin(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, b) in bindings(ctx) {
        if role_ref(b) != ("ClusterRole", "cluster-admin") {
            continue;
        }
        let mut subs = subjects(b);
        // The bootstrap binding's system:masters subject is a default of
        // every cluster (and grants nothing: the group bypasses RBAC); any
        // subject added to a copy of it is still reported.
        if is_bootstrap_admin(b) {
            subs.retain(|s| !is_masters(s));
            if subs.is_empty() {
                continue;
            }
        }
        let names: Vec<String> = subs.iter().map(subject_text).collect();
        let to_sa = subs.iter().any(|s| s.kind == "ServiceAccount");
        let mut f = Finding::new(
            &CLUSTER_ADMIN_BINDING.meta,
            ri,
            Path::parse("roleRef.name"),
            format!(
                "{} grants cluster-admin (superuser over the whole cluster) to {}{}",
                describe(b),
                if names.is_empty() {
                    "no subjects yet".to_string()
                } else {
                    list(&names)
                },
                if to_sa {
                    ": any pod running as that ServiceAccount controls the cluster"
                } else {
                    ""
                }
            ),
        );
        if to_sa {
            f.severity = Some(Severity::Critical);
        }
        out.push(f);
    }
}

/// Built-in roles that are bound to everyone by design (discovery, version,
/// self-review); binding them again is harmless.
const PUBLIC_ROLES: &[&str] = &[
    "system:public-info-viewer",
    "system:discovery",
    "system:basic-user",
];

fn check_anonymous(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, b) in bindings(ctx) {
        let (kind, role) = role_ref(b);
        if PUBLIC_ROLES.contains(&role) {
            continue;
        }
        for s in subjects(b) {
            let who = match s.name {
                "system:anonymous" => "every request without credentials",
                "system:unauthenticated" => "every request without credentials",
                "system:authenticated" => {
                    "every authenticated identity, including every ServiceAccount"
                }
                _ => continue,
            };
            out.push(Finding::new(
                &ANONYMOUS_BINDING.meta,
                ri,
                s.path("name"),
                format!(
                    "{} grants {kind} \"{role}\" to {} ({who}); bind it to specific subjects",
                    describe(b),
                    s.name
                ),
            ));
        }
    }
}
