//! Exposure: Services reachable from outside the cluster, SSH, Ingress
//! without TLS, ingress-nginx snippet annotations.
//!
//! A NodePort opens a port on every node's interfaces; a LoadBalancer adds a
//! cloud load balancer open to `0.0.0.0/0` unless `loadBalancerSourceRanges`
//! narrows it; `externalIPs` lets a Service claim any address (CVE-2020-8554).
//! ingress-nginx snippet annotations inject raw nginx configuration into the
//! controller, which holds every Secret of the cluster it serves
//! (CVE-2021-25742).

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{Resource, value_at};
use crate::rules::cluster::{describe, items, k8s, nsa, strings};
use crate::rules::peers::{kube_linter, kubescape};
use crate::rules::{Context, Field, Finding, HARDENED, Kind, Reference, Rule, RuleMeta};

const SERVICE_DOC: &str = "https://kubernetes.io/docs/concepts/services-networking/service/";
const NSA_NET: Reference = nsa(
    "Network separation and hardening",
    "Network separation and hardening",
);

pub static NODE_PORT: Rule = Rule {
    meta: RuleMeta {
        id: "service-node-port",
        title: "NodePort Service",
        severity: Severity::Low,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            k8s("NodePort", "Service type NodePort", SERVICE_DOC),
            NSA_NET,
        ],
        rationale: "A NodePort Service listens on every node's addresses, usually outside any firewall rule written for the application, and bypasses Ingress-level TLS and authentication.",
        remediation: "Use a ClusterIP Service behind an Ingress or Gateway, or a LoadBalancer restricted with loadBalancerSourceRanges.",
        help: "use type ClusterIP behind an Ingress instead of NodePort",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: 8080\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: 8080\n",
        pss: None,
        params: &[],
    },
    check: Some(check_node_port),
};

pub static LOAD_BALANCER: Rule = Rule {
    meta: RuleMeta {
        id: "service-load-balancer",
        title: "LoadBalancer Service open to the internet",
        severity: Severity::Medium,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            k8s(
                "loadBalancerSourceRanges",
                "Restrict LoadBalancer access",
                "https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/",
            ),
            NSA_NET,
        ],
        rationale: "A LoadBalancer Service gets a public address by default and accepts traffic from anywhere unless `loadBalancerSourceRanges` lists the allowed clients.",
        remediation: "Set `loadBalancerSourceRanges` to the client CIDRs, or make the load balancer internal with the provider's annotation.",
        help: "set spec.loadBalancerSourceRanges to the allowed client CIDRs",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports:\n  - port: 443\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24]\n  selector: {app: web}\n  ports:\n  - port: 443\n",
        pss: None,
        params: &[],
    },
    check: Some(check_load_balancer),
};

pub static EXTERNAL_IPS: Rule = Rule {
    meta: RuleMeta {
        id: "service-external-ips",
        title: "Service with externalIPs",
        severity: Severity::High,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            k8s(
                "CVE-2020-8554",
                "Man in the middle using LoadBalancer or ExternalIPs",
                "https://github.com/kubernetes/kubernetes/issues/97076",
            ),
            cis_k8s!("1.2.3", "Ensure that the --DenyServiceExternalIPs is set"),
        ],
        rationale: "`externalIPs` makes every node answer for an arbitrary address: whoever can create such a Service can intercept traffic meant for any IP, inside or outside the cluster (CVE-2020-8554).",
        remediation: "Remove `externalIPs`; use a LoadBalancer or an Ingress, and enable the DenyServiceExternalIPs admission plugin.",
        help: "remove spec.externalIPs",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  externalIPs: [198.51.100.10]\n  ports:\n  - port: 80\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n",
        pss: None,
        params: &[],
    },
    check: Some(check_external_ips),
};

