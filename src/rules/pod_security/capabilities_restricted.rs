//! Capabilities (restricted, since v1.22; `capabilities_restricted`).
//!
//! > Containers must drop `ALL` capabilities, and are only permitted to add
//! > back the `NET_BIND_SERVICE` capability. *This is Linux only policy* in
//! > v1.25+ (`.spec.os.name != "windows"`).
//! > Restricted fields:
//! > `spec.containers[*].securityContext.capabilities.drop` (init and
//! > ephemeral containers likewise). Allowed values: any list of capabilities
//! > that includes `ALL`.
//! > `spec.containers[*].securityContext.capabilities.add` (likewise).
//! > Allowed values: undefined/nil, `NET_BIND_SERVICE`.
//!
//! Dropping every capability one by one is not enough (fixture
//! `capabilities_restricted2`); `ALL` is case-sensitive. Variants: v1.22;
//! v1.25 exempts pods with `spec.os.name: windows`. Overrides
//! `capabilities-baseline`.

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, capabilities_baseline::canonical, nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "capabilities-restricted",
        title: "Capabilities not dropped",
        severity: Severity::Medium,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss("capabilities_restricted", "Restricted: Capabilities"),
            nsa(
                "Pod security: non-root containers and privileges",
                "Kubernetes Pod security",
            ),
            cis_k8s!(
                "5.2.9",
                "Minimize the admission of containers with capabilities assigned"
            ),
        ],
        rationale: "The runtime's default capability set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, NET_RAW on some runtimes...) is more than most applications use, and each one widens what an attacker with code execution can do. Dropping ALL and adding back only what is needed is least privilege.",
        remediation: "Set `securityContext.capabilities.drop: [ALL]` on every container; add back only `NET_BIND_SERVICE`, if the process binds a port below 1024.",
        help: "drop ALL capabilities; add back only NET_BIND_SERVICE",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      capabilities:\n        add: [NET_ADMIN]\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      capabilities:\n        drop: [ALL]\n        add: [NET_BIND_SERVICE]\n",
        pss: Some(
            PssCheck::new("capabilities_restricted", PssLevel::Restricted)
                .from_version(22)
                .windows_exempt_from(25)
                .overriding("capabilities-baseline", 22),
        ),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in Versions::new(ctx).containers(&RULE.meta) {
        let caps = c
            .container
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref());
        let drop = caps.and_then(|caps| caps.drop.as_ref());
        if !drop.is_some_and(|d| d.iter().any(|x| x == "ALL")) {
            let path = sc_path(&c, "capabilities.drop");
            let message = match drop {
                None => format!(
                    "{} does not drop capabilities; add capabilities.drop: [ALL]",
                    c.describe()
                ),
                Some(d) if d.iter().any(|x| canonical(x).as_deref() == Some("ALL")) => {
                    format!(
                        "{} drops \"{}\", but capability names are case-sensitive: write ALL",
                        c.describe(),
                        d.iter()
                            .find(|x| canonical(x).as_deref() == Some("ALL"))
                            .map_or("", |s| s)
                    )
                }
                Some(d) if d.is_empty() => format!(
                    "{} drops no capabilities; add ALL to capabilities.drop",
                    c.describe()
                ),
                Some(d) => format!(
                    "{} drops {} capabilit{} but not ALL (dropping them one by one does not count); add ALL to capabilities.drop",
                    c.describe(),
                    d.len(),
                    if d.len() == 1 { "y" } else { "ies" }
                ),
            };
            let fix = if drop.is_none() {
                Some(FixPlan::set(
                    &path,
                    "[ALL]",
                    "Drop ALL capabilities",
                    Applicability::Unsafe,
                ))
            } else {
                None
            };
            out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
        }
        let adds = caps.and_then(|caps| caps.add.as_ref());
        for (i, cap) in adds.into_iter().flatten().enumerate() {
            if cap == "NET_BIND_SERVICE" {
                continue;
            }
            let path = sc_path(&c, "capabilities.add").index(i);
            let message = if canonical(cap).as_deref() == Some("NET_BIND_SERVICE") {
                format!(
                    "{} adds \"{cap}\": capability names are upper case without CAP_; write NET_BIND_SERVICE",
                    c.describe()
                )
            } else {
                format!(
                    "{} adds capability {cap}; restricted allows adding back only NET_BIND_SERVICE: remove it",
                    c.describe()
                )
            };
            let fix = (canonical(cap).as_deref() == Some("NET_BIND_SERVICE"))
                .then(|| {
                    Some(FixPlan::set(
                        &path,
                        "NET_BIND_SERVICE",
                        "Write NET_BIND_SERVICE",
                        Applicability::Safe,
                    ))
                })
                .flatten();
            out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
        }
    }
}
