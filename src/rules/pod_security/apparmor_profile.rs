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

use crate::diagnostic::Severity;
use crate::rules::pod_security::profile::{Field, ProfileField, runtime_default_or_localhost};
use crate::rules::pod_security::pss;
use crate::rules::pod_security::{NSA_SECCOMP_APPARMOR, PssCheck, PssLevel};
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
            NSA_SECCOMP_APPARMOR,
        ],
        rationale: "The runtime's default AppArmor profile denies containers writes to /proc and /sys, mounts and raw kernel interfaces. `Unconfined` removes that layer, so a container escape needs one bug less.",
        remediation: "Remove the override, or set `appArmorProfile.type` to `RuntimeDefault` (or `Localhost` with a reviewed profile); in the old annotation form use `runtime/default` or `localhost/<profile>`.",
        help: "use the RuntimeDefault (or a Localhost) AppArmor profile",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      appArmorProfile:\n        type: Unconfined\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      appArmorProfile:\n        type: RuntimeDefault\n",
        pss: Some(PssCheck::new("appArmorProfile", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

/// `appArmorProfile.type`, as this rule checks it.
static PROFILE: ProfileField = ProfileField {
    field: Field {
        rule: &RULE.meta,
        name: "appArmorProfile.type",
        pod: Some(|s| s.app_armor_profile.as_ref().map(|p| p.type_.as_str())),
        container: |s| s.app_armor_profile.as_ref().map(|p| p.type_.as_str()),
        allowed: runtime_default_or_localhost,
        fix: "RuntimeDefault",
        fix_title: "Use the RuntimeDefault AppArmor profile",
    },
    kind: "AppArmor",
};

fn valid_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        PROFILE.refuse_types(ctx, w, "for all its containers", out);
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
            PROFILE.report_annotation(w, key, value, who, out);
        }
    }
}