pub static SSH_PORT: Rule = Rule {
    meta: RuleMeta {
        id: "service-ssh-port",
        title: "Service or container exposes SSH (port 22)",
        severity: Severity::Medium,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            NSA_NET,
            k8s("Services", "Service", SERVICE_DOC),
            kube_linter("ssh-port", "SSH port exposed"),
            kubescape("C-0042", "SSH server running inside container"),
        ],
        rationale: "An SSH server in a container is a second way in that bypasses the API server's authentication, RBAC and audit log, and usually carries long-lived keys. A Service port 22 (or a target port 22 or named `ssh`) and a container port 22 (or named `ssh`) both say one runs: a container port is reachable from every pod a NetworkPolicy does not stop, Service or not.",
        remediation: "Remove the SSH port; use `kubectl exec` or ephemeral debug containers, which RBAC controls and the audit log records.",
        help: "remove port 22; use kubectl exec or kubectl debug",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: box\nspec:\n  selector: {app: box}\n  ports:\n  - name: ssh\n    port: 22\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: box\nspec:\n  selector: {app: box}\n  ports:\n  - name: https\n    port: 443\n",
        pss: None,
        params: &[],
    },
    check: Some(check_ssh),
};

pub static INGRESS_TLS: Rule = Rule {
    meta: RuleMeta {
        id: "ingress-tls",
        title: "Ingress without TLS",
        severity: Severity::Medium,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            k8s(
                "TLS",
                "Ingress TLS",
                "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
            ),
            NSA_NET,
        ],
        rationale: "Without `spec.tls` the Ingress serves its hosts over plain HTTP: credentials, session cookies and data cross the network readable and modifiable.",
        remediation: "Add `spec.tls` with a certificate Secret covering every host of the Ingress (cert-manager can issue it).",
        help: "add spec.tls covering every host",
        bad_example: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: web, port: {number: 80}}\n",
        good_example: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: web, port: {number: 80}}\n",
        pss: None,
        params: &[],
    },
    check: Some(check_ingress_tls),
};

pub static NGINX_SNIPPETS: Rule = Rule {
    meta: RuleMeta {
        id: "ingress-nginx-snippets",
        title: "ingress-nginx snippet annotations",
        severity: Severity::High,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            k8s(
                "CVE-2021-25742",
                "ingress-nginx custom snippets allow retrieval of ingress-nginx service account tokens and secrets",
                "https://github.com/kubernetes/ingress-nginx/issues/7837",
            ),
            k8s(
                "CVE-2025-1974",
                "IngressNightmare: ingress-nginx admission controller configuration injection",
                "https://github.com/kubernetes/kubernetes/issues/131009",
            ),
        ],
        rationale: "Snippet annotations paste raw nginx configuration into the controller, which runs with read access to every Secret in the cluster: anyone who can create an Ingress can read those Secrets or run code in the controller (CVE-2021-25742).",
        remediation: "Remove the snippet annotations and use the dedicated annotations instead; set `allow-snippet-annotations: \"false\"` in the controller's ConfigMap.",
        help: "remove the snippet annotation; use a dedicated annotation",
        bad_example: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/configuration-snippet: |\n      more_set_headers \"X-Frame-Options: DENY\";\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: web, port: {number: 80}}\n",
        good_example: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: web, port: {number: 80}}\n",
        pss: None,
        params: &[],
    },
    check: Some(check_snippets),
};

