//! `rbac-privilege-escalation`: the verbs and resources that let a subject
//! raise its own privileges (RBAC good practices, "privilege escalation").

use super::secrets::WRITE;
use super::traffic::streaming;
use super::*;

pub static PRIVILEGE_ESCALATION: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-privilege-escalation",
        title: "RBAC permission that escalates privileges",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            good_practices("Privilege escalation risks"),
            cis_k8s!(
                "5.1.8",
                "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster"
            ),
            cis_k8s!("5.1.4", "Minimize access to create pods"),
            cis_k8s!("5.1.9", "Minimize access to create persistent volumes"),
            cis_k8s!(
                "5.1.10",
                "Minimize access to the proxy sub-resource of nodes"
            ),
            cis_k8s!(
                "5.1.11",
                "Minimize access to the approval sub-resource of certificatesigningrequests objects"
            ),
            cis_k8s!("5.1.12", "Minimize access to webhook configuration objects"),
            cis_k8s!(
                "5.1.13",
                "Minimize access to the service account token creation"
            ),
            Reference {
                source: "AWS EKS",
                id: "aws-auth",
                title: "Grant IAM users and roles access with the aws-auth ConfigMap",
                url: "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html",
            },
            NSA_RBAC,
        ],
        rationale: "Some permissions hand over more than they name: escalate and bind (on roles and clusterroles) grant any permission, impersonate (on users, groups, serviceaccounts, uids or userextras) becomes any user, pods/exec and pods/attach run commands in other pods, serviceaccounts/token mints tokens for other accounts, nodes/proxy reaches the kubelet API, approving CSRs issues client certificates, writing roles, bindings or admission webhooks rewrites the rules themselves, creating pods in kube-system runs as its controllers, creating PersistentVolumes gives pods a hostPath volume onto the node's filesystem, and writing EKS's aws-auth ConfigMap (kube-system) maps any IAM identity to system:masters (Kubescape C-0278, Trivy KSV-0115). Each is matched as the authorizer reads the rule: `*` in verbs, apiGroups or resources grants them too (a `*` resource every resource and subresource, `*/exec` the exec subresource of every resource; `pods/*` matches nothing), with one finding per list item that names several of them, saying which wildcards it goes through (past six, the message counts them and names the first five, and the finding's help lists them all) (`rbac-wildcard` reports the same `*` items for what they may grant in the future). resourceNames never scopes creating a top-level object (a create request carries no name), so such a rule grants no `create` of pods or PersistentVolumes; it narrows serviceaccounts/token to the named ServiceAccounts, which is not reported; the others stay reported with resourceNames, since the named role, binding, webhook, user, pod or node can be the powerful one. A ClusterRole's unscoped configmaps write is not judged for aws-auth, as it only reaches it when bound cluster-wide on EKS. The escalate, bind, impersonate and approve verbs are reported on the resources items that reach their targets (roles or clusterroles; users, groups, serviceaccounts, uids or userextras; signers), named or through `*`: on any other resource they grant nothing. `get` alone on pods/exec or pods/attach is reported as such: a websocket exec is a GET, and before Kubernetes 1.35 it needed only `get` (1.35 also checks `create`, feature gate AuthorizePodWebsocketUpgradeCreatePermission), and manifests are applied to older clusters too.",
        remediation: "Remove the permission; where a controller needs it, give it to that controller's own ServiceAccount only, scoped by namespace and resourceNames.",
        help: "remove the permission or scope it to a dedicated ServiceAccount",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: debugger\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods/exec\"]\n  verbs: [\"create\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: debugger\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"pods/log\"]\n  verbs: [\"get\", \"list\"]\n",
        pss: None,
        params: &[],
    },
    check: Some(check_escalation),
};

/// `(API group, resource)`.
type GroupResource = (&'static str, &'static str);

/// Verbs that escalate on the objects the authorizer checks them against
/// (escalate and bind on roles and clusterroles, impersonate on users,
/// groups, ServiceAccounts, UIDs and user extras, approve on signers) and
/// grant nothing elsewhere (`escalate` on pods is no permission). Named or
/// through `*` in verbs, the finding sits on the resources items that reach
/// those targets. resourceNames does not narrow them: a named role to bind
/// or escalate, or a named user to impersonate, can be the powerful one.
const ESCALATING_VERBS: &[(&str, &[GroupResource], &str)] = &[
    (
        "escalate",
        &[(RBAC_GROUP, "roles"), (RBAC_GROUP, "clusterroles")],
        "escalate: grants permissions the subject does not hold",
    ),
    (
        "bind",
        &[(RBAC_GROUP, "roles"), (RBAC_GROUP, "clusterroles")],
        "bind: binds roles with permissions the subject does not hold",
    ),
    (
        "impersonate",
        &[
            ("", "users"),
            ("", "groups"),
            ("", "serviceaccounts"),
            ("authentication.k8s.io", "uids"),
            ("authentication.k8s.io", "userextras/*"),
        ],
        "impersonate: acts as other users, groups or ServiceAccounts",
    ),
    (
        "approve",
        &[("certificates.k8s.io", "signers")],
        "approve on signers: approves certificate signing requests",
    ),
];

