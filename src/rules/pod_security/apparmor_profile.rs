//! AppArmor (baseline, since v1.0; `appArmorProfile`).
//!
//! > On supported hosts, the `RuntimeDefault` AppArmor profile is applied by
//! > default. The baseline policy should prevent overriding or disabling the
//! > default AppArmor profile, or restrict overrides to an allowed set of
//! > profiles. Restricted fields:
//! > `spec.securityContext.appArmorProfile.type`,
//! > `spec.containers[*].securityContext.appArmorProfile.type` (init and
//! > ephemeral containers likewise). Allowed values: undefined/nil,
//! > `RuntimeDefault`, `Localhost`.
//! > `metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]`.
//! > Allowed values: undefined/nil, `runtime/default`, `localhost/*`.
//!
//! As in the library, every annotation with that prefix is checked (an empty
//! value is allowed), whether or not it names an existing container.

use crate::diagnostic::{Applicability, Severity};
use crate::fix::set_field;
use crate::rules::pod_security::{nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "apparmor-profile",
        title: "AppArmor profile disabled or overridden",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("appArmorProfile", "Baseline: AppArmor"),
            nsa(
                "Hardening container environments",
                "Pod security: AppArmor, seccomp and SELinux",
            ),
        ],
        rationale: "The runtime's default AppArmor profile denies containers writes to /proc and /sys, mounts and raw kernel interfaces. `Unconfined` removes that layer, so a container escape needs one bug less.",
        remediation: "Remove the override, or set `appArmorProfile.type` to `RuntimeDefault` (or `Localhost` with a reviewed profile); in the old annotation form use `runtime/default` or `localhost/<profile>`.",
        help: "use the RuntimeDefault (or a Localhost) AppArmor profile",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      appArmorProfile:\n        type: Unconfined\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      appArmorProfile:\n        type: RuntimeDefault\n",
        replaced_by: None,
    },
    check: Some(check),
};

fn valid_type(t: &str) -> bool {
    t == "RuntimeDefault" || t == "Localhost"
}

fn valid_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let pod = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.app_armor_profile.as_ref());
        let pod_path = w.spec_field("securityContext.appArmorProfile.type");
        if let Some(p) = pod.filter(|p| !valid_type(&p.type_)) {
            let fix = set_field(
                ctx,
                w.resource,
                &pod_path,
                "RuntimeDefault",
                "Use the RuntimeDefault AppArmor profile".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    pod_path.clone(),
                    format!(
                        "pod sets AppArmor profile type {} for all its containers; use RuntimeDefault or Localhost",
                        p.type_
                    ),
                )
                .with_fix(fix),
            );
        }
        for c in w.containers() {
            let Some(p) = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.app_armor_profile.as_ref())
            else {
                continue;
            };
            if valid_type(&p.type_) {
                continue;
            }
            let path = sc_path(&c, "appArmorProfile.type");
            let over = match pod {
                Some(pp) if valid_type(&pp.type_) => format!(
                    ", overriding the pod's {} (line {})",
                    pp.type_,
                    ctx.line_of(w.resource, &pod_path)
                ),
                _ => String::new(),
            };
            let fix = set_field(
                ctx,
                w.resource,
                &path,
                "RuntimeDefault",
                "Use the RuntimeDefault AppArmor profile".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!(
                        "{} sets AppArmor profile type {}{over}; use RuntimeDefault or Localhost",
                        c.describe(),
                        p.type_
                    ),
                )
                .with_fix(fix),
            );
        }
        for (key, value) in w.meta.annotations.iter().flatten() {
            let Some(name) = key.strip_prefix(ANNOTATION_PREFIX) else {
                continue;
            };
            if valid_annotation(value) {
                continue;
            }
            let who = w
                .containers()
                .find(|c| c.container.name == name)
                .map_or_else(|| format!("container \"{name}\""), |c| c.describe());
            let path = w.meta_path.key("annotations").key(key);
            let fix = set_field(
                ctx,
                w.resource,
                &path,
                "runtime/default",
                "Use the runtime/default AppArmor profile".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!(
                        "annotation {key} sets AppArmor profile \"{value}\" for {who}; use runtime/default or localhost/<profile>"
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
