//! Mutable image tags pulled with `imagePullPolicy: IfNotPresent` or `Never`.
//!
//! With a cached image, the kubelet neither checks that the tag still names
//! the content that was approved nor that the pod may pull it: another
//! tenant's pod on the same node can run a private image without pull
//! credentials. A missing (or empty) policy is defaulted as the API server
//! does: `Always` for `:latest` or an untagged image, `IfNotPresent` for any
//! other tag, and that default is reported like the explicit value (at the
//! container, with a fix that adds the field). Digest-pinned images pass.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::peers::{checkov, kube_linter, kube_score, kubescape, polaris};
use crate::rules::pod_security::NSA_TRUSTED_IMAGES;
use crate::rules::workload::{container_images, parse_image};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "image-pull-policy",
        title: "Mutable image tag not pulled Always",
        severity: Severity::Low,
        category: "supply-chain",
        profiles: HARDENED,
        references: &[
            NSA_TRUSTED_IMAGES,
            kube_linter("image-pull-policy", "Image pull policy (template)"),
            polaris("pullPolicyNotAlways", "Image pull policy is not Always"),
            kube_score("container-image-pull-policy", "Container image pull policy"),
            checkov(
                "CKV_K8S_15",
                "Image Pull Policy of the container is set to Always",
            ),
            kubescape("C-0075", "Image pull policy on latest tag"),
        ],
        rationale: "`IfNotPresent` and `Never` run whatever the node has cached under the tag: a stale or tampered image, or a private image pulled earlier by another tenant, without checking the pod's pull credentials. Without `imagePullPolicy` (or with an empty one) Kubernetes uses `IfNotPresent` for every tag other than `latest`, so a tagged image with no policy is pulled at most once per node too.",
        remediation: "Pin the image by digest, or set `imagePullPolicy: Always` (and enable the AlwaysPullImages admission plugin on multi-tenant clusters).",
        help: "pin the image by digest or set imagePullPolicy: Always",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    imagePullPolicy: IfNotPresent\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    imagePullPolicy: Always\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c, image) in container_images(ctx) {
        let parsed = parse_image(image);
        if parsed.digest.is_some() {
            continue;
        }
        // The API server's default for a missing or empty policy.
        let explicit = c
            .container
            .image_pull_policy
            .as_deref()
            .filter(|p| !p.is_empty());
        let policy = match explicit {
            Some(p) => p,
            None if parsed.tag.is_none_or(|t| t == "latest") => continue,
            None => "IfNotPresent",
        };
        if policy == "Always" {
            continue;
        }
        let how = match (explicit, c.container.image_pull_policy.as_deref()) {
            (Some(_), _) => format!("with imagePullPolicy {policy}"),
            (None, Some(_)) => "with imagePullPolicy IfNotPresent (an empty imagePullPolicy gets the default for a tagged image)".to_string(),
            (None, None) => "with imagePullPolicy IfNotPresent (the default for a tagged image without imagePullPolicy)".to_string(),
        };
        let path = c.path.key("imagePullPolicy");
        out.push(
            Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "{} pulls the mutable tag \"{image}\" {how}: a cached copy runs unchecked",
                    c.describe()
                ),
            )
            .setting(
                "Always",
                "Set imagePullPolicy to Always",
                Applicability::Unsafe,
            ),
        );
    }
}
