//! Namespaces: Pod Security admission labels, and the LimitRange /
//! ResourceQuota that bound what a namespace's pods may consume.
//!
//! `pod-security.kubernetes.io/enforce` on a Namespace is the built-in
//! Pod Security admission controller's switch; without it the cluster-wide
//! default applies (`privileged` unless an AdmissionConfiguration says
//! otherwise). Exceptions belong in an AdmissionConfiguration exemption, not in
//! a weaker label.

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::cluster::{k8s, namespaces, nsa};
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";

pub static POD_SECURITY_LABEL: Rule = Rule {
    meta: RuleMeta {
        id: "namespace-pod-security-label",
        title: "Namespace does not enforce the restricted Pod Security Standard",
        severity: Severity::Medium,
        category: "namespace",
        profiles: HARDENED,
        references: &[
            k8s(
                "Pod Security Admission",
                "Enforce Pod Security Standards with namespace labels",
                "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/",
            ),
            cis_k8s!(
                "5.2.1",
                "Ensure that the cluster has at least one active policy control mechanism in place"
            ),
            nsa("Pod security", "Pod security enforcement"),
        ],
        rationale: "Manifest checks run where someone runs them; admission runs on every request. Without `pod-security.kubernetes.io/enforce: restricted` the API server admits privileged, host-namespace and root pods into the namespace.",
        remediation: "Label the namespace `pod-security.kubernetes.io/enforce: restricted`. For a workload that truly needs more, add an exemption (usernames, runtimeClasses or namespaces) to the PodSecurity plugin's AdmissionConfiguration rather than weakening the label.",
        help: "label the namespace pod-security.kubernetes.io/enforce: restricted",
        bad_example: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
        good_example: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n",
        pss: None,
        params: &[],
    },
    check: Some(check_label),
};

pub static RESOURCE_POLICIES: Rule = Rule {
    meta: RuleMeta {
        id: "namespace-resource-policies",
        title: "Namespace without LimitRange or ResourceQuota",
        severity: Severity::Low,
        category: "namespace",
        profiles: HARDENED,
        references: &[
            k8s(
                "Resource quotas",
                "Resource Quotas",
                "https://kubernetes.io/docs/concepts/policy/resource-quotas/",
            ),
            k8s(
                "Limit ranges",
                "Limit Ranges",
                "https://kubernetes.io/docs/concepts/policy/limit-range/",
            ),
            nsa("Pod security", "Resource policies"),
        ],
        rationale: "Without a ResourceQuota one namespace can exhaust the cluster's CPU, memory, pods or Services; without a LimitRange containers that set no limits run unbounded. Both turn a compromised or buggy workload into a cluster-wide denial of service.",
        remediation: "Add a ResourceQuota and a LimitRange (with default requests and limits) to the namespace.",
        help: "add a ResourceQuota and a LimitRange to the namespace",
        bad_example: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
        good_example: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\n  namespace: apps\nspec:\n  hard:\n    requests.cpu: \"4\"\n    limits.memory: 8Gi\n    pods: \"20\"\n---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: apps\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 500m, memory: 256Mi}\n    defaultRequest: {cpu: 100m, memory: 128Mi}\n",
        pss: None,
        params: &[],
    },
    check: Some(check_resource_policies),
};

fn check_label(ctx: &Context, out: &mut Vec<Finding>) {
    for ns in namespaces(ctx) {
        let Some(ri) = ns.declared else { continue };
        let r = &ctx.resources[ri];
        let labels = r.field("metadata.labels");
        let enforce = labels.as_ref().and_then(|l| l.key(ENFORCE_LABEL));
        let exception = "for a workload that needs more, add an exemption to the PodSecurity plugin's AdmissionConfiguration (exemptions.usernames, runtimeClasses or namespaces) instead of weakening the label";
        match enforce.as_ref().map(|e| (e.str(), &e.path)) {
            Some((Some("restricted"), _)) => {}
            Some((Some(level), path)) => out.push(Finding::new(
                &POD_SECURITY_LABEL.meta,
                ri,
                path.clone(),
                format!(
                    "namespace \"{}\" enforces \"{level}\", less than restricted ({ENFORCE_LABEL}: {level}); set it to restricted, and {exception}",
                    ns.name
                ),
            )),
            // Absent, or not a string.
            _ => out.push(Finding::new(
                &POD_SECURITY_LABEL.meta,
                ri,
                labels.map_or_else(|| Path::parse("metadata"), |l| l.path),
                format!(
                    "namespace \"{}\" has no {ENFORCE_LABEL} label: the cluster default (privileged unless configured) admits any pod; label it {ENFORCE_LABEL}: restricted, and {exception}",
                    ns.name
                ),
            )),
        }
    }
}

fn check_resource_policies(ctx: &Context, out: &mut Vec<Finding>) {
    let present: std::collections::HashSet<(&str, &str)> = ctx
        .of_kind(Kind::LIMIT_RANGE)
        .chain(ctx.of_kind(Kind::RESOURCE_QUOTA))
        .filter_map(|(_, r)| Some((r.id.kind.as_str(), r.namespace()?)))
        .collect();
    for ns in namespaces(ctx) {
        let has = |kind: &str| present.contains(&(kind, ns.name.as_str()));
        let missing: Vec<&str> = [Kind::LIMIT_RANGE.name, Kind::RESOURCE_QUOTA.name]
            .into_iter()
            .filter(|k| !has(k))
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(Finding::new(
            &RESOURCE_POLICIES.meta,
            ns.resource,
            ns.path,
            format!(
                "namespace \"{}\" has no {} in the input: its pods' consumption is unbounded; add one",
                ns.name,
                missing.join(" or ")
            ),
        ));
    }
}
