//! Exposure: Services reachable from outside the cluster, SSH, Ingress
//! without TLS, ingress-nginx snippet annotations.
//!
//! A NodePort opens a port on every node's interfaces; a LoadBalancer adds a
//! cloud load balancer open to `0.0.0.0/0` unless `loadBalancerSourceRanges`
//! narrows it; `externalIPs` lets a Service claim any address (CVE-2020-8554).
//! ingress-nginx snippet annotations inject raw nginx configuration into the
//! controller, which holds every Secret of the cluster it serves
//! (CVE-2021-25742).

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{Resource, str_at, value_at};
use crate::rules::cluster::{cis, describe, items, k8s, nsa, strings};
use crate::rules::{Context, Finding, HARDENED, Reference, Rule, RuleMeta};

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
        replaced_by: None,
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
        replaced_by: None,
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
            cis("1.2.3", "Ensure that the DenyServiceExternalIPs is set"),
        ],
        rationale: "`externalIPs` makes every node answer for an arbitrary address: whoever can create such a Service can intercept traffic meant for any IP, inside or outside the cluster (CVE-2020-8554).",
        remediation: "Remove `externalIPs`; use a LoadBalancer or an Ingress, and enable the DenyServiceExternalIPs admission plugin.",
        help: "remove spec.externalIPs",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  externalIPs: [198.51.100.10]\n  ports:\n  - port: 80\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n",
        replaced_by: None,
    },
    check: Some(check_external_ips),
};

pub static SSH_PORT: Rule = Rule {
    meta: RuleMeta {
        id: "service-ssh-port",
        title: "Service exposes SSH (port 22)",
        severity: Severity::Medium,
        category: "exposure",
        profiles: HARDENED,
        references: &[NSA_NET, k8s("Services", "Service", SERVICE_DOC)],
        rationale: "An SSH server in a container is a second way in that bypasses the API server's authentication, RBAC and audit log, and usually carries long-lived keys.",
        remediation: "Remove the SSH port; use `kubectl exec` or ephemeral debug containers, which RBAC controls and the audit log records.",
        help: "remove port 22; use kubectl exec or kubectl debug",
        bad_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: box\nspec:\n  selector: {app: box}\n  ports:\n  - name: ssh\n    port: 22\n",
        good_example: "apiVersion: v1\nkind: Service\nmetadata:\n  name: box\nspec:\n  selector: {app: box}\n  ports:\n  - name: https\n    port: 443\n",
        replaced_by: None,
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
        replaced_by: None,
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
        replaced_by: None,
    },
    check: Some(check_snippets),
};

fn services<'a>(ctx: &'a Context) -> impl Iterator<Item = (usize, &'a Resource)> {
    ctx.resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is("Service") && r.id.api_version == "v1")
}

