//! Sensitive data: credentials in ConfigMaps, and long-lived ServiceAccount
//! token Secrets.
//!
//! ConfigMaps are not encrypted at rest by the usual EncryptionConfiguration,
//! are readable by `view` and show up in logs and dashboards. A Secret of type
//! `kubernetes.io/service-account-token` holds a token that never expires;
//! since v1.22 pods get short-lived projected tokens instead.

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{str_at, value_at};
use crate::rules::cluster::{describe, k8s, nsa};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static CONFIGMAP_SECRET_DATA: Rule = Rule {
    meta: RuleMeta {
        id: "configmap-secret-data",
        title: "Secret-looking data in a ConfigMap",
        severity: Severity::High,
        category: "secrets",
        profiles: HARDENED,
        references: &[
            k8s(
                "ConfigMaps",
                "ConfigMaps do not provide secrecy or encryption",
                "https://kubernetes.io/docs/concepts/configuration/configmap/",
            ),
            nsa("Secrets", "Protect sensitive data"),
        ],
        rationale: "ConfigMaps are stored unencrypted, readable by the `view` role and printed by tooling; a password, token or private key in one is visible to far more people and processes than the same value in a Secret.",
        remediation: "Move the value to a Secret (or an external secret store) and reference it from the workload.",
        help: "move this value to a Secret",
        bad_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: db.internal\n  DB_PASSWORD: hunter2hunter2\n",
        good_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: db.internal\n  DB_PASSWORD_FILE: /var/run/secrets/db/password\n",
        replaced_by: None,
    },
    check: Some(check_configmap),
};

pub static SERVICE_ACCOUNT_TOKEN_SECRET: Rule = Rule {
    meta: RuleMeta {
        id: "service-account-token-secret",
        title: "Long-lived ServiceAccount token Secret",
        severity: Severity::Medium,
        category: "secrets",
        profiles: HARDENED,
        references: &[k8s(
            "Long-lived tokens",
            "Manually create a long-lived API token for a ServiceAccount",
            "https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token",
        )],
        rationale: "A `kubernetes.io/service-account-token` Secret holds a token that never expires and is not bound to a pod: once read or leaked it works until the Secret is deleted.",
        remediation: "Delete the Secret and use short-lived tokens: projected volumes for pods, `kubectl create token` or the TokenRequest API elsewhere.",
        help: "use projected or TokenRequest tokens instead of a token Secret",
        bad_example: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-token\n  annotations:\n    kubernetes.io/service-account.name: ci\ntype: kubernetes.io/service-account-token\n",
        good_example: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: \"\"\n  tls.key: \"\"\n",
        replaced_by: None,
    },
    check: Some(check_token_secret),
};

/// Key words that name a credential, matched on word boundaries of the key
/// (`DB_PASSWORD`, `api-key`, `clientSecret`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "credentials",
    "accesskey",
    "secretkey",
];

/// Key words that name a reference to a credential, not the credential.
const NOT_SECRET: &[&str] = &[
    "file",
    "path",
    "ref",
    "name",
    "names",
    "key",
    "enabled",
    "enable",
    "url",
    "endpoint",
    "type",
    "length",
    "ttl",
    "expiry",
    "expiration",
    "duration",
    "header",
    "policy",
    "mode",
    "audience",
    "issuer",
    "resource",
    "location",
    "dir",
    "format",
    "field",
    "env",
    "source",
    "provider",
];

fn words(key: &str) -> Vec<String> {
    // Split camelCase, snake_case, kebab-case and dotted keys into words.
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in key.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a key names a credential: a credential word, with no word after it
/// that makes it a reference (`passwordFile`, `tokenPath`, `secretName`).
fn secret_key(key: &str) -> bool {
    let w = words(key);
    let joined: Vec<String> = w.windows(2).map(|p| format!("{}{}", p[0], p[1])).collect();
    let hit = w
        .iter()
        .chain(&joined)
        .any(|x| SECRET_WORDS.contains(&x.as_str()));
    let last_pair = joined
        .last()
        .is_some_and(|p| SECRET_WORDS.contains(&p.as_str()));
    hit && (last_pair
        || !w.last().is_some_and(|last| {
            NOT_SECRET.contains(&last.as_str()) && !SECRET_WORDS.contains(&last.as_str())
        }))
}

/// Whether a value looks like an actual credential rather than a placeholder,
/// a reference or a flag.
fn secret_value(v: &str) -> bool {
    let v = v.trim();
    if v.len() < 6 || v.contains(char::is_whitespace) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    let placeholder = [
        "true", "false", "changeme", "<", "${", "{{", "$(", "/", "http://", "https://", "xxx",
        "redacted", "none", "null",
    ];
    !placeholder.iter().any(|p| lower.starts_with(p)) && !v.chars().all(|c| c.is_ascii_digit())
}

fn private_key(v: &str) -> bool {
    v.contains("-----BEGIN") && v.contains("PRIVATE KEY-----")
}

fn check_configmap(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, cm) in ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is("ConfigMap"))
    {
        let Some(data) = value_at(&cm.json, "data").and_then(Value::as_object) else {
            continue;
        };
        for (key, value) in data {
            let Some(value) = value.as_str() else {
                continue;
            };
            let what = if private_key(value) {
                "a PEM private key"
            } else if secret_key(key) && secret_value(value) {
                "what looks like a credential"
            } else {
                continue;
            };
            out.push(Finding::new(
                &CONFIGMAP_SECRET_DATA.meta,
                ri,
                Path::parse("data").key(key),
                format!(
                    "{} key \"{key}\" holds {what}: ConfigMaps are stored unencrypted and readable with `view`; move it to a Secret",
                    describe(cm)
                ),
            ));
        }
    }
}

fn check_token_secret(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in ctx
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is("Secret"))
    {
        if str_at(&s.json, "type") == Some("kubernetes.io/service-account-token") {
            let sa = value_at(&s.json, "metadata.annotations")
                .and_then(|a| a.get("kubernetes.io/service-account.name"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            out.push(Finding::new(
                &SERVICE_ACCOUNT_TOKEN_SECRET.meta,
                ri,
                Path::parse("type"),
                format!(
                    "{} holds a token of ServiceAccount \"{sa}\" that never expires; use projected or TokenRequest tokens",
                    describe(s)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for k in [
            "DB_PASSWORD",
            "apiKey",
            "client-secret",
            "GITHUB_TOKEN",
            "aws_secret_access_key",
            "privateKey",
        ] {
            assert!(secret_key(k), "{k}");
        }
        for k in [
            "passwordFile",
            "tokenPath",
            "secretName",
            "DB_HOST",
            "admin.enabled",
            "token.ttl",
            "keyboard",
        ] {
            assert!(!secret_key(k), "{k}");
        }
    }
}
