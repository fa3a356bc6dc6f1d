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
//! `system:authenticated` subjects, or of `system:masters`. See "RBAC good practices" (kubernetes.io/docs/concepts/security/
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
use crate::rules::cluster::{cis, describe, items, k8s, list, name, nsa, strings};
use crate::rules::{Context, Finding, HARDENED, Reference, Rule, RuleMeta};

const RBAC_GOOD_PRACTICES: &str =
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/";

const fn good_practices(id: &'static str) -> Reference {
    k8s(id, "RBAC good practices", RBAC_GOOD_PRACTICES)
}

const NSA_RBAC: Reference = nsa(
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
            cis("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
            NSA_RBAC,
        ],
        rationale: "A `*` grants every verb, resource or API group, including ones added later (new subresources, custom resources): the role silently grows to include secrets, escalate, impersonate and everything else.",
        remediation: "List the verbs, resources and API groups the subject needs instead of `*`.",
        help: "replace \"*\" with the explicit verbs, resources or API groups needed",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ops\nrules:\n- apiGroups: [\"\"]\n  resources: [\"*\"]\n  verbs: [\"get\", \"list\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ops\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"services\"]\n  verbs: [\"get\", \"list\"]\n",
        replaced_by: None,
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
            cis(
                "5.1.1",
                "Ensure that the cluster-admin role is only used where required",
            ),
            good_practices("Least privilege"),
            NSA_RBAC,
        ],
        rationale: "`cluster-admin` is superuser over every resource in every namespace. Bound to a ServiceAccount, any pod that mounts its token (or anyone who can create pods in its namespace) owns the cluster.",
        remediation: "Bind a role that lists only the permissions needed, scoped with a RoleBinding to the namespaces needed.",
        help: "bind a least-privilege role instead of cluster-admin",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ci\n  namespace: apps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci\n",
        replaced_by: None,
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
            cis("5.1.2", "Minimize access to secrets"),
            good_practices("Listing secrets"),
            NSA_RBAC,
        ],
        rationale: "Reading Secrets reads every credential in scope, including ServiceAccount tokens of more privileged accounts. `list` and `watch` return the contents too, not just names.",
        remediation: "Drop get/list/watch on secrets, or restrict `get` to the named Secrets the workload needs with `resourceNames`.",
        help: "restrict access to named secrets with resourceNames and `get` only",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"get\", \"list\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  resourceNames: [\"app-tls\"]\n  verbs: [\"get\"]\n",
        replaced_by: None,
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
            cis(
                "5.1.8",
                "Limit use of the Bind, Impersonate and Escalate permissions",
            ),
            cis("5.1.4", "Minimize access to create pods"),
            Reference {
                source: "AWS EKS",
                id: "aws-auth",
                title: "Grant IAM users and roles access with the aws-auth ConfigMap",
                url: "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html",
            },
            NSA_RBAC,
        ],
        rationale: "Some permissions hand over more than they name: escalate and bind grant any permission, impersonate becomes any user, pods/exec and pods/attach run commands in other pods, serviceaccounts/token mints tokens for other accounts, nodes/proxy reaches the kubelet API, approving CSRs issues client certificates, writing roles, bindings or admission webhooks rewrites the rules themselves, creating pods in kube-system runs as its controllers, creating PersistentVolumes gives pods a hostPath volume onto the node's filesystem, and writing EKS's aws-auth ConfigMap (kube-system) maps any IAM identity to system:masters (Kubescape C-0278, Trivy KSV-0115). These two also match through `*` in verbs, apiGroups or resources, as the authorizer reads them, with one finding per wildcard item; a ClusterRole's unscoped configmaps write is not judged for aws-auth, as it only reaches it when bound cluster-wide on EKS.",
        remediation: "Remove the permission; where a controller needs it, give it to that controller's own ServiceAccount only, scoped by namespace and resourceNames.",
        help: "remove the permission or scope it to a dedicated ServiceAccount",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: debugger\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods/exec\"]\n  verbs: [\"create\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: debugger\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"pods/log\"]\n  verbs: [\"get\", \"list\"]\n",
        replaced_by: None,
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
        rationale: "These grant no new RBAC permission or node access (so they are not `rbac-privilege-escalation`, and do not make `rbac-workload-takeover`), but they defeat the network controls around workloads: pods/portforward tunnels through the API server and kubelet to any port of a pod, including ports bound to localhost and ports NetworkPolicy closes; writing Endpoints or EndpointSlices, which controllers own, sends a Service's traffic to any address (Kubernetes removed that write from the built-in edit and admin roles for CVE-2021-25740); writing services/status sets a LoadBalancer's ingress IP, which kube-proxy then intercepts on every node (CVE-2020-8554). `*` in verbs, apiGroups or resources grants them too; a rule scoped with resourceNames (a leader-election lock) is the narrow form and is not reported for Endpoints (Kubescape C-0063, Checkov CKV2_K8S_4, Kyverno restrict-edit-for-endpoints).",
        remediation: "Drop the permission; a controller that really manages Endpoints should hold it on its own ServiceAccount, and port forwarding belongs to a break-glass role, not to automation.",
        help: "remove the permission or give it to a dedicated, narrowly bound role",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: router\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"endpoints\"]\n  verbs: [\"get\", \"update\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: router\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"endpoints\", \"services\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n",
        replaced_by: None,
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
    },
    check: Some(check_system_masters),
};

