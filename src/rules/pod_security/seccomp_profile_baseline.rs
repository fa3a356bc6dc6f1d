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

use crate::diagnostic::{Applicability, Severity};
use crate::fix::set_field;
use crate::rules::pod_security::{
    Versions, nsa, pss, replaced, sc_path, seccomp_profile_restricted,
};
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
            nsa(
                "Hardening container environments",
                "Pod security: AppArmor, seccomp and SELinux",
            ),
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
        replaced_by: Some("seccomp-profile-restricted"),
    },
    check: Some(check),
};

pub fn valid_type(t: &str) -> bool {
    t == "RuntimeDefault" || t == "Localhost"
}

fn valid_annotation(v: &str) -> bool {
    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let version = versions.of(w);
        if replaced(ctx, version, &seccomp_profile_restricted::RULE.meta, 19) {
            continue;
        }
        if !version.at_least(19) {
            annotations(ctx, w, out);
            continue;
        }
        let pod = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.seccomp_profile.as_ref());
        let pod_path = w.spec_field("securityContext.seccompProfile.type");
        if let Some(p) = pod.filter(|p| !valid_type(&p.type_)) {
            let fix = set_field(
                ctx,
                w.resource,
                &pod_path,
                "RuntimeDefault",
                "Use the RuntimeDefault seccomp profile".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    pod_path.clone(),
                    format!(
                        "pod sets seccomp profile type {} for every container that does not set its own; use RuntimeDefault or Localhost",
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
                .and_then(|s| s.seccomp_profile.as_ref())
            else {
                continue;
            };
            if valid_type(&p.type_) {
                continue;
            }
            let path = sc_path(&c, "seccompProfile.type");
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
                "Use the RuntimeDefault seccomp profile".into(),
                Applicability::Unsafe,
            );
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!(
                        "{} sets seccomp profile type {}{over}; use RuntimeDefault or Localhost",
                        c.describe(),
                        p.type_
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}

/// Policy versions before v1.19: the seccomp annotations.
fn annotations(ctx: &Context, w: &crate::model::workload::Workload, out: &mut Vec<Finding>) {
    let Some(annotations) = w.meta.annotations.as_ref() else {
        return;
    };
    let mut report = |key: &str, value: &str, who: String| {
        let path = w.meta_path.key("annotations").key(key);
        let fix = set_field(
            ctx,
            w.resource,
            &path,
            "runtime/default",
            "Use the runtime/default seccomp profile".into(),
            Applicability::Unsafe,
        );
        out.push(
            Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "annotation {key} sets seccomp profile \"{value}\" for {who}; use runtime/default or localhost/<profile>"
                ),
            )
            .with_fix(fix),
        );
    };
    if let Some(v) = annotations
        .get(POD_ANNOTATION)
        .filter(|v| !valid_annotation(v))
    {
        report(POD_ANNOTATION, v, "the pod".into());
    }
    for c in w.containers() {
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.container.name);
        if let Some(v) = annotations.get(&key).filter(|v| !valid_annotation(v)) {
            report(&key, v, c.describe());
        }
    }
}
