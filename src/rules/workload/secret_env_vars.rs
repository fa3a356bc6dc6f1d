//! Secrets passed to containers as environment variables
//! (`env[].valueFrom.secretKeyRef`, `envFrom[].secretRef`).
//!
//! Environment variables leak: into child processes, crash dumps, debug
//! endpoints, `kubectl describe` of a failing pod's events, and logs of
//! programs that print their environment. Mounted Secret files do not, and
//! they are updated when the Secret changes.

use crate::diagnostic::Severity;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "secret-env-vars",
        title: "Secret passed as environment variable",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa("Secrets", "Kubernetes Secrets"),
            cis_k8s!(
                "5.4.1",
                "Prefer using Secrets as files over Secrets as environment variables"
            ),
        ],
        rationale: "Applications and their libraries tend to log or expose their environment (crash reports, debug pages, child processes), so secrets in environment variables leak more easily than mounted files (KubeLinter read-secret-from-env-var, kubesec SecretsAsEnvironmentVariables, Checkov CKV_K8S_35, Kubescape C-0207).",
        remediation: "Mount the Secret as a volume (`secret:` volume or projected volume) and read the file.",
        help: "mount the Secret as a volume and read it from a file",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: db\n      mountPath: /etc/db\n      readOnly: true\n  volumes:\n  - name: db\n    secret:\n      secretName: db\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        for (i, e) in c.container.env.iter().flatten().enumerate() {
            let Some(r) = e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            else {
                continue;
            };
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                c.path.key("env").index(i).key("valueFrom").key("secretKeyRef"),
                format!(
                    "{} reads key \"{}\" of Secret \"{}\" into environment variable {}; mount it as a file instead",
                    c.describe(),
                    r.key,
                    r.name,
                    e.name
                ),
            ));
        }
        for (i, e) in c.container.env_from.iter().flatten().enumerate() {
            let Some(r) = e.secret_ref.as_ref() else {
                continue;
            };
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                c.path.key("envFrom").index(i).key("secretRef"),
                format!(
                    "{} loads every key of Secret \"{}\" into its environment; mount it as a file instead",
                    c.describe(),
                    r.name
                ),
            ));
        }
    }
}
