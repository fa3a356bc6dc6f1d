//! Running as Non-root (restricted, since v1.0).
//!
//! > Containers must be required to run as non-root users. Restricted fields:
//! > `spec.securityContext.runAsNonRoot`,
//! > `spec.containers[*].securityContext.runAsNonRoot` (init and ephemeral
//! > containers likewise). Allowed values: `true`. The container fields may be
//! > undefined/nil if the pod-level `spec.securityContext.runAsNonRoot` is
//! > set to `true`.
//!
//! A pod-level `false` fails on its own; a container's explicit value
//! overrides the pod's.

use crate::diagnostic::{Applicability, Severity};
use crate::fix::set_field;
use crate::rules::pod_security::{nsa, pss};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Reference, Rule, RuleMeta};

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
            Reference {
                source: "CIS",
                id: "5.2.7",
                title: "Minimize the admission of root containers",
                url: "https://www.cisecurity.org/benchmark/kubernetes",
            },
        ],
        rationale: "Most container escapes and kernel exploits need root inside the container. `runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root, whatever the image says.",
        remediation: "Set `securityContext.runAsNonRoot: true` on the pod (or on every container), and build the image with a non-root USER.",
        help: "set securityContext.runAsNonRoot to true",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: nginx:1.27\n",
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let pod_value = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.run_as_non_root);
        let pod_path = w.spec_field("securityContext.runAsNonRoot");
        if pod_value == Some(false) {
            let fix = set_field(
                ctx,
                w.resource,
                &pod_path,
                "true",
                "Set runAsNonRoot to true".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    pod_path.clone(),
                    "pod sets runAsNonRoot to false".into(),
                )
                .with_fix(fix),
            );
        }
        let pod_line = (pod_value == Some(true)).then(|| ctx.line_of(w.resource, &pod_path));
        for c in w.containers() {
            let value = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.run_as_non_root);
            let path = c.path.key("securityContext").key("runAsNonRoot");
            let message = match (value, pod_value) {
                (Some(true), _) => continue,
                (Some(false), Some(true)) => format!(
                    "{} sets runAsNonRoot to false, overriding the pod's runAsNonRoot: true (line {})",
                    c.describe(),
                    pod_line.unwrap_or(0)
                ),
                (Some(false), _) => format!("{} sets runAsNonRoot to false", c.describe()),
                (None, Some(true)) => continue,
                (None, Some(false)) => {
                    // Already reported on the pod; the container inherits it.
                    continue;
                }
                (None, None) => format!(
                    "{} may run as root: neither it nor the pod sets runAsNonRoot to true",
                    c.describe()
                ),
            };
            let fix = set_field(
                ctx,
                w.resource,
                &path,
                "true",
                "Set runAsNonRoot to true".into(),
                Applicability::Unsafe,
            );
            out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
        }
    }
}
