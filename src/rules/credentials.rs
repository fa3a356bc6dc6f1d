//! What a credential looks like, by name and by value: one judgement shared
//! by the rules that look for credentials written into manifests
//! (`env-secret-literal` for container environment variables,
//! `configmap-secret-data` for ConfigMap keys), so the same name with the
//! same value is reported by both or by neither.

/// Words that name a credential (`DB_PASSWORD`, `api-key`, `clientSecret`),
/// matched against a name's words and pairs of adjacent words.
const CREDENTIAL_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "credentials",
    "accesskey",
    "secretkey",
    "authkey",
    "clientsecret",
];

/// Words before a final `key` that make it a credential (`AZURE_BATCH_KEY`,
/// `STORAGE_ACCOUNT_KEY`, `ENCRYPTION_KEY`), rather than a lookup key
/// (`CACHE_KEY`, `PARTITION_KEY`) or a public one (`PUBLIC_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "access",
    "account",
    "admin",
    "aes",
    "api",
    "app",
    "application",
    "auth",
    "batch",
    "cipher",
    "cli",
    "client",
    "consumer",
    "crypt",
    "cryptographic",
    "decryption",
    "encryption",
    "gpg",
    "hmac",
    "ingest",
    "jwt",
    "license",
    "master",
    "pgp",
    "primary",
    "private",
    "root",
    "secondary",
    "service",
    "session",
    "shared",
    "sign",
    "signing",
    "ssh",
    "storage",
    "subscription",
    "webhook",
    "write",
];

/// Final words that say the name holds the thing named before them
/// (`OCI_CLI_KEY_CONTENT`, `TLS_KEY_PEM`, `PASSWORD_BASE64`).
const HOLDER_WORDS: &[&str] = &[
    "content", "contents", "data", "value", "material", "pem", "base64", "b64", "string",
];

/// Final words that say the name points at, names or configures a
/// credential rather than holding it (`PASSWORD_FILE`, `tokenPath`,
/// `secretName`, `TOKEN_TTL`).
const POINTER_WORDS: &[&str] = &[
    "file",
    "path",
    "dir",
    "ref",
    "name",
    "names",
    "id",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "enabled",
    "enable",
    "length",
    "header",
    "type",
    "url",
    "uri",
    "endpoint",
    "field",
    "mode",
    "seconds",
    "duration",
    "version",
    "policy",
    "audience",
    "issuer",
    "resource",
    "location",
    "format",
    "env",
    "source",
    "provider",
    "key",
];

/// A name's words: camelCase, snake_case, kebab-case and dotted names split,
/// lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
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

/// A word that is, or ends with, a credential word (`dbpassword`,
/// `githubtoken`; not `tokenizer`).
fn credential_word(w: &str) -> bool {
    CREDENTIAL_WORDS.iter().any(|c| w.ends_with(c))
}

/// Whether a variable or key name says it holds a credential.
pub fn credential_name(name: &str) -> bool {
    let mut w = words(name);
    while w.len() > 1 && w.last().is_some_and(|l| HOLDER_WORDS.contains(&l.as_str())) {
        w.pop();
    }
    let Some(last) = w.last().map(String::as_str) else {
        return false;
    };
    let before = w.len().checked_sub(2).map(|i| w[i].as_str());
    if last == "key" {
        // `SECRET_KEY`, `API_KEY`, `AZURE_BATCH_KEY`; not `TOKEN_KEY` (the
        // key a token is stored under) or `CACHE_KEY`.
        return before.is_some_and(|b| {
            KEY_QUALIFIERS.contains(&b) || CREDENTIAL_WORDS.contains(&format!("{b}key").as_str())
        });
    }
    if POINTER_WORDS.contains(&last) && !credential_word(last) {
        return false;
    }
    w.iter().any(|x| credential_word(x))
        || w.windows(2)
            .any(|p| CREDENTIAL_WORDS.contains(&format!("{}{}", p[0], p[1]).as_str()))
}

/// Whether a value is clearly not a credential: too short, a reference
/// (`$(VAR)`, `${VAR}`, `{{ .Values.x }}`), a path or URL, a flag, a number,
/// or a placeholder (`changeme`, `<password>`, `xxx`).
pub fn placeholder(v: &str) -> bool {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    v.len() < 6
        || v.contains(char::is_whitespace)
        || v.contains("$(")
        || v.contains("${")
        || v.contains("{{")
        || ["<", "/", "http://", "https://", "xxx", "***", "redacted"]
            .iter()
            .any(|p| lower.starts_with(p))
        || matches!(
            lower.as_str(),
            "true"
                | "false"
                | "enabled"
                | "disabled"
                | "changeme"
                | "change-me"
                | "password"
                | "secret"
                | "placeholder"
        )
        || v.chars().all(|c| c.is_ascii_digit())
}

/// What a value is when it has the shape of a well-known credential,
/// whatever its name.
pub fn credential_shape(v: &str) -> Option<&'static str> {
    let v = v.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY-----") {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for k in [
            "DB_PASSWORD",
            "apiKey",
            "API_KEY",
            "client-secret",
            "GITHUB_TOKEN",
            "aws_secret_access_key",
            "AWS_SECRET_ACCESS_KEY",
            "privateKey",
            "AZURE_BATCH_KEY",
            "OCI_CLI_KEY_CONTENT",
            "MYSQL_ROOT_PASSWORD",
            "DBPASSWORD",
            "SECRET_KEY",
            "ENCRYPTION_KEY",
            "password.value",
        ] {
            assert!(credential_name(k), "{k}");
        }
        for k in [
            "passwordFile",
            "PASSWORD_FILE",
            "tokenPath",
            "secretName",
            "DB_HOST",
            "admin.enabled",
            "token.ttl",
            "TOKEN_TTL",
            "keyboard",
            "CACHE_KEY",
            "PUBLIC_KEY",
            "TOKEN_KEY",
            "AWS_ACCESS_KEY_ID",
            "TOKENIZER_MODEL",
            "key",
            "SECRET_NAME",
        ] {
            assert!(!credential_name(k), "{k}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "abc",
            "changeme",
            "${DB_PASSWORD}",
            "$(TOKEN)",
            "<password>",
            "/etc/x",
            "12345678",
            "{{ .Values.p }}",
            "true",
            "xxxxxx",
            "two words",
        ] {
            assert!(placeholder(v), "{v}");
        }
        for v in ["hunter2hunter2", "s3cr3t-Pa55", "AKIAIOSFODNN7EXAMPLE"] {
            assert!(!placeholder(v), "{v}");
        }
    }
}
