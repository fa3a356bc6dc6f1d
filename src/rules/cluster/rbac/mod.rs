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
//! mappings of IAM identities into `system:masters`. See "RBAC good
//! practices" (kubernetes.io/docs/concepts/security/rbac-good-practices/) for
//! the list of escalation paths.
//!
//! The RBAC view (roles, bindings, subjects, grant matching) is
//! [`crate::model::rbac`]; the rules are split by family below, and this
//! module holds what they share: how grants are merged and reported. A
//! finding sits on the offending list item. `rbac-workload-takeover` joins the three: a workload whose ServiceAccount
//! a binding in the same input ties to a role flagged here.

use std::collections::HashMap;

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::rbac::{PolicyRule, RBAC_GROUP, Subject, is_role, role_ref, rules, subjects};
use crate::model::resource::{Resource, str_at};
use crate::rules::cluster::{describe, items, k8s, list, name, nsa, strings};
use crate::rules::{Context, Field, Finding, HARDENED, Kind, Reference, Rule, RuleMeta};
use crate::source::{SourceMap, Span};
use crate::yaml::tree::{Document, NodeId, NodeKind, ScalarStyle};

mod aws_auth;
mod bindings;
mod escalation;
mod secrets;
mod takeover;
mod traffic;
mod wildcards;
mod workload_creation;

pub use aws_auth::AWS_AUTH_MASTERS;
pub use bindings::{ANONYMOUS_BINDING, CLUSTER_ADMIN_BINDING, SYSTEM_MASTERS_BINDING};
pub use escalation::PRIVILEGE_ESCALATION;
pub use secrets::SECRETS_READ;
pub use takeover::WORKLOAD_TAKEOVER;
pub use traffic::NETWORK_BYPASS;
pub use wildcards::{PREFER_NAMESPACED, WILDCARD};
pub use workload_creation::WORKLOAD_CREATION;

use traffic::WEBSOCKET;

/// The input's (Cluster)RoleBindings, with their index.
fn bindings<'a>(ctx: &Context<'a>) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a> {
    crate::model::rbac::bindings(ctx.resources)
}

/// The input's (Cluster)Roles, with their index.
fn roles<'a>(ctx: &Context<'a>) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a> {
    crate::model::rbac::roles(ctx.resources)
}

const RBAC_GOOD_PRACTICES: &str =
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/";

const fn good_practices(id: &'static str) -> Reference {
    k8s(id, "RBAC good practices", RBAC_GOOD_PRACTICES)
}

const NSA_RBAC: Reference = nsa(
    "Authentication and authorization",
    "Role-based access control",
);

/// One problem in a role's rules: where it is and what it grants.
struct Grant {
    path: Path,
    /// `short name: why`; the short name alone stands for it in lists.
    what: String,
    /// The wildcard items the grant goes through (`"*" in verbs`,
    /// `"*/exec" in resources`), empty when every item is named.
    through: Vec<String>,
}

/// The short name of a grant (`escalate`, `write access to roles`).
fn short(what: &str) -> &str {
    what.split(':').next().unwrap_or(what)
}

/// Grants on the same list item (a `*` can grant several) as one, so each
/// item carries one finding per rule.
struct Merged {
    path: Path,
    whats: Vec<String>,
    through: Vec<String>,
}

fn merged(grants: Vec<Grant>) -> Vec<Merged> {
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
fn merged_finding(
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

/// One grant per resources item in `hits`.
fn add(out: &mut Vec<Grant>, rule: &PolicyRule, hits: Vec<(usize, Vec<String>)>, what: &str) {
    for (i, through) in hits {
        out.push(Grant {
            path: rule.path("resources", i),
            what: what.to_string(),
            through,
        });
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
