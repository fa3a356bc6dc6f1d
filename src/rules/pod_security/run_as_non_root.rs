//! Running as Non-root (restricted, since v1.0; `runAsNonRoot`).
//!
//! > Containers must be required to run as non-root users. Restricted fields:
//! > `spec.securityContext.runAsNonRoot`,
//! > `spec.containers[*].securityContext.runAsNonRoot`,
//! > `spec.initContainers[*].securityContext.runAsNonRoot`,
//! > `spec.ephemeralContainers[*].securityContext.runAsNonRoot`.
//! > Allowed values: `true`. The container fields may be undefined/nil if the
//! > pod-level `spec.securityContext.runAsNonRoot` is set to `true`.
//!
//! As in the library: an explicit `false` anywhere fails, the pod's included
//! (even when every container sets `true`); a container's explicit value
//! overrides the pod's. Variants: v1.0; v1.35 exempts pods with
//! `spec.hostUsers: false` (user namespaces: root in the pod is not root on
//! the node).

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, inheriting, nsa, pss, sc_path, user_namespaced};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "run-as-non-root",
        title: "Container may run as root",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss("runAsNonRoot", "Restricted: Running as Non-root"),
            nsa(
                "Pod security: non-root containers",
                "Use containers built to run applications as non-root users",
            ),
            cis_k8s!("5.2.7", "Minimize the admission of root containers"),
        ],
        rationale: "Most container escapes and kernel exploits need root inside the container. `runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root, whatever the image says.",
        remediation: "Set `securityContext.runAsNonRoot: true` on the pod (or on every container), and build the image with a non-root USER.",
        help: "set securityContext.runAsNonRoot to true",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: Some(PssCheck::new("runAsNonRoot", PssLevel::Restricted)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        if versions.of(w).at_least(35) && user_namespaced(w) {
            continue;
        }
        let pod_value = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.run_as_non_root);
        let pod_path = w.spec_field("securityContext.runAsNonRoot");
        let own = |c: &crate::model::workload::ContainerRef| {
            c.container
                .security_context
                .as_ref()
                .and_then(|s| s.run_as_non_root)
        };
        if pod_value == Some(false) {
            let detail = inheriting(w, |c| own(c).is_some(), ("inherits", "inherit")).map_or_else(
                || {
                    "every container sets its own value, but the pod-level false is refused too"
                        .to_string()
                },
                |who| format!("{who} it"),
            );
            let fix = Some(FixPlan::set(
                &pod_path,
                "true",
                "Set runAsNonRoot to true",
                Applicability::Unsafe,
            ));
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    pod_path.clone(),
                    format!("pod sets runAsNonRoot to false ({detail}); set it to true"),
                )
                .with_fix(fix),
            );
        }
        let pod_line = (pod_value == Some(true)).then(|| ctx.line_number(w.resource, &pod_path));
        for c in w.containers() {
            let path = sc_path(&c, "runAsNonRoot");
            let message = match (own(&c), pod_value) {
                (Some(true), _) => continue,
                (Some(false), Some(true)) => format!(
                    "{} sets runAsNonRoot to false, overriding the pod's runAsNonRoot: true (line {}); set it to true or remove it",
                    c.describe(),
                    pod_line.unwrap_or(0)
                ),
                (Some(false), _) => format!(
                    "{} sets runAsNonRoot to false; set it to true",
                    c.describe()
                ),
                (None, Some(true)) => continue,
                // Inherited from the pod: reported there.
                (None, Some(false)) => continue,
                (None, None) => format!(
                    "{} may run as root: neither it nor the pod sets runAsNonRoot to true",
                    c.describe()
                ),
            };
            out.push(Finding::new(&RULE.meta, w.resource, path, message).setting(
                "true",
                "Set runAsNonRoot to true",
                Applicability::Unsafe,
            ));
        }
    }
}
