//! Images without a tag or on `latest` (and not pinned by digest).
//!
//! `registry:5000/app` has no tag (the colon is a port); an image pinned by
//! digest only (`app@sha256:...`) is exact whatever its tag.

use crate::diagnostic::Severity;
use crate::rules::pod_security::NSA_TRUSTED_IMAGES;
use crate::rules::workload::{container_images, parse_image};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "image-tag",
        title: "Image without a version tag",
        severity: Severity::Medium,
        category: "supply-chain",
        profiles: HARDENED,
        references: &[NSA_TRUSTED_IMAGES],
        rationale: "An untagged image means `latest`, which moves: what was reviewed and scanned is not what runs after the next push or node restart, and a rollback cannot name the previous version (KubeLinter latest-tag, Polaris tagNotSpecified, Checkov CKV_K8S_14, Trivy KSV-0013, Kyverno disallow-latest-tag).",
        remediation: "Use an immutable version tag (`nginx:1.27.3`), or better, pin the digest (`nginx:1.27.3@sha256:...`).",
        help: "use a version tag or a digest",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com:5000/web\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com:5000/web:1.4.2\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c, image) in container_images(ctx) {
        let r = parse_image(image);
        if r.digest.is_some() {
            continue;
        }
        let message = match r.tag {
            None => format!(
                "{} uses image \"{image}\" without a tag, which means latest",
                c.describe()
            ),
            Some("latest") => format!(
                "{} uses image \"{image}\" on the mutable latest tag",
                c.describe()
            ),
            Some(_) => continue,
        };
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            c.path.key("image"),
            message,
        ));
    }
}
