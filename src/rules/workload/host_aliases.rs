//! Pods that write entries into their `/etc/hosts` (`hostAliases`).
//!
//! `hostAliases` overrides name resolution inside the pod, bypassing DNS and
//! its policies: a manifest change can silently redirect a service name
//! (an identity provider, a registry) to another address.

use crate::diagnostic::Severity;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-aliases",
        title: "Pod overrides /etc/hosts",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Network separation and hardening",
            "Network separation and hardening",
        )],
        rationale: "Entries in `hostAliases` are written into the pod's /etc/hosts and take precedence over DNS: they can redirect a trusted name to an attacker-controlled address without any DNS or NetworkPolicy change being visible (kubesec HostAliases, Trivy KSV-0007).",
        remediation: "Remove `hostAliases` and publish the names through DNS (a Service, an ExternalName Service, or your DNS zone).",
        help: "remove hostAliases and use DNS",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostAliases:\n  - ip: 10.0.0.5\n    hostnames: [login.example.com]\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for (i, a) in w.spec.host_aliases.iter().flatten().enumerate() {
            let names: Vec<String> = a.hostnames.iter().flatten().cloned().collect();
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                w.spec_field("hostAliases").index(i),
                format!(
                    "pod resolves {} to {} through /etc/hosts, bypassing DNS",
                    if names.is_empty() {
                        "nothing".into()
                    } else {
                        names.join(", ")
                    },
                    a.ip
                ),
            ));
        }
    }
}
