//! /proc Mount Type (restricted, since v1.35; `procMount_restricted`).
//!
//! > The default /proc masks are set up to reduce attack surface, and should
//! > be required. Restricted fields:
//! > `spec.containers[*].securityContext.procMount` (init and ephemeral
//! > containers likewise). Allowed values: undefined/nil, `Default`.
//!
//! The restricted level keeps the v1.0 rule for pods with `hostUsers: false`
//! too (fixtures `procmount_restricted{0,1}`): it overrides `proc-mount`,
//! which relaxes it there from v1.35.

use crate::diagnostic::Severity;
use crate::rules::pod_security::profile::Field;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, nsa, proc_mount, pss, user_namespaced};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "proc-mount-restricted",
        title: "Unmasked /proc (restricted)",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss("procMount_restricted", "Restricted: /proc Mount Type"),
            nsa("Pod security", "Kubernetes Pod security"),
        ],
        rationale: "An unmasked /proc exposes kernel interfaces (kcore, sysrq-trigger, timer and keyring lists) that the runtime normally hides. A user namespace reduces what they can do, but the restricted level keeps the masks everywhere as defense in depth.",
        remediation: "Remove `procMount` or set it to `Default`, also in pods with `hostUsers: false`.",
        help: "set securityContext.procMount to Default (or remove it)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostUsers: false\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      procMount: Unmasked\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostUsers: false\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      procMount: Default\n",
        pss: Some(
            PssCheck::new("procMount_restricted", PssLevel::Restricted)
                .from_version(35)
                .overriding("proc-mount", 35),
        ),
        params: &[],
    },
    check: Some(check),
};

static FIELD: Field = proc_mount::field(&RULE.meta);

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in versions.workloads(&RULE.meta) {
        let note = if user_namespaced(w) {
            format!(
                ", and the restricted level refuses it even with hostUsers: false (line {})",
                ctx.line_number(w.resource, &w.spec_field("hostUsers"))
            )
        } else {
            String::new()
        };
        proc_mount::refuse_unmasked(w, &FIELD, "/proc", &note, out);
    }
}
