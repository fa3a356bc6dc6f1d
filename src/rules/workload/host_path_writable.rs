//! hostPath volumes mounted writable.
//!
//! A container that can write to a host directory can plant files the node
//! (or other pods sharing the path) will trust: cron entries, binaries,
//! kubelet manifests, symlinks that escalate through host processes. Each
//! mount of a hostPath volume without `readOnly: true` is reported on the
//! mount (PSS `host-path-volumes` reports the volume itself). Sockets are
//! skipped: a read-only bind mount does not stop `connect()` on a socket, so
//! `readOnly` would be false comfort (`container-runtime-socket` reports
//! runtime sockets).

use crate::diagnostic::{Applicability, Severity};
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "host-path-writable",
        title: "hostPath volume mounted writable",
        severity: Severity::Medium,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security",
            "Kubernetes Pod security: hostPath volumes",
        )],
        rationale: "Write access to a host directory lets a compromised container change what the node, or other pods using the same path, run and trust. Most node agents only need to read (KubeLinter writable-host-mount, Kubescape C-0045, Kyverno ensure-readonly-hostpath).",
        remediation: "Add `readOnly: true` to the volumeMount (and use `type: Directory`/`File` on the hostPath), or replace the hostPath volume.",
        help: "set readOnly: true on the volumeMount",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    hostPath:\n      path: /srv/data\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: data\n      mountPath: /data\n      readOnly: true\n  volumes:\n  - name: data\n    hostPath:\n      path: /srv/data\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let host_paths: Vec<(&str, &str)> = w
            .spec
            .volumes
            .iter()
            .flatten()
            .filter_map(|v| Some((v.name.as_str(), v.host_path.as_ref()?)))
            // A read-only mount does not stop connect() on a socket: nothing to
            // gain from readOnly there (container-runtime-socket reports them).
            .filter(|(_, h)| h.type_.as_deref() != Some("Socket") && !h.path.ends_with(".sock"))
            .map(|(n, h)| (n, h.path.as_str()))
            .collect();
        if host_paths.is_empty() {
            continue;
        }
        for c in w.containers() {
            for (i, m) in c.container.volume_mounts.iter().flatten().enumerate() {
                if m.read_only == Some(true) {
                    continue;
                }
                let Some((_, host)) = host_paths.iter().find(|(n, _)| *n == m.name) else {
                    continue;
                };
                let path = c.path.key("volumeMounts").index(i).key("readOnly");
                out.push(Finding::new(
                        &RULE.meta,
                        w.resource,
                        path,
                        format!(
                            "{} mounts the node's {host} (volume \"{}\") writable at {}; set readOnly: true",
                            c.describe(),
                            m.name,
                            m.mount_path
                        ),
                    ).setting("true", "Mount read-only", Applicability::Unsafe),
                );
            }
        }
    }
}
