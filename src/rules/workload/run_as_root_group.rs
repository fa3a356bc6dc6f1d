//! Pods and containers that run with the root group (GID 0): `runAsGroup: 0`
//! (pod or container; a container's value overrides the pod's),
//! `fsGroup: 0`, or 0 in `supplementalGroups`.
//!
//! Group 0 owns many files on the host and in images (`/etc/shadow` is
//! root-group readable on some distributions; volumes chowned to fsGroup 0
//! are shared with root). Only explicit 0 is reported: an unset group is the
//! image's, which `run-as-non-root` and the image govern.

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::rules::workload::{nsa, sc_path};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "run-as-root-group",
        title: "Runs with the root group",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: non-root containers",
            "Use containers built to run applications as non-root users and groups",
        )],
        rationale: "A process in group 0 can read and write whatever the host or the image gives to the root group, and files it creates on volumes belong to root's group; an escape keeps those rights (Trivy KSV-0116, Kubescape C-0013/C-0211, Kyverno require-non-root-groups).",
        remediation: "Set `runAsGroup` and `fsGroup` to a non-zero GID (e.g. 10001) and remove 0 from `supplementalGroups`.",
        help: "use a non-zero group id",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsGroup: 0\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsGroup: 10001\n    fsGroup: 10001\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let psc = w.spec.security_context.as_ref();
        let pod_group = psc.and_then(|s| s.run_as_group);
        let pod_group_path = w.spec_field("securityContext.runAsGroup");
        let fixed = |path: &crate::model::path::Path| {
            Some(FixPlan::set(
                path,
                "10001",
                "Use group 10001",
                Applicability::Unsafe,
            ))
        };
        if pod_group == Some(0) {
            let inheriting: Vec<String> = w
                .containers()
                .filter(|c| {
                    c.container
                        .security_context
                        .as_ref()
                        .and_then(|s| s.run_as_group)
                        .is_none()
                })
                .map(|c| c.describe())
                .collect();
            let detail = if inheriting.is_empty() {
                "every container overrides it".to_string()
            } else {
                format!("inherited by {}", crate::rules::workload::list(&inheriting))
            };
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    pod_group_path.clone(),
                    format!("pod sets runAsGroup to 0, the root group ({detail})"),
                )
                .with_fix(fixed(&pod_group_path)),
            );
        }
        if psc.and_then(|s| s.fs_group) == Some(0) {
            let path = w.spec_field("securityContext.fsGroup");
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    path.clone(),
                    "pod sets fsGroup to 0: its volumes are owned by the root group and every container joins it".into(),
                )
                .with_fix(fixed(&path)),
            );
        }
        if let Some(i) = psc
            .and_then(|s| s.supplemental_groups.as_ref())
            .and_then(|g| g.iter().position(|g| *g == 0))
        {
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                w.spec_field("securityContext.supplementalGroups").index(i),
                "pod adds group 0 (root) to supplementalGroups".into(),
            ));
        }
        for c in w.containers() {
            let own = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.run_as_group);
            if own != Some(0) {
                continue;
            }
            let path = sc_path(&c, "runAsGroup");
            let note = match pod_group {
                Some(0) | None => String::new(),
                Some(g) => format!(
                    ", overriding the pod's runAsGroup: {g} (line {})",
                    ctx.line_number(w.resource, &pod_group_path)
                ),
            };
            out.push(
                Finding::new(
                    &RULE.meta,
                    w.resource,
                    path.clone(),
                    format!(
                        "{} sets runAsGroup to 0, the root group{note}",
                        c.describe()
                    ),
                )
                .with_fix(fixed(&path)),
            );
        }
    }
}
