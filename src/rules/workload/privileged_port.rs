//! Containers that declare a port below 1024.
//!
//! Binding a port below 1024 takes root or `CAP_NET_BIND_SERVICE` unless the
//! runtime lowers `net.ipv4.ip_unprivileged_port_start` in the pod's network
//! namespace (recent Docker and containerd do, older runtimes and other
//! configurations do not): a container that declares one is built to run as
//! root or with an added capability. A Service can publish port 80 or 443
//! while the container listens on 8080 or 8443. One finding per declared
//! port, on its `containerPort`.

use crate::diagnostic::Severity;
use crate::model::workload::ContainerKind;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "privileged-port",
        title: "Container port below 1024",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: non-root containers",
            "Use containers built to run applications as non-root users",
        )],
        rationale: "Ports below 1024 are privileged on Linux: a process binds one only as root or with CAP_NET_BIND_SERVICE, unless the container runtime lowers `ip_unprivileged_port_start` for the pod (recent Docker and containerd do; other runtimes and configurations do not). A container that listens on one is usually built to start as root or needs an added capability, more privilege than serving traffic requires: the Service can map port 80 or 443 to an unprivileged container port (KubeLinter privileged-ports, Trivy KSV-0117).",
        remediation: "Make the application listen on a port of 1024 or above (8080, 8443) and keep the well-known port on the Service (`port: 443`, `targetPort: 8443`).",
        help: "listen on a port >= 1024 and map the well-known port in the Service",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginxinc/nginx-unprivileged:1.27\n    ports:\n    - containerPort: 8080\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        // Ephemeral containers cannot declare ports.
        if c.kind == ContainerKind::Ephemeral {
            continue;
        }
        for (i, p) in c.container.ports.iter().flatten().enumerate() {
            // 0 and negative values are schema errors, reported elsewhere.
            if !(1..1024).contains(&p.container_port) {
                continue;
            }
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                c.path.key("ports").index(i).key("containerPort"),
                format!(
                    "{} listens on port {}, a privileged port: binding it takes root or NET_BIND_SERVICE; listen on a port >= 1024 and map {} in the Service",
                    c.describe(),
                    p.container_port,
                    p.container_port
                ),
            ));
        }
    }
}
