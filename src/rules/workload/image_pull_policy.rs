//! Mutable image tags pulled with `imagePullPolicy: IfNotPresent` or `Never`.
//!
//! With a cached image, the kubelet neither checks that the tag still names
//! the content that was approved nor that the pod may pull it: another
//! tenant's pod on the same node can run a private image without pull
//! credentials. Only an explicit policy is reported (the defaulted one,
//! IfNotPresent for tagged images, is the `image-digest` finding's business:
//! pinning the digest is the better fix). Digest-pinned images pass.

use crate::diagnostic::{Applicability, Severity};
use crate::fix::set_field;
use crate::rules::workload::{nsa, parse_image, plausible_image};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "image-pull-policy",
        title: "Mutable image tag not pulled Always",
        severity: Severity::Low,
        category: "supply-chain",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: image scanning",
            "Use trusted, scanned images from trusted repositories",
        )],
        rationale: "`IfNotPresent` and `Never` run whatever the node has cached under the tag: a stale or tampered image, or a private image pulled earlier by another tenant, without checking the pod's pull credentials (Polaris pullPolicyNotAlways, kube-score container-image-pull-policy, Checkov CKV_K8S_15, Kubescape C-0075).",
        remediation: "Pin the image by digest, or set `imagePullPolicy: Always` (and enable the AlwaysPullImages admission plugin on multi-tenant clusters).",
        help: "pin the image by digest or set imagePullPolicy: Always",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    imagePullPolicy: IfNotPresent\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    imagePullPolicy: Always\n",
        replaced_by: None,
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for c in w.containers() {
            let Some(image) = c.container.image.as_deref().filter(|i| plausible_image(i)) else {
                continue;
            };
            let Some(policy) = c.container.image_pull_policy.as_deref() else {
                continue;
            };
            if policy == "Always" || parse_image(image).digest.is_some() {
                continue;
            }
            let path = c.path.key("imagePullPolicy");
            let fix = set_field(
                ctx,
                w.resource,
                &path,
                "Always",
                "Set imagePullPolicy to Always".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!(
                        "{} pulls the mutable tag \"{image}\" with imagePullPolicy {policy}: a cached copy runs unchecked",
                        c.describe()
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
