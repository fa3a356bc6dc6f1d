//! Sensitive data: credentials in ConfigMaps, and long-lived ServiceAccount
//! token Secrets.
//!
//! A ConfigMap key is judged as `env-secret-literal` judges an environment
//! variable (`rules::credentials`): a credential name with a value that is
//! not a placeholder, or a value shaped like a well-known credential.
//!
//! ConfigMaps are not encrypted at rest by the usual EncryptionConfiguration,
//! are readable by `view` and show up in logs and dashboards. A Secret of type
//! `kubernetes.io/service-account-token` holds a token that never expires;
//! since v1.22 pods get short-lived projected tokens instead.

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::resource::value_at;
use crate::rules::cluster::{describe, k8s, nsa};
use crate::rules::credentials::{credential_name, credential_shape, placeholder};
use crate::rules::peers::{kubescape, polaris, trivy};
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

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
            polaris(
                "sensitiveConfigmapContent",
                "ConfigMap has sensitive content",
            ),
            trivy("KSV-0109", "ConfigMap with secrets"),
            trivy("KSV-01010", "ConfigMap with sensitive content"),
            kubescape("C-0012", "Applications credentials in configuration files"),
        ],
        rationale: "ConfigMaps are stored unencrypted, readable by the `view` role and printed by tooling; a password, token or private key in one is visible to far more people and processes than the same value in a Secret. Keys are judged by the same credential names and placeholders as environment variables (`env-secret-literal`).",
        remediation: "Move the value to a Secret (or an external secret store) and reference it from the workload.",
        help: "move this value to a Secret",
        bad_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: db.internal\n  DB_PASSWORD: hunter2hunter2\n",
        good_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: db.internal\n  DB_PASSWORD_FILE: /var/run/secrets/db/password\n",
        pss: None,
        params: &[],
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
        pss: None,
        params: &[],
    },
    check: Some(check_token_secret),
};

fn check_configmap(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, cm) in ctx.of_kind(Kind::CONFIG_MAP) {
        let Some(data) = cm.field("data") else {
            continue;
        };
        for (key, entry) in data.entries() {
            let Some(value) = entry.str() else {
                continue;
            };
            let what = if let Some(shape) = credential_shape(value) {
                shape
            } else if credential_name(key) && !placeholder(value) {
                "what looks like a credential"
            } else {
                continue;
            };
            out.push(Finding::new(
                &CONFIGMAP_SECRET_DATA.meta,
                ri,
                entry.path,
                format!(
                    "{} key \"{key}\" holds {what}: ConfigMaps are stored unencrypted and readable with `view`; move it to a Secret",
                    describe(cm)
                ),
            ));
        }
    }
}

fn check_token_secret(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, s) in ctx.of_kind(Kind::SECRET) {
        if let Some(ty) = s
            .field("type")
            .filter(|t| t.str() == Some("kubernetes.io/service-account-token"))
        {
            let sa = value_at(&s.json, "metadata.annotations")
                .and_then(|a| a.get("kubernetes.io/service-account.name"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            out.push(Finding::new(
                &SERVICE_ACCOUNT_TOKEN_SECRET.meta,
                ri,
                ty.path,
                format!(
                    "{} holds a token of ServiceAccount \"{sa}\" that never expires; use projected or TokenRequest tokens",
                    describe(s)
                ),
            ));
        }
    }
}
