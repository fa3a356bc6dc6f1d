//! RBAC rules read as the authorizer reads them: wildcards, resourceNames,
//! and the aws-auth mapping text, with the exact places findings point at.

use kubeharden::check;
use kubeharden::options::Options;

/// `(rule, 1-based line, 1-based column, text under the range)` of the
/// findings of `rule`.
fn findings(text: &str, rule: &str) -> Vec<(u32, u32, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    check(text, &Options::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            let (s, e) = (d.range.start, d.range.end);
            let under = if s.line == e.line {
                lines[s.line as usize]
                    .chars()
                    .skip(s.character as usize)
                    .take((e.character - s.character) as usize)
                    .collect()
            } else {
                String::from("<several lines>")
            };
            (s.line + 1, s.character + 1, under, d.message)
        })
        .collect()
}

fn role(kind: &str, rules: &str) -> String {
    let ns = if kind == "Role" {
        "  namespace: kube-system\n"
    } else {
        ""
    };
    format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: r\n{ns}rules:\n{rules}"
    )
}

#[test]
fn star_verbs_reach_escalate_bind_and_impersonate_on_their_targets_only() {
    let text = role(
        "ClusterRole",
        "- apiGroups: [\"rbac.authorization.k8s.io\"]\n  resources: [\"clusterroles\"]\n  verbs: [\"*\"]\n- apiGroups: [\"\"]\n  resources: [\"configmaps\", \"groups\"]\n  verbs: [\"*\"]\n",
    );
    let f = findings(&text, "rbac-privilege-escalation");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(
        (f[0].0, f[0].1, f[0].2.as_str()),
        (7, 15, "\"clusterroles\"")
    );
    assert!(
        f[0].3.contains("through \"*\" in verbs, 3 permissions that escalate privileges: escalate; bind; write access to clusterroles"),
        "{}",
        f[0].3
    );
    // configmaps (no aws-auth in a ClusterRole) is not an escalation.
    assert_eq!((f[1].0, f[1].2.as_str()), (10, "\"groups\""));
    assert!(f[1].3.contains("impersonate"), "{}", f[1].3);
}

#[test]
fn pods_star_and_other_groups_grant_nothing() {
    // `pods/*` is no wildcard to the authorizer; `*/exec` in apps names no
    // core subresource.
    let text = role(
        "ClusterRole",
        "- apiGroups: [\"\"]\n  resources: [\"pods/*\"]\n  verbs: [\"*\"]\n- apiGroups: [\"apps\"]\n  resources: [\"*/exec\", \"*\"]\n  verbs: [\"create\", \"get\"]\n",
    );
    assert_eq!(
        findings(&text, "rbac-privilege-escalation"),
        Vec::<(u32, u32, String, String)>::new()
    );
}

#[test]
fn resource_names_remove_create_of_objects_but_not_of_subresources() {
    let text = role(
        "Role",
        "- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  resourceNames: [\"x\"]\n  verbs: [\"create\"]\n",
    );
    // create pods in kube-system and create persistentvolumes need no name:
    // the rule cannot grant them; pods/exec and nodes/proxy (a create on a
    // named pod or node) stay, serviceaccounts/token scoped to a name is the
    // narrow form.
    let f = findings(&text, "rbac-privilege-escalation");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].3.ends_with(
            "grants, through \"*\" in apiGroups and \"*\" in resources, 3 permissions that escalate privileges: pods/exec; pods/attach; nodes/proxy"
        ),
        "{}",
        f[0].3
    );
    let unscoped = role(
        "Role",
        "- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"create\"]\n",
    );
    assert_eq!(findings(&unscoped, "rbac-privilege-escalation").len(), 1);
}

#[test]
fn bootstrap_cluster_admin_binding_is_skipped_only_for_system_masters() {
    let binding = |extra: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: cluster-admin\n  labels:\n    kubernetes.io/bootstrapping: rbac-defaults\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:masters\n{extra}"
        )
    };
    assert!(findings(&binding(""), "rbac-cluster-admin-binding").is_empty());
    let f = findings(
        &binding("- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: mallory\n"),
        "rbac-cluster-admin-binding",
    );
    assert_eq!(f.len(), 1);
    assert!(f[0].3.ends_with("to User mallory"), "{}", f[0].3);
    // Without the label it is an ordinary binding.
    let plain = binding("").replace("rbac-defaults", "other");
    assert_eq!(findings(&plain, "rbac-cluster-admin-binding").len(), 1);
}

fn aws_auth(data: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n{data}"
    )
}

