//! `rbac-network-bypass`: access that tunnels or redirects traffic.

use super::*;

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
        pss: None,
        params: &[],
    },
    check: Some(check_traffic),
};

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
pub(super) const WEBSOCKET: &str = " (enough over a websocket before Kubernetes 1.35)";

/// A streaming subresource (pods/exec, pods/attach, pods/portforward):
/// `create` (SPDY, and websockets since Kubernetes 1.35) or, failing that,
/// `get` (websockets on older clusters, which manifests are still applied
/// to), named as such.
pub(super) fn streaming(out: &mut Vec<Grant>, rule: &PolicyRule, res: &str, why: &str) {
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
