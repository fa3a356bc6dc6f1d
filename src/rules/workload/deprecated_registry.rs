//! Images from the frozen `k8s.gcr.io` registry.
//!
//! `k8s.gcr.io` was frozen on 2023-04-03 and redirects to `registry.k8s.io`:
//! it gets no new images, so no security fixes, and the redirect may go away.
//! The same paths exist on `registry.k8s.io`.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::pod_security::NSA_TRUSTED_IMAGES;
use crate::rules::workload::parse_image;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "deprecated-registry",
        title: "Image from the frozen k8s.gcr.io registry",
        severity: Severity::Medium,
        category: "supply-chain",
        profiles: HARDENED,
        references: &[NSA_TRUSTED_IMAGES],
        rationale: "k8s.gcr.io is frozen: patched releases of Kubernetes components are published only on registry.k8s.io, so images referenced there stay on their old, vulnerable versions (Kubescape C-0253, Kyverno restrict-deprecated-registry).",
        remediation: "Replace `k8s.gcr.io` with `registry.k8s.io` (same repository paths) and move to a current version.",
        help: "use registry.k8s.io instead of k8s.gcr.io",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dns\nspec:\n  containers:\n  - name: app\n    image: k8s.gcr.io/pause:3.9\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dns\nspec:\n  containers:\n  - name: app\n    image: registry.k8s.io/pause:3.9\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        let Some(image) = c.container.image.as_deref() else {
            continue;
        };
        let r = parse_image(image);
        if !matches!(r.registry, "k8s.gcr.io" | "eu.gcr.io/k8s-artifacts-prod")
            || !r.explicit_registry
        {
            continue;
        }
        let path = c.path.key("image");
        let replaced = image.trim().replacen("k8s.gcr.io", "registry.k8s.io", 1);
        out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "{} uses image \"{image}\" from k8s.gcr.io, which is frozen; use \"{replaced}\"",
                    c.describe()
                ),
            ).setting(replaced.clone(), "Use registry.k8s.io", Applicability::Safe),
        );
    }
}