#[test]
fn aws_auth_findings_point_into_the_block_scalar() {
    let text = aws_auth(
        "  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/node\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n    - rolearn: arn:aws:iam::1:role/admin\n      groups: [ops, system:masters]\n  mapUsers: |-\n\n    - userarn: arn:aws:iam::1:user/alice\n      username: alice\n      groups:\n      - system:masters\n",
    );
    let f = findings(&text, "rbac-aws-auth-system-masters");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(
        (f[0].0, f[0].1, f[0].2.as_str()),
        (14, 21, "system:masters")
    );
    assert!(
        f[0].3.contains(
            "maps IAM role arn:aws:iam::1:role/admin to group system:masters in mapRoles"
        ),
        "{}",
        f[0].3
    );
    assert_eq!((f[1].0, f[1].1, f[1].2.as_str()), (20, 9, "system:masters"));
    assert!(
        f[1].3.contains(
            "maps IAM user arn:aws:iam::1:user/alice (username alice) to group system:masters in mapUsers"
        ),
        "{}",
        f[1].3
    );
}

#[test]
fn aws_auth_outside_a_literal_block_is_reported_on_its_key() {
    let text = aws_auth(
        "  mapUsers: \"- userarn: arn:aws:iam::1:user/a\\n  groups: [system:masters]\\n\"\n",
    );
    let f = findings(&text, "rbac-aws-auth-system-masters");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0, f[0].1), (7, 3));
    assert!(f[0].2.starts_with("mapUsers: "), "{}", f[0].2);
}

#[test]
fn aws_auth_is_only_read_in_kube_system() {
    let text = aws_auth("  mapUsers: |\n    - userarn: a\n      groups: [system:masters]\n")
        .replace("namespace: kube-system", "namespace: apps");
    assert!(findings(&text, "rbac-aws-auth-system-masters").is_empty());
}

#[test]
fn escalate_bind_and_impersonate_count_only_on_their_targets() {
    // escalate and bind on pods, impersonate on tokenreviews grant nothing;
    // each sits on the resources item that reaches its target.
    let text = role(
        "ClusterRole",
        "- apiGroups: [\"\"]\n  resources: [\"pods\", \"serviceaccounts\"]\n  verbs: [\"escalate\", \"bind\", \"impersonate\"]\n- apiGroups: [\"rbac.authorization.k8s.io\"]\n  resources: [\"rolebindings\", \"roles\"]\n  verbs: [\"escalate\", \"get\"]\n- apiGroups: [\"authentication.k8s.io\"]\n  resources: [\"tokenreviews\", \"userextras/scopes\"]\n  verbs: [\"impersonate\"]\n- apiGroups: [\"apps\"]\n  resources: [\"*\"]\n  verbs: [\"bind\", \"escalate\", \"impersonate\"]\n",
    );
    let f = findings(&text, "rbac-privilege-escalation");
    let at: Vec<(u32, u32, &str)> = f.iter().map(|x| (x.0, x.1, x.2.as_str())).collect();
    assert_eq!(
        at,
        [
            (7, 23, "\"serviceaccounts\""),
            (10, 31, "\"roles\""),
            (13, 31, "\"userextras/scopes\""),
        ],
        "{f:?}"
    );
    assert!(
        f[0].3
            .ends_with("grants impersonate: acts as other users, groups or ServiceAccounts"),
        "{}",
        f[0].3
    );
    assert!(
        f[1].3
            .ends_with("grants escalate: grants permissions the subject does not hold"),
        "{}",
        f[1].3
    );
}

#[test]
fn impersonate_reaches_user_extras_through_wildcards() {
    let text = role(
        "ClusterRole",
        "- apiGroups: [\"authentication.k8s.io\"]\n  resources: [\"*/scopes\", \"userextras/*\", \"uids/x\"]\n  verbs: [\"impersonate\"]\n",
    );
    let f = findings(&text, "rbac-privilege-escalation");
    let under: Vec<&str> = f.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(under, ["\"*/scopes\"", "\"userextras/*\""], "{f:?}");
    assert!(
        f[0].3
            .contains("grants, through \"*/scopes\" in resources, impersonate:"),
        "{}",
        f[0].3
    );
}

#[test]
fn secrets_read_matches_wildcards_and_resource_names_scope_every_read() {
    let text = role(
        "Role",
        "- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  resourceNames: [\"tls\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n- apiGroups: [\"\"]\n  resources: [\"configmaps\", \"secrets\"]\n  verbs: [\"list\", \"*\"]\n- apiGroups: [\"apps\"]\n  resources: [\"*\"]\n  verbs: [\"get\"]\n",
    );
    let f = findings(&text, "rbac-secrets-read");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[0].0, f[0].1, f[0].2.as_str()), (8, 15, "\"*\""));
    assert!(
        f[0].3.ends_with(
            "grants, through \"*\" in apiGroups, \"*\" in verbs and \"*\" in resources, get/list/watch on secrets: it reads every credential in scope; restrict to `get` with resourceNames"
        ),
        "{}",
        f[0].3
    );
    assert_eq!((f[1].0, f[1].2.as_str()), (15, "\"secrets\""));
    assert!(
        f[1].3
            .contains("grants, through \"*\" in verbs, get/list/watch on secrets:"),
        "{}",
        f[1].3
    );
}

