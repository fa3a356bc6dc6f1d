//! RBAC: what Roles and ClusterRoles grant and whom bindings grant it to.
//!
//! Kubernetes RBAC is purely additive and the API server authorizes a request
//! against every binding of its subject, so one generous rule is enough: a
//! `*`, read access to Secrets, the verbs and subresources that let a subject
//! raise its own privileges (escalate, bind, impersonate, pods/exec,
//! serviceaccounts/token, nodes/proxy, CSR approval, writing roles, bindings
//! or admission webhooks, creating PersistentVolumes, writing EKS's aws-auth),
//! access that tunnels or redirects traffic (pods/portforward, writing
//! Endpoints, EndpointSlices or services/status), or a binding of
//! `cluster-admin`, of the `system:anonymous` / `system:unauthenticated` /
//! `system:authenticated` subjects, or of `system:masters`, and EKS aws-auth
//! mappings of IAM identities into `system:masters`. See "RBAC good practices" (kubernetes.io/docs/concepts/security/
//! rbac-good-practices/) for the list of escalation paths.
//!
//! Rules are read from the JSON (so `rbac.authorization.k8s.io/v1beta1`
//! objects are judged too); a finding sits on the offending list item.
//! `rbac-workload-takeover` joins the three: a workload whose ServiceAccount
//! a binding in the same input ties to a role flagged here.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{Resource, str_at};
use crate::rules::cluster::{describe, items, k8s, list, name, nsa, strings};
use crate::rules::{Context, Finding, HARDENED, Reference, Rule, RuleMeta};
use crate::source::{SourceMap, Span};
use crate::yaml::tree::{Document, NodeId, NodeKind, ScalarStyle};

const RBAC_GOOD_PRACTICES: &str =
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/";

pub(super) const fn good_practices(id: &'static str) -> Reference {
    k8s(id, "RBAC good practices", RBAC_GOOD_PRACTICES)
}

pub(super) const NSA_RBAC: Reference = nsa(
    "Authentication and authorization",
    "Role-based access control",
);

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
        replaced_by: None,
        params: &[],
    },
    check: Some(check_wildcard),
};

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
        replaced_by: None,
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
        replaced_by: None,
        params: &[],
    },
    check: Some(check_anonymous),
};

pub static SECRETS_READ: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-secrets-read",
        title: "Read access to Secrets",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            cis_k8s!("5.1.2", "Minimize access to secrets"),
            good_practices("Listing secrets"),
            NSA_RBAC,
        ],
        rationale: "Reading Secrets reads every credential in scope, including ServiceAccount tokens of more privileged accounts. `list` and `watch` return the contents too, not just names. Matched as the authorizer reads the rule, like `rbac-privilege-escalation`: `*` in verbs, apiGroups (the core group) or resources grants the reads too, and the finding then says which wildcards it goes through. A rule with resourceNames is not reported, whatever its read verbs: it reads only the named Secrets (a list or watch is then authorized only with a `metadata.name` field selector naming one of them).",
        remediation: "Drop get/list/watch on secrets, or restrict the reads to the named Secrets the workload needs with `resourceNames`.",
        help: "restrict access to named secrets with resourceNames and `get` only",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"get\", \"list\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  resourceNames: [\"app-tls\"]\n  verbs: [\"get\"]\n",
        replaced_by: None,
        params: &[],
    },
    check: Some(check_secrets),
};

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
        replaced_by: None,
        params: &[],
    },
    check: Some(check_escalation),
};