pub static EXTERNAL_NAME_LOCAL: Rule = Rule {
    meta: RuleMeta {
        id: "service-external-name-local",
        title: "ExternalName Service pointing at localhost or the metadata address",
        severity: Severity::High,
        category: "exposure",
        profiles: HARDENED,
        references: &[
            k8s(
                "ExternalName",
                "Service type ExternalName",
                "https://kubernetes.io/docs/concepts/services-networking/service/#externalname",
            ),
            k8s(
                "CVE-2020-8554",
                "Man in the middle using LoadBalancer or ExternalIPs",
                "https://github.com/kubernetes/kubernetes/issues/97076",
            ),
            NSA_NET,
        ],
        rationale: "An ExternalName Service is a DNS alias that ingress controllers, gateways and mesh proxies resolve and connect to themselves. Aimed at localhost, a loopback or unspecified address, it makes the proxy connect to its own local ports (admin and status endpoints, which hold its credentials); aimed at the link-local cloud metadata address (169.254.169.254), it hands out the node's cloud credentials. Anyone who can create a Service and an Ingress can use it for server-side request forgery from a privileged component. Numeric names count in every form a resolver accepts (127.1, 2130706433, 0x7f.0.0.1) (Kyverno disallow-localhost-services).",
        remediation: "Point externalName at the real external host name, or use a Service with a selector; an admission policy can forbid local targets.",
        help: "set externalName to a real external host name",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\nspec:\n  type: ExternalName\n  externalName: localhost\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\nspec:\n  type: ExternalName\n  externalName: db.example.com\n",
        pss: None,
        params: &[],
    },
    check: Some(check_external_name),
};

/// A Service's `spec.type`, when it is `ty`.
fn of_type<'a>(s: &'a Resource, ty: &str) -> Option<Field<'a>> {
    s.field("spec.type").filter(|t| t.str() == Some(ty))
}

fn check_node_port(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in ctx.of_kind(Kind::SERVICE) {
        if let Some(ty) = of_type(s, "NodePort") {
            out.push(Finding::new(
                &NODE_PORT.meta,
                ri,
                ty.path,
                format!(
                    "{} is a NodePort: it listens on every node's addresses; use ClusterIP behind an Ingress",
                    describe(s)
                ),
            ));
        }
    }
}

/// Provider annotations that make a load balancer internal.
const INTERNAL: &[(&str, &str)] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-internal", ""),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "internal",
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
    ("networking.gke.io/load-balancer-type", "Internal"),
    ("cloud.google.com/load-balancer-type", "Internal"),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        "true",
    ),
];

fn check_load_balancer(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in ctx.of_kind(Kind::SERVICE) {
        let Some(ty) = of_type(s, "LoadBalancer") else {
            continue;
        };
        let annotations = value_at(&s.json, "metadata.annotations");
        let internal = INTERNAL.iter().any(|(k, v)| {
            annotations
                .and_then(|a| a.get(k))
                .and_then(Value::as_str)
                .is_some_and(|a| (v.is_empty() && a != "false") || a.eq_ignore_ascii_case(v))
        });
        if internal {
            continue;
        }
        let ranges: Vec<(&str, Path)> = s
            .field("spec.loadBalancerSourceRanges")
            .map(|r| r.strings().collect())
            .unwrap_or_default();
        if let Some((open, at)) = ranges
            .iter()
            .find(|(c, _)| *c == "0.0.0.0/0" || *c == "::/0")
        {
            out.push(Finding::new(
                &LOAD_BALANCER.meta,
                ri,
                at.clone(),
                format!(
                    "{} is a LoadBalancer open to {open}; list the client CIDRs instead",
                    describe(s)
                ),
            ));
        } else if ranges.is_empty() {
            out.push(Finding::new(
                &LOAD_BALANCER.meta,
                ri,
                ty.path,
                format!(
                    "{} is a LoadBalancer without loadBalancerSourceRanges: it accepts traffic from anywhere; set the allowed client CIDRs or make it internal",
                    describe(s)
                ),
            ));
        }
    }
}

fn check_external_ips(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in ctx.of_kind(Kind::SERVICE) {
        let Some(ips) = s.field("spec.externalIPs") else {
            continue;
        };
        for (ip, at) in ips.strings() {
            out.push(Finding::new(
                &EXTERNAL_IPS.meta,
                ri,
                at,
                format!(
                    "{} claims external IP {ip}: every node will answer for that address (CVE-2020-8554); remove externalIPs",
                    describe(s)
                ),
            ));
        }
    }
}

