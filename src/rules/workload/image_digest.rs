//! Images not pinned by digest.
//!
//! Tags are mutable: whoever can push to the repository (or compromise it)
//! changes what a tag runs. A digest (`@sha256:...`) names exact content.

use crate::diagnostic::Severity;
use crate::rules::pod_security::NSA_TRUSTED_IMAGES;
use crate::rules::workload::{container_images, parse_image, valid_digest};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "image-digest",
        title: "Image not pinned by digest",
        severity: Severity::Low,
        category: "supply-chain",
        profiles: HARDENED,
        references: &[NSA_TRUSTED_IMAGES],
        rationale: "A tag can be moved to other content by anyone who can push to the repository; the image that was scanned and approved is only guaranteed to be the one that runs when it is referenced by digest (Checkov CKV_K8S_43, Kubescape C-0306, Kyverno require-image-checksum).",
        remediation: "Reference images as `name:tag@sha256:<digest>` (tools like `crane digest` or Renovate/Dependabot keep digests current).",
        help: "pin the image by digest (@sha256:...)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c, image) in container_images(ctx) {
        let message = match parse_image(image).digest {
            Some(d) if valid_digest(d) => continue,
            Some(d) => format!(
                "{} pins image \"{image}\" to \"{d}\", which is not a content digest (algorithm:hex)",
                c.describe()
            ),
            None => format!(
                "{} uses image \"{image}\" {}; pin it by digest",
                c.describe(),
                if parse_image(image).tag.is_some() {
                    "by tag only"
                } else {
                    "without tag or digest"
                }
            ),
        };
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            c.path.key("image"),
            message,
        ));
    }
}
