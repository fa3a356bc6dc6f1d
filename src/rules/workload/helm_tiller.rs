//! Helm v2's in-cluster server, Tiller.
//!
//! Tiller serves a gRPC API (port 44134) that installs, upgrades and deletes
//! releases with the permissions of its ServiceAccount, which `helm init`
//! setups usually bind to cluster-admin. By default the API has no
//! authentication (TLS was opt-in), so any pod that can reach it acts with
//! those permissions. Helm v2 reached end of life in November 2020: Tiller
//! gets no security fixes.
//!
//! Reported: a container whose image is Tiller, `kubernetes-helm/tiller`
//! (gcr.io) or `helm/tiller` (ghcr.io), any tag or digest, at any registry
//! (mirrors and pull-through caches keep the repository path).

use crate::diagnostic::Severity;
use crate::rules::workload::{nsa, parse_image};
use crate::rules::{Context, Finding, HARDENED, Reference, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "helm-tiller",
        title: "Helm v2 Tiller is deployed",
        severity: Severity::High,
        category: "workload",
        profiles: HARDENED,
        references: &[
            Reference {
                source: "Helm",
                id: "Tiller removal",
                title: "Helm: changes since Helm 2",
                url: "https://helm.sh/docs/faq/changes_since_helm2/#removal-of-tiller",
            },
            Reference {
                source: "Helm",
                id: "v2 end of life",
                title: "Helm: Helm v2 deprecation timeline",
                url: "https://helm.sh/blog/helm-v2-deprecation-timeline/",
            },
            nsa(
                "Upgrading and application security practices",
                "Apply security patches promptly; remove components no longer needed",
            ),
        ],
        rationale: "Tiller, Helm v2's in-cluster server, installs and deletes whatever its ServiceAccount allows (usually cluster-admin) for anyone who reaches its gRPC port 44134: its API has no authentication unless TLS was set up by hand, so any pod in the cluster can use it to take the cluster over. Helm v2 has been unsupported since November 2020 and gets no security fixes; Helm 3 has no server side (Checkov CKV_K8S_34, Trivy KSV-0102, Kyverno disallow-helm-tiller).",
        remediation: "Migrate the releases to Helm 3 (`helm-2to3`), then delete the Tiller Deployment, its Service and its ServiceAccount and binding.",
        help: "remove Tiller and manage releases with Helm 3, which needs no in-cluster server",
        bad_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tiller-deploy\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels: {app: helm, name: tiller}\n  template:\n    metadata:\n      labels: {app: helm, name: tiller}\n    spec:\n      serviceAccountName: tiller\n      containers:\n      - name: tiller\n        image: gcr.io/kubernetes-helm/tiller:v2.16.12\n",
        good_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/web:1.4\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// Whether an image is Tiller's: `kubernetes-helm/tiller` or `helm/tiller`,
/// also below a mirror's prefix.
pub fn is_tiller(image: &str) -> bool {
    let repository = parse_image(image).repository.to_ascii_lowercase();
    ["kubernetes-helm/tiller", "helm/tiller"].iter().any(|t| {
        repository == *t
            || repository
                .strip_suffix(t)
                .is_some_and(|prefix| prefix.ends_with('/'))
    })
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        let Some(image) = c.container.image.as_deref().filter(|i| is_tiller(i)) else {
            continue;
        };
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            c.path.key("image"),
            format!(
                "{} runs Helm v2 Tiller (image \"{}\"): its unauthenticated gRPC API on port 44134 lets any pod act with Tiller's ServiceAccount, and Helm v2 has had no security fixes since November 2020; remove it and use Helm 3",
                c.describe(),
                image.trim()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::is_tiller;

    #[test]
    fn tiller_images() {
        assert!(is_tiller("gcr.io/kubernetes-helm/tiller:v2.16.1"));
        assert!(is_tiller("ghcr.io/helm/tiller:v2.17.0"));
        assert!(is_tiller("gcr.io/kubernetes-helm/tiller"));
        assert!(is_tiller("ghcr.io/helm/tiller@sha256:0123456789abcdef"));
        assert!(is_tiller(
            "harbor.example.com/gcr-proxy/kubernetes-helm/tiller:v2.14.3"
        ));
        assert!(!is_tiller("registry.example.com/tiller:1.0"));
        assert!(!is_tiller("ghcr.io/helm/chartmuseum:v0.16.0"));
        assert!(!is_tiller("ghcr.io/myhelm/tiller:v2.17.0"));
        assert!(!is_tiller("alpine/helm:3.14.0"));
    }
}
