//! Privilege Escalation (restricted, since v1.8).
//!
//! > Privilege escalation (such as via set-user-ID or set-group-ID file mode)
//! > should not be allowed. Restricted fields:
//! > `spec.containers[*].securityContext.allowPrivilegeEscalation`, init and
//! > ephemeral containers likewise. Allowed values: `false`.
//!
//! Since v1.25, pods with `spec.os.name: windows` are exempt (the field does
//! not exist on Windows; API validation refuses it there).

use crate::diagnostic::{Applicability, Severity};
use crate::fix::set_field;
use crate::rules::pod_security::{nsa, pss};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Reference, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "allow-privilege-escalation",
        title: "Privilege escalation allowed",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss(
                "allowPrivilegeEscalation",
                "Restricted: Privilege Escalation",
            ),
            nsa(
                "Pod security: no privilege escalation",
                "Kubernetes Pod security",
            ),
            Reference {
                source: "CIS",
                id: "5.2.6",
                title: "Minimize the admission of containers with allowPrivilegeEscalation",
                url: "https://www.cisecurity.org/benchmark/kubernetes",
            },
        ],
        rationale: "Unless `allowPrivilegeEscalation` is false, the kernel's no_new_privs flag is not set: a setuid binary or file capability in the image lets a process gain more privileges than its parent, turning an application bug into root in the container.",
        remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container, init container and ephemeral container.",
        help: "set securityContext.allowPrivilegeEscalation to false",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false\n",
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    if !ctx.options.pss_version.at_least(8) {
        return;
    }
    for w in ctx.workloads {
        if ctx.options.pss_version.at_least(25) && w.is_windows() {
            continue;
        }
        for c in w.containers() {
            let value = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.allow_privilege_escalation);
            if value == Some(false) {
                continue;
            }
            let path = c
                .path
                .key("securityContext")
                .key("allowPrivilegeEscalation");
            let message = match value {
                Some(true) => format!("{} allows privilege escalation", c.describe()),
                _ => format!(
                    "{} does not set allowPrivilegeEscalation to false",
                    c.describe()
                ),
            };
            let fix = set_field(
                ctx,
                w.resource,
                &path,
                "false",
                "Set allowPrivilegeEscalation to false".into(),
                Applicability::Safe,
            );
            out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
        }
    }
}
