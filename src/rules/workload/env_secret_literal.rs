//! Secret-looking literal values in container environment variables.
//!
//! A variable whose name says it holds a credential (`PASSWORD`, `TOKEN`,
//! `API_KEY`, `SECRET`, ...) with a literal `value`, or any value shaped like
//! a well-known credential (private key block, AWS access key id, GitHub,
//! Slack or Stripe token, JWT), puts the secret in the manifest itself: in
//! Git, in every `kubectl get -o yaml`, readable to anyone who can read the
//! workload. Names that point at a credential instead of holding one
//! (`*_FILE`, `*_PATH`, `*_NAME`, ...) and values that are references
//! (`$(VAR)`), file paths, booleans, placeholders or empty strings are not
//! reported. Names and values are judged by `rules::credentials`, as
//! `configmap-secret-data` judges ConfigMap keys.

use crate::diagnostic::Severity;
use crate::rules::credentials::{credential_name, credential_shape, placeholder};
use crate::rules::peers::{kube_linter, kubescape, polaris};
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "env-secret-literal",
        title: "Credential written as a literal environment value",
        severity: Severity::High,
        category: "workload",
        profiles: HARDENED,
        references: &[
            nsa("Secrets", "Kubernetes Secrets"),
            cis_k8s!(
                "5.4.1",
                "Prefer using Secrets as files over Secrets as environment variables"
            ),
            kube_linter("env-var-secret", "Secrets in environment variables"),
            polaris(
                "sensitiveContainerEnvVar",
                "Container has sensitive environment variables",
            ),
            kubescape("C-0012", "Applications credentials in configuration files"),
        ],
        rationale: "A credential written into a manifest ends up in version control, CI logs and every copy of the object, and anyone who can read the Deployment can read it; Secrets at least have their own RBAC and can be encrypted at rest.",
        remediation: "Move the value into a Secret (or an external secret store), mount it as a file, rotate the exposed credential.",
        help: "move the credential into a Secret mounted as a file, and rotate it",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env:\n    - name: DB_PASSWORD\n      value: hunter2hunter2\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env:\n    - name: DB_PASSWORD_FILE\n      value: /etc/db/password\n    - name: LOG_LEVEL\n      value: info\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        for (i, e) in c.container.env.iter().flatten().enumerate() {
            let Some(value) = e.value.as_deref() else {
                continue;
            };
            let shape = credential_shape(value);
            let message = if let Some(what) = shape {
                format!(
                    "{} sets {} to a literal that looks like {what}; move it into a Secret",
                    c.describe(),
                    e.name
                )
            } else if credential_name(&e.name) && !placeholder(value) {
                format!(
                    "{} sets {} to a literal value: a credential in the manifest; move it into a Secret",
                    c.describe(),
                    e.name
                )
            } else {
                continue;
            };
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                c.path.key("env").index(i).key("value"),
                message,
            ));
        }
    }
}