fn check_ssh(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        for (i, p) in c.container.ports.iter().flatten().enumerate() {
            let named = p
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("ssh"));
            let field = if p.container_port == 22 {
                "containerPort"
            } else if named {
                "name"
            } else {
                continue;
            };
            out.push(Finding::new(
                &SSH_PORT.meta,
                w.resource,
                c.path.key("ports").index(i).key(field),
                format!(
                    "{} listens for SSH (container port {}{}): a way in that bypasses the API server's authentication and audit; remove the SSH server and use kubectl exec or kubectl debug",
                    c.describe(),
                    p.container_port,
                    if named { ", named ssh" } else { "" }
                ),
            ));
        }
    }
    for (ri, s) in ctx.of_kind(Kind::SERVICE) {
        let Some(ports) = s.field("spec.ports") else {
            continue;
        };
        for p in ports.items() {
            let port = p.key("port").filter(|f| f.value.as_i64() == Some(22));
            let target = p
                .key("targetPort")
                .filter(|f| f.value.as_i64() == Some(22) || f.str() == Some("ssh"));
            if let Some(at) = port.or(target) {
                out.push(Finding::new(
                    &SSH_PORT.meta,
                    ri,
                    at.path,
                    format!(
                        "{} exposes SSH (port 22): a way in that bypasses the API server's authentication and audit; use kubectl exec or kubectl debug",
                        describe(s)
                    ),
                ));
            }
        }
    }
}

fn check_ingress_tls(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, ing) in ctx.of_kind(Kind::INGRESS) {
        let tls = items(&ing.json, "spec.tls");
        let rules = ing.field("spec.rules");
        if tls.is_empty() {
            out.push(Finding::new(
                &INGRESS_TLS.meta,
                ri,
                match &rules {
                    Some(rules) => rules.path.clone(),
                    None => Path::parse("spec"),
                },
                format!(
                    "{} has no spec.tls: its hosts are served over plain HTTP; add a TLS section",
                    describe(ing)
                ),
            ));
            continue;
        }
        let covered: Vec<&str> = tls
            .iter()
            .flat_map(|(_, t)| strings(t.get("hosts")).into_iter().map(|(_, h)| h))
            .collect();
        let wildcard_covers = |host: &str| {
            covered.iter().any(|c| {
                *c == host
                    || c.strip_prefix("*.").is_some_and(|suffix| {
                        host.split_once('.').is_some_and(|(_, rest)| rest == suffix)
                    })
            })
        };
        for host in rules
            .iter()
            .flat_map(Field::items)
            .filter_map(|r| r.key("host"))
        {
            if let Some(name) = host.str()
                && !wildcard_covers(name)
            {
                out.push(Finding::new(
                    &INGRESS_TLS.meta,
                    ri,
                    host.path,
                    format!("{} serves host {name} but no spec.tls entry lists it: it is served over plain HTTP", describe(ing)),
                ));
            }
        }
    }
}

const SNIPPETS: &[&str] = &[
    "nginx.ingress.kubernetes.io/configuration-snippet",
    "nginx.ingress.kubernetes.io/server-snippet",
    "nginx.ingress.kubernetes.io/auth-snippet",
    "nginx.ingress.kubernetes.io/stream-snippet",
    "nginx.ingress.kubernetes.io/modsecurity-snippet",
];

fn check_snippets(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, ing) in ctx.of_kind(Kind::INGRESS) {
        let Some(annotations) = ing.field("metadata.annotations") else {
            continue;
        };
        for key in SNIPPETS {
            if let Some(at) = annotations.key(key) {
                out.push(Finding::new(
                    &NGINX_SNIPPETS.meta,
                    ri,
                    at.path,
                    format!(
                        "{} sets {key}: raw nginx configuration runs in a controller that can read every Secret (CVE-2021-25742); use a dedicated annotation",
                        describe(ing)
                    ),
                ));
            }
        }
    }
    // The controller's own switch for snippets.
    for (ri, cm) in ctx.of_kind(Kind::CONFIG_MAP) {
        if let Some(allow) = cm
            .field("data")
            .and_then(|d| d.key("allow-snippet-annotations"))
            .filter(|a| a.str() == Some("true"))
        {
            out.push(Finding::new(
                &NGINX_SNIPPETS.meta,
                ri,
                allow.path,
                format!(
                    "{} enables snippet annotations for ingress-nginx (allow-snippet-annotations: \"true\"): anyone who can create an Ingress can read the controller's Secrets (CVE-2021-25742); set it to \"false\"",
                    describe(cm)
                ),
            ));
        }
    }
}

