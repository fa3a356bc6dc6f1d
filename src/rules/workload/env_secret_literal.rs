//! Secret-looking literal values in container environment variables.
//!
//! A variable whose name says it holds a credential (`PASSWORD`, `TOKEN`,
//! `API_KEY`, `SECRET`, ...) with a literal `value`, or any value shaped like
//! a well-known credential (private key block, AWS access key id, GitHub,
//! Slack or Stripe token, JWT), puts the secret in the manifest itself: in
//! Git, in every `kubectl get -o yaml`, readable to anyone who can read the
//! workload. Names that point at a credential instead of holding one
//! (`*_FILE`, `*_PATH`, `*_NAME`, ...) and values that are references
//! (`$(VAR)`), file paths, booleans or empty strings are not reported.

use crate::diagnostic::Severity;
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
        ],
        rationale: "A credential written into a manifest ends up in version control, CI logs and every copy of the object, and anyone who can read the Deployment can read it; Secrets at least have their own RBAC and can be encrypted at rest (KubeLinter env-var-secret, Polaris sensitiveContainerEnvVar, Kubescape C-0012).",
        remediation: "Move the value into a Secret (or an external secret store), mount it as a file, rotate the exposed credential.",
        help: "move the credential into a Secret mounted as a file, and rotate it",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env:\n    - name: DB_PASSWORD\n      value: hunter2hunter2\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env:\n    - name: DB_PASSWORD_FILE\n      value: /etc/db/password\n    - name: LOG_LEVEL\n      value: info\n",
        replaced_by: None,
    },
    check: Some(check),
};

const SENSITIVE_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
    "CLIENT_SECRET",
];

/// Name parts that say the variable points at, names or configures a
/// credential rather than holding it.
const POINTER_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_NAME",
    "_REF",
    "_KEY_ID",
    "_ID",
    "_TTL",
    "_TIMEOUT",
    "_EXPIRY",
    "_EXPIRATION",
    "_ENABLED",
    "_LENGTH",
    "_HEADER",
    "_TYPE",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_FIELD",
    "_MODE",
    "_SECONDS",
    "_DURATION",
    "_VERSION",
];

/// Whether a value has the shape of a well-known credential.
pub fn looks_like_credential(v: &str) -> Option<&'static str> {
    let v = v.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    let alnum_upper = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    if v.len() == 20 && (v.starts_with("AKIA") || v.starts_with("ASIA")) && alnum_upper(v) {
        return Some("an AWS access key id");
    }
    for (prefix, what) in [
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("sk_live_", "a Stripe key"),
        ("AIza", "a Google API key"),
    ] {
        if v.starts_with(prefix) && v.len() >= prefix.len() + 16 && !v.contains(' ') {
            return Some(what);
        }
    }
    let parts: Vec<&str> = v.split('.').collect();
    if v.starts_with("eyJ") && parts.len() == 3 && parts.iter().all(|p| p.len() >= 10) {
        return Some("a JSON Web Token");
    }
    None
}

fn sensitive_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace('-', "_");
    SENSITIVE_NAMES.iter().any(|s| upper.contains(s))
        && !POINTER_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// Values that are clearly not a credential.
fn benign(v: &str) -> bool {
    let v = v.trim();
    v.len() < 4
        || v.starts_with('/')
        || v.contains("$(")
        || v.starts_with("${")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null" | "changeme" | "disabled" | "enabled"
        )
        || v.chars().all(|c| c.is_ascii_digit())
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for c in w.containers() {
            for (i, e) in c.container.env.iter().flatten().enumerate() {
                let Some(value) = e.value.as_deref() else {
                    continue;
                };
                let shape = looks_like_credential(value);
                let message = if let Some(what) = shape {
                    format!(
                        "{} sets {} to a literal that looks like {what}; move it into a Secret",
                        c.describe(),
                        e.name
                    )
                } else if sensitive_name(&e.name) && !benign(value) {
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
}
