//! NetworkPolicy: default deny per namespace, policies that allow everything,
//! and workloads no policy selects, per direction.
//!
//! Kubernetes semantics (networking.k8s.io/v1): a pod is isolated for a
//! direction only once some policy selecting it lists that direction in
//! `policyTypes` (when `policyTypes` is absent: Ingress, plus Egress if the
//! policy has `egress` rules); a rule with no `from`/`to` matches every peer,
//! `namespaceSelector: {}` matches every namespace, and policies are additive,
//! so one allow-all rule undoes every default deny. Namespaces are the ones
//! the input names (see `cluster::namespaces`).

use std::collections::HashMap;

use crate::model::pod::Dict;

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::resource::value_at;
use crate::rules::cluster::{
    describe, k8s, namespaces, nsa, selector_is_empty, selector_matches, strings,
};
use crate::rules::{Context, Field, Finding, HARDENED, Kind, Reference, Rule, RuleMeta};

const NETPOL_DOC: &str =
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/";
const NSA_NET: Reference = nsa("Network separation and hardening", "Network policies");

pub static DEFAULT_DENY: Rule = Rule {
    meta: RuleMeta {
        id: "network-policy-default-deny",
        title: "Namespace without a default-deny NetworkPolicy",
        severity: Severity::Medium,
        category: "network",
        profiles: HARDENED,
        references: &[
            k8s(
                "Default policies",
                "Default deny all ingress and all egress traffic",
                NETPOL_DOC,
            ),
            cis_k8s!(
                "5.3.2",
                "Ensure that all Namespaces have NetworkPolicies defined"
            ),
            NSA_NET,
        ],
        rationale: "Without a policy that selects them, pods accept connections from every pod in the cluster and reach anything: one compromised pod can scan and attack every service, the API server and the cloud metadata endpoint. A default deny for ingress and egress makes every allowed flow explicit.",
        remediation: "Add a NetworkPolicy with `podSelector: {}`, `policyTypes: [Ingress, Egress]` and no rules to the namespace, then allow the flows each workload needs (including DNS egress).",
        help: "add a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)",
        bad_example: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
        good_example: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: apps\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
        pss: None,
        params: &[],
    },
    check: Some(check_default_deny),
};

pub static ALLOW_ALL: Rule = Rule {
    meta: RuleMeta {
        id: "network-policy-allow-all",
        title: "NetworkPolicy that allows all traffic",
        severity: Severity::Medium,
        category: "network",
        profiles: HARDENED,
        references: &[
            k8s(
                "Allow all",
                "Allow all ingress and all egress traffic",
                NETPOL_DOC,
            ),
            NSA_NET,
        ],
        rationale: "Policies are additive: a rule with no peers, a `namespaceSelector: {}` or an ipBlock of 0.0.0.0/0 allows every source or destination and silently cancels the namespace's default deny for the pods it selects.",
        remediation: "Name the peers: a podSelector and namespaceSelector with labels, or the specific CIDRs (with `except` for the cluster and metadata ranges).",
        help: "restrict the rule to named peers",
        bad_example: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: open\n  namespace: apps\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n  - {}\n",
        good_example: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels: {app: frontend}\n    ports:\n    - port: 8080\n",
        pss: None,
        params: &[],
    },
    check: Some(check_allow_all),
};

pub static COVERAGE: Rule = Rule {
    meta: RuleMeta {
        id: "network-policy-coverage",
        title: "Workload no NetworkPolicy selects (for ingress or for egress)",
        severity: Severity::Medium,
        category: "network",
        profiles: HARDENED,
        references: &[
            k8s("Isolation", "The two sorts of pod isolation", NETPOL_DOC),
            NSA_NET,
        ],
        rationale: "The namespace uses NetworkPolicies, but none selects this workload's pods, or none selects them for one direction: isolation is per direction (a policy with `policyTypes: [Ingress]` leaves egress open, and the reverse), so the pods accept every connection or reach every destination, which is rarely what the author of the other policies intended.",
        remediation: "Add a NetworkPolicy whose podSelector matches the workload's pod labels for the direction it misses (list it in `policyTypes`), or a default deny with `podSelector: {}` and `policyTypes: [Ingress, Egress]`.",
        help: "add a NetworkPolicy that selects these pods",
        bad_example: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: apps\nspec:\n  podSelector:\n    matchLabels: {app: db}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: apps\n  labels: {app: web}\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web:1.0\n",
        good_example: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  podSelector:\n    matchExpressions:\n    - {key: app, operator: In, values: [web, db]}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: apps\n  labels: {app: web}\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web:1.0\n",
        pss: None,
        params: &[],
    },
    check: Some(check_coverage),
};