#[test]
fn websocket_only_exec_and_port_forward_are_named_as_such() {
    let text = role(
        "ClusterRole",
        "- apiGroups: [\"\"]\n  resources: [\"pods/exec\", \"pods/portforward\"]\n  verbs: [\"get\"]\n- apiGroups: [\"\"]\n  resources: [\"pods/attach\"]\n  verbs: [\"get\", \"create\"]\n- apiGroups: [\"\"]\n  resources: [\"*\"]\n  verbs: [\"get\"]\n",
    );
    let f = findings(&text, "rbac-privilege-escalation");
    assert_eq!(f.len(), 3, "{f:?}");
    assert_eq!(f[0].2, "\"pods/exec\"");
    assert!(
        f[0].3.ends_with(
            "grants get on pods/exec (enough over a websocket before Kubernetes 1.35): runs commands in other pods"
        ),
        "{}",
        f[0].3
    );
    assert!(
        f[1].3
            .ends_with("grants pods/attach: runs commands in other pods"),
        "{}",
        f[1].3
    );
    assert!(
        f[2].3.ends_with(
            "3 permissions that escalate privileges: get on pods/exec, pods/attach (enough over a websocket before Kubernetes 1.35); nodes/proxy"
        ),
        "{}",
        f[2].3
    );
    let t = findings(&text, "rbac-network-bypass");
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!(t[0].2, "\"pods/portforward\"");
    assert!(
        t[0].3.contains("grants get on pods/portforward (enough over a websocket before Kubernetes 1.35): tunnels"),
        "{}",
        t[0].3
    );
}

#[test]
fn long_merged_lists_name_the_first_five_and_list_all_in_the_help() {
    let text = role(
        "ClusterRole",
        "- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]\n- apiGroups: [\"rbac.authorization.k8s.io\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]\n",
    );
    let d: Vec<_> = check(&text, &Options::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == "rbac-privilege-escalation")
        .collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].message.ends_with(
            "20 permissions that escalate privileges: escalate; bind; impersonate; approve on signers; pods/exec and 15 more (listed in the help)"
        ),
        "{}",
        d[0].message
    );
    assert!(
        d[0].help.starts_with("remove the permission or scope it to a dedicated ServiceAccount; all 20: escalate; bind; impersonate; approve on signers; pods/exec; pods/attach; create serviceaccounts/token, persistentvolumes; nodes/proxy;"),
        "{}",
        d[0].help
    );
    assert!(
        d[0].help.ends_with("mutatingadmissionpolicybindings"),
        "{}",
        d[0].help
    );
    // Six fit in the message: no `more`, the rule's own help.
    assert!(
        d[1].message.ends_with(
            "6 permissions that escalate privileges: escalate; bind; write access to roles, clusterroles, rolebindings, clusterrolebindings"
        ),
        "{}",
        d[1].message
    );
    assert_eq!(
        d[1].help,
        "remove the permission or scope it to a dedicated ServiceAccount"
    );
}

/// A Role in `namespace` with `rules`.
fn role_in(namespace: &str, rules: &str) -> String {
    format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: {namespace}\nrules:\n{rules}"
    )
}

#[test]
fn workload_creation_is_reported_per_namespace_and_once_in_kube_system() {
    let rules = "- apiGroups: [\"\", apps]\n  resources: [pods, deployments]\n  verbs: [create]\n";
    let apps = role_in("apps", rules);
    let f = findings(&apps, "rbac-workload-creation");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].2, "pods");
    assert_eq!(f[1].2, "deployments");
    assert!(
        f[0].3.contains("every Secret of namespace \"apps\""),
        "{f:?}"
    );
    assert!(findings(&apps, "rbac-privilege-escalation").is_empty());
    // In kube-system the same grants are escalations, reported there only.
    let system = role_in("kube-system", rules);
    assert!(findings(&system, "rbac-workload-creation").is_empty());
    assert_eq!(findings(&system, "rbac-privilege-escalation").len(), 2);
    // A ClusterRole reaches every namespace it is bound in.
    let cluster = role(
        "ClusterRole",
        "- apiGroups: [batch]\n  resources: [\"*\"]\n  verbs: [\"*\"]\n",
    );
    let f = findings(&cluster, "rbac-workload-creation");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].2, "\"*\"");
    assert!(f[0].3.contains("create jobs, cronjobs"), "{f:?}");
    assert!(f[0].3.contains("update or patch cronjobs"), "{f:?}");
    assert!(!f[0].3.contains("update or patch jobs"), "{f:?}");
    assert!(
        f[0].3
            .contains("through \"*\" in verbs and \"*\" in resources"),
        "{f:?}"
    );
}