pub static NETWORK_BYPASS: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-network-bypass",
        title: "RBAC permission that tunnels or redirects traffic",
        severity: Severity::Medium,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            k8s(
                "CVE-2021-25740",
                "Endpoint & EndpointSlice permissions allow cross-Namespace forwarding",
                "https://github.com/kubernetes/kubernetes/issues/103675",
            ),
            k8s(
                "CVE-2020-8554",
                "Man in the middle using LoadBalancer or ExternalIPs",
                "https://github.com/kubernetes/kubernetes/issues/97076",
            ),
            k8s(
                "pods/portforward",
                "Use port forwarding to access applications in a cluster",
                "https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/",
            ),
            NSA_RBAC,
        ],
        rationale: "These grant no new RBAC permission or node access (so they are not `rbac-privilege-escalation`, and do not make `rbac-workload-takeover`), but they defeat the network controls around workloads: pods/portforward tunnels through the API server and kubelet to any port of a pod, including ports bound to localhost and ports NetworkPolicy closes; writing Endpoints or EndpointSlices, which controllers own, sends a Service's traffic to any address (Kubernetes removed that write from the built-in edit and admin roles for CVE-2021-25740); writing services/status sets a LoadBalancer's ingress IP, which kube-proxy then intercepts on every node (CVE-2020-8554). `*` in verbs, apiGroups or resources grants them too; `get` alone on pods/portforward is reported as such (a websocket port-forward needed only `get` before Kubernetes 1.35, which also checks `create`); a rule scoped with resourceNames (a leader-election lock) is the narrow form and is not reported for Endpoints (Kubescape C-0063, Checkov CKV2_K8S_4, Kyverno restrict-edit-for-endpoints).",
        remediation: "Drop the permission; a controller that really manages Endpoints should hold it on its own ServiceAccount, and port forwarding belongs to a break-glass role, not to automation.",
        help: "remove the permission or give it to a dedicated, narrowly bound role",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: router\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"endpoints\"]\n  verbs: [\"get\", \"update\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: router\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"endpoints\", \"services\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n",
        replaced_by: None,
        params: &[],
    },
    check: Some(check_traffic),
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
        replaced_by: None,
        params: &[],
    },
    check: Some(check_system_masters),
};

pub static AWS_AUTH_MASTERS: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-aws-auth-system-masters",
        title: "EKS aws-auth maps an IAM identity to system:masters",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            Reference {
                source: "AWS EKS",
                id: "aws-auth",
                title: "Grant IAM users and roles access with the aws-auth ConfigMap",
                url: "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html",
            },
            Reference {
                source: "AWS EKS",
                id: "Best practices: identity and access management",
                title: "Controlling access to EKS clusters",
                url: "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html",
            },
            good_practices("Least privilege"),
            cis_k8s!("5.1.7", "Avoid use of system:masters group"),
        ],
        rationale: "On EKS the `mapRoles` and `mapUsers` entries of the kube-system/aws-auth ConfigMap turn IAM roles and users into Kubernetes users and groups. An entry whose `groups` include `system:masters` makes whoever can assume that IAM role (or holds that user's keys) a superuser that the API server admits before RBAC is consulted: no binding grants it, so none can limit or revoke it, and the audit trail shows only the mapped username. Node-instance roles mapped to `system:bootstrappers` and `system:nodes` are the normal form and are not reported. The embedded YAML text of both keys is read; AWS deprecates aws-auth in favour of EKS access entries. It is not `rbac-system-masters-binding`: that rule is about RoleBindings, which cannot grant the group anything; this mapping puts people in it (Trivy KSV-0115 and the EKS best-practices guide).",
        remediation: "Map the IAM role or user to a dedicated group and bind that group to a least-privilege role, or move to EKS access entries with a scoped access policy; keep cluster-admin access for a break-glass role.",
        help: "map the IAM identity to a dedicated group bound to a least-privilege role",
        bad_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups:\n      - system:masters\n",
        good_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/eks-node\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n      - system:bootstrappers\n      - system:nodes\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups:\n      - ops-viewers\n",
        replaced_by: None,
        params: &[],
    },
    check: Some(check_aws_auth),
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
        replaced_by: None,
        params: &[],
    },
    check: Some(check_prefer_namespaced),
};

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
        replaced_by: None,
        params: &[],
    },
    check: Some(check_takeover),
};

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

fn is_role(r: &Resource) -> bool {
    r.id.api_version.starts_with(RBAC_GROUP) && (r.is("Role") || r.is("ClusterRole"))
}

fn is_binding(r: &Resource) -> bool {
    r.id.api_version.starts_with(RBAC_GROUP) && (r.is("RoleBinding") || r.is("ClusterRoleBinding"))
}

