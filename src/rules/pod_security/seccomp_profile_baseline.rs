//! Seccomp (baseline, since v1.0; `seccompProfile_baseline`).
//!
//! > Seccomp profile must not be explicitly set to `Unconfined`. Restricted
//! > fields: `spec.securityContext.seccompProfile.type`,
//! > `spec.containers[*].securityContext.seccompProfile.type` (init and
//! > ephemeral containers likewise). Allowed values: undefined/nil,
//! > `RuntimeDefault`, `Localhost`.
//!
//! Variants: v1.0 checks the pre-1.19 annotations instead
//! (`seccomp.security.alpha.kubernetes.io/pod` and
//! `container.seccomp.security.alpha.kubernetes.io/<container name>`; allowed
//! values `runtime/default`, `docker/default`, `localhost/*`); v1.19 checks
//! the fields and no longer the annotations. From v1.19
//! `seccomp-profile-restricted` overrides this check.

use crate::diagnostic::Severity;
use crate::rules::pod_security::profile::{Field, ProfileField, runtime_default_or_localhost};
use crate::rules::pod_security::{NSA_SECCOMP_APPARMOR, PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, pss};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
pub const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "seccomp-profile-baseline",
        title: "Seccomp disabled",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("seccompProfile_baseline", "Baseline: Seccomp"),
            NSA_SECCOMP_APPARMOR,
            cis_k8s!(
                "5.6.2",
                "Ensure that the seccomp profile is set to docker/default in your Pod definitions"
            ),
        ],
        rationale: "Seccomp filters the system calls a container may make; the runtime's default profile blocks a few dozen rarely needed, often exploited ones (keyctl, unshare, bpf, ptrace on old kernels...). `Unconfined` exposes the whole kernel system call surface.",
        remediation: "Remove the `Unconfined` setting, or set `seccompProfile.type` to `RuntimeDefault` (or `Localhost` with a reviewed profile).",
        help: "set seccompProfile.type to RuntimeDefault (or Localhost)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seccompProfile:\n      type: Unconfined\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: Some(PssCheck::new("seccompProfile_baseline", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

static PROFILE: ProfileField = profile(&RULE.meta);

/// `seccompProfile.type`, as `rule` (this one or `seccomp-profile-restricted`)
/// checks it.
pub const fn profile(rule: &'static RuleMeta) -> ProfileField {
    ProfileField {
        field: Field {
            rule,
            name: "seccompProfile.type",
            pod: Some(|s| s.seccomp_profile.as_ref().map(|p| p.type_.as_str())),
            container: |s| s.seccomp_profile.as_ref().map(|p| p.type_.as_str()),
            allowed: runtime_default_or_localhost,
            fix: "RuntimeDefault",
            fix_title: "Use the RuntimeDefault seccomp profile",
        },
        kind: "seccomp",
    }
}

fn valid_annotation(v: &str) -> bool {
    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let version = versions.of(w);
        if !version.at_least(19) {
            annotations(w, out);
            continue;
        }
        PROFILE.refuse_types(ctx, w, "for every container that does not set its own", out);
    }
}

/// Policy versions before v1.19: the seccomp annotations.
fn annotations(w: &crate::model::workload::Workload, out: &mut Vec<Finding>) {
    let Some(annotations) = w.meta.annotations.as_ref() else {
        return;
    };
    if let Some(v) = annotations
        .get(POD_ANNOTATION)
        .filter(|v| !valid_annotation(v))
    {
        PROFILE.report_annotation(w, POD_ANNOTATION, v, "the pod".into(), out);
    }
    for c in w.containers() {
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.container.name);
        if let Some(v) = annotations.get(&key).filter(|v| !valid_annotation(v)) {
            PROFILE.report_annotation(w, &key, v, c.describe(), out);
        }
    }
}