pub static PREFER_NAMESPACED: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-prefer-namespaced",
        title: "ClusterRoleBinding where a RoleBinding would do",
        severity: Severity::Low,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            good_practices("Least privilege"),
            cis(
                "5.1.1",
                "Ensure that the cluster-admin role is only used where required",
            ),
        ],
        rationale: "A ClusterRoleBinding grants its role in every namespace, present and future. When the role only touches namespaced resources, RoleBindings in the namespaces the subject works in grant the same with a smaller blast radius.",
        remediation: "Replace the ClusterRoleBinding with RoleBindings (to the same ClusterRole) in the namespaces that need it.",
        help: "use a RoleBinding per namespace that needs this role",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: config-reader\nrules:\n- apiGroups: [\"\"]\n  resources: [\"configmaps\"]\n  verbs: [\"get\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: config-reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: config-reader\nsubjects:\n- kind: ServiceAccount\n  name: app\n  namespace: apps\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: config-reader\nrules:\n- apiGroups: [\"\"]\n  resources: [\"configmaps\"]\n  verbs: [\"get\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: config-reader\n  namespace: apps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: config-reader\nsubjects:\n- kind: ServiceAccount\n  name: app\n  namespace: apps\n",
        replaced_by: None,
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
            cis(
                "5.1.6",
                "Ensure that Service Account Tokens are only mounted where necessary",
            ),
            NSA_RBAC,
        ],
        rationale: "A pod's ServiceAccount token is readable by anything that runs in the pod: an exploited application, a malicious dependency, anyone who can exec into it. When a binding ties that ServiceAccount to cluster-admin, wildcards, Secrets or escalation verbs, compromising the pod compromises the cluster.",
        remediation: "Give the workload its own ServiceAccount bound to a least-privilege role, or set `automountServiceAccountToken: false` when it does not call the API.",
        help: "bind this ServiceAccount to a least-privilege role",
        bad_example: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: deployer\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: deployer\n  namespace: ci\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: runner\n  namespace: ci\nspec:\n  serviceAccountName: deployer\n  containers:\n  - name: app\n    image: registry.example.com/runner:1.0\n",
        good_example: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: deployer\n  namespace: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: deployer\n  namespace: ci\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: runner\n  namespace: ci\nspec:\n  serviceAccountName: deployer\n  containers:\n  - name: app\n    image: registry.example.com/runner:1.0\n",
        replaced_by: None,
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

/// One problem in a role's rules: where it is and what it grants.
struct Grant {
    path: Path,
    what: String,
    /// The wildcard item (`*`, `*/portforward`) that grants `what`, if any.
    through: Option<String>,
}

/// One PolicyRule read from JSON.
struct PolicyRule<'v> {
    index: usize,
    verbs: Vec<(usize, &'v str)>,
    groups: Vec<(usize, &'v str)>,
    resources: Vec<(usize, &'v str)>,
    resource_names: usize,
    names: Vec<&'v str>,
}

impl<'v> PolicyRule<'v> {
    fn verb(&self, verbs: &[&str]) -> bool {
        self.verbs.iter().any(|(_, v)| verbs.contains(v))
    }

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
    fn matching(&self, resource: &str) -> Vec<(usize, &'v str)> {
        let sub = resource.split_once('/').map(|(_, s)| s);
        self.resources
            .iter()
            .copied()
            .filter(|(_, r)| {
                *r == "*" || *r == resource || sub.is_some_and(|s| r.strip_prefix("*/") == Some(s))
            })
            .collect()
    }

    fn path(&self, field: &str, i: usize) -> Path {
        Path::parse("rules").index(self.index).key(field).index(i)
    }
}

fn rules(r: &Resource) -> Vec<PolicyRule<'_>> {
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
                        through: None,
                    });
                }
            }
        }
    }
    out
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

