//! Host Ports (baseline, since v1.0; `hostPorts`).
//!
//! > HostPorts should be disallowed entirely (recommended) or restricted to a
//! > known list. Restricted fields:
//! > `spec.containers[*].ports[*].hostPort`,
//! > `spec.initContainers[*].ports[*].hostPort`,
//! > `spec.ephemeralContainers[*].ports[*].hostPort`.
//! > Allowed values: undefined/nil, known list (not supported by the built-in
//! > Pod Security Admission controller), `0`.

use crate::diagnostic::Severity;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-ports",
        title: "Host port",
        severity: Severity::Medium,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("hostPorts", "Baseline: Host Ports"),
            nsa(
                "Network separation and hardening",
                "Network separation and hardening",
            ),
            cis_k8s!(
                "5.2.12",
                "Minimize the admission of containers which use HostPorts"
            ),
        ],
        rationale: "A hostPort binds a port on the node's own interfaces, bypassing NetworkPolicy and Service load balancing, exposing the container beyond the cluster network and limiting scheduling to one such pod per node.",
        remediation: "Remove `hostPort` and expose the container through a Service (ClusterIP, NodePort or LoadBalancer) or an Ingress.",
        help: "remove hostPort; expose the port through a Service",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    ports:\n    - containerPort: 8080\n      hostPort: 8080\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    ports:\n    - containerPort: 8080\n",
        pss: Some(PssCheck::new("hostPorts", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        for (i, p) in c.container.ports.iter().flatten().enumerate() {
            let Some(host) = p.host_port.filter(|&h| h != 0) else {
                continue;
            };
            let path = c.path.key("ports").index(i).key("hostPort");
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "{} binds port {host} on the node (hostPort: {host}); remove hostPort and expose containerPort {} through a Service",
                    c.describe(),
                    p.container_port
                ),
            ));
        }
    }
}
