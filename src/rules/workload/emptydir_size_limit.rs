//! `emptyDir` volumes with no size bound at all.
//!
//! A disk-backed `emptyDir` lives on the node's filesystem. The kubelet evicts
//! a pod when the volume outgrows its `sizeLimit`, or when the pod's total
//! local storage (writable layers, logs, emptyDirs) outgrows the sum of its
//! containers' `ephemeral-storage` limits. With neither, one pod can fill the
//! node's disk and get every other pod on it evicted. Reported: a disk-backed
//! `emptyDir` without `sizeLimit` in a pod where no container sets
//! `resources.limits.ephemeral-storage` and no LimitRange in the input gives
//! containers of its namespace a default or maximum one. Memory-backed
//! volumes (`medium: Memory`) are charged to the pod's memory limit, which
//! `resource-limits` checks.

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::workload::{ContainerKind, Workload};
use crate::rules::workload::{json_at, nsa, same_namespace};
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "emptydir-size-limit",
        title: "emptyDir volume without a size limit",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: resource policies",
            "Use resource policies (LimitRange, ResourceQuota, container limits) against denial of service",
        )],
        rationale: "A disk-backed emptyDir is written to the node's disk. Without `sizeLimit` on the volume and without an `ephemeral-storage` limit on any container of the pod (the kubelet evicts a pod whose local storage outgrows the sum of those limits), a buggy or compromised container can fill the node's disk and get the other pods on it evicted: a denial of service the NSA/CISA guide's resource policies are meant to prevent (kube-score container-ephemeral-storage-request-and-limit, Kyverno require-emptydir-requests-limits, Gatekeeper k8semptydirhassizelimit).",
        remediation: "Set `emptyDir.sizeLimit` to what the volume needs (for example `sizeLimit: 1Gi`), or set `resources.limits.ephemeral-storage` on the pod's containers, or give the namespace a LimitRange with a default ephemeral-storage limit.",
        help: "set emptyDir.sizeLimit, or an ephemeral-storage limit on the containers",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: cache\n      mountPath: /var/cache/nginx\n  volumes:\n  - name: cache\n    emptyDir: {}\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: cache\n      mountPath: /var/cache/nginx\n  volumes:\n  - name: cache\n    emptyDir:\n      sizeLimit: 512Mi\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// Whether some container (regular or init) sets an ephemeral-storage limit:
/// the pod then has a total local-storage limit the kubelet enforces.
fn pod_has_storage_limit(w: &Workload) -> bool {
    w.containers()
        .filter(|c| c.kind != ContainerKind::Ephemeral)
        .any(|c| {
            c.container
                .resources
                .as_ref()
                .and_then(|r| r.limits.as_ref())
                .is_some_and(|l| l.contains_key("ephemeral-storage"))
        })
}

/// Whether a LimitRange in the input gives containers of the workload's
/// namespace a default (or a maximum, which defaults the limit) ephemeral-storage limit.
fn limit_range_covers(ctx: &Context, w: &Workload) -> bool {
    let ns = ctx.resource(w).namespace();
    ctx.of_kind(Kind::LIMIT_RANGE).any(|(_, r)| {
        same_namespace(r.namespace(), ns)
            && crate::model::resource::value_at(&r.json, "spec.limits")
                .and_then(Value::as_array)
                .is_some_and(|limits| {
                    limits.iter().any(|l| {
                        l.get("type").and_then(Value::as_str) == Some("Container")
                            && ["default", "max"].iter().any(|k| {
                                l.get(k).and_then(|m| m.get("ephemeral-storage")).is_some()
                            })
                    })
                })
    })
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let json = &ctx.resource(w).json;
        let volumes = w.spec_field("volumes");
        // (index, name, whether the volume names no source at all: the API
        // server then makes it an `emptyDir: {}`).
        let unbounded: Vec<(usize, &str, bool)> = w
            .spec
            .volumes
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, v)| match v.empty_dir.as_ref() {
                Some(e) => {
                    let memory = e.medium.as_deref() == Some("Memory");
                    (!memory && e.size_limit.is_none()).then_some((i, v.name.as_str(), false))
                }
                None => json_at(json, &volumes.index(i))
                    .and_then(Value::as_object)
                    .is_some_and(|m| m.keys().all(|k| k == "name"))
                    .then_some((i, v.name.as_str(), true)),
            })
            .collect();
        if unbounded.is_empty() || pod_has_storage_limit(w) || limit_range_covers(ctx, w) {
            continue;
        }
        for (i, name, implicit) in unbounded {
            let (path, what) = if implicit {
                (
                    volumes.index(i),
                    format!("volume \"{name}\" names no source, so it is an emptyDir; it"),
                )
            } else {
                (
                    volumes.index(i).key("emptyDir"),
                    format!("emptyDir volume \"{name}\""),
                )
            };
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "{what} has no sizeLimit and no container sets an ephemeral-storage limit: the pod can fill the node's disk"
                ),
            ));
        }
    }
}