fn secrets(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for rule in rules(r) {
        if !rule.group("") {
            continue;
        }
        let reads: Vec<&str> = rule
            .verbs
            .iter()
            .map(|(_, v)| *v)
            .filter(|v| READ.contains(v))
            .collect();
        // `get` on named Secrets is the narrow, recommended form.
        if reads.is_empty() || (reads == ["get"] && rule.resource_names > 0) {
            continue;
        }
        for &(i, res) in &rule.resources {
            if res == "secrets" {
                out.push(Grant {
                    path: rule.path("resources", i),
                    what: format!("{} on secrets", reads.join("/")),
                    through: None,
                });
            }
        }
    }
    out
}

fn escalations(r: &Resource) -> Vec<Grant> {
    let kube_system = r.is("Role") && r.namespace() == Some("kube-system");
    let mut out = Vec::new();
    for rule in rules(r) {
        for &(i, verb) in &rule.verbs {
            let what = match verb {
                "escalate" => "escalate: grants permissions the subject does not hold",
                "bind" => "bind: binds roles with permissions the subject does not hold",
                "impersonate" => "impersonate: acts as other users, groups or ServiceAccounts",
                "approve" if rule.group("certificates.k8s.io") => {
                    "approve on signers: approves certificate signing requests"
                }
                _ => continue,
            };
            out.push(Grant {
                path: rule.path("verbs", i),
                what: what.into(),
                through: None,
            });
        }
        for &(i, res) in &rule.resources {
            let what = match res {
                "pods/exec" | "pods/attach" if rule.group("") && rule.verb(&["create", "get"]) => {
                    format!("{res}: runs commands in other pods")
                }
                // Scoped to named ServiceAccounts (resourceNames) is the
                // narrow form a CNI or operator needs.
                "serviceaccounts/token"
                    if rule.group("") && rule.verb(&["create"]) && rule.resource_names == 0 =>
                {
                    "create serviceaccounts/token: mints tokens of other ServiceAccounts".into()
                }
                "nodes/proxy" if rule.group("") && !rule.verbs.is_empty() => {
                    "nodes/proxy: reaches the kubelet API (exec into any pod on the node)".into()
                }
                "certificatesigningrequests/approval"
                    if rule.group("certificates.k8s.io") && rule.verb(&["update", "patch"]) =>
                {
                    "certificatesigningrequests/approval: approves client certificates".into()
                }
                "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings"
                    if rule.group(RBAC_GROUP) && rule.verb(WRITE) =>
                {
                    format!("write access to {res}: rewrites RBAC itself")
                }
                "validatingwebhookconfigurations"
                | "mutatingwebhookconfigurations"
                | "validatingadmissionpolicies"
                | "validatingadmissionpolicybindings"
                | "mutatingadmissionpolicies"
                | "mutatingadmissionpolicybindings"
                    if rule.group("admissionregistration.k8s.io") && rule.verb(WRITE) =>
                {
                    format!("write access to {res}: intercepts or disables admission control")
                }
                "pods" | "replicationcontrollers"
                    if kube_system && rule.group("") && rule.verb(&["create"]) =>
                {
                    format!("create {res} in kube-system: runs code as its system ServiceAccounts")
                }
                "deployments" | "daemonsets" | "statefulsets" | "replicasets"
                    if kube_system && rule.group("apps") && rule.verb(&["create"]) =>
                {
                    format!("create {res} in kube-system: runs code as its system ServiceAccounts")
                }
                "jobs" | "cronjobs"
                    if kube_system && rule.group("batch") && rule.verb(&["create"]) =>
                {
                    format!("create {res} in kube-system: runs code as its system ServiceAccounts")
                }
                _ => continue,
            };
            out.push(Grant {
                path: rule.path("resources", i),
                what,
                through: None,
            });
        }
        // Create requests carry no name, so a rule with resourceNames never
        // grants create.
        if rule.any_group("") && rule.any_verb(&["create"]) && rule.resource_names == 0 {
            for (i, res) in rule.matching("persistentvolumes") {
                out.push(Grant {
                    path: rule.path("resources", i),
                    what:
                        "create persistentvolumes: a hostPath PersistentVolume mounts the node's filesystem into any pod that claims it".into(),
                    through: through(res),
                });
            }
        }
        // EKS maps IAM identities to Kubernetes users and groups through
        // kube-system/aws-auth: writing it grants any group, system:masters
        // included. A ClusterRole's unscoped configmaps write reaches it too,
        // but only where it is bound cluster-wide on EKS; it is not judged.
        if rule.any_group("") && rule.any_verb(&["update", "patch"]) {
            let named = rule.names.contains(&"aws-auth");
            if named || (kube_system && rule.resource_names == 0) {
                for (i, res) in rule.matching("configmaps") {
                    out.push(Grant {
                        path: rule.path("resources", i),
                        what: format!(
                            "write access to {}: on EKS it maps IAM identities to any group, system:masters included",
                            if named {
                                "the aws-auth ConfigMap"
                            } else {
                                "configmaps in kube-system (aws-auth included)"
                            },
                        ),
                        through: through(res),
                    });
                }
            }
        }
    }
    out
}

