//! Cluster-level hardening: RBAC, network policy and namespaces, exposure and
//! data, control-plane and node configuration, service mesh, removed APIs.
//!
//! These rules read the whole input at once (a binding and the role it names,
//! a namespace and its policies), so they work on what one file or one editor
//! buffer holds: a role the input does not define is not judged, a namespace
//! is only the one the input names (`metadata.namespace` or a `Namespace`).
//! All of them are `hardened` only; the Pod Security profiles stay exact.

/// A `hardened` rule of the control-plane or node configuration families:
/// every one cites the NSA/CISA guide's control-plane section last.
macro_rules! configuration_rule {
    ($category:literal, $name:ident, $id:literal, $title:literal, $sev:ident, [$($r:expr),*], $rationale:literal, $remediation:literal, $help:literal, $bad:expr, $good:expr, $check:ident) => {
        pub static $name: Rule = Rule {
            meta: RuleMeta {
                id: $id,
                title: $title,
                severity: Severity::$sev,
                category: $category,
                profiles: HARDENED,
                references: &[$($r,)* $crate::rules::cluster::NSA_CONTROL_PLANE],
                rationale: $rationale,
                remediation: $remediation,
                help: $help,
                bad_example: $bad,
                good_example: $good,
                pss: None,
                params: &[],
            },
            check: Some($check),
        };
    };
}

/// An item of the CIS Kubernetes Benchmark edition that every rule cites,
/// shown as `CIS 1.2.1 (v2.0)`. That edition is [`CIS_KUBERNETES_VERSION`];
/// the literal below must match it (a test checks). `rules/mod.rs` declares
/// this module first with `#[macro_use]`, so the Pod Security and workload
/// rules use it too.
macro_rules! cis_k8s {
    ($id:literal, $title:literal) => {
        $crate::rules::cluster::cis(concat!($id, " (v2.0)"), $title)
    };
}

/// The CIS Kubernetes Benchmark edition cited by every rule: v2.0 (v2.0.1,
/// for Kubernetes 1.34-1.35), whose items are numbered as v1.12's are. Its
/// section 5 (policies) renumbered v1.8's: HostPath is 5.2.11, HostPorts
/// 5.2.12, the general policies 5.6.x, and "added capabilities" is gone.
pub const CIS_KUBERNETES_VERSION: &str = "v2.0";

/// An item of the CIS Amazon EKS Benchmark edition the managed-cluster rules
/// cite, shown as `CIS EKS 5.4.1 (v1.8.0)`: its own numbering (its 5.4.1 is
/// not the Kubernetes benchmark's), so its own source. That edition is
/// [`CIS_EKS_VERSION`]; the literal below must match it (a test checks).
macro_rules! cis_eks {
    ($id:literal, $title:literal) => {
        $crate::rules::Reference {
            source: "CIS EKS",
            id: concat!($id, " (v1.8.0)"),
            title: $title,
            url: "https://www.cisecurity.org/benchmark/kubernetes",
        }
    };
}

/// The CIS Amazon EKS Benchmark edition cited by the eksctl rules: v1.8.0, as
/// kube-bench's `cfg/eks-1.8.0` transcribes it.
pub const CIS_EKS_VERSION: &str = "v1.8.0";

pub const NSA_CONTROL_PLANE: Reference = nsa("Control plane hardening", "Control plane hardening");

pub mod config_files;
pub mod control_plane;
pub mod deprecated_api;
pub mod exposure;
pub mod kubelet;
pub mod managed;
pub mod mesh;
pub mod namespaces;
pub mod network_policy;
pub mod rbac;
pub mod secrets;

use crate::model::pod::Dict;

use crate::model::value::Value;

use crate::model::path::Path;
use crate::model::resource::{Resource, str_at};
use crate::rules::{Context, Kind, Reference};

pub use crate::rules::pod_security::{cis, list, nsa};

pub const fn k8s(id: &'static str, title: &'static str, url: &'static str) -> Reference {
    Reference {
        source: "Kubernetes",
        id,
        title,
        url,
    }
}

pub use crate::model::resource::{items, strings};

pub fn name(r: &Resource) -> &str {
    r.id.name.as_deref().unwrap_or("")
}

/// `Kind/name`, or `Kind/namespace/name`, for messages.
pub fn describe(r: &Resource) -> String {
    match &r.id.namespace {
        Some(ns) => format!("{} {ns}/{}", r.id.kind, name(r)),
        None => format!("{} {}", r.id.kind, name(r)),
    }
}

/// A namespace the input names, and where to report on it: its `Namespace`
/// object's name if declared, else the first resource placed in it.
pub struct InputNamespace {
    pub name: String,
    pub resource: usize,
    pub path: Path,
    /// Index of the declared `Namespace`, if any.
    pub declared: Option<usize>,
}

pub fn namespaces(ctx: &Context) -> Vec<InputNamespace> {
    // Indexed by name: inputs can hold tens of thousands of resources.
    let mut out: Vec<InputNamespace> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, r) in ctx.resources.iter().enumerate() {
        let (ns, declared) = if Kind::NAMESPACE.is(r) {
            (str_at(&r.json, "metadata.name"), true)
        } else {
            (r.namespace(), false)
        };
        let Some(ns) = ns.filter(|n| !n.is_empty()) else {
            continue;
        };
        let path = Path::parse(if declared {
            "metadata.name"
        } else {
            "metadata.namespace"
        });
        match index.get(ns).map(|&k| &mut out[k]) {
            Some(n) if declared && n.declared.is_none() => {
                n.resource = i;
                n.path = path;
                n.declared = Some(i);
            }
            Some(_) => {}
            None => {
                index.insert(ns.to_string(), out.len());
                out.push(InputNamespace {
                    name: ns.to_string(),
                    resource: i,
                    path,
                    declared: declared.then_some(i),
                });
            }
        }
    }
    out
}

/// Whether a Kubernetes label selector (`matchLabels`, `matchExpressions`)
/// selects an object with `labels`. An empty selector selects everything; a
/// malformed one selects nothing, as the API server would reject it.
pub fn selector_matches(selector: &Value, labels: &Dict<String>) -> bool {
    if selector.is_null() {
        return true;
    }
    let Some(sel) = selector.as_object() else {
        return false;
    };
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            if labels.get(k).map(String::as_str) != v.as_str() {
                return false;
            }
        }
    }
    for expr in sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = expr.get("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = strings(expr.get("values"))
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        let have = labels.get(key).map(String::as_str);
        let ok = match expr.get("operator").and_then(Value::as_str) {
            Some("In") => have.is_some_and(|h| values.contains(&h)),
            Some("NotIn") => !have.is_some_and(|h| values.contains(&h)),
            Some("Exists") => have.is_some(),
            Some("DoesNotExist") => have.is_none(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Whether a selector is empty (`{}` or absent): it selects everything.
pub fn selector_is_empty(selector: Option<&Value>) -> bool {
    match selector {
        None | Some(Value::Null) => true,
        Some(Value::Object(o)) => o.iter().all(|(_, v)| match v {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Null => true,
            _ => false,
        }),
        _ => false,
    }
}
