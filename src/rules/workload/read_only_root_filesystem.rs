//! Containers whose root filesystem is writable (`readOnlyRootFilesystem` not
//! `true`).
//!
//! A writable root filesystem lets an attacker who gets code execution drop
//! tools, rewrite binaries and persist in the container. The field exists
//! only on containers: a pod-level `readOnlyRootFilesystem` is ignored by
//! Kubernetes (`misplaced-security-field` reports it) and the message says so
//! when a container relies on it. Windows pods (`spec.os.name: windows`),
//! which cannot use the field, are skipped.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::workload::{json_at, nsa, sc_path};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "read-only-root-filesystem",
        title: "Writable root filesystem",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa(
                "Pod security: immutable container file systems",
                "Use immutable container file systems",
            ),
            cis_k8s!("5.6.3", "Apply SecurityContext to your Pods and Containers"),
        ],
        rationale: "An attacker with code execution in a container with a writable root filesystem can download tools, modify binaries and configuration, and persist. The NSA/CISA guide asks for immutable container file systems (KubeLinter no-read-only-root-fs, Polaris notReadOnlyRootFilesystem, Checkov CKV_K8S_22, Trivy KSV-0014).",
        remediation: "Set `securityContext.readOnlyRootFilesystem: true` on every container and mount an `emptyDir` where the application needs to write (/tmp, caches).",
        help: "set securityContext.readOnlyRootFilesystem to true and mount emptyDir volumes where the app writes",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      readOnlyRootFilesystem: true\n    volumeMounts:\n    - name: tmp\n      mountPath: /tmp\n  volumes:\n  - name: tmp\n    emptyDir: {}\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        // Windows containers have no read-only root filesystem option.
        if w.is_windows() {
            continue;
        }
        let pod_path = w.spec_field("securityContext.readOnlyRootFilesystem");
        let pod_level = json_at(&ctx.resource(w).json, &pod_path).is_some();
        for c in w.containers() {
            let own = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.read_only_root_filesystem);
            if own == Some(true) {
                continue;
            }
            let path = sc_path(&c, "readOnlyRootFilesystem");
            let mut message = match own {
                Some(false) => format!(
                    "{} sets readOnlyRootFilesystem to false: its root filesystem is writable",
                    c.describe()
                ),
                _ => format!(
                    "{} has a writable root filesystem: readOnlyRootFilesystem is not set",
                    c.describe()
                ),
            };
            if pod_level {
                message.push_str(&format!(
                    " (the pod-level readOnlyRootFilesystem on line {} is ignored: the field exists only on containers)",
                    ctx.line_number(w.resource, &pod_path)
                ));
            }
            out.push(Finding::new(&RULE.meta, w.resource, path, message).setting(
                "true",
                "Set readOnlyRootFilesystem to true",
                Applicability::Unsafe,
            ));
        }
    }
}
