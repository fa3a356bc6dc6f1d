//! Service mesh transport security: Istio `PeerAuthentication` and
//! `DestinationRule` modes, pods and namespaces that opt out of sidecar
//! injection or of Istio's ambient mode, pods whose ports or outbound
//! address ranges skip the proxy.
//!
//! Istio's PERMISSIVE mode (the default) accepts plaintext next to mTLS, so
//! the mesh's identity-based authorization can be bypassed by any caller
//! outside it; DISABLE turns mTLS off. A pod or namespace that turns
//! injection off (`sidecar.istio.io/inject: "false"`, `istio-injection:
//! disabled`, `linkerd.io/inject: disabled`, ambient mode's
//! `istio.io/dataplane-mode: none`) is not in the mesh at all, and ports and
//! IP ranges listed in the skip/exclude annotations bypass the proxy.

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{Resource, value_at};
use crate::model::workload::Workload;
use crate::rules::cluster::{describe, k8s, nsa};
use crate::rules::{Context, Field, Finding, HARDENED, Kind, Rule, RuleMeta};

pub static MESH_MTLS: Rule = Rule {
    meta: RuleMeta {
        id: "mesh-mtls",
        title: "Service mesh mTLS disabled or permissive",
        severity: Severity::Medium,
        category: "mesh",
        profiles: HARDENED,
        references: &[
            k8s(
                "PeerAuthentication",
                "Istio: mutual TLS migration",
                "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/",
            ),
            nsa(
                "Network separation and hardening",
                "Encrypt traffic in the cluster",
            ),
        ],
        rationale: "Mesh mTLS authenticates and encrypts pod-to-pod traffic. PERMISSIVE still accepts plaintext (so any pod can skip the mesh's authorization) and DISABLE turns it off (Kyverno istio/enforce-strict-mtls). Pods and namespaces kept out of the mesh are `mesh-injection-disabled`'s findings.",
        remediation: "Set PeerAuthentication `mtls.mode: STRICT` (mesh-wide in the root namespace) and `ISTIO_MUTUAL` in DestinationRules.",
        help: "use mTLS mode STRICT",
        bad_example: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: PERMISSIVE\n",
        good_example: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// A finding of a weak mTLS or TLS mode at `at`.
fn weak(out: &mut Vec<Finding>, ri: usize, r: &Resource, at: Field, what: &str) {
    let Some(mode) = at.str() else { return };
    let effect = if mode == "DISABLE" {
        "turns mTLS off"
    } else {
        "still accepts plaintext, so callers outside the mesh bypass its authentication"
    };
    out.push(Finding::new(
        &MESH_MTLS.meta,
        ri,
        at.path,
        format!("{} {what} mode {mode}: {effect}; use STRICT", describe(r)),
    ));
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let weak_mtls = |f: &Field| matches!(f.str(), Some("DISABLE" | "PERMISSIVE"));
    for (ri, r) in ctx.of_kind(Kind::PEER_AUTHENTICATION) {
        if let Some(mode) = r.field("spec.mtls.mode").filter(weak_mtls) {
            weak(out, ri, r, mode, "sets mTLS");
        }
        for (port, v) in r
            .field("spec.portLevelMtls")
            .iter()
            .flat_map(Field::entries)
        {
            if let Some(mode) = v.key("mode").filter(weak_mtls) {
                weak(out, ri, r, mode, &format!("sets port {port} mTLS"));
            }
        }
    }
    for (ri, r) in ctx.of_kind(Kind::DESTINATION_RULE) {
        let traffic = r.field("spec.trafficPolicy");
        let ports = traffic.iter().flat_map(|t| t.key("portLevelSettings"));
        let subsets = r.field("spec.subsets");
        let policies = traffic
            .iter()
            .cloned()
            .chain(ports.flat_map(|p| p.items().collect::<Vec<_>>()))
            .chain(
                subsets
                    .iter()
                    .flat_map(Field::items)
                    .filter_map(|s| s.key("trafficPolicy")),
            );
        for p in policies {
            if let Some(mode) = p.at("tls.mode").filter(|m| m.str() == Some("DISABLE")) {
                weak(out, ri, r, mode, "sets client TLS");
            }
        }
    }
}

pub static MESH_INJECTION_DISABLED: Rule = Rule {
    meta: RuleMeta {
        id: "mesh-injection-disabled",
        title: "Pod or namespace opts out of the service mesh",
        severity: Severity::Medium,
        category: "mesh",
        profiles: HARDENED,
        references: &[
            k8s(
                "sidecar.istio.io/inject",
                "Istio: controlling the injection policy",
                "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy",
            ),
            k8s(
                "istio.io/dataplane-mode",
                "Istio: resource labels",
                "https://istio.io/latest/docs/reference/config/labels/#istio-io-dataplane-mode",
            ),
            k8s(
                "linkerd.io/inject",
                "Linkerd: automatic proxy injection",
                "https://linkerd.io/2/features/proxy-injection/",
            ),
            nsa(
                "Network separation and hardening",
                "Encrypt traffic in the cluster",
            ),
        ],
        rationale: "A pod without the mesh's proxy sends and receives plaintext, has no mesh identity and is outside the mesh's authorization policies: the mTLS that `mesh-mtls` checks does not apply to it. The rule fires wherever the opt-out is written, without looking for the mesh's own objects in the input: the opt-out only has an effect where injection would otherwise happen, so writing it says the workload is deployed into a mesh, and application manifests are usually checked apart from the mesh installation. Istio reads the pod label `sidecar.istio.io/inject` before the annotation and treats any value but y/yes/true/on as off; a Namespace labelled `istio-injection` with any value but `enabled` is not injected. In Istio's ambient mode (no sidecars; a per-node ztunnel) the label `istio.io/dataplane-mode: none` takes a pod or namespace out of the mesh the same way; it is not reported where the pod template asks for a sidecar (`sidecar.istio.io/inject` on, `traffic.sidecar.istio.io/*` annotations) or the namespace injects sidecars (`istio-injection: enabled`, `istio.io/rev`), since such pods are in the mesh through the sidecar (Kyverno prevent-disabling-injection-pods, enforce-sidecar-injection-namespace, enforce-ambient-mode-namespace, prevent-linkerd-pod-injection-override).",
        remediation: "Remove the opt-out (`sidecar.istio.io/inject: \"false\"`, `istio-injection: disabled`, `linkerd.io/inject: disabled`, `istio.io/dataplane-mode: none`) so the pods get the proxy or join the ambient mesh. A Job that cannot finish with a sidecar can use native sidecars (Istio `ENABLE_NATIVE_SIDECARS`, Linkerd `config.alpha.linkerd.io/proxy-enable-native-sidecar`) instead of leaving the mesh.",
        help: "remove the mesh opt-out so the pods join the mesh",
        bad_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations:\n        sidecar.istio.io/inject: \"false\"\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n",
        good_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check_injection),
};

pub static MESH_PORT_SKIPPING: Rule = Rule {
    meta: RuleMeta {
        id: "mesh-port-skipping",
        title: "Ports or addresses that bypass the service mesh proxy",
        severity: Severity::Low,
        category: "mesh",
        profiles: HARDENED,
        references: &[
            k8s(
                "config.linkerd.io/skip-inbound-ports",
                "Linkerd: protocol detection and skipped ports",
                "https://linkerd.io/2/features/protocol-detection/",
            ),
            k8s(
                "traffic.sidecar.istio.io/excludeInboundPorts",
                "Istio: resource annotations",
                "https://istio.io/latest/docs/reference/config/annotations/",
            ),
            nsa(
                "Network separation and hardening",
                "Encrypt traffic in the cluster",
            ),
        ],
        rationale: "Traffic on ports listed in Linkerd's `config.linkerd.io/skip-inbound-ports` / `skip-outbound-ports` or Istio's `traffic.sidecar.istio.io/excludeInboundPorts` / `excludeOutboundPorts`, and outbound traffic to the CIDRs in Istio's `traffic.sidecar.istio.io/excludeOutboundIPRanges`, is not redirected to the proxy: it travels without mTLS and mesh authorization policies do not see it. Skipping is sometimes needed (server-speaks-first protocols on old Linkerd versions, the API server), so the rule is low severity and names the ports to review (Kyverno prevent-linkerd-port-skipping).",
        remediation: "Remove the annotation, or narrow it to the ports or address ranges that cannot go through the proxy; for Linkerd, declare server-speaks-first ports as opaque (`config.linkerd.io/opaque-ports`) so they stay in the mesh with mTLS.",
        help: "remove the skipped ports or ranges, or mark ports opaque so they keep mTLS",
        bad_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db-client\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: db-client}\n  template:\n    metadata:\n      labels: {app: db-client}\n      annotations:\n        config.linkerd.io/skip-outbound-ports: \"3306\"\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/db-client:1.4\n",
        good_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db-client\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: db-client}\n  template:\n    metadata:\n      labels: {app: db-client}\n      annotations:\n        config.linkerd.io/opaque-ports: \"3306\"\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/db-client:1.4\n",
        pss: None,
        params: &[],
    },
    check: Some(check_port_skipping),
};

