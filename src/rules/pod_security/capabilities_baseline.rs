//! Capabilities (baseline, since v1.0; `capabilities_baseline`).
//!
//! > Adding additional capabilities beyond those listed below must be
//! > disallowed. Restricted fields:
//! > `spec.containers[*].securityContext.capabilities.add`,
//! > `spec.initContainers[*].securityContext.capabilities.add`,
//! > `spec.ephemeralContainers[*].securityContext.capabilities.add`.
//! > Allowed values: undefined/nil, `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`,
//! > `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`,
//! > `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`.
//!
//! Names compare case-sensitively, without a `CAP_` prefix (`chown` and
//! `CAP_CHOWN` fail, as the fixtures `capabilities_baseline{2,3}` show).
//! From policy v1.22 `capabilities-restricted` overrides this check.

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub const ALLOWED: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "capabilities-baseline",
        title: "Capability added beyond the baseline set",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("capabilities_baseline", "Baseline: Capabilities"),
            nsa(
                "Pod security: non-root containers and privileges",
                "Kubernetes Pod security",
            ),
            cis_k8s!(
                "5.2.8",
                "Minimize the admission of containers with the NET_RAW capability"
            ),
        ],
        rationale: "Capabilities outside the container runtime's default set (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, NET_RAW...) give root in the container kernel powers that lead to the node: mounting filesystems, loading modules, tracing other processes, forging packets.",
        remediation: "Remove the capability from `securityContext.capabilities.add`; add only names from the baseline set, spelled in upper case without the `CAP_` prefix.",
        help: "remove the capability from capabilities.add",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      capabilities:\n        add: [SYS_ADMIN]\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      capabilities:\n        add: [NET_BIND_SERVICE]\n",
        pss: Some(PssCheck::new("capabilities_baseline", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

/// `chown` / `CAP_CHOWN` → `CHOWN`, when that is what was meant.
pub fn canonical(cap: &str) -> Option<String> {
    let upper = cap.to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper).to_string();
    (name != cap).then_some(name)
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        let adds = c
            .container
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|caps| caps.add.as_ref());
        for (i, cap) in adds.into_iter().flatten().enumerate() {
            if ALLOWED.contains(&cap.as_str()) {
                continue;
            }
            let path = sc_path(&c, "capabilities.add").index(i);
            let meant = canonical(cap).filter(|m| ALLOWED.contains(&m.as_str()));
            let message = match &meant {
                Some(m) => format!(
                    "{} adds capability \"{cap}\", which is not in the baseline set as spelled: names are upper case without CAP_; write {m}",
                    c.describe()
                ),
                None => format!(
                    "{} adds capability {cap}, outside the baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT); remove it",
                    c.describe()
                ),
            };
            let fix = meant.map(|m| {
                let title = format!("Write {m}");
                FixPlan::set(&path, m, title, Applicability::Unsafe)
            });
            out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
        }
    }
}
