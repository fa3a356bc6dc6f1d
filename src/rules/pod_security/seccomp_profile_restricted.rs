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
use crate::rules::pod_security::profile::ProfileField;
use crate::rules::pod_security::{NSA_SECCOMP_APPARMOR, PssCheck, PssLevel};
use crate::rules::pod_security::{Versions, inheriting, pss, seccomp_profile_baseline};
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
            NSA_SECCOMP_APPARMOR,
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
        pss: Some(
            PssCheck::new("seccompProfile_restricted", PssLevel::Restricted)
                .from_version(19)
                .windows_exempt_from(25)
                .overriding("seccomp-profile-baseline", 19),
        ),
        params: &[],
    },
    check: Some(check),
};

static PROFILE: ProfileField = seccomp_profile_baseline::profile(&RULE.meta);

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let versions = Versions::new(ctx);
    let f = &PROFILE.field;
    for w in versions.workloads(&RULE.meta) {
        let pod = f.pod(w);
        if let Some(t) = pod.filter(|t| !(f.allowed)(t)) {
            let detail = inheriting(w, |c| f.own(c).is_some(), ("inherits", "inherit"))
                .map_or_else(
                    || {
                        "every container sets its own profile, but the pod-level value is refused too"
                            .to_string()
                    },
                    |who| format!("{who} it"),
                );
            let message = format!(
                "pod sets seccomp profile type {t} ({detail}); use RuntimeDefault or Localhost"
            );
            f.report(w, f.pod_path(w), Applicability::Unsafe, message, out);
        }
        for c in w.containers() {
            let (message, applicability) = match (f.own(&c), pod) {
                (Some(t), _) if (f.allowed)(t) => continue,
                (Some(t), _) => {
                    let over = PROFILE.overriding(ctx, w);
                    let remove = if over.is_empty() {
                        ""
                    } else {
                        ", or remove it"
                    };
                    (
                        format!(
                            "{} sets seccomp profile type {t}{over}; use RuntimeDefault or Localhost{remove}",
                            c.describe()
                        ),
                        Applicability::Unsafe,
                    )
                }
                // The pod's profile applies: allowed, or refused and reported
                // on the pod.
                (None, Some(_)) => continue,
                (None, None) => (
                    format!(
                        "{} has no seccomp profile: neither it nor the pod sets seccompProfile.type; set RuntimeDefault (on the pod for every container, or here)",
                        c.describe()
                    ),
                    Applicability::Safe,
                ),
            };
            f.report(w, f.path(&c), applicability, message, out);
        }
    }
}
