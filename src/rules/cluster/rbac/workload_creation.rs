//! `rbac-workload-creation`: permission to create pods, or any kind that
//! makes pods, or to change the pod template of one.
//!
//! A pod names its ServiceAccount and its volumes, and nothing checks that
//! its creator may use them: whoever creates pods (directly, or through a
//! Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
//! Job or CronJob, whose controllers create the pods for them) in a
//! namespace can run as every ServiceAccount of that namespace and mount
//! every Secret in it ("RBAC good practices", workload creation). Changing
//! an existing workload's pod template (update or patch; a Job's is
//! immutable) does the same, and updating a pod swaps its images, running
//! other code as that pod's ServiceAccount with its volumes.
//!
//! Matched as the RBAC rules match (`*` in verbs, apiGroups or resources
//! grants it too; resourceNames scopes no create). A Role in kube-system is
//! left to `rbac-privilege-escalation`, which reports creating workloads
//! there as running code as the system's controllers.

use super::escalation::KUBE_SYSTEM_WORKLOADS;
use super::*;
use crate::rules::peers::{kube_linter, kubescape, trivy};

pub static WORKLOAD_CREATION: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-workload-creation",
        title: "RBAC permission to create workloads",
        severity: Severity::Medium,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            cis_k8s!("5.1.4", "Minimize access to create pods"),
            good_practices("Workload creation"),
            NSA_RBAC,
            kube_linter("access-to-create-pods", "Access to create pods"),
            trivy("KSV-0048", "Manage Kubernetes workloads and pods"),
            kubescape("C-0188", "Minimize access to create pods"),
        ],
        rationale: "Kubernetes checks that a pod's creator may create pods, not that it may use the ServiceAccount and the Secrets the pod names: permission to create pods, or any workload that makes pods (Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs), in a namespace is permission to run as every ServiceAccount of that namespace and to read every Secret in it, mounted as a volume or an environment variable. Updating or patching a workload's pod template does the same (a Job's is immutable), and updating a pod swaps its images, running other code with that pod's ServiceAccount and volumes. A Role reaches its namespace; a ClusterRole reaches every namespace it is bound in, all of them through a ClusterRoleBinding. Matched as the authorizer reads the rule: `*` in verbs, apiGroups or resources grants it too, and the finding says which wildcards it goes through. resourceNames scopes no create. Creating workloads in kube-system is reported by `rbac-privilege-escalation` instead.",
        remediation: "Grant workload creation only to deployment tooling and the controllers that need it, in the namespaces they manage; keep ServiceAccounts with powerful bindings and sensitive Secrets out of those namespaces, and enforce Pod Security admission (restricted) there.",
        help: "grant workload creation only to deployment tooling, in namespaces without powerful ServiceAccounts or sensitive Secrets",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: deployer\n  namespace: apps\nrules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [create, update]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: viewer\n  namespace: apps\nrules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, watch]\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn creation(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    if Kind::ROLE.is(r) && r.namespace() == Some("kube-system") {
        return out;
    }
    for rule in rules(r) {
        for &(group, res) in KUBE_SYSTEM_WORKLOADS {
            add(
                &mut out,
                &rule,
                rule.grants(group, res, &["create"]),
                &format!("create {res}"),
            );
            // A Job's pod template is immutable: changing a Job makes no pod.
            let change = match res {
                "jobs" => continue,
                "pods" => "update or patch pods (swaps their images)".to_string(),
                _ => format!("update or patch {res} (their pod template)"),
            };
            add(
                &mut out,
                &rule,
                rule.grants(group, res, &["update", "patch"]),
                &change,
            );
        }
    }
    out
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in roles(ctx) {
        let reach = if Kind::ROLE.is(r) {
            match r.namespace() {
                Some(ns) => format!("namespace \"{ns}\""),
                None => "its namespace".to_string(),
            }
        } else {
            "every namespace it is bound in (all of them through a ClusterRoleBinding)".to_string()
        };
        let tail =
            format!(": it runs pods as every ServiceAccount and mounts every Secret of {reach}");
        for m in merged(creation(r)) {
            out.push(merged_finding(
                &WORKLOAD_CREATION.meta,
                ri,
                r,
                m,
                "permissions that create or change workloads",
                &tail,
            ));
        }
    }
}
