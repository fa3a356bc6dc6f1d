//! Sysctls (baseline, since v1.0; `sysctls`).
//!
//! > Sysctls can disable security mechanisms or affect all containers on a
//! > host, and should be disallowed except for an allowed "safe" subset. A
//! > sysctl is considered safe if it is namespaced in the container or the
//! > Pod, and it is isolated from other Pods or processes on the same Node.
//! > Restricted fields: `spec.securityContext.sysctls[*].name`.
//! > Allowed values: undefined/nil, `kernel.shm_rmid_forced`,
//! > `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`,
//! > `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
//! > `net.ipv4.ip_local_reserved_ports` (since 1.27),
//! > `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
//! > `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes` (since
//! > 1.29), `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem` (since 1.32),
//! > `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`
//! > (since 1.37).
//!
//! Variants: v1.0, v1.27, v1.29, v1.32, v1.37 (each adds names). Names
//! compare exactly.

use crate::diagnostic::Severity;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, nsa, pss, show};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "sysctls",
        title: "Unsafe sysctl",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("sysctls", "Baseline: Sysctls"),
            nsa("Pod security", "Kubernetes Pod security"),
        ],
        rationale: "Sysctls outside the safe, namespaced set change kernel settings that other pods on the node share, or disable protections (kernel.*, vm.*, most net.* outside the pod's network namespace). One pod can then weaken or destabilise the whole node.",
        remediation: "Remove the sysctl; if a node-wide setting is really needed, configure it on the nodes (with the kubelet's allowed-unsafe-sysctls only on dedicated nodes).",
        help: "remove the sysctl (only the safe set is allowed)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.msgmax\n      value: \"65536\"\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    sysctls:\n    - name: net.ipv4.ip_local_port_range\n      value: \"1024 65535\"\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: Some(PssCheck::new("sysctls", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

/// Safe sysctls and the policy minor version that allows each.
pub const SAFE: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let version = versions.of(w);
        let sysctls = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.sysctls.as_ref());
        for (i, s) in sysctls.into_iter().flatten().enumerate() {
            let known = SAFE.iter().find(|(name, _)| *name == s.name);
            let detail = match known {
                Some((_, since)) if version.at_least(*since) => continue,
                Some((_, since)) => format!(
                    "; it is in the safe set only from policy v1.{since} (checked at {}): remove it or target a newer policy version",
                    show(version)
                ),
                None => "; remove it (only namespaced, isolated sysctls such as net.ipv4.ip_local_port_range are allowed)".to_string(),
            };
            let path = w.spec_field("securityContext.sysctls").index(i).key("name");
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!("pod sets sysctl {}, outside the safe set{detail}", s.name),
            ));
        }
    }
}