/// The wildcard item that grants a resource, if it is one.
fn through(res: &str) -> Option<String> {
    res.starts_with('*').then(|| res.to_string())
}

/// `grants X`, or `grants, through "*" in resources, X`.
fn grants_text(g: &Grant) -> String {
    match &g.through {
        Some(w) => format!("grants, through \"{w}\" in resources, {}", g.what),
        None => format!("grants {}", g.what),
    }
}

/// Grants on the same list item (a `*` can grant several) as one, so each
/// item carries one finding per rule.
fn merged(grants: Vec<Grant>) -> Vec<Grant> {
    let mut out: Vec<Grant> = Vec::new();
    for g in grants {
        match out.iter_mut().find(|o| o.path == g.path) {
            Some(o) => {
                o.what.push_str("; ");
                o.what.push_str(&g.what);
            }
            None => out.push(g),
        }
    }
    out
}

/// Access that redirects or tunnels Service and pod traffic.
fn traffic(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for rule in rules(r) {
        // Like pods/exec, port forwarding is a websocket `get` or a `create`.
        if rule.any_group("") && rule.any_verb(&["create", "get"]) {
            for (i, res) in rule.matching("pods/portforward") {
                out.push(Grant {
                    path: rule.path("resources", i),
                    what: "pods/portforward: tunnels through the API server to any port of the pods in scope, localhost-only ones included, around NetworkPolicy".into(),
                    through: through(res),
                });
            }
        }
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
            if !(rule.any_group(group) && rule.any_verb(verbs)) {
                continue;
            }
            for (i, res) in rule.matching(resource) {
                out.push(Grant {
                    path: rule.path("resources", i),
                    what: format!("write access to {resource}: {why}"),
                    through: through(res),
                });
            }
        }
    }
    out
}

fn check_wildcard(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate().filter(|(_, r)| is_role(r)) {
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

fn check_secrets(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate().filter(|(_, r)| is_role(r)) {
        for g in secrets(r) {
            out.push(Finding::new(
                &SECRETS_READ.meta,
                ri,
                g.path,
                format!(
                    "{} grants {}: it reads every credential in scope; restrict to `get` with resourceNames",
                    describe(r),
                    g.what
                ),
            ));
        }
    }
}

fn check_escalation(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate().filter(|(_, r)| is_role(r)) {
        for g in merged(escalations(r)) {
            out.push(Finding::new(
                &PRIVILEGE_ESCALATION.meta,
                ri,
                g.path.clone(),
                format!("{} {}", describe(r), grants_text(&g)),
            ));
        }
    }
}

fn check_traffic(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate().filter(|(_, r)| is_role(r)) {
        for g in merged(traffic(r)) {
            out.push(Finding::new(
                &NETWORK_BYPASS.meta,
                ri,
                g.path.clone(),
                format!("{} {}", describe(r), grants_text(&g)),
            ));
        }
    }
}

fn check_system_masters(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, b) in ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_binding(r))
    {
        let (kind, role) = role_ref(b);
        // The API server's own bootstrap binding of cluster-admin to the
        // group, as a dump of a live cluster's RBAC shows it.
        let bootstrap = (kind, role) == ("ClusterRole", "cluster-admin")
            && crate::model::resource::value_at(&b.json, "metadata.labels")
                .and_then(|l| l.get("kubernetes.io/bootstrapping"))
                .and_then(Value::as_str)
                == Some("rbac-defaults");
        if bootstrap {
            continue;
        }
        for s in subjects(b) {
            if s.kind == "Group" && s.name == "system:masters" {
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
    for (ri, b) in ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_binding(r))
    {
        if role_ref(b) != ("ClusterRole", "cluster-admin") {
            continue;
        }
        let subs = subjects(b);
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
    for (ri, b) in ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_binding(r))
    {
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
        .map(|g| g.what.split(':').next().unwrap_or(&g.what).to_string())
        .collect();
    grants.dedup();
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
    let bindings: Vec<(usize, &Resource, String, bool)> = ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_binding(r))
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
                    "runs as ServiceAccount \"{sa}\", which {} (line {}) binds to {text}: whoever compromises this pod holds that role",
                    describe(b),
                    ctx.line_of(*bi, &Path::parse("roleRef"))
                ),
            );
            if *admin {
                f.severity = Some(Severity::Critical);
            }
            out.push(f);
        }
    }
}
