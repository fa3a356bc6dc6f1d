//! Workload hardening rules beyond the Pod Security Standards: the NSA/CISA
//! Kubernetes Hardening Guide's pod, image and secret recommendations, the
//! CIS Benchmark's section 5 (policies), and what the peer checkers
//! (KubeLinter, Polaris, kubesec, Checkov, Trivy, Kubescape, Kyverno) agree
//! is security-relevant in a pod spec.
//!
//! Every rule here is in the `hardened` profile only (or opt-in): none of them
//! changes what the `baseline` and `restricted` profiles report.
pub mod automount_service_account_token;
pub mod bare_pod;
pub mod bidirectional_mount_propagation;
pub mod container_runtime_socket;
pub mod dashboard_insecure_auth;
pub mod default_namespace;
pub mod default_service_account;
pub mod deprecated_registry;
pub mod deprecated_service_account_field;
pub mod emptydir_size_limit;
pub mod env_secret_literal;
pub mod helm_tiller;
pub mod host_aliases;
pub mod host_path_writable;
pub mod host_users;
pub mod image_digest;
pub mod image_pull_policy;
pub mod image_registry;
pub mod image_tag;
pub mod kube_system_namespace;
pub mod misplaced_security_field;
pub mod missing_service_account;
pub mod privileged_port;
pub mod read_only_root_filesystem;
pub mod resource_limits;
pub mod run_as_root_group;
pub mod sandboxed_runtime;
pub mod secret_env_vars;
pub mod share_process_namespace;
pub mod sudo_in_command;

use crate::model::value::Value;

use crate::model::path::{Path, Seg};
use crate::model::resource::Resource;
use crate::model::workload::{ContainerRef, Workload};
pub use crate::rules::pod_security::{list, nsa, sc_path};
use crate::rules::{Context, Finding, Kind, RuleMeta};

/// The value at a path of a resource's JSON.
pub fn json_at<'v>(value: &'v Value, path: &Path) -> Option<&'v Value> {
    path.0.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.as_array()?.get(*i),
    })
}

/// The ServiceAccount a pod runs as: `serviceAccountName`, else the
/// deprecated `serviceAccount`, else `default`.
pub fn service_account(w: &Workload) -> &str {
    w.spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
        .or(w.spec.service_account.as_deref().filter(|s| !s.is_empty()))
        .unwrap_or("default")
}

/// Path of the field that names the pod's ServiceAccount (or of the missing
/// `serviceAccountName`).
pub fn service_account_path(w: &Workload) -> Path {
    if w.spec
        .service_account_name
        .as_deref()
        .is_some_and(|s| !s.is_empty())
        || w.spec.service_account.as_deref().is_none_or(str::is_empty)
    {
        w.spec_field("serviceAccountName")
    } else {
        w.spec_field("serviceAccount")
    }
}

/// Whether two namespaces may be the same one: unset means "wherever it is
/// applied", which matches anything.
pub fn same_namespace(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The ServiceAccount named `name` the input defines in the workload's
/// namespace, with its index.
pub fn find_service_account<'a>(
    ctx: &'a Context,
    w: &Workload,
    name: &str,
) -> Option<(usize, &'a Resource)> {
    let ns = ctx.resource(w).namespace();
    ctx.named(Kind::SERVICE_ACCOUNT, name)
        .find(|(_, r)| same_namespace(r.namespace(), ns))
}

/// An image reference split the way container runtimes read it.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// As written, or `docker.io` when the reference names none.
    pub registry: &'a str,
    /// Whether the registry was written out.
    pub explicit_registry: bool,
    /// Repository path, without registry, tag or digest.
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Parses `[registry[:port]/]repository[:tag][@digest]`. A colon before the
/// last `/` is a registry port, not a tag.
pub fn parse_image(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    let (registry, explicit, repository) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first, true, rest)
        }
        _ => ("docker.io", false, name),
    };
    ImageRef {
        registry,
        explicit_registry: explicit,
        repository,
        tag: tag.filter(|t| !t.is_empty()),
        digest: digest.filter(|d| !d.is_empty()),
    }
}

/// Every container of every workload whose image can be an image
/// reference, with the workload and the reference.
pub fn container_images<'a>(
    ctx: &'a Context,
) -> impl Iterator<Item = (&'a Workload, ContainerRef<'a>, &'a str)> {
    ctx.containers().filter_map(|(w, c)| {
        let image = c
            .container
            .image
            .as_deref()
            .filter(|i| plausible_image(i))?;
        Some((w, c, image))
    })
}

/// Whether a string can be an image reference at all (not a placeholder
/// such as `<image_url>` or an unrendered `${IMAGE}`).
pub fn plausible_image(image: &str) -> bool {
    let image = image.trim();
    !image.is_empty()
        && image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:@".contains(c))
}

/// Whether a digest is a well-formed content digest (`sha256:<64 hex>`).
pub fn valid_digest(d: &str) -> bool {
    d.split_once(':').is_some_and(|(alg, hex)| {
        !alg.is_empty() && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// One finding per workload whose resource sits in `namespace`, on its
/// `metadata.namespace`, saying "<Kind> "<name>" runs in <where>".
pub(crate) fn report_workloads_in(
    ctx: &Context,
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    namespace: &str,
    where_and_advice: &str,
) {
    for w in ctx.workloads {
        let r = ctx.resource(w);
        if r.namespace() != Some(namespace) {
            continue;
        }
        out.push(Finding::new(
            meta,
            w.resource,
            Path::parse("metadata.namespace"),
            format!(
                "{} \"{}\" runs in {where_and_advice}",
                r.id.kind,
                r.id.name.as_deref().unwrap_or("")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        let r = parse_image("registry:5000/app");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("registry:5000", "app", None)
        );
        let r = parse_image("nginx");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("docker.io", "nginx", None)
        );
        let r = parse_image("ghcr.io/a/b:1.2@sha256:abc");
        assert_eq!(
            (r.registry, r.repository, r.tag, r.digest),
            ("ghcr.io", "a/b", Some("1.2"), Some("sha256:abc"))
        );
        let r = parse_image("quay.io/x/y@sha256:0123");
        assert_eq!((r.tag, r.digest), (None, Some("sha256:0123")));
        let r = parse_image("localhost:5000/a/b:latest");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("localhost:5000", "a/b", Some("latest"))
        );
        let r = parse_image("library/nginx:1.27");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("docker.io", "library/nginx", Some("1.27"))
        );
    }
}
