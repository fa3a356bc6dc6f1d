//! API versions Kubernetes removed: a manifest that uses one no longer
//! applies (or, on old clusters, keeps using an API that lost its security
//! fixes and defaults), and PodSecurityPolicy is gone altogether since v1.25.
//! From the Deprecated API Migration Guide
//! (kubernetes.io/docs/reference/using-api/deprecation-guide/).

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::cluster::{describe, k8s};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static DEPRECATED_API_VERSION: Rule = Rule {
    meta: RuleMeta {
        id: "deprecated-api-version",
        title: "Removed API version",
        severity: Severity::Medium,
        category: "api",
        profiles: HARDENED,
        references: &[k8s(
            "Deprecation guide",
            "Deprecated API Migration Guide",
            "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        )],
        rationale: "Removed API versions are refused by current clusters, so the manifest silently stops applying (often in a CI step nobody reads), and keeping them pins clusters to versions without security fixes. PodSecurityPolicy has no replacement version: its protection is simply gone.",
        remediation: "Move to the API version named in the message (and to Pod Security admission instead of PodSecurityPolicy).",
        help: "use the current API version",
        bad_example: "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  backend:\n    serviceName: web\n    servicePort: 80\n",
        good_example: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// (apiVersion, kind or "*", removed in, replacement).
const REMOVED: &[(&str, &str, &str, &str)] = &[
    (
        "extensions/v1beta1",
        "PodSecurityPolicy",
        "v1.16",
        "Pod Security admission (PodSecurityPolicy was removed entirely in v1.25)",
    ),
    (
        "policy/v1beta1",
        "PodSecurityPolicy",
        "v1.25",
        "Pod Security admission (no PodSecurityPolicy API exists any more)",
    ),
    (
        "extensions/v1beta1",
        "Ingress",
        "v1.22",
        "networking.k8s.io/v1",
    ),
    (
        "extensions/v1beta1",
        "NetworkPolicy",
        "v1.16",
        "networking.k8s.io/v1",
    ),
    ("extensions/v1beta1", "*", "v1.16", "apps/v1"),
    ("apps/v1beta1", "*", "v1.16", "apps/v1"),
    ("apps/v1beta2", "*", "v1.16", "apps/v1"),
    (
        "networking.k8s.io/v1beta1",
        "*",
        "v1.22",
        "networking.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        "v1.22",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        "*",
        "v1.22",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "*",
        "v1.22",
        "admissionregistration.k8s.io/v1",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        "*",
        "v1.22",
        "apiextensions.k8s.io/v1",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        "*",
        "v1.22",
        "apiregistration.k8s.io/v1",
    ),
    (
        "authentication.k8s.io/v1beta1",
        "*",
        "v1.22",
        "authentication.k8s.io/v1",
    ),
    (
        "authorization.k8s.io/v1beta1",
        "*",
        "v1.22",
        "authorization.k8s.io/v1",
    ),
    (
        "certificates.k8s.io/v1beta1",
        "*",
        "v1.22",
        "certificates.k8s.io/v1",
    ),
    (
        "coordination.k8s.io/v1beta1",
        "*",
        "v1.22",
        "coordination.k8s.io/v1",
    ),
    (
        "scheduling.k8s.io/v1beta1",
        "*",
        "v1.22",
        "scheduling.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        "v1.27",
        "storage.k8s.io/v1",
    ),
    ("storage.k8s.io/v1beta1", "*", "v1.22", "storage.k8s.io/v1"),
    ("batch/v1beta1", "*", "v1.25", "batch/v1"),
    ("policy/v1beta1", "*", "v1.25", "policy/v1"),
    (
        "discovery.k8s.io/v1beta1",
        "*",
        "v1.25",
        "discovery.k8s.io/v1",
    ),
    ("events.k8s.io/v1beta1", "*", "v1.25", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", "*", "v1.25", "node.k8s.io/v1"),
    ("autoscaling/v2beta1", "*", "v1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "*", "v1.26", "autoscaling/v2"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "*",
        "v1.26",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "*",
        "v1.29",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "*",
        "v1.32",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate() {
        let Some((_, _, removed, instead)) = REMOVED
            .iter()
            .find(|(v, k, _, _)| *v == r.id.api_version && (*k == "*" || *k == r.id.kind))
        else {
            continue;
        };
        out.push(Finding::new(
            &DEPRECATED_API_VERSION.meta,
            ri,
            Path::parse("apiVersion"),
            format!(
                "{} uses {}, removed in Kubernetes {removed}: current clusters refuse it; use {instead}",
                describe(r),
                r.id.api_version
            ),
        ));
    }
}
