//! Privilege Escalation (restricted, since v1.8; `allowPrivilegeEscalation`).
//!
//! > Privilege escalation (such as via set-user-ID or set-group-ID file mode)
//! > should not be allowed. *This is Linux only policy* in v1.25+
//! > (`spec.os.name != windows`).
//! > Restricted fields:
//! > `spec.containers[*].securityContext.allowPrivilegeEscalation`,
//! > `spec.initContainers[*].securityContext.allowPrivilegeEscalation`,
//! > `spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation`.
//! > Allowed values: `false`.
//!
//! Unset counts as allowed (the runtime's default is true). Variants: v1.8;
//! v1.25 exempts pods with `spec.os.name: windows`.

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

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
            cis_k8s!(
                "5.2.6",
                "Minimize the admission of containers with allowPrivilegeEscalation"
            ),
        ],
        rationale: "Unless `allowPrivilegeEscalation` is false, the kernel's no_new_privs flag is not set: a setuid binary or file capability in the image lets a process gain more privileges than its parent, turning an application bug into root in the container.",
        remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container, init container and ephemeral container.",
        help: "set securityContext.allowPrivilegeEscalation to false",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false\n",
        pss: Some(
            PssCheck::new("allowPrivilegeEscalation", PssLevel::Restricted)
                .from_version(8)
                .windows_exempt_from(25),
        ),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in Versions::new(ctx).containers(&RULE.meta) {
        let sc = c.container.security_context.as_ref();
        let value = sc.and_then(|s| s.allow_privilege_escalation);
        if value == Some(false) {
            continue;
        }
        let path = sc_path(&c, "allowPrivilegeEscalation");
        let privileged = sc.and_then(|s| s.privileged) == Some(true);
        let message = match value {
            Some(true) => format!(
                "{} allows privilege escalation (allowPrivilegeEscalation: true); set it to false",
                c.describe()
            ),
            _ if privileged => format!(
                "{} is privileged, which always allows privilege escalation, and does not set allowPrivilegeEscalation to false; remove privileged and set allowPrivilegeEscalation to false",
                c.describe()
            ),
            _ => format!(
                "{} does not set allowPrivilegeEscalation, which defaults to true; set it to false",
                c.describe()
            ),
        };
        // Kubernetes refuses `privileged: true` with
        // `allowPrivilegeEscalation: false`: no one-field fix then.
        let fix = (!privileged)
            .then(|| {
                Some(FixPlan::set(
                    &path,
                    "false",
                    "Set allowPrivilegeEscalation to false",
                    Applicability::Safe,
                ))
            })
            .flatten();
        out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
    }
}