const ISTIO_INJECT: &str = "sidecar.istio.io/inject";
const LINKERD_INJECT: &str = "linkerd.io/inject";

/// Istio's reading of `sidecar.istio.io/inject`: y/yes/true/on inject, an
/// empty value defers to the namespace, anything else turns injection off.
fn istio_off(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    !v.is_empty() && !matches!(v.as_str(), "y" | "yes" | "true" | "on")
}

/// The injection opt-out a pod template writes: its path and what it says.
fn pod_opt_out(w: &Workload) -> Option<(Path, String)> {
    let meta = &w.meta_path;
    // Istio reads the label first; the annotation only when no label is set.
    let istio = match w.meta.labels.as_ref().and_then(|l| l.get(ISTIO_INJECT)) {
        Some(v) => Some(("labels", v)),
        None => w
            .meta
            .annotations
            .as_ref()
            .and_then(|a| a.get(ISTIO_INJECT))
            .map(|v| ("annotations", v)),
    };
    if let Some((field, v)) = istio.filter(|(_, v)| istio_off(v)) {
        return Some((
            meta.key(field).key(ISTIO_INJECT),
            format!("Istio sidecar injection ({ISTIO_INJECT}: \"{v}\")"),
        ));
    }
    let linkerd = w
        .meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(LINKERD_INJECT));
    if linkerd.is_some_and(|v| v.trim() == "disabled") {
        return Some((
            meta.key("annotations").key(LINKERD_INJECT),
            format!("Linkerd proxy injection ({LINKERD_INJECT}: disabled)"),
        ));
    }
    None
}

