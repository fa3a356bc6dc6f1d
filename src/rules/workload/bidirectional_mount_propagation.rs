//! Volume mounts with `mountPropagation: Bidirectional`.
//!
//! Bidirectional propagation makes mounts the container creates appear on
//! the host and in every other pod that mounts the same volume: a container
//! can shadow host directories. Kubernetes allows it only for privileged
//! containers, which makes it a sign of node-level access either way.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "bidirectional-mount-propagation",
        title: "Bidirectional mount propagation",
        severity: Severity::High,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security",
            "Kubernetes Pod security: container isolation",
        )],
        rationale: "With `mountPropagation: Bidirectional` the mounts a container makes propagate back to the host and to other pods: a compromised container can mount over host paths other workloads and node services use (Monokle KBP115).",
        remediation: "Remove `mountPropagation` (the default is None) or use `HostToContainer`, which only propagates mounts from the host into the container.",
        help: "use mountPropagation: HostToContainer or remove it",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: csi\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n      mountPropagation: Bidirectional\n  volumes:\n  - name: data\n    emptyDir: {}\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: csi\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n      mountPropagation: HostToContainer\n  volumes:\n  - name: data\n    emptyDir: {}\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        for (i, m) in c.container.volume_mounts.iter().flatten().enumerate() {
            if m.mount_propagation.as_deref() != Some("Bidirectional") {
                continue;
            }
            let path = c.path.key("volumeMounts").index(i).key("mountPropagation");
            out.push(Finding::new(
                    &RULE.meta,
                    w.resource,
                    path,
                    format!(
                        "{} mounts volume \"{}\" at {} with Bidirectional propagation: its mounts reach the host",
                        c.describe(),
                        m.name,
                        m.mount_path
                    ),
                ).setting("HostToContainer", "Use HostToContainer", Applicability::Unsafe),
            );
        }
    }
}