/// The input's (Cluster)RoleBindings, with their index.
fn bindings<'a>(ctx: &'a Context) -> impl Iterator<Item = (usize, &'a Resource)> {
    ctx.resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_binding(r))
}

/// The input's (Cluster)Roles, with their index.
pub(super) fn roles<'a>(ctx: &'a Context) -> impl Iterator<Item = (usize, &'a Resource)> {
    ctx.resources.iter().enumerate().filter(|(_, r)| is_role(r))
}

/// One problem in a role's rules: where it is and what it grants.
pub(super) struct Grant {
    path: Path,
    /// `short name: why`; the short name alone stands for it in lists.
    what: String,
    /// The wildcard items the grant goes through (`"*" in verbs`,
    /// `"*/exec" in resources`), empty when every item is named.
    through: Vec<String>,
}

/// One PolicyRule read from JSON.
pub(super) struct PolicyRule<'v> {
    index: usize,
    verbs: Vec<(usize, &'v str)>,
    groups: Vec<(usize, &'v str)>,
    resources: Vec<(usize, &'v str)>,
    resource_names: usize,
    names: Vec<&'v str>,
}

impl<'v> PolicyRule<'v> {
    fn group(&self, group: &str) -> bool {
        self.groups.iter().any(|(_, g)| *g == group)
    }

    /// Like `verb`, with `*` granting every verb (as the authorizer reads it).
    fn any_verb(&self, verbs: &[&str]) -> bool {
        self.verbs
            .iter()
            .any(|(_, v)| *v == "*" || verbs.contains(v))
    }

    /// Like `group`, with `*` matching every API group.
    fn any_group(&self, group: &str) -> bool {
        self.groups.iter().any(|(_, g)| *g == "*" || *g == group)
    }

    /// The `resources` items that grant `resource` (`pods` or a subresource
    /// like `pods/portforward`): the name itself, `*`, or `*/portforward`,
    /// the forms the RBAC authorizer matches (`pods/*` matches nothing).
    ///
    /// A `parent/*` target stands for every subresource of `parent` (each
    /// `userextras/<key>` is one): `*`, `*/<any>` and `parent/<any>` grant
    /// one of them.
    fn matching(&self, resource: &str) -> Vec<(usize, &'v str)> {
        let (parent, sub) = match resource.split_once('/') {
            Some((p, s)) => (p, Some(s)),
            None => (resource, None),
        };
        self.resources
            .iter()
            .copied()
            .filter(|(_, r)| {
                *r == "*"
                    || *r == resource
                    || sub.is_some_and(|s| r.strip_prefix("*/") == Some(s))
                    || (sub == Some("*")
                        && (r.starts_with("*/")
                            || r.strip_prefix(parent).is_some_and(|x| x.starts_with('/'))))
            })
            .collect()
    }

    /// The `resources` items through which the rule grants one of `verbs` on
    /// `group`/`resource`, each with the wildcard items that match goes
    /// through (as the authorizer's VerbMatches, APIGroupMatches and
    /// ResourceMatches read them). A rule with resourceNames grants no
    /// `create` or `deletecollection` of a top-level resource: those
    /// requests carry no object name (a subresource's create, such as
    /// pods/exec or serviceaccounts/token, names its parent and is scoped).
    pub(super) fn grants(
        &self,
        group: &str,
        resource: &str,
        verbs: &[&str],
    ) -> Vec<(usize, Vec<String>)> {
        let verbs: Vec<&str> = verbs
            .iter()
            .copied()
            .filter(|v| {
                self.resource_names == 0
                    || resource.contains('/')
                    || !matches!(*v, "create" | "deletecollection")
            })
            .collect();
        if verbs.is_empty() || !self.any_group(group) || !self.any_verb(&verbs) {
            return Vec::new();
        }
        let mut wild = Vec::new();
        if !self.group(group) {
            wild.push("\"*\" in apiGroups".to_string());
        }
        if !self.verbs.iter().any(|(_, v)| verbs.contains(v)) {
            wild.push("\"*\" in verbs".to_string());
        }
        self.matching(resource)
            .into_iter()
            .map(|(i, res)| {
                let mut through = wild.clone();
                if res.starts_with('*') {
                    through.push(format!("\"{res}\" in resources"));
                }
                (i, through)
            })
            .collect()
    }

    fn path(&self, field: &str, i: usize) -> Path {
        Path::parse("rules").index(self.index).key(field).index(i)
    }
}

pub(super) fn rules(r: &Resource) -> Vec<PolicyRule<'_>> {
    items(&r.json, "rules")
        .into_iter()
        .map(|(index, rule)| PolicyRule {
            index,
            verbs: strings(rule.get("verbs")),
            groups: strings(rule.get("apiGroups")),
            resources: strings(rule.get("resources")),
            resource_names: rule
                .get("resourceNames")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
            names: strings(rule.get("resourceNames"))
                .into_iter()
                .map(|(_, n)| n)
                .collect(),
        })
        .collect()
}

fn wildcards(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for (index, rule) in items(&r.json, "rules") {
        for field in ["verbs", "apiGroups", "resources", "nonResourceURLs"] {
            for (i, s) in strings(rule.get(field)) {
                if s == "*" || (field == "nonResourceURLs" && s == "/*") {
                    out.push(Grant {
                        path: Path::parse("rules").index(index).key(field).index(i),
                        what: format!("\"{s}\" in {field}"),
                        through: Vec::new(),
                    });
                }
            }
        }
    }
    out
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

/// get, list or watch on Secrets, matched like the escalation grants
/// (`*` in verbs, apiGroups or resources grants them too). resourceNames
/// scopes all three to the named Secrets (a list or watch is then only
/// authorized with a `metadata.name` field selector naming one of them), the
/// narrow, recommended form: not reported.
fn secrets(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for rule in rules(r) {
        if rule.resource_names > 0 {
            continue;
        }
        let named: Vec<&str> = rule
            .verbs
            .iter()
            .map(|(_, v)| *v)
            .filter(|v| READ.contains(v))
            .collect();
        let star = rule.verbs.iter().any(|(_, v)| *v == "*");
        let reads = if star { READ.to_vec() } else { named.clone() };
        let mut hits = rule.grants("", "secrets", READ);
        // `["list", "*"]`: get and watch still come through the `*`.
        if star && named.len() < READ.len() {
            for (_, through) in &mut hits {
                let verbs = "\"*\" in verbs".to_string();
                if !through.contains(&verbs) {
                    let at = usize::from(through.first().is_some_and(|t| t.ends_with("apiGroups")));
                    through.insert(at, verbs);
                }
            }
        }
        add(
            &mut out,
            &rule,
            hits,
            &format!("{} on secrets", reads.join("/")),
        );
    }
    out
}

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

fn escalations(r: &Resource) -> Vec<Grant> {
    let kube_system = r.is("Role") && r.namespace() == Some("kube-system");
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

/// The short name of a grant (`escalate`, `write access to roles`).
fn short(what: &str) -> &str {
    what.split(':').next().unwrap_or(what)
}

/// Grants on the same list item (a `*` can grant several) as one, so each
/// item carries one finding per rule.
pub(super) struct Merged {
    path: Path,
    whats: Vec<String>,
    through: Vec<String>,
}

pub(super) fn merged(grants: Vec<Grant>) -> Vec<Merged> {
    let mut out: Vec<Merged> = Vec::new();
    for g in grants {
        let i = match out.iter().position(|o| o.path == g.path) {
            Some(i) => i,
            None => {
                out.push(Merged {
                    path: g.path,
                    whats: Vec::new(),
                    through: Vec::new(),
                });
                out.len() - 1
            }
        };
        let m = &mut out[i];
        if !m.whats.contains(&g.what) {
            m.whats.push(g.what);
        }
        for t in g.through {
            if !m.through.contains(&t) {
                m.through.push(t);
            }
        }
    }
    out
}

/// Short names, those sharing a `write access to `, `create ` or `get on `
/// prefix written once (and a shared ` in kube-system` or websocket note):
/// `escalate; write access to roles, clusterroles`.
fn compact(whats: &[String]) -> String {
    let mut parts: Vec<(&str, Vec<&str>)> = Vec::new();
    for w in whats {
        let s = short(w);
        let (prefix, rest) = ["write access to ", "create ", "get on "]
            .into_iter()
            .find_map(|p| s.strip_prefix(p).map(|r| (p, r)))
            .unwrap_or(("", s));
        match parts
            .iter_mut()
            .find(|(p, _)| !p.is_empty() && *p == prefix)
        {
            Some((_, v)) => v.push(rest),
            None => parts.push((prefix, vec![rest])),
        }
    }
    parts
        .iter()
        .map(|(p, v)| {
            match [" in kube-system", WEBSOCKET]
                .into_iter()
                .find(|suffix| v.len() > 1 && v.iter().all(|x| x.ends_with(suffix)))
            {
                Some(suffix) => {
                    let names: Vec<&str> = v.iter().map(|x| &x[..x.len() - suffix.len()]).collect();
                    format!("{p}{}{suffix}", names.join(", "))
                }
                None => format!("{p}{}", v.join(", ")),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How many grants a merged finding names before `and N more`.
const SHOWN: usize = 5;

/// One finding for the grants merged on a list item: `{role} grants X{tail}`,
/// `{role} grants, through "*" in resources, X{tail}`, or for several grants
/// `{role} grants, through ..., 3 {noun}: a; b; c{tail}`. Past SHOWN + 1
/// grants (a `*` on `*` on `*` reaches 20) the message names the first
/// SHOWN and `and N more`, and the finding's help lists them all.
pub(super) fn merged_finding(
    rule: &'static RuleMeta,
    ri: usize,
    r: &Resource,
    m: Merged,
    noun: &str,
    tail: &str,
) -> Finding {
    let through = if m.through.is_empty() {
        String::new()
    } else {
        format!(", through {},", list(&m.through))
    };
    let (text, help) = match m.whats.as_slice() {
        [one] => (one.clone(), None),
        many if many.len() > SHOWN + 1 => (
            format!(
                "{} {noun}: {} and {} more (listed in the help)",
                many.len(),
                compact(&many[..SHOWN]),
                many.len() - SHOWN
            ),
            Some(format!(
                "{}; all {}: {}",
                rule.help,
                many.len(),
                compact(many)
            )),
        ),
        many => (format!("{} {noun}: {}", many.len(), compact(many)), None),
    };
    let mut f = Finding::new(
        rule,
        ri,
        m.path,
        format!("{} grants{through} {text}{tail}", describe(r)),
    );
    f.help = help;
    f
}

/// Access that redirects or tunnels Service and pod traffic.
fn traffic(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for rule in rules(r) {
        streaming(
            &mut out,
            &rule,
            "pods/portforward",
            "tunnels through the API server to any port of the pods in scope, localhost-only ones included, around NetworkPolicy",
        );
        // A rule with resourceNames grants no create and updates only the
        // named objects (a leader-election lock): the narrow form.
        if rule.resource_names > 0 {
            continue;
        }
        let hijack = [
            (
                "",
                "endpoints",
                &["create", "update", "patch"][..],
                "points a Service, and the load balancers and Ingresses in front of it, at any address (CVE-2021-25740)",
            ),
            (
                "discovery.k8s.io",
                "endpointslices",
                &["create", "update", "patch"][..],
                "points a Service, and the load balancers and Ingresses in front of it, at any address (CVE-2021-25740)",
            ),
            (
                "",
                "services/status",
                &["update", "patch"][..],
                "sets a LoadBalancer's ingress IP, which kube-proxy then intercepts on every node (CVE-2020-8554)",
            ),
        ];
        for (group, resource, verbs, why) in hijack {
            add(
                &mut out,
                &rule,
                rule.grants(group, resource, verbs),
                &format!("write access to {resource}: {why}"),
            );
        }
    }
    out
}

/// How a grant of only `get` on pods/exec, pods/attach or pods/portforward
/// is named: a websocket connection to them is a GET, authorized as `get`
/// alone before Kubernetes 1.35, which also checks `create` (feature gate
/// AuthorizePodWebsocketUpgradeCreatePermission, beta and on by default).
const WEBSOCKET: &str = " (enough over a websocket before Kubernetes 1.35)";

/// A streaming subresource (pods/exec, pods/attach, pods/portforward):
/// `create` (SPDY, and websockets since Kubernetes 1.35) or, failing that,
/// `get` (websockets on older clusters, which manifests are still applied
/// to), named as such.
fn streaming(out: &mut Vec<Grant>, rule: &PolicyRule, res: &str, why: &str) {
    let create = rule.grants("", res, &["create"]);
    if create.is_empty() {
        add(
            out,
            rule,
            rule.grants("", res, &["get"]),
            &format!("get on {res}{WEBSOCKET}: {why}"),
        );
    } else {
        add(out, rule, create, &format!("{res}: {why}"));
    }
}

/// One grant per resources item in `hits`.
pub(super) fn add(
    out: &mut Vec<Grant>,
    rule: &PolicyRule,
    hits: Vec<(usize, Vec<String>)>,
    what: &str,
) {
    for (i, through) in hits {
        out.push(Grant {
            path: rule.path("resources", i),
            what: what.to_string(),
            through,
        });
    }
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

/// One finding per role item that carries grants of one kind (merged where
/// several land on the same `*`).
fn report_grants(
    ctx: &Context,
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    grants: fn(&Resource) -> Vec<Grant>,
    noun: &str,
    suffix: &str,
) {
    for (ri, r) in roles(ctx) {
        for g in merged(grants(r)) {
            out.push(merged_finding(meta, ri, r, g, noun, suffix));
        }
    }
}

fn check_secrets(ctx: &Context, out: &mut Vec<Finding>) {
    report_grants(
        ctx,
        out,
        &SECRETS_READ.meta,
        secrets,
        "reads of secrets",
        ": it reads every credential in scope; restrict to `get` with resourceNames",
    );
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

fn check_traffic(ctx: &Context, out: &mut Vec<Finding>) {
    report_grants(
        ctx,
        out,
        &NETWORK_BYPASS.meta,
        traffic,
        "permissions that tunnel or redirect traffic",
        "",
    );
}

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
                    Path::parse("subjects").index(s.index).key("name"),
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
    b.is("ClusterRoleBinding")
        && role_ref(b) == ("ClusterRole", "cluster-admin")
        && crate::model::resource::value_at(&b.json, "metadata.labels")
            .and_then(|l| l.get("kubernetes.io/bootstrapping"))
            .and_then(Value::as_str)
            == Some("rbac-defaults")
}

fn is_masters(s: &Subject) -> bool {
    s.kind == "Group" && s.name == "system:masters"
}

/// Where a one-line span of a literal block scalar's text (`mapRoles: |`)
/// sits in the source: each content line of a `|` block is a source line
/// with the block's indentation removed. `None` when the text cannot be
/// mapped back exactly (another style, an indentation indicator, a span
/// over several lines); the finding then sits on the data key.
fn block_span(map: &SourceMap, doc: &Document, value: NodeId, inner: Span) -> Option<Span> {
    let node = doc.node(value);
    let NodeKind::Scalar {
        text,
        style: ScalarStyle::Literal,
    } = &node.kind
    else {
        return None;
    };
    // The value's span starts on its first content line (or, in other
    // readers, on its `|` header): find the header line either way.
    let is_header = |line: usize| {
        let t = map.line_text(line).trim_end();
        let indicator = t.rsplit(' ').next().unwrap_or("");
        indicator.starts_with('|')
            && indicator[1..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
    };
    // Leading blank lines are part of a literal's text.
    let mut header = map.line_of(node.span.start);
    if !is_header(header) {
        header = header.checked_sub(1)?;
        while header > 0 && map.line_text(header).trim().is_empty() {
            header -= 1;
        }
        if !is_header(header) {
            return None;
        }
    }
    let before: String = text.chars().take(inner.start as usize).collect();
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().unwrap_or("").chars().count();
    let inner_line = text.split('\n').nth(line)?;
    let width = (inner.end - inner.start) as usize;
    if col + width > inner_line.chars().count() {
        return None;
    }
    let source = map.line_text(header + 1 + line);
    let indent = source.strip_suffix(inner_line)?;
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let start = map.line_start(header + 1 + line) as usize + indent.chars().count() + col;
    Some(Span::new(start, start + width))
}

fn check_aws_auth(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate() {
        // aws-auth is only read in kube-system; a manifest without a
        // namespace is applied there.
        if !(r.is("ConfigMap")
            && r.id.api_version == "v1"
            && name(r) == "aws-auth"
            && r.namespace().is_none_or(|n| n == "kube-system"))
        {
            continue;
        }
        let doc = ctx.document(ri);
        let map = &ctx.file(ri).map;
        for (key, arn, noun, who) in [
            ("mapRoles", "rolearn", "IAM role", "can assume it"),
            ("mapUsers", "userarn", "IAM user", "holds its keys"),
        ] {
            let path = Path::parse("data").key(key);
            let Some(text) = r
                .json
                .get("data")
                .and_then(|d| d.get(key))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let located = crate::model::locate::locate(doc, r.node, &path);
            // The embedded YAML, positions counted in `text`.
            let parsed = crate::yaml::parse::parse_general(text);
            let Some(inner) = parsed.documents.first() else {
                continue;
            };
            let Some(root) = inner.root else { continue };
            for &entry in inner.items(root) {
                let Some((_, groups)) = inner.get(entry, "groups") else {
                    continue;
                };
                let Some(&masters) = inner
                    .items(groups)
                    .iter()
                    .find(|&&g| inner.scalar(g) == Some("system:masters"))
                else {
                    continue;
                };
                let field = |k: &str| inner.get(entry, k).and_then(|(_, v)| inner.scalar(v));
                let id = field(arn).unwrap_or("(no ARN)");
                let user = field("username")
                    .map(|u| format!(" (username {u})"))
                    .unwrap_or_default();
                let mut f = Finding::new(
                    &AWS_AUTH_MASTERS.meta,
                    ri,
                    path.clone(),
                    format!(
                        "{} maps {noun} {id}{user} to group system:masters in {key}: whoever {who} is a cluster superuser admitted before RBAC, which no binding can limit or revoke; map it to a group bound to a least-privilege role",
                        describe(r),
                    ),
                );
                if located.exact {
                    f.span = block_span(map, doc, located.node, inner.node(masters).span);
                }
                out.push(f);
            }
        }
    }
}

struct Subject<'v> {
    index: usize,
    kind: &'v str,
    name: &'v str,
    namespace: Option<&'v str>,
}

fn subjects(b: &Resource) -> Vec<Subject<'_>> {
    items(&b.json, "subjects")
        .into_iter()
        .map(|(index, s)| Subject {
            index,
            kind: str_at(s, "kind").unwrap_or(""),
            name: str_at(s, "name").unwrap_or(""),
            namespace: str_at(s, "namespace").or(b.namespace()),
        })
        .collect()
}

fn role_ref(b: &Resource) -> (&str, &str) {
    (
        str_at(&b.json, "roleRef.kind").unwrap_or(""),
        str_at(&b.json, "roleRef.name").unwrap_or(""),
    )
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
                Path::parse("subjects").index(s.index).key("name"),
                format!(
                    "{} grants {kind} \"{role}\" to {} ({who}); bind it to specific subjects",
                    describe(b),
                    s.name
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
    let crds: Vec<&str> = ctx
        .resources
        .iter()
        .filter(|r| {
            r.is("CustomResourceDefinition") && str_at(&r.json, "spec.scope") == Some("Namespaced")
        })
        .filter_map(|r| str_at(&r.json, "spec.names.plural"))
        .collect();
    for (ri, b) in ctx.resources.iter().enumerate() {
        if !(is_binding(b) && b.is("ClusterRoleBinding")) {
            continue;
        }
        let (kind, role_name) = role_ref(b);
        if kind != "ClusterRole" {
            continue;
        }
        let Some(role) = ctx
            .resources
            .iter()
            .find(|r| is_role(r) && r.is("ClusterRole") && name(r) == role_name)
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
                    .is_none_or(|v| v.as_array().is_none_or(Vec::is_empty))
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