const AMBIENT_MODE: &str = "istio.io/dataplane-mode";

/// A pod template's opt-out of Istio's ambient mode
/// (`istio.io/dataplane-mode: none`), unless the template asks for the
/// Istio sidecar (`sidecar.istio.io/inject` on, or a
/// `traffic.sidecar.istio.io/*` annotation): a pod with a sidecar is in the
/// mesh through it, and ambient mode leaves it alone anyway.
fn pod_ambient_opt_out(ctx: &Context, w: &Workload) -> Option<Path> {
    let labels = w.meta.labels.as_ref()?;
    if labels.get(AMBIENT_MODE).map(|v| v.trim()) != Some("none") {
        return None;
    }
    let annotations = w.meta.annotations.as_ref();
    let inject = labels
        .get(ISTIO_INJECT)
        .or_else(|| annotations.and_then(|a| a.get(ISTIO_INJECT)));
    let sidecar = inject.is_some_and(|v| !v.trim().is_empty() && !istio_off(v))
        || annotations
            .is_some_and(|a| a.keys().any(|k| k.starts_with("traffic.sidecar.istio.io/")));
    // The same when the pod's Namespace, in the input, injects sidecars.
    let ns = ctx.resource(w).namespace();
    let namespace_injects = ns.is_some_and(|ns| {
        ctx.named(Kind::NAMESPACE, ns)
            .any(|(_, r)| namespace_injects_sidecars(r))
    });
    (!sidecar && !namespace_injects).then(|| w.meta_path.key("labels").key(AMBIENT_MODE))
}

/// Whether a Namespace turns Istio sidecar injection on: `istio-injection:
/// enabled` or a revision label `istio.io/rev`.
fn namespace_injects_sidecars(r: &Resource) -> bool {
    let labels = value_at(&r.json, "metadata.labels");
    labels
        .and_then(|l| l.get("istio-injection"))
        .and_then(Value::as_str)
        .is_some_and(|v| v.trim() == "enabled")
        || labels.and_then(|l| l.get("istio.io/rev")).is_some()
}

/// `Pod shop/debug opts` / `Deployment shop/web opts its pods`.
fn opts_out(r: &Resource) -> String {
    if r.is("Pod") {
        format!("{} opts", describe(r))
    } else {
        format!("{} opts its pods", describe(r))
    }
}

