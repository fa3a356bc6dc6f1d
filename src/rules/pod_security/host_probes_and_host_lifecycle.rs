//! Host Probes / Lifecycle Hooks (baseline, since v1.34;
//! `hostProbesAndHostLifecycle`).
//!
//! > The Host field in probes and lifecycle hooks must be disallowed.
//! > Restricted fields:
//! > `spec.containers[*].livenessProbe.httpGet.host`,
//! > `spec.containers[*].readinessProbe.httpGet.host`,
//! > `spec.containers[*].startupProbe.httpGet.host`,
//! > `spec.containers[*].livenessProbe.tcpSocket.host`,
//! > `spec.containers[*].readinessProbe.tcpSocket.host`,
//! > `spec.containers[*].startupProbe.tcpSocket.host`,
//! > `spec.containers[*].lifecycle.postStart.tcpSocket.host`,
//! > `spec.containers[*].lifecycle.preStop.tcpSocket.host`,
//! > `spec.containers[*].lifecycle.postStart.httpGet.host`,
//! > `spec.containers[*].lifecycle.preStop.httpGet.host` (init and ephemeral
//! > containers likewise). Allowed values: undefined/nil, `""`.
//!
//! Any non-empty host fails, loopback addresses included (fixtures
//! `hostprobesandhostlifecycle{3,4}`: `127.0.0.1`, `::1`).

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, pss};
use crate::rules::{Context, Finding, PSS_BASELINE, Reference, Rule, RuleMeta};

use crate::model::pod::{HTTPGetAction, TCPSocketAction};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-probes-and-host-lifecycle",
        title: "Probe or lifecycle hook aimed at another host",
        severity: Severity::Medium,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss(
                "hostProbesAndHostLifecycle",
                "Baseline: Host Probes / Lifecycle Hooks",
            ),
            Reference {
                source: "Kubernetes",
                id: "KEP-4940",
                title: "Disallow the host field in probes and lifecycle handlers",
                url: "https://github.com/kubernetes/enhancements/issues/4940",
            },
        ],
        rationale: "Probes and lifecycle hooks are sent by the kubelet, from the node. A `host` field lets a pod author aim those requests at any address the node can reach (the node itself, cloud metadata, other internal services): a server-side request forgery from the node's network position.",
        remediation: "Remove `host` from `httpGet` and `tcpSocket` probes and hooks: the kubelet then targets the pod's own IP. Use an HTTP `Host` header (`httpHeaders`) for virtual hosts.",
        help: "remove the host field; the kubelet then targets the pod's IP",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    livenessProbe:\n      httpGet:\n        host: 169.254.169.254\n        path: /latest/meta-data/\n        port: 80\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: 8080\n",
        pss: Some(PssCheck::new("hostProbesAndHostLifecycle", PssLevel::Baseline).from_version(34)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in Versions::new(ctx).containers(&RULE.meta) {
        let k = c.container;
        // (where, what, httpGet, tcpSocket)
        let mut handlers: Vec<(
            Path,
            String,
            Option<&HTTPGetAction>,
            Option<&TCPSocketAction>,
        )> = Vec::new();
        for (field, probe) in [
            ("livenessProbe", &k.liveness_probe),
            ("readinessProbe", &k.readiness_probe),
            ("startupProbe", &k.startup_probe),
        ] {
            if let Some(p) = probe {
                handlers.push((
                    c.path.key(field),
                    field.to_string(),
                    p.http_get.as_ref(),
                    p.tcp_socket.as_ref(),
                ));
            }
        }
        if let Some(l) = &k.lifecycle {
            for (field, hook) in [("postStart", &l.post_start), ("preStop", &l.pre_stop)] {
                if let Some(h) = hook {
                    handlers.push((
                        c.path.key("lifecycle").key(field),
                        format!("{field} hook"),
                        h.http_get.as_ref(),
                        h.tcp_socket.as_ref(),
                    ));
                }
            }
        }
        for (at, what, http, tcp) in handlers {
            let hosts = [
                ("httpGet", http.and_then(|h| h.host.as_deref())),
                ("tcpSocket", tcp.and_then(|t| t.host.as_deref())),
            ];
            for (kind, host) in hosts {
                let Some(host) = host.filter(|h| !h.is_empty()) else {
                    continue;
                };
                out.push(Finding::new(
                    &RULE.meta,
                    w.resource,
                    at.key(kind).key("host"),
                    format!(
                        "{}'s {what} sends the kubelet's {kind} to host \"{host}\" instead of the pod; remove host",
                        c.describe()
                    ),
                ));
            }
        }
    }
}
