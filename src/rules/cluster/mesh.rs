//! Service mesh transport security: Istio `PeerAuthentication` and
//! `DestinationRule`, Linkerd namespace injection.
//!
//! Istio's PERMISSIVE mode (the default) accepts plaintext next to mTLS, so
//! the mesh's identity-based authorization can be bypassed by any caller
//! outside it; DISABLE turns mTLS off. A namespace annotated
//! `linkerd.io/inject: disabled` keeps its pods out of the Linkerd mesh.

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{str_at, value_at};
use crate::rules::cluster::{describe, items, k8s, nsa};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

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
        rationale: "Mesh mTLS authenticates and encrypts pod-to-pod traffic. PERMISSIVE still accepts plaintext (so any pod can skip the mesh's authorization), DISABLE turns it off, and a namespace with injection disabled is not in the mesh at all.",
        remediation: "Set PeerAuthentication `mtls.mode: STRICT` (mesh-wide in the root namespace), `ISTIO_MUTUAL` in DestinationRules, and keep Linkerd injection enabled.",
        help: "use mTLS mode STRICT",
        bad_example: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: PERMISSIVE\n",
        good_example: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n",
        replaced_by: None,
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.resources.iter().enumerate() {
        let group = r.id.api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let mut weak = |path: Path, mode: &str, what: &str| {
            let effect = if mode == "DISABLE" {
                "turns mTLS off"
            } else {
                "still accepts plaintext, so callers outside the mesh bypass its authentication"
            };
            out.push(Finding::new(
                &MESH_MTLS.meta,
                ri,
                path,
                format!("{} {what} mode {mode}: {effect}; use STRICT", describe(r)),
            ));
        };
        match (group, r.id.kind.as_str()) {
            ("security.istio.io", "PeerAuthentication") => {
                if let Some(mode) = str_at(&r.json, "spec.mtls.mode")
                    .filter(|m| matches!(*m, "DISABLE" | "PERMISSIVE"))
                {
                    weak(Path::parse("spec.mtls.mode"), mode, "sets mTLS");
                }
                if let Some(ports) =
                    value_at(&r.json, "spec.portLevelMtls").and_then(Value::as_object)
                {
                    for (port, v) in ports {
                        if let Some(mode) = v
                            .get("mode")
                            .and_then(Value::as_str)
                            .filter(|m| matches!(*m, "DISABLE" | "PERMISSIVE"))
                        {
                            weak(
                                Path::parse("spec.portLevelMtls").key(port).key("mode"),
                                mode,
                                &format!("sets port {port} mTLS"),
                            );
                        }
                    }
                }
            }
            ("networking.istio.io", "DestinationRule") => {
                let mut policies = vec![(
                    Path::parse("spec.trafficPolicy"),
                    value_at(&r.json, "spec.trafficPolicy"),
                )];
                for (i, p) in items(&r.json, "spec.trafficPolicy.portLevelSettings") {
                    policies.push((
                        Path::parse("spec.trafficPolicy.portLevelSettings").index(i),
                        Some(p),
                    ));
                }
                for (i, s) in items(&r.json, "spec.subsets") {
                    policies.push((
                        Path::parse("spec.subsets").index(i).key("trafficPolicy"),
                        s.get("trafficPolicy"),
                    ));
                }
                for (path, p) in policies {
                    if p.and_then(|p| value_at(p, "tls.mode"))
                        .and_then(Value::as_str)
                        == Some("DISABLE")
                    {
                        weak(path.key("tls").key("mode"), "DISABLE", "sets client TLS");
                    }
                }
            }
            ("", "Namespace") => {
                let v = value_at(&r.json, "metadata.annotations")
                    .and_then(|a| a.get("linkerd.io/inject"))
                    .and_then(Value::as_str);
                if v == Some("disabled") {
                    out.push(Finding::new(&MESH_MTLS.meta, ri, Path::parse("metadata.annotations").key("linkerd.io/inject"), format!("{} disables Linkerd proxy injection (linkerd.io/inject: disabled): its pods talk outside the mesh, without mTLS; remove the annotation or set it to enabled", describe(r))));
                }
            }
            _ => {}
        }
    }
}
