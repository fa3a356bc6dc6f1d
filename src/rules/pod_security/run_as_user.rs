//! Running as Non-root user (restricted, since v1.23; `runAsUser`).
//!
//! > Containers must not set `runAsUser` to 0. Restricted fields:
//! > `spec.securityContext.runAsUser`,
//! > `spec.containers[*].securityContext.runAsUser` (init and ephemeral
//! > containers likewise). Allowed values: any non-zero value, undefined/nil.
//!
//! As in the library, the pod's `0` fails even when every container sets
//! its own user. Variants: v1.23; v1.35 exempts pods with
//! `spec.hostUsers: false` (UID 0 in a user namespace is not root on the
//! node).

use crate::diagnostic::Severity;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, inheriting, nsa, pss, sc_path, user_namespaced};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "run-as-user",
        title: "Container runs as UID 0",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss("runAsUser", "Restricted: Running as Non-root user"),
            nsa(
                "Pod security: non-root containers",
                "Use containers built to run applications as non-root users",
            ),
            cis_k8s!("5.2.7", "Minimize the admission of root containers"),
        ],
        rationale: "`runAsUser: 0` runs the container's processes as root, whatever user the image declares; root in a container shares UID 0 with the node, so one escape or writable host mount is node compromise.",
        remediation: "Set `runAsUser` to a non-zero UID (or remove it and build the image with a non-root USER), together with `runAsNonRoot: true`.",
        help: "set runAsUser to a non-zero UID (or remove it)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 10001\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: Some(PssCheck::new("runAsUser", PssLevel::Restricted).from_version(23)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let version = versions.of(w);
        if !versions.applies(w, &RULE.meta) || (version.at_least(35) && user_namespaced(w)) {
            continue;
        }
        let own = |c: &crate::model::workload::ContainerRef| {
            c.container
                .security_context
                .as_ref()
                .and_then(|s| s.run_as_user)
        };
        let pod = w.spec.security_context.as_ref().and_then(|s| s.run_as_user);
        let pod_path = w.spec_field("securityContext.runAsUser");
        if pod == Some(0) {
            let detail = inheriting(w, |c| own(c).is_some(), ("runs", "run")).map_or_else(
                || {
                    "every container sets its own user, but the pod-level 0 is refused too"
                        .to_string()
                },
                |who| format!("{who} as root through it"),
            );
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                pod_path.clone(),
                format!("pod sets runAsUser: 0 ({detail}); use a non-zero UID or remove it"),
            ));
        }
        for c in w.containers() {
            if own(&c) != Some(0) {
                continue;
            }
            let over = match pod {
                Some(uid) if uid != 0 => format!(
                    ", overriding the pod's runAsUser: {uid} (line {})",
                    ctx.line_number(w.resource, &pod_path)
                ),
                _ => String::new(),
            };
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                sc_path(&c, "runAsUser"),
                format!(
                    "{} runs as root (runAsUser: 0){over}; use a non-zero UID or remove it",
                    c.describe()
                ),
            ));
        }
    }
}
