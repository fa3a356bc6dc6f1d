//! Security fields written where Kubernetes ignores them.
//!
//! `privileged`, `allowPrivilegeEscalation`, `capabilities`,
//! `readOnlyRootFilesystem` and `procMount` exist only in a container's
//! securityContext; `fsGroup`, `fsGroupChangePolicy`, `supplementalGroups`,
//! `supplementalGroupsPolicy` and `sysctls` only in the pod's. Written at the
//! other level they are dropped without an error, and the reviewer believes
//! a protection is in place that is not. The reader would report them as
//! unknown fields; while this rule is on, it reports them instead (see
//! [`owns`]), once, with where the field belongs.

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::path::{Path, Seg};
use crate::rules::workload::{json_at, nsa};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "misplaced-security-field",
        title: "Security field where Kubernetes ignores it",
        severity: Severity::High,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security",
            "Kubernetes Pod security: security contexts",
        )],
        rationale: "A container-only field in the pod's securityContext (or a pod-only field in a container's) is silently dropped by the API server: the manifest reads as hardened while the setting has no effect. Peers report it at best as an unknown field (Polaris#874).",
        remediation: "Move the field to the level where it exists: container fields into every container's `securityContext`, pod fields into `spec.securityContext`.",
        help: "move the field to the securityContext level where Kubernetes reads it",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n    allowPrivilegeEscalation: false\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// Fields that exist only in a container's securityContext.
pub const CONTAINER_ONLY: &[&str] = &[
    "privileged",
    "allowPrivilegeEscalation",
    "capabilities",
    "readOnlyRootFilesystem",
    "procMount",
];

/// Fields that exist only in the pod's securityContext.
pub const POD_ONLY: &[&str] = &[
    "fsGroup",
    "fsGroupChangePolicy",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "sysctls",
];

/// Whether an unknown-field path is one this rule reports: a container-only
/// field under a pod spec's `securityContext`, or a pod-only field under a
/// container's.
pub fn owns(path: &Path) -> bool {
    let s = &path.0;
    let n = s.len();
    if n < 3 {
        return false;
    }
    let (Seg::Key(sc), Seg::Key(field)) = (&s[n - 2], &s[n - 1]) else {
        return false;
    };
    if sc != "securityContext" {
        return false;
    }
    match &s[n - 3] {
        Seg::Key(k) if k == "spec" => CONTAINER_ONLY.contains(&field.as_str()),
        Seg::Index(_) if n >= 4 => {
            matches!(&s[n - 4], Seg::Key(k) if matches!(k.as_str(), "containers" | "initContainers" | "ephemeralContainers"))
                && POD_ONLY.contains(&field.as_str())
        }
        _ => false,
    }
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let json = &ctx.resource(w).json;
        let pod_sc = w.spec_field("securityContext");
        if let Some(Value::Object(m)) = json_at(json, &pod_sc) {
            for field in CONTAINER_ONLY {
                if m.contains_key(field) {
                    out.push(Finding::new(
                        &RULE.meta,
                        w.resource,
                        pod_sc.key(field),
                        format!(
                            "\"{field}\" in the pod's securityContext is ignored: Kubernetes has it only on containers; move it into each container's securityContext"
                        ),
                    ));
                }
            }
        }
        for c in w.containers() {
            let sc = c.path.key("securityContext");
            let Some(Value::Object(m)) = json_at(json, &sc) else {
                continue;
            };
            for field in POD_ONLY {
                if m.contains_key(field) {
                    out.push(Finding::new(
                        &RULE.meta,
                        w.resource,
                        sc.key(field),
                        format!(
                            "\"{field}\" in the securityContext of {} is ignored: Kubernetes has it only on the pod; move it to {}",
                            c.describe(),
                            w.spec_field("securityContext")
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::owns;
    use crate::model::path::Path;

    #[test]
    fn owns_only_misplaced_security_fields() {
        assert!(owns(&Path::parse(
            "spec.template.spec.securityContext.privileged"
        )));
        assert!(owns(&Path::parse("spec.securityContext.capabilities")));
        assert!(!owns(&Path::parse("spec.securityContext.runAsNonRoot")));
        assert!(!owns(&Path::parse("spec.securityContext.privilegd")));
        let c = Path::parse("spec.containers")
            .index(0)
            .key("securityContext");
        assert!(owns(&c.key("fsGroup")));
        assert!(owns(&c.key("sysctls")));
        assert!(!owns(&c.key("privileged")));
        assert!(!owns(
            &Path::parse("spec.volumes")
                .index(0)
                .key("securityContext")
                .key("fsGroup")
        ));
    }
}
