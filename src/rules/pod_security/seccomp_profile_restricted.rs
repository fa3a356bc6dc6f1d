//! Seccomp (restricted, since v1.19; `seccompProfile_restricted`).
//!
//! > Seccomp profile must be explicitly set to one of the allowed values.
//! > Both the `Unconfined` profile and the *absence* of a profile are
//! > prohibited. *This is Linux only policy* in v1.25+
//! > (`.spec.os.name != "windows"`). Restricted fields:
//! > `spec.securityContext.seccompProfile.type`,
//! > `spec.containers[*].securityContext.seccompProfile.type` (init and
//! > ephemeral containers likewise). Allowed values: `RuntimeDefault`,
//! > `Localhost`. The container fields may be undefined/nil if the pod-level
//! > `spec.securityContext.seccompProfile.type` field is set appropriately.
//! > Conversely, the pod-level field may be undefined/nil if _all_ container
//! > level fields are set.
//!
//! As in the library: an explicit invalid type anywhere fails, the pod's
//! included; a container's own profile overrides the pod's. Variants: v1.19;
//! v1.25 exempts pods with `spec.os.name: windows`. Overrides
//! `seccomp-profile-baseline`.

use crate::diagnostic::{Applicability, Severity};
use crate::fix::set_field;
use crate::rules::pod_security::seccomp_profile_baseline::valid_type;
use crate::rules::pod_security::{Versions, agree, list, nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "seccomp-profile-restricted",
        title: "No seccomp profile",
        severity: Severity::Medium,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss("seccompProfile_restricted", "Restricted: Seccomp"),
            nsa(
                "Hardening container environments",
                "Pod security: AppArmor, seccomp and SELinux",
            ),
            cis_k8s!(
                "5.6.2",
                "Ensure that the seccomp profile is set to docker/default in your Pod definitions"
            ),
        ],
        rationale: "Without a seccomp profile, the kubelet runs containers Unconfined (unless the node enables seccomp by default): every system call of the kernel is reachable. RuntimeDefault blocks the rarely needed, often exploited ones at almost no compatibility cost.",
        remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or `Localhost` with a reviewed profile), or on every container.",
        help: "set securityContext.seccompProfile.type to RuntimeDefault",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        replaced_by: None,
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    for w in ctx.workloads {
        let version = versions.of(w);
        if !version.at_least(19) || (version.at_least(25) && w.is_windows()) {
            continue;
        }
        let pod = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.seccomp_profile.as_ref());
        let pod_path = w.spec_field("securityContext.seccompProfile.type");
        let own = |c: &crate::model::workload::ContainerRef| {
            c.container
                .security_context
                .as_ref()
                .and_then(|s| s.seccomp_profile.as_ref())
                .map(|p| p.type_.clone())
        };
        if let Some(p) = pod.filter(|p| !valid_type(&p.type_)) {
            let inheriting: Vec<String> = w
                .containers()
                .filter(|c| own(c).is_none())
                .map(|c| c.describe())
                .collect();
            let detail = if inheriting.is_empty() {
                "every container sets its own profile, but the pod-level value is refused too"
                    .to_string()
            } else {
                format!(
                    "{} {} it",
                    list(&inheriting),
                    agree(inheriting.len(), "inherits", "inherit")
                )
            };
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
                        "pod sets seccomp profile type {} ({detail}); use RuntimeDefault or Localhost",
                        p.type_
                    ),
                )
                .with_fix(fix),
            );
        }
        let pod_valid = pod.filter(|p| valid_type(&p.type_));
        for c in w.containers() {
            let path = sc_path(&c, "seccompProfile.type");
            let (message, applicability) = match (own(&c), pod) {
                (Some(t), _) if valid_type(&t) => continue,
                (Some(t), _) => (
                    match pod_valid {
                        Some(pp) => format!(
                            "{} sets seccomp profile type {t}, overriding the pod's {} (line {}); use RuntimeDefault or Localhost, or remove it",
                            c.describe(),
                            pp.type_,
                            ctx.line_of(w.resource, &pod_path)
                        ),
                        None => format!(
                            "{} sets seccomp profile type {t}; use RuntimeDefault or Localhost",
                            c.describe()
                        ),
                    },
                    Applicability::Unsafe,
                ),
                // The pod's valid profile applies.
                (None, Some(p)) if valid_type(&p.type_) => continue,
                // The pod's invalid profile applies: reported on the pod.
                (None, Some(_)) => continue,
                (None, None) => (
                    format!(
                        "{} has no seccomp profile: neither it nor the pod sets seccompProfile.type; set RuntimeDefault (on the pod for every container, or here)",
                        c.describe()
                    ),
                    Applicability::Safe,
                ),
            };
            let fix = set_field(
                ctx,
                w.resource,
                &path,
                "RuntimeDefault",
                "Use the RuntimeDefault seccomp profile".into(),
                applicability,
            );
            out.push(Finding::new(&RULE.meta, w.resource, path, message).with_fix(fix));
        }
    }
}
