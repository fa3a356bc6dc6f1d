//! SELinux (baseline, since v1.0; `seLinuxOptions`).
//!
//! > Setting the SELinux type is restricted, and setting a custom SELinux
//! > user or role option is forbidden. Restricted fields:
//! > `spec.securityContext.seLinuxOptions.type`,
//! > `spec.containers[*].securityContext.seLinuxOptions.type` (init and
//! > ephemeral containers likewise). Allowed values: undefined/"",
//! > `container_t`, `container_init_t`, `container_kvm_t`,
//! > `container_engine_t` (since Kubernetes 1.31).
//! > `spec.securityContext.seLinuxOptions.user`, `.role` and the container
//! > fields likewise. Allowed values: undefined/"".
//!
//! `level` is free. Variants: v1.0; v1.31 adds `container_engine_t`.

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::pod_security::{NSA_SECCOMP_APPARMOR, PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, pss, sc_path};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

use crate::model::pod::SELinuxOptions;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "selinux-options",
        title: "Custom SELinux user, role or type",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("seLinuxOptions", "Baseline: SELinux"),
            NSA_SECCOMP_APPARMOR,
        ],
        rationale: "SELinux confines containers through their process type (container_t). Another type such as spc_t (super-privileged) or unconfined_t, or a custom user or role, lifts that confinement and gives the container the node's file and process access.",
        remediation: "Remove `seLinuxOptions.user` and `.role`; leave `type` unset or use container_t, container_init_t, container_kvm_t or container_engine_t. Setting `level` (MCS categories) is fine.",
        help: "remove seLinuxOptions user/role; use an allowed type (container_t...) or none",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seLinuxOptions:\n      type: spc_t\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seLinuxOptions:\n      level: \"s0:c123,c456\"\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: Some(PssCheck::new("seLinuxOptions", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

const TYPES_1_0: &[&str] = &["container_t", "container_init_t", "container_kvm_t"];
const TYPES_1_31: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Findings for one seLinuxOptions (the pod's or a container's).
fn problems(opts: &SELinuxOptions, at: &Path, who: &str, allowed: &[&str]) -> Vec<(Path, String)> {
    let mut found = Vec::new();
    if let Some(t) = opts
        .type_
        .as_deref()
        .filter(|t| !t.is_empty() && !allowed.contains(t))
    {
        let hint = if t == "container_engine_t" {
            " (container_engine_t is allowed from policy v1.31)"
        } else {
            ""
        };
        found.push((
            at.key("type"),
            format!(
                "{who} sets SELinux type \"{t}\"{hint}; allowed: {} or none",
                allowed.join(", ")
            ),
        ));
    }
    for (field, value) in [("user", &opts.user), ("role", &opts.role)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            found.push((
                at.key(field),
                format!(
                    "{who} sets SELinux {field} \"{v}\"; a custom {field} is forbidden: remove it"
                ),
            ));
        }
    }
    found
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let allowed = if versions.of(w).at_least(31) {
            TYPES_1_31
        } else {
            TYPES_1_0
        };
        if let Some(opts) = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.se_linux_options.as_ref())
        {
            let at = w.spec_field("securityContext.seLinuxOptions");
            for (path, message) in problems(opts, &at, "pod", allowed) {
                out.push(Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!("{message} (applies to every container that does not set its own)"),
                ));
            }
        }
        for c in w.containers() {
            let Some(opts) = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.se_linux_options.as_ref())
            else {
                continue;
            };
            let at = sc_path(&c, "seLinuxOptions");
            for (path, message) in problems(opts, &at, &c.describe(), allowed) {
                out.push(Finding::new(&RULE.meta, w.resource, path, message));
            }
        }
    }
}