const ADMISSION: &[&str] = &[
    "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
];

/// The kinds that make pods, by API group: creating one in kube-system runs
/// code as its controllers (`rbac-privilege-escalation`), elsewhere as any
/// ServiceAccount of the namespace (`rbac-workload-creation`).
pub(super) const KUBE_SYSTEM_WORKLOADS: &[(&str, &str)] = &[
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];

/// The HTTP methods a proxy request can use, as authorizer verbs.
const PROXY_VERBS: &[&str] = &["get", "create", "update", "patch", "delete"];

pub(super) fn escalations(r: &Resource) -> Vec<Grant> {
    let kube_system = Kind::ROLE.is(r) && r.namespace() == Some("kube-system");
    let mut out = Vec::new();
    for rule in rules(r) {
        for &(verb, targets, what) in ESCALATING_VERBS {
            for &(group, resource) in targets {
                add(&mut out, &rule, rule.grants(group, resource, &[verb]), what);
            }
        }
        // Scoped to named pods, pods/exec and pods/attach still run
        // commands in those pods, so resourceNames does not narrow them; nor
        // does it narrow nodes/proxy (the kubelet of each named node) or CSR
        // approval.
        for res in ["pods/exec", "pods/attach"] {
            streaming(&mut out, &rule, res, "runs commands in other pods");
        }
        // Scoped to named ServiceAccounts (resourceNames) is the narrow form a
        // CNI or operator needs.
        if rule.resource_names == 0 {
            add(
                &mut out,
                &rule,
                rule.grants("", "serviceaccounts/token", &["create"]),
                "create serviceaccounts/token: mints tokens of other ServiceAccounts",
            );
        }
        add(
            &mut out,
            &rule,
            rule.grants("", "nodes/proxy", PROXY_VERBS),
            "nodes/proxy: reaches the kubelet API (exec into any pod on the node)",
        );
        add(
            &mut out,
            &rule,
            rule.grants(
                "certificates.k8s.io",
                "certificatesigningrequests/approval",
                &["update", "patch"],
            ),
            "certificatesigningrequests/approval: approves client certificates",
        );
        // Updating a named role or binding still rewrites what it grants, so
        // resourceNames narrows these to update, patch and delete only (see
        // `grants`), which are still reported.
        for res in [
            "roles",
            "clusterroles",
            "rolebindings",
            "clusterrolebindings",
        ] {
            add(
                &mut out,
                &rule,
                rule.grants(RBAC_GROUP, res, WRITE),
                &format!("write access to {res}: rewrites RBAC itself"),
            );
        }
        // An operator patching its own webhook's caBundle (resourceNames) can
        // still rewrite that webhook's rules and failurePolicy: reported.
        for res in ADMISSION {
            add(
                &mut out,
                &rule,
                rule.grants("admissionregistration.k8s.io", res, WRITE),
                &format!("write access to {res}: intercepts or disables admission control"),
            );
        }
        if kube_system {
            for &(group, res) in KUBE_SYSTEM_WORKLOADS {
                add(
                    &mut out,
                    &rule,
                    rule.grants(group, res, &["create"]),
                    &format!(
                        "create {res} in kube-system: runs code as its system ServiceAccounts"
                    ),
                );
            }
        }
        add(
            &mut out,
            &rule,
            rule.grants("", "persistentvolumes", &["create"]),
            "create persistentvolumes: a hostPath PersistentVolume mounts the node's filesystem into any pod that claims it",
        );
        // EKS maps IAM identities to Kubernetes users and groups through
        // kube-system/aws-auth: writing it grants any group, system:masters
        // included. A ClusterRole's unscoped configmaps write reaches it too,
        // but only where it is bound cluster-wide on EKS; it is not judged.
        let named = rule.names.contains(&"aws-auth");
        if named || (kube_system && rule.resource_names == 0) {
            add(
                &mut out,
                &rule,
                rule.grants("", "configmaps", &["update", "patch"]),
                if named {
                    "write access to the aws-auth ConfigMap: on EKS it maps IAM identities to any group, system:masters included"
                } else {
                    "write access to configmaps in kube-system (aws-auth included): on EKS it maps IAM identities to any group, system:masters included"
                },
            );
        }
    }
    // `*` reaches several targets of one verb (roles and clusterroles).
    out.dedup_by(|a, b| a.path == b.path && a.what == b.what);
    out
}

fn check_escalation(ctx: &Context, out: &mut Vec<Finding>) {
    report_grants(
        ctx,
        out,
        &PRIVILEGE_ESCALATION.meta,
        escalations,
        "permissions that escalate privileges",
        "",
    );
}
