//! HostPath Volumes (baseline, since v1.0; `hostPathVolumes`).
//!
//! > HostPath volumes must be forbidden. Restricted fields:
//! > `spec.volumes[*].hostPath`. Allowed values: undefined/nil.
//!
//! `restricted-volumes` overrides this check at every version (hostPath is
//! not among the restricted volume types).

use crate::diagnostic::Severity;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{list, nsa, pss};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-path-volumes",
        title: "hostPath volume",
        severity: Severity::High,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("hostPathVolumes", "Baseline: HostPath Volumes"),
            nsa("Pod security", "Kubernetes Pod security"),
            cis_k8s!("5.2.11", "Minimize the admission of HostPath volumes"),
        ],
        rationale: "A hostPath volume mounts a directory of the node into the pod: the container runtime socket, the kubelet's credentials, /etc or / itself. Write access to most of them is root on the node; read access leaks other workloads' secrets.",
        remediation: "Use an emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim instead; node agents that truly need host paths belong in a separately governed namespace.",
        help: "replace the hostPath volume with emptyDir, configMap, secret or a persistentVolumeClaim",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    hostPath:\n      path: /var/lib/data\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    emptyDir: {}\n",
        pss: Some(PssCheck::new("hostPathVolumes", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

/// `, mounted by container "app"`, for messages about a volume.
pub fn mounted_by(w: &crate::model::workload::Workload, volume: &str) -> String {
    let users: Vec<String> = w
        .containers()
        .filter(|c| {
            c.container
                .volume_mounts
                .iter()
                .flatten()
                .any(|m| m.name == volume)
        })
        .map(|c| c.describe())
        .collect();
    if users.is_empty() {
        String::new()
    } else {
        format!(", mounted by {}", list(&users))
    }
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
            let Some(host) = &v.host_path else { continue };
            let path = w.spec_field("volumes").index(i).key("hostPath");
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "volume \"{}\" mounts the node's {} (hostPath){}; use emptyDir, configMap, secret or a persistentVolumeClaim instead",
                    v.name,
                    host.path,
                    mounted_by(w, &v.name)
                ),
            ));
        }
    }
}
