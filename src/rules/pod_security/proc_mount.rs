//! /proc Mount Type (baseline, since v1.0; `procMount`).
//!
//! > The default /proc masks are set up to reduce attack surface, and should
//! > be required. Restricted fields:
//! > `spec.containers[*].securityContext.procMount` (init and ephemeral
//! > containers likewise). Allowed values: undefined/nil, `Default`.
//! > *Exemption since v1.35:* pods with `spec.hostUsers: false` (user
//! > namespaces) may set it.
//!
//! Variants: v1.0; v1.35 allows any value in pods with `hostUsers: false`.
//! From v1.35 `proc-mount-restricted` overrides this check.

use crate::diagnostic::{Applicability, Severity};
use crate::model::workload::Workload;
use crate::rules::pod_security::profile::Field;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, nsa, pss, user_namespaced};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "proc-mount",
        title: "Unmasked /proc",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("procMount", "Baseline: /proc Mount Type"),
            nsa("Pod security", "Kubernetes Pod security"),
        ],
        rationale: "The runtime masks and makes read-only parts of /proc (kcore, sysrq-trigger, timer lists...) that leak kernel memory or act on the node. `procMount: Unmasked` removes those masks; outside a user namespace that hands the node's kernel interfaces to the container.",
        remediation: "Remove `procMount` or set it to `Default`; from policy v1.35 baseline allows `Unmasked` only in pods with `hostUsers: false`.",
        help: "set securityContext.procMount to Default (or remove it)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      procMount: Unmasked\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      procMount: Default\n",
        pss: Some(PssCheck::new("procMount", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

static FIELD: Field = field(&RULE.meta);

/// `procMount`, as `rule` (this one or `proc-mount-restricted`) checks it.
pub const fn field(rule: &'static RuleMeta) -> Field {
    Field {
        rule,
        name: "procMount",
        pod: None,
        container: |s| s.proc_mount.as_deref(),
        allowed: |v| v == "Default",
        fix: "Default",
        fix_title: "Set procMount to Default",
    }
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let version = versions.of(w);
        let relaxed = version.at_least(35);
        if relaxed && user_namespaced(w) {
            continue;
        }
        let note = if relaxed {
            " (allowed only in a pod with hostUsers: false)"
        } else if user_namespaced(w) {
            " (hostUsers: false allows it only from policy v1.35)"
        } else {
            ""
        };
        refuse_unmasked(w, &FIELD, "the node's /proc", note, out);
    }
}

/// Both levels: each container that sets `procMount` to anything but
/// `Default`, which unmasks `proc`, with a `note` on the pod's `hostUsers`.
pub fn refuse_unmasked(
    w: &Workload,
    field: &Field,
    proc: &str,
    note: &str,
    out: &mut Vec<Finding>,
) {
    for (c, value) in field.refused(w) {
        let message = format!(
            "{} sets procMount: {value}, which unmasks {proc}{note}; set it to Default",
            c.describe()
        );
        field.report(w, field.path(&c), Applicability::Unsafe, message, out);
    }
}
