//! Kinds are read in their own API groups only (`model::kinds`), the same
//! way by every rule: a rule's failing example with its objects moved to a
//! group of nobody's (`example.com/v1`) fires nothing. Before, the
//! ConfigMap, Secret, Ingress and LimitRange rules read their kind in any
//! group, RBAC took any group that began like `rbac.authorization.k8s.io`,
//! and the ServiceAccount joins of automount-service-account-token read
//! bindings of any group.
//!
//! Examples holding a pod or pod template are left out: custom resources
//! that embed a pod template are checked as workloads by design
//! (tests/identity.rs), whatever their group.

use kubeharden::check;
use kubeharden::options::Options;
use kubeharden::rules::registry;

const POD_KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// Every document's top-level apiVersion set to `api_version`.
fn moved(example: &str, api_version: &str) -> String {
    example
        .lines()
        .map(|l| {
            if l.starts_with("apiVersion:") {
                format!("apiVersion: {api_version}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn fires(text: &str, rule: &str) -> bool {
    let options = Options {
        enable: vec![rule.to_string()],
        ..Options::default()
    };
    check(text, &options)
        .diagnostics
        .iter()
        .any(|d| d.rule == rule)
}

#[test]
fn no_rule_reads_a_kind_outside_its_groups() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for rule in registry() {
        let m = &rule.meta;
        let has_pods = m.bad_example.lines().any(|l| {
            l.strip_prefix("kind: ")
                .is_some_and(|k| POD_KINDS.contains(&k.trim()))
        });
        if has_pods || matches!(m.category, "input" | "exceptions") {
            continue;
        }
        checked += 1;
        if !fires(m.bad_example, m.id) {
            problems.push(format!("{}: failing example does not fire", m.id));
        }
        if fires(&moved(m.bad_example, "example.com/v1"), m.id) {
            problems.push(format!("{}: fires on example.com/v1", m.id));
        }
    }
    assert!(checked > 40, "{checked}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A kind's other groups and versions are read like its current one.
#[test]
fn older_groups_and_versions_of_a_kind_are_read() {
    let ingress = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - host: shop.example.com\n";
    assert!(fires(ingress, "ingress-tls"));
    let role = "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata:\n  name: all\nrules:\n- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]\n";
    assert!(fires(role, "rbac-wildcard"));
    let lookalike = role.replace(
        "rbac.authorization.k8s.io/v1beta1",
        "rbac.authorization.k8s.io.example.com/v1",
    );
    assert!(!fires(&lookalike, "rbac-wildcard"));
    // The core group has one version.
    let service = "apiVersion: v2\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n";
    assert!(!fires(service, "service-node-port"));
    assert!(fires(&service.replace("v2", "v1"), "service-node-port"));
}

/// Findings are reported at the field they were read from (`Field`): the
/// one place no fixture covered, the empty peer of a NetworkPolicy rule.
#[test]
fn an_empty_peer_is_reported_at_the_peer() {
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: web}}\n    - {}\n";
    let report = check(policy, &Options::default());
    let found: Vec<(&str, u32, u32)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "network-policy-allow-all")
        .map(|d| {
            (
                d.path.as_deref().unwrap_or(""),
                d.range.start.line,
                d.range.start.character,
            )
        })
        .collect();
    assert_eq!(found, [("spec.ingress[0].from[1]", 10, 6)], "{found:?}");
}
