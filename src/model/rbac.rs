//! The RBAC view: Roles and ClusterRoles with their PolicyRules, bindings
//! with their subjects and role reference, and grant matching as the RBAC
//! authorizer matches a request (`VerbMatches`, `APIGroupMatches`,
//! `ResourceMatches` in `plugin/pkg/auth/authorizer/rbac`): `*` matches
//! every verb, group or resource, `*/sub` every resource's subresource `sub`,
//! and `resourceNames` scopes everything but a top-level create or
//! deletecollection. Read from the JSON, so `rbac.authorization.k8s.io/v1beta1`
//! objects are read too. ClusterRole aggregation (`aggregationRule`) is not
//! resolved here: an aggregated role's rules are the ones the controller
//! copies into it, which the input holds when it was exported from a cluster.

use crate::model::value::Value;

use crate::model::kinds::Kind;
use crate::model::path::Path;
use crate::model::resource::{Resource, items, str_at, strings};

pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

pub fn is_role(r: &Resource) -> bool {
    Kind::ROLE.is(r) || Kind::CLUSTER_ROLE.is(r)
}

pub fn is_binding(r: &Resource) -> bool {
    Kind::ROLE_BINDING.is(r) || Kind::CLUSTER_ROLE_BINDING.is(r)
}

/// The input's (Cluster)RoleBindings, with their index.
pub fn bindings(resources: &[Resource]) -> impl Iterator<Item = (usize, &Resource)> {
    resources.iter().enumerate().filter(|(_, r)| is_binding(r))
}

/// The input's (Cluster)Roles, with their index.
pub fn roles(resources: &[Resource]) -> impl Iterator<Item = (usize, &Resource)> {
    resources.iter().enumerate().filter(|(_, r)| is_role(r))
}

/// One PolicyRule read from JSON.
pub struct PolicyRule<'v> {
    pub index: usize,
    pub verbs: Vec<(usize, &'v str)>,
    pub groups: Vec<(usize, &'v str)>,
    pub resources: Vec<(usize, &'v str)>,
    pub resource_names: usize,
    pub names: Vec<&'v str>,
}

impl<'v> PolicyRule<'v> {
    pub fn group(&self, group: &str) -> bool {
        self.groups.iter().any(|(_, g)| *g == group)
    }

    /// Like `verb`, with `*` granting every verb (as the authorizer reads it).
    pub fn any_verb(&self, verbs: &[&str]) -> bool {
        self.verbs
            .iter()
            .any(|(_, v)| *v == "*" || verbs.contains(v))
    }

    /// Like `group`, with `*` matching every API group.
    pub fn any_group(&self, group: &str) -> bool {
        self.groups.iter().any(|(_, g)| *g == "*" || *g == group)
    }

    /// The `resources` items that grant `resource` (`pods` or a subresource
    /// like `pods/portforward`): the name itself, `*`, or `*/portforward`,
    /// the forms the RBAC authorizer matches (`pods/*` matches nothing).
    ///
    /// A `parent/*` target stands for every subresource of `parent` (each
    /// `userextras/<key>` is one): `*`, `*/<any>` and `parent/<any>` grant
    /// one of them.
    pub fn matching(&self, resource: &str) -> Vec<(usize, &'v str)> {
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
    pub fn grants(&self, group: &str, resource: &str, verbs: &[&str]) -> Vec<(usize, Vec<String>)> {
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

    pub fn path(&self, field: &str, i: usize) -> Path {
        Path::parse("rules").index(self.index).key(field).index(i)
    }
}

pub fn rules(r: &Resource) -> Vec<PolicyRule<'_>> {
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
                .map_or(0, <[_]>::len),
            names: strings(rule.get("resourceNames"))
                .into_iter()
                .map(|(_, n)| n)
                .collect(),
        })
        .collect()
}

pub struct Subject<'v> {
    pub index: usize,
    pub kind: &'v str,
    pub name: &'v str,
    pub namespace: Option<&'v str>,
}

impl Subject<'_> {
    /// The path of one of this subject's fields, as `PolicyRule::path`.
    pub fn path(&self, field: &str) -> Path {
        Path::parse("subjects").index(self.index).key(field)
    }
}

pub fn subjects(b: &Resource) -> Vec<Subject<'_>> {
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

pub fn role_ref(b: &Resource) -> (&str, &str) {
    (
        str_at(&b.json, "roleRef.kind").unwrap_or(""),
        str_at(&b.json, "roleRef.name").unwrap_or(""),
    )
}
