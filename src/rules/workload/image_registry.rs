//! Images from registries outside the configured allow-list
//! (`--allow-registry`, wasm `imageRegistries`). Opt-in: off until the list
//! is set (enabling it with an empty list reports nothing).
//!
//! An entry is a registry host (`registry.example.com`, `ghcr.io`) or a
//! registry with a path prefix (`ghcr.io/acme`); an image matches when its
//! registry and repository start with the entry at a `/` boundary. Images
//! without a registry are Docker Hub's (`docker.io`, also spelled
//! `index.docker.io`).

use crate::diagnostic::Severity;
use crate::options::Parameter;
use crate::rules::pod_security::NSA_TRUSTED_IMAGES;
use crate::rules::workload::{container_images, list, parse_image};
use crate::rules::{Context, Finding, OPT_IN, ParamKind, Rule, RuleMeta, RuleParam};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "image-registry",
        title: "Image from a registry outside the allow-list",
        severity: Severity::Medium,
        category: "supply-chain",
        profiles: OPT_IN,
        references: &[NSA_TRUSTED_IMAGES],
        rationale: "Images from arbitrary registries bypass the scanning, signing and provenance controls of the organisation's own registry; typosquatted public images are a known supply-chain attack (Trivy KSV-0125, Kubescape C-0001/C-0078, Kyverno restrict-image-registries).",
        remediation: "Mirror the image into an allowed registry and reference it there, or add the registry to the allow-list after review.",
        help: "use an image from an allowed registry",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: docker.io/library/nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web/nginx:1.27\n",
        pss: None,
        params: &[RuleParam {
            parameter: Parameter::ImageRegistries,
            flag: "--allow-registry",
            kind: ParamKind::StringList,
            label: "Allowed registries",
            help: "A registry host (registry.example.com) or a host with a path prefix (ghcr.io/acme); images without a registry are Docker Hub's (docker.io).",
            example: &["registry.example.com", "ghcr.io/acme"],
        }],
    },
    check: Some(check),
};

fn canonical_registry(r: &str) -> &str {
    match r {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => "docker.io",
        other => other,
    }
}

/// Whether an image reference is allowed by one allow-list entry.
pub fn allowed(image: &str, entry: &str) -> bool {
    let r = parse_image(image);
    let full = format!("{}/{}", canonical_registry(r.registry), r.repository);
    let entry = entry.trim().trim_end_matches('/');
    let entry = match entry.split_once('/') {
        Some((host, rest)) => format!("{}/{rest}", canonical_registry(host)),
        None => canonical_registry(entry).to_string(),
    };
    !entry.is_empty()
        && (full == entry
            || full
                .strip_prefix(entry.as_str())
                .is_some_and(|rest| rest.starts_with('/')))
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let allow = &ctx.options.image_registries;
    if allow.is_empty() {
        return;
    }
    let shown: Vec<String> = allow.iter().map(|a| format!("\"{a}\"")).collect();
    for (w, c, image) in container_images(ctx) {
        if allow.iter().any(|a| allowed(image, a)) {
            continue;
        }
        let r = parse_image(image);
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            c.path.key("image"),
            format!(
                "{} uses image \"{image}\" from {}{}, which is not among the allowed registries ({})",
                c.describe(),
                canonical_registry(r.registry),
                if r.explicit_registry { "" } else { " (Docker Hub, no registry named)" },
                list(&shown)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn allow_list_entries() {
        assert!(allowed(
            "registry.example.com/web:1",
            "registry.example.com"
        ));
        assert!(!allowed(
            "registry.example.com.evil.io/web:1",
            "registry.example.com"
        ));
        assert!(allowed("nginx:1.27", "docker.io"));
        assert!(allowed(
            "index.docker.io/library/nginx",
            "docker.io/library"
        ));
        assert!(allowed("ghcr.io/acme/app@sha256:00", "ghcr.io/acme"));
        assert!(!allowed("ghcr.io/acmecorp/app", "ghcr.io/acme"));
        assert!(allowed("registry:5000/app", "registry:5000"));
    }
}