/// The directions a policy isolates its pods for, as Kubernetes defaults them.
fn policy_types(p: &Value) -> (bool, bool) {
    match value_at(p, "spec.policyTypes").and_then(Value::as_array) {
        Some(types) => (
            types.iter().any(|t| t == "Ingress"),
            types.iter().any(|t| t == "Egress"),
        ),
        None => (
            true,
            value_at(p, "spec.egress").is_some_and(|e| !e.is_null()),
        ),
    }
}

fn no_rules(p: &Value, field: &str) -> bool {
    value_at(p, field).is_none_or(|v| v.as_array().is_none_or(<[_]>::is_empty))
}

fn check_default_deny(ctx: &Context, out: &mut Vec<Finding>) {
    // Per namespace: (default deny for ingress, for egress).
    let mut deny: HashMap<&str, (bool, bool)> = HashMap::new();
    for (_, p) in ctx.of_kind(Kind::NETWORK_POLICY) {
        let Some(ns) = p.namespace() else { continue };
        if !selector_is_empty(value_at(&p.json, "spec.podSelector")) {
            continue;
        }
        let (i, e) = policy_types(&p.json);
        let d = deny.entry(ns).or_default();
        d.0 |= i && no_rules(&p.json, "spec.ingress");
        d.1 |= e && no_rules(&p.json, "spec.egress");
    }
    for ns in namespaces(ctx) {
        let (ingress, egress) = deny.get(ns.name.as_str()).copied().unwrap_or_default();
        let missing = match (ingress, egress) {
            (true, true) => continue,
            (false, false) => "ingress and egress",
            (false, true) => "ingress",
            (true, false) => "egress",
        };
        out.push(Finding::new(
            &DEFAULT_DENY.meta,
            ns.resource,
            ns.path,
            format!(
                "namespace \"{}\" has no default-deny NetworkPolicy for {missing} in the input: its pods accept and open any connection; add one with podSelector {{}}, policyTypes [Ingress, Egress] and no rules",
                ns.name
            ),
        ));
    }
}

const ANYWHERE: &[&str] = &["0.0.0.0/0", "::/0"];

fn check_allow_all(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, p) in ctx.of_kind(Kind::NETWORK_POLICY) {
        for (dir, peers_key) in [("ingress", "from"), ("egress", "to")] {
            let rules = p.field("spec").and_then(|s| s.key(dir));
            for (i, rule) in rules.iter().flat_map(Field::items).enumerate() {
                let peers: Vec<Field> = rule.key(peers_key).iter().flat_map(Field::items).collect();
                let ports = rule
                    .key("ports")
                    .and_then(|p| p.value.as_array())
                    .is_some_and(|a| !a.is_empty());
                if peers.is_empty() {
                    if !ports {
                        out.push(Finding::new(
                            &ALLOW_ALL.meta,
                            ri,
                            rule.path,
                            format!(
                                "{} allows all {dir} traffic (a rule without `{peers_key}` or ports matches every peer on every port); name the peers",
                                describe(p)
                            ),
                        ));
                    }
                    continue;
                }
                for peer in peers {
                    let cidr = peer
                        .at("ipBlock.cidr")
                        .and_then(|c| Some((c.str()?, c.path)));
                    let namespaces = peer
                        .key("namespaceSelector")
                        .filter(|n| selector_is_empty(Some(n.value)));
                    let what = if peer.value.as_object().is_some_and(|o| o.is_empty()) {
                        Some(("the empty peer `{}` names no selector: the API server rejects it, and tools that accept it read it as every peer".to_string(), peer.path))
                    } else if let Some((cidr, at)) = cidr {
                        let except = strings(value_at(peer.value, "ipBlock.except"));
                        (ANYWHERE.contains(&cidr) && except.is_empty()).then(|| {
                            (format!("ipBlock {cidr} without `except` matches every address, including the cloud metadata endpoint"), at)
                        })
                    } else if let Some(namespaces) = namespaces {
                        let pods = if selector_is_empty(peer.value.get("podSelector")) {
                            "every pod"
                        } else {
                            "the selected pods"
                        };
                        Some((
                            format!("`namespaceSelector: {{}}` matches {pods} in every namespace"),
                            namespaces.path,
                        ))
                    } else {
                        None
                    };
                    if let Some((what, path)) = what {
                        let mut f = Finding::new(
                            &ALLOW_ALL.meta,
                            ri,
                            path,
                            format!(
                                "{} {dir} rule {i}: {what}{}; name the peers with labels or narrower CIDRs",
                                describe(p),
                                if ports {
                                    " (on the rule's ports only)"
                                } else {
                                    ""
                                }
                            ),
                        );
                        // Limited to some ports (a metrics port open to every
                        // namespace, HTTPS egress anywhere): a smaller hole.
                        if ports {
                            f.severity = Some(Severity::Low);
                        }
                        out.push(f);
                    }
                }
            }
        }
    }
}