/// An IPv4 address as `inet_aton` reads it: one to four parts, each decimal,
/// octal (leading 0) or hex (0x), the last one filling the remaining bytes.
fn inet_aton(s: &str) -> Option<std::net::Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        let n = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            u32::from_str_radix(h, 16).ok()?
        } else if p.len() > 1 && p.starts_with('0') {
            u32::from_str_radix(&p[1..], 8).ok()?
        } else if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().ok()?
        } else {
            return None;
        };
        nums.push(n);
    }
    let (last, head) = nums.split_last()?;
    if head.iter().any(|&n| n > 255) || u64::from(*last) >= 1u64 << (8 * (4 - head.len())) {
        return None;
    }
    let mut v: u32 = 0;
    for (i, &n) in head.iter().enumerate() {
        v |= n << (24 - 8 * i);
    }
    Some(std::net::Ipv4Addr::from(v | last))
}

/// What a local or metadata ExternalName target reaches, if it is one.
fn local_target(name: &str) -> Option<&'static str> {
    let host = name.trim_end_matches('.').to_ascii_lowercase();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host);
    if host == "localhost" || host.ends_with(".localhost") || host == "localhost.localdomain" {
        return Some("the proxy's own loopback interface");
    }
    if host == "metadata.google.internal" {
        return Some("the cloud metadata service (node credentials)");
    }
    let v4 = inet_aton(host).or_else(|| match host.parse::<std::net::Ipv6Addr>() {
        Ok(v6) if v6.is_loopback() => Some(std::net::Ipv4Addr::LOCALHOST),
        Ok(v6) if v6.is_unspecified() => Some(std::net::Ipv4Addr::UNSPECIFIED),
        Ok(v6) => v6.to_ipv4_mapped(),
        Err(_) => None,
    })?;
    if v4.is_loopback() {
        Some("the proxy's own loopback interface")
    } else if v4.is_unspecified() {
        Some("the unspecified address, which connects to the proxy's own host")
    } else if v4.is_link_local() {
        Some("the link-local range of the cloud metadata service (node credentials)")
    } else {
        None
    }
}

fn check_external_name(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in ctx.of_kind(Kind::SERVICE) {
        if of_type(s, "ExternalName").is_none() {
            continue;
        }
        let Some(name) = s.field("spec.externalName") else {
            continue;
        };
        let Some(target) = name.str() else { continue };
        if let Some(what) = local_target(target) {
            out.push(Finding::new(
                &EXTERNAL_NAME_LOCAL.meta,
                ri,
                name.path,
                format!(
                    "{} is an ExternalName for {target}, {what}: ingress controllers and proxies that follow it connect there; point it at a real external host",
                    describe(s)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn local_targets() {
        for name in [
            "localhost",
            "LOCALHOST.",
            "api.localhost",
            "127.0.0.1",
            "127.1",
            "127.255.0.9",
            "2130706433",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "0.0.0.0",
            "0",
            "::1",
            "[::1]",
            "::",
            "::ffff:127.0.0.1",
            "169.254.169.254",
            "169.254.170.2",
            "metadata.google.internal",
        ] {
            assert!(local_target(name).is_some(), "{name} is local");
        }
        for name in [
            "db.example.com",
            "localhost.example.com",
            "mylocalhost",
            "10.0.0.1",
            "128.0.0.1",
            "1.2.3.4.5",
            "127.0.0.256",
            "2001:db8::1",
            "0x",
            "",
        ] {
            assert!(local_target(name).is_none(), "{name} is not local");
        }
    }
}
