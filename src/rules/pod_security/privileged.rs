//! Privileged Containers (baseline, since v1.0; `privileged`).
//!
//! > Privileged Pods disable most security mechanisms and must be disallowed.
//! > Restricted fields: `spec.containers[*].securityContext.privileged`,
//! > `spec.initContainers[*].securityContext.privileged`,
//! > `spec.ephemeralContainers[*].securityContext.privileged`.
//! > Allowed values: undefined/nil, `false`.
//!
//! The library has one variant (v1.0) and no Windows exemption (Windows pods
//! cannot set the field; HostProcess is `windows-host-process`).

use crate::diagnostic::{Applicability, Severity};
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "privileged",
        title: "Privileged container",
        severity: Severity::Critical,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("privileged", "Baseline: Privileged Containers"),
            nsa(
                "Pod security: non-root containers and privileges",
                "Kubernetes Pod security",
            ),
            cis_k8s!("5.2.2", "Minimize the admission of privileged containers"),
        ],
        rationale: "A privileged container has every capability and all host devices, and no seccomp, AppArmor or SELinux confinement: root in it is root on the node, and escaping is a single mount or module load away.",
        remediation: "Remove `privileged: true`; grant only the specific capability the container needs, if any.",
        help: "set securityContext.privileged to false (or remove it)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: false\n",
        pss: Some(PssCheck::new("privileged", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        let sc = c.container.security_context.as_ref();
        if sc.and_then(|s| s.privileged) == Some(true) {
            let path = sc_path(&c, "privileged");
            out.push(Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!(
                        "{} runs privileged (privileged: true): it gets every capability and the node's devices; set privileged to false",
                        c.describe()
                    ),
                ).setting("false", "Set privileged to false", Applicability::Unsafe),
            );
        }
    }
}