/// A policy as coverage sees it: its pod selector, name and directions.
struct Selecting<'a> {
    selector: &'a Value,
    name: &'a str,
    ingress: bool,
    egress: bool,
}

fn names(policies: &[&Selecting]) -> String {
    let quoted: Vec<String> = policies.iter().map(|p| format!("\"{}\"", p.name)).collect();
    format!(
        "NetworkPolic{} {}",
        if quoted.len() == 1 { "y" } else { "ies" },
        crate::rules::pod_security::list(&quoted)
    )
}

fn check_coverage(ctx: &Context, out: &mut Vec<Finding>) {
    let mut pols: HashMap<Option<&str>, Vec<Selecting>> = HashMap::new();
    for (_, p) in ctx.of_kind(Kind::NETWORK_POLICY) {
        let (ingress, egress) = policy_types(&p.json);
        pols.entry(p.namespace()).or_default().push(Selecting {
            selector: value_at(&p.json, "spec.podSelector").unwrap_or(&Value::Null),
            name: p.id.name.as_deref().unwrap_or("(unnamed)"),
            ingress,
            egress,
        });
    }
    if pols.is_empty() {
        return;
    }
    for w in ctx.workloads {
        let r = ctx.resource(w);
        let ns = r.namespace();
        let Some(in_ns) = pols.get(&ns) else { continue };
        let none = Dict::default();
        let labels = w.meta.labels.as_ref().unwrap_or(&none);
        let selecting: Vec<&Selecting> = in_ns
            .iter()
            .filter(|p| selector_matches(p.selector, labels))
            .collect();
        let ingress: Vec<&Selecting> = selecting.iter().copied().filter(|p| p.ingress).collect();
        let egress: Vec<&Selecting> = selecting.iter().copied().filter(|p| p.egress).collect();
        let namespace = ns.unwrap_or("(unset)");
        let message = match (ingress.is_empty(), egress.is_empty()) {
            (false, false) => continue,
            // Selected, but by policies that isolate no direction
            // (`policyTypes: []`), or by none at all.
            (true, true) if selecting.is_empty() => format!(
                "no NetworkPolicy in namespace \"{namespace}\" selects the pods of {} (labels {}): they accept and open any connection",
                describe(r),
                if labels.is_empty() {
                    "none".to_string()
                } else {
                    labels
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            (true, true) => format!(
                "{} select{} the pods of {} but isolate{} neither ingress nor egress (policyTypes): they accept and open any connection",
                names(&selecting),
                if selecting.len() == 1 { "s" } else { "" },
                describe(r),
                if selecting.len() == 1 { "s" } else { "" },
            ),
            (true, false) => format!(
                "no NetworkPolicy in namespace \"{namespace}\" selects the pods of {} for ingress (only {} for egress): they accept any connection",
                describe(r),
                names(&egress)
            ),
            (false, true) => format!(
                "no NetworkPolicy in namespace \"{namespace}\" selects the pods of {} for egress (only {} for ingress): they can open any connection",
                describe(r),
                names(&ingress)
            ),
        };
        out.push(Finding::new(
            &COVERAGE.meta,
            w.resource,
            w.meta_path.key("labels"),
            message,
        ));
    }
}
