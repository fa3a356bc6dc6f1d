//! Pods created directly, not by a controller (no `ownerReferences`).
//!
//! A bare pod is not recreated when its node fails or is drained, and is not
//! replaced on a security update of its template: a patched image never
//! reaches it. Controllers (Deployment, StatefulSet, DaemonSet, Job) also
//! give one place to review and enforce the pod template.

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "bare-pod",
        title: "Pod not managed by a controller",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa("Pod security", "Kubernetes Pod security")],
        rationale: "Bare pods are not rescheduled after node failure and not rolled when their image is patched; they escape the controller-level review and policies the rest of the application goes through (Kubescape C-0073, Kyverno prevent-bare-pods).",
        remediation: "Run the pod from a Deployment, StatefulSet, DaemonSet or Job.",
        help: "use a Deployment, StatefulSet, DaemonSet or Job",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let r = ctx.resource(w);
        if !Kind::POD.is(r) {
            continue;
        }
        let owned = r
            .json
            .get("metadata")
            .and_then(|m| m.get("ownerReferences"))
            .and_then(|o| o.as_array())
            .is_some_and(|o| !o.is_empty());
        if owned {
            continue;
        }
        out.push(Finding::new(
            &RULE.meta,
            w.resource,
            Path::parse("kind"),
            format!(
                "Pod \"{}\" is not managed by a controller: it is neither rescheduled nor updated; use a Deployment, StatefulSet, DaemonSet or Job",
                r.id.name.as_deref().unwrap_or("")
            ),
        ));
    }
}