fn check_node_port(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in services(ctx) {
        if str_at(&s.json, "spec.type") == Some("NodePort") {
            out.push(Finding::new(
                &NODE_PORT.meta,
                ri,
                Path::parse("spec.type"),
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
    for (ri, s) in services(ctx) {
        if str_at(&s.json, "spec.type") != Some("LoadBalancer") {
            continue;
        }
        let annotations = value_at(&s.json, "metadata.annotations");
        let internal = INTERNAL.iter().any(|(k, v)| {
            annotations
                .and_then(|a| a.get(*k))
                .and_then(Value::as_str)
                .is_some_and(|a| (v.is_empty() && a != "false") || a.eq_ignore_ascii_case(v))
        });
        if internal {
            continue;
        }
        let ranges = strings(value_at(&s.json, "spec.loadBalancerSourceRanges"));
        if let Some((i, open)) = ranges
            .iter()
            .find(|(_, c)| *c == "0.0.0.0/0" || *c == "::/0")
        {
            out.push(Finding::new(
                &LOAD_BALANCER.meta,
                ri,
                Path::parse("spec.loadBalancerSourceRanges").index(*i),
                format!(
                    "{} is a LoadBalancer open to {open}; list the client CIDRs instead",
                    describe(s)
                ),
            ));
        } else if ranges.is_empty() {
            out.push(Finding::new(
                &LOAD_BALANCER.meta,
                ri,
                Path::parse("spec.type"),
                format!(
                    "{} is a LoadBalancer without loadBalancerSourceRanges: it accepts traffic from anywhere; set the allowed client CIDRs or make it internal",
                    describe(s)
                ),
            ));
        }
    }
}

fn check_external_ips(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in services(ctx) {
        for (i, ip) in strings(value_at(&s.json, "spec.externalIPs")) {
            out.push(Finding::new(
                &EXTERNAL_IPS.meta,
                ri,
                Path::parse("spec.externalIPs").index(i),
                format!(
                    "{} claims external IP {ip}: every node will answer for that address (CVE-2020-8554); remove externalIPs",
                    describe(s)
                ),
            ));
        }
    }
}

fn check_ssh(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in services(ctx) {
        for (i, p) in items(&s.json, "spec.ports") {
            let port = p.get("port").and_then(Value::as_i64);
            let target = p.get("targetPort");
            let (field, hit) = if port == Some(22) {
                ("port", true)
            } else {
                (
                    "targetPort",
                    target.and_then(Value::as_i64) == Some(22)
                        || target.and_then(Value::as_str) == Some("ssh"),
                )
            };
            if hit {
                out.push(Finding::new(
                    &SSH_PORT.meta,
                    ri,
                    Path::parse("spec.ports").index(i).key(field),
                    format!(
                        "{} exposes SSH (port 22): a way in that bypasses the API server's authentication and audit; use kubectl exec or kubectl debug",
                        describe(s)
                    ),
                ));
            }
        }
    }
}

fn ingresses<'a>(ctx: &'a Context) -> impl Iterator<Item = (usize, &'a Resource)> {
    ctx.resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is("Ingress"))
}

fn check_ingress_tls(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, ing) in ingresses(ctx) {
        let tls = items(&ing.json, "spec.tls");
        if tls.is_empty() {
            out.push(Finding::new(
                &INGRESS_TLS.meta,
                ri,
                if value_at(&ing.json, "spec.rules").is_some() {
                    Path::parse("spec.rules")
                } else {
                    Path::parse("spec")
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
        for (i, rule) in items(&ing.json, "spec.rules") {
            if let Some(host) = rule.get("host").and_then(Value::as_str)
                && !wildcard_covers(host)
            {
                out.push(Finding::new(
                    &INGRESS_TLS.meta,
                    ri,
                    Path::parse("spec.rules").index(i).key("host"),
                    format!("{} serves host {host} but no spec.tls entry lists it: it is served over plain HTTP", describe(ing)),
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
    for (ri, ing) in ingresses(ctx) {
        let Some(annotations) =
            value_at(&ing.json, "metadata.annotations").and_then(Value::as_object)
        else {
            continue;
        };
        for key in SNIPPETS {
            if annotations.contains_key(*key) {
                out.push(Finding::new(
                    &NGINX_SNIPPETS.meta,
                    ri,
                    Path::parse("metadata.annotations").key(key),
                    format!(
                        "{} sets {key}: raw nginx configuration runs in a controller that can read every Secret (CVE-2021-25742); use a dedicated annotation",
                        describe(ing)
                    ),
                ));
            }
        }
    }
    // The controller's own switch for snippets.
    for (ri, cm) in ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is("ConfigMap"))
    {
        if str_at(&cm.json, "data.allow-snippet-annotations") == Some("true") {
            out.push(Finding::new(
                &NGINX_SNIPPETS.meta,
                ri,
                Path::parse("data").key("allow-snippet-annotations"),
                format!(
                    "{} enables snippet annotations for ingress-nginx (allow-snippet-annotations: \"true\"): anyone who can create an Ingress can read the controller's Secrets (CVE-2021-25742); set it to \"false\"",
                    describe(cm)
                ),
            ));
        }
    }
}
