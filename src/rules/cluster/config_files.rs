//! Control-plane configuration files as input: `EncryptionConfiguration` and
//! `AdmissionConfiguration` (apiserver.config.k8s.io), audit `Policy`
//! (audit.k8s.io). These are not API objects, but they are YAML with
//! `apiVersion` and `kind` and are kept in the same repositories; the CIS
//! Benchmark's encryption (1.2.28) and audit (3.2.2) items are judged from
//! them (ids of CIS Kubernetes Benchmark v2.0, `cis_k8s!`). The kubelet's
//! `KubeletConfiguration` is read with its command line, in `kubelet.rs`.

use crate::model::value::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::cluster::{k8s, strings};
use crate::rules::{Context, Field, Finding, HARDENED, Kind, Rule, RuleMeta};

macro_rules! config_rule {
    ($($rule:tt)*) => {
        configuration_rule!("node-config", $($rule)*);
    };
}

config_rule!(
    ENCRYPTION_PROVIDER,
    "encryption-provider",
    "Secrets not encrypted at rest, or weakly",
    High,
    [
        cis_k8s!(
            "1.2.28",
            "Ensure that encryption providers are appropriately configured"
        ),
        k8s(
            "Encryption at rest",
            "Encrypting Confidential Data at Rest",
            "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"
        )
    ],
    "The first provider of a resource encrypts new writes: with `identity` first (or alone) Secrets are written to etcd in plaintext, readable from any etcd backup or disk. aescbc is vulnerable to padding-oracle attacks and keeps the key on the control plane's disk; KMS v2 or secretbox are recommended.",
    "List `kms` (apiVersion v2) or `secretbox` first for secrets, keep `identity` only last (to read old data during migration), then rewrite all Secrets.",
    "put kms (v2) or secretbox first in the providers of secrets",
    "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n  - aescbc:\n      keys:\n      - name: key1\n        secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==\n",
    "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - kms:\n      apiVersion: v2\n      name: vault\n      endpoint: unix:///var/run/kmsplugin/socket.sock\n  - identity: {}\n",
    check_encryption
);

config_rule!(
    AUDIT_POLICY,
    "audit-policy",
    "Audit policy misses or leaks Secrets",
    Medium,
    [
        cis_k8s!(
            "3.2.2",
            "Ensure that the audit policy covers key security concerns"
        ),
        k8s(
            "Audit policy",
            "Auditing",
            "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"
        )
    ],
    "The first matching rule decides an event's level. Secrets, ConfigMaps and TokenReviews must be logged at Metadata (who touched what, when); at None nothing is recorded, and at Request or RequestResponse the Secret's data or the token itself is written into the audit log.",
    "Add, before any broader rule, `- level: Metadata` with `resources: [{group: \"\", resources: [secrets, configmaps]}, {group: authentication.k8s.io, resources: [tokenreviews]}]`.",
    "log secrets, configmaps and tokenreviews at Metadata level",
    "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n",
    "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: \"\"\n    resources: [secrets, configmaps]\n  - group: authentication.k8s.io\n    resources: [tokenreviews]\n- level: RequestResponse\n",
    check_audit_policy
);

config_rule!(
    ADMISSION_POD_SECURITY_DEFAULTS,
    "admission-pod-security-defaults",
    "Pod Security admission defaults below restricted",
    Medium,
    [
        cis_k8s!(
            "5.2.1",
            "Ensure that the cluster has at least one active policy control mechanism in place"
        ),
        k8s(
            "PodSecurityConfiguration",
            "Configure the Admission Controller",
            "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/"
        )
    ],
    "The PodSecurity plugin's defaults apply to every namespace without its own labels; the built-in default is `privileged`, which admits any pod.",
    "Set `defaults.enforce: restricted` (and audit, warn) in the PodSecurity plugin configuration; use `exemptions` for the few system components that need more.",
    "set defaults.enforce: restricted",
    "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: baseline\n",
    "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: restricted\n      audit: restricted\n      warn: restricted\n    exemptions:\n      namespaces: [kube-system]\n",
    check_admission_defaults
);

/// Whether an EncryptionConfiguration resource entry covers Secrets.
fn covers_secrets(entry: &Field) -> bool {
    entry.key("resources").is_some_and(|r| {
        r.strings()
            .any(|(n, _)| matches!(n, "secrets" | "*.*" | "*."))
    })
}

fn check_encryption(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &ENCRYPTION_PROVIDER.meta;
    for (ri, r) in ctx.of_kind(Kind::ENCRYPTION_CONFIGURATION) {
        let mut covered = false;
        for entry in r.field("resources").iter().flat_map(Field::items) {
            if !covers_secrets(&entry) {
                continue;
            }
            covered = true;
            let providers: Vec<Field> = entry
                .key("providers")
                .iter()
                .flat_map(Field::items)
                .collect();
            // The first provider encrypts what is written: `{kind: {...}}`.
            let Some((kind, first)) = providers.first().and_then(|p| p.entries().next()) else {
                continue;
            };
            let (severity, message) = match kind {
                "identity" if providers.len() == 1 => (Severity::High, "secrets have only the identity provider: they are stored in etcd unencrypted; add kms (v2) or secretbox first".to_string()),
                "identity" => (Severity::High, "identity is the first provider for secrets: new Secrets are written unencrypted; move kms (v2) or secretbox first and identity last".to_string()),
                "aescbc" => (Severity::Low, "aescbc encrypts secrets, but is weaker than KMS v2 or secretbox (padding oracle, key on disk); prefer kms (v2) or secretbox".to_string()),
                "aesgcm" => (Severity::Low, "aesgcm needs its key rotated every 200,000 writes, and the key stays on the control plane's disk; prefer kms (v2) or secretbox".to_string()),
                "kms" if first.key("apiVersion").and_then(|v| v.str()) != Some("v2") => (Severity::Low, "KMS v1 is deprecated (disabled by default since v1.29); use kms with apiVersion: v2".to_string()),
                _ => continue,
            };
            let mut f = Finding::new(meta, ri, first.path, message);
            f.severity = Some(severity);
            out.push(f);
        }
        if !covered {
            out.push(Finding::new(meta, ri, Path::parse("resources"), "no entry covers secrets: they are stored in etcd unencrypted; add an entry for secrets with kms (v2) or secretbox first".into()));
        }
    }
}