fn check_injection(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let opt_outs = pod_opt_out(w).into_iter().chain(
            pod_ambient_opt_out(ctx, w)
                .map(|path| (path, format!("Istio ambient mode ({AMBIENT_MODE}: none)"))),
        );
        for (path, what) in opt_outs {
            out.push(Finding::new(
                &MESH_INJECTION_DISABLED.meta,
                w.resource,
                path,
                format!(
                    "{} out of {what}: {} outside the mesh, without mTLS or mesh authorization; remove it",
                    opts_out(ctx.resource(w)),
                    if ctx.resource(w).is("Pod") { "it talks" } else { "they talk" },
                ),
            ));
        }
    }
    for (ri, r) in ctx.of_kind(Kind::NAMESPACE) {
        // A label or annotation of the Namespace, with its string value.
        let meta = |map: &str, key: &str| {
            let f = r.field(map)?.key(key)?;
            Some((f.str()?, f.path))
        };
        if let Some((v, at)) =
            meta("metadata.labels", "istio-injection").filter(|(v, _)| v.trim() != "enabled")
        {
            out.push(Finding::new(
                &MESH_INJECTION_DISABLED.meta,
                ri,
                at,
                format!(
                    "{} turns Istio sidecar injection off (istio-injection: {v}): its pods talk outside the mesh, without mTLS; label it istio-injection: enabled",
                    describe(r)
                ),
            ));
        }
        // Ambient mode's opt-out, unless the namespace uses sidecar
        // injection (`istio-injection: enabled` or a revision label), where
        // its pods are in the mesh through their sidecars.
        if let Some((_, at)) =
            meta("metadata.labels", AMBIENT_MODE).filter(|(v, _)| v.trim() == "none")
            && !namespace_injects_sidecars(r)
        {
            out.push(Finding::new(
                &MESH_INJECTION_DISABLED.meta,
                ri,
                at,
                format!(
                    "{} opts out of Istio ambient mode ({AMBIENT_MODE}: none): its pods talk outside the mesh, without mTLS; label it {AMBIENT_MODE}: ambient",
                    describe(r)
                ),
            ));
        }
        if let Some((_, at)) =
            meta("metadata.annotations", LINKERD_INJECT).filter(|(v, _)| v.trim() == "disabled")
        {
            out.push(Finding::new(
                &MESH_INJECTION_DISABLED.meta,
                ri,
                at,
                format!(
                    "{} disables Linkerd proxy injection ({LINKERD_INJECT}: disabled): its pods talk outside the mesh, without mTLS; remove the annotation or set it to enabled",
                    describe(r)
                ),
            ));
        }
    }
}

/// An annotation that takes ports or addresses out of the proxy.
struct Skip {
    annotation: &'static str,
    mesh: &'static str,
    direction: &'static str,
    /// `ports` / `IP ranges`, for messages.
    what: &'static str,
    /// Whether a Namespace can carry it.
    on_namespace: bool,
}

const SKIP_ANNOTATIONS: &[Skip] = &[
    Skip {
        annotation: "config.linkerd.io/skip-inbound-ports",
        mesh: "Linkerd",
        direction: "inbound",
        what: "ports",
        on_namespace: true,
    },
    Skip {
        annotation: "config.linkerd.io/skip-outbound-ports",
        mesh: "Linkerd",
        direction: "outbound",
        what: "ports",
        on_namespace: true,
    },
    Skip {
        annotation: "traffic.sidecar.istio.io/excludeInboundPorts",
        mesh: "Istio",
        direction: "inbound",
        what: "ports",
        on_namespace: false,
    },
    Skip {
        annotation: "traffic.sidecar.istio.io/excludeOutboundPorts",
        mesh: "Istio",
        direction: "outbound",
        what: "ports",
        on_namespace: false,
    },
    Skip {
        annotation: "traffic.sidecar.istio.io/excludeOutboundIPRanges",
        mesh: "Istio",
        direction: "outbound",
        what: "IP ranges",
        on_namespace: false,
    },
];

fn skip_message(owner: &str, skip: &Skip, values: &str) -> String {
    let Skip {
        annotation,
        mesh,
        direction,
        what,
        ..
    } = skip;
    let traffic = if *what == "ports" {
        "traffic on them"
    } else {
        "traffic to them"
    };
    format!(
        "{owner} skips the {mesh} proxy for {direction} {what} {} ({annotation}): {traffic} bypasses the mesh, without mTLS or mesh authorization",
        values.trim()
    )
}

fn check_port_skipping(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        // A pod out of the mesh altogether is mesh-injection-disabled's finding.
        if pod_opt_out(w).is_some() {
            continue;
        }
        let Some(annotations) = w.meta.annotations.as_ref() else {
            continue;
        };
        for skip in SKIP_ANNOTATIONS {
            let Some(values) = annotations
                .get(skip.annotation)
                .filter(|p| !p.trim().is_empty())
            else {
                continue;
            };
            out.push(Finding::new(
                &MESH_PORT_SKIPPING.meta,
                w.resource,
                w.meta_path.key("annotations").key(skip.annotation),
                skip_message(&describe(ctx.resource(w)), skip, values),
            ));
        }
    }
    for (ri, r) in ctx.of_kind(Kind::NAMESPACE) {
        let Some(annotations) = r.field("metadata.annotations") else {
            continue;
        };
        for skip in SKIP_ANNOTATIONS.iter().filter(|s| s.on_namespace) {
            let Some(at) = annotations.key(skip.annotation) else {
                continue;
            };
            let Some(values) = at.str().filter(|p| !p.trim().is_empty()) else {
                continue;
            };
            out.push(Finding::new(
                &MESH_PORT_SKIPPING.meta,
                ri,
                at.path,
                skip_message(
                    &format!("{} (for every pod in it)", describe(r)),
                    skip,
                    values,
                ),
            ));
        }
    }
}