/// The first audit rule deciding events on `resource` in `group`, ignoring
/// rules narrowed to some users, verbs or namespaces (which decide only some
/// events): returns (rule index, level).
/// An audit rule's index and level.
type Decision<'v> = (usize, &'v str);

fn audit_level<'v>(
    rules: &[&'v Value],
    group: &str,
    resource: &str,
) -> (Vec<Decision<'v>>, Option<Decision<'v>>) {
    let mut partial = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let level = rule.get("level").and_then(Value::as_str).unwrap_or("None");
        let matches = match rule.get("resources").and_then(Value::as_array) {
            None => rule.get("nonResourceURLs").is_none(),
            Some(groups) => groups.iter().any(|g| {
                let rg = g.get("group").and_then(Value::as_str).unwrap_or("");
                let names = strings(g.get("resources"));
                (rg == group || rg == "*")
                    && (names.is_empty() || names.iter().any(|(_, n)| *n == resource || *n == "*"))
            }),
        };
        if !matches {
            continue;
        }
        let narrowed = ["users", "userGroups", "verbs", "namespaces"]
            .iter()
            .any(|k| {
                rule.get(k)
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
            });
        if narrowed {
            partial.push((i, level));
        } else {
            return (partial, Some((i, level)));
        }
    }
    (partial, None)
}

fn check_audit_policy(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &AUDIT_POLICY.meta;
    for (ri, r) in ctx.of_kind(Kind::AUDIT_POLICY) {
        let rules: Vec<Field> = r.field("rules").iter().flat_map(Field::items).collect();
        let values: Vec<&Value> = rules.iter().map(|r| r.value).collect();
        // A rule's level may be left out (it defaults to None): its path
        // is then where it would be.
        let level_at = |i: usize| rules[i].path.key("level");
        for (group, resource) in [
            ("", "secrets"),
            ("", "configmaps"),
            ("authentication.k8s.io", "tokenreviews"),
        ] {
            let (partial, decided) = audit_level(&values, group, resource);
            for (i, level) in partial.into_iter().chain(decided) {
                if matches!(level, "Request" | "RequestResponse") {
                    out.push(Finding::new(meta, ri, level_at(i), format!("rule {i} logs {resource} at {level} level: their contents (Secret data, tokens) are written into the audit log; log {resource} at Metadata level")));
                }
            }
            match decided {
                None => out.push(Finding::new(meta, ri, Path::parse("rules"), format!("no rule covers {resource}: access to them is not audited; add a Metadata-level rule for {resource}"))),
                Some((i, "None")) => out.push(Finding::new(meta, ri, level_at(i), format!("rule {i} drops events on {resource} (level: None): access to them is not audited; log {resource} at Metadata level first"))),
                _ => {}
            }
        }
    }
}

const LEVELS: &[&str] = &["privileged", "baseline", "restricted"];

fn check_admission_defaults(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &ADMISSION_POD_SECURITY_DEFAULTS.meta;
    let mut configs: Vec<(usize, Field)> = Vec::new();
    for (ri, r) in ctx.of_kind(Kind::ADMISSION_CONFIGURATION) {
        for plugin in r.field("plugins").iter().flat_map(Field::items) {
            if plugin.key("name").and_then(|n| n.str()) == Some("PodSecurity")
                && let Some(c) = plugin.key("configuration")
            {
                configs.push((ri, c));
            }
        }
    }
    for (ri, r) in ctx.of_kind(Kind::POD_SECURITY_CONFIGURATION) {
        configs.push((ri, Field::of(r)));
    }
    for (ri, c) in configs {
        let defaults = c.key("defaults");
        let enforce = defaults.as_ref().and_then(|d| d.key("enforce"));
        let set = enforce.as_ref().and_then(|e| e.str());
        let level = set.unwrap_or("privileged");
        if level == "restricted" || !LEVELS.contains(&level) {
            continue;
        }
        let enforce_unset = set.is_none();
        // The value, else the mapping that lacks it, else the configuration.
        let path = match (set, enforce, defaults) {
            (Some(_), Some(e), _) => e.path,
            (_, _, Some(d)) => d.path,
            _ => c.path,
        };
        out.push(Finding::new(meta, ri, path, format!("the PodSecurity plugin enforces \"{level}\" by default{}: namespaces without their own label admit pods a restricted policy rejects; set defaults.enforce: restricted and list exceptions under exemptions", if enforce_unset { " (enforce is not set)" } else { "" })));
    }
}
