//! Who may use the kubelet's API: anonymous requests and the token webhook
//! (CIS 4.2.1), authorization (4.2.2), client certificates (4.2.3), the
//! unauthenticated read-only port (4.2.4), and how long an idle exec or
//! port-forward stream stays open (4.2.5).

use super::*;

kubelet_rule!(
    KUBELET_ANONYMOUS_AUTH,
    "kubelet-anonymous-auth",
    "Kubelet accepts anonymous requests",
    Critical,
    [
        cis_k8s!(
            "4.2.1",
            "Ensure that the --anonymous-auth argument is set to false"
        ),
        k8s("authentication", "KubeletConfiguration", KUBELET_DOC),
        checkov(
            "CKV_K8S_138",
            "Ensure that the --anonymous-auth argument is set to false"
        )
    ],
    "The kubelet API runs commands in every pod of the node (/exec, /run) and reads their logs; with anonymous authentication anyone who reaches port 10250 is served as system:anonymous.",
    "Set `authentication.anonymous.enabled: false` and `authentication.webhook.enabled: true`, with `authentication.x509.clientCAFile` (on the command line `--anonymous-auth=false --authentication-token-webhook=true --client-ca-file=...`; without `--config` the command line's defaults are the open ones, so both flags are needed).",
    "set authentication.anonymous.enabled: false",
    kubelet!("authentication:\n  anonymous:\n    enabled: true\n"),
    kubelet!(
        "authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
    ),
    check_kubelet_anonymous
);

kubelet_rule!(
    KUBELET_AUTHORIZATION_MODE,
    "kubelet-authorization-mode",
    "Kubelet authorizes every request",
    Critical,
    [
        cis_k8s!(
            "4.2.2",
            "Ensure that the --authorization-mode argument is not set to AlwaysAllow"
        ),
        k8s("authorization", "KubeletConfiguration", KUBELET_DOC),
        checkov(
            "CKV_K8S_139",
            "Ensure that the --authorization-mode argument is not set to AlwaysAllow"
        )
    ],
    "With `authorization.mode: AlwaysAllow` every authenticated caller, including any pod with a ServiceAccount token, can exec into every pod on the node through the kubelet API.",
    "Set `authorization.mode: Webhook` (`--authorization-mode=Webhook`) so the kubelet asks the API server (SubjectAccessReview) for each request; without `--config` the command line's default is AlwaysAllow.",
    "set authorization.mode: Webhook",
    kubelet!("authorization:\n  mode: AlwaysAllow\n"),
    kubelet!("authorization:\n  mode: Webhook\n"),
    check_kubelet_authorization
);

kubelet_rule!(
    KUBELET_CLIENT_CA_FILE,
    "kubelet-client-ca-file",
    "Kubelet verifies no client certificates",
    Medium,
    [
        cis_k8s!(
            "4.2.3",
            "Ensure that the --client-ca-file argument is set as appropriate"
        ),
        k8s("authentication.x509", "KubeletConfiguration", KUBELET_DOC),
        k8s(
            "Kubelet authentication",
            "Kubelet authentication/authorization",
            "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"
        ),
        checkov(
            "CKV_K8S_140",
            "Ensure that the --client-ca-file argument is set as appropriate"
        )
    ],
    "The API server calls the kubelet (exec, attach, port-forward, logs) with its kubelet client certificate (`--kubelet-client-certificate`), and the kubelet accepts client certificates only when `authentication.x509.clientCAFile` names the CA that signed them; the field has no default. Without it those requests carry no credential the kubelet can check: with anonymous authentication off they are rejected and exec and logs fail, with it on they are served as system:anonymous, and bearer tokens (`authentication.webhook`) are the only other way in. Medium, not critical: a missing CA does not open the kubelet by itself (`kubelet-anonymous-auth` and `kubelet-authorization-mode` report the settings that do), but the usual way to make exec and logs work again without it is to turn anonymous access or AlwaysAllow on.",
    "Set `authentication.x509.clientCAFile` to the CA bundle that signs the API server's kubelet client certificate (on kubeadm clusters `/etc/kubernetes/pki/ca.crt`), keep `authentication.webhook.enabled: true` and `authentication.anonymous.enabled: false`.",
    "set authentication.x509.clientCAFile to the cluster CA bundle",
    kubelet!("authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n"),
    kubelet!(
        "authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
    ),
    check_kubelet_client_ca
);

kubelet_rule!(
    KUBELET_READ_ONLY_PORT,
    "kubelet-read-only-port",
    "Kubelet read-only port open",
    High,
    [
        cis_k8s!(
            "4.2.4",
            "Verify that if defined, the --read-only-port argument is set to 0"
        ),
        k8s("readOnlyPort", "KubeletConfiguration", KUBELET_DOC),
        checkov(
            "CKV_K8S_141",
            "Verify that if defined, the --read-only-port argument is set to 0"
        )
    ],
    "The read-only port serves pod specs, environment variables and node details without any authentication or authorization.",
    "Set `readOnlyPort: 0` (or remove it: 0 is the default in the config file) and remove `--read-only-port` from the command line, or set it to 0 (without `--config` the command line's default is 10255).",
    "set readOnlyPort: 0",
    kubelet!("readOnlyPort: 10255\n"),
    kubelet!("readOnlyPort: 0\n"),
    check_kubelet_read_only_port
);

kubelet_rule!(
    KUBELET_STREAMING_IDLE_TIMEOUT,
    "kubelet-streaming-idle-timeout",
    "Kubelet keeps idle exec and port-forward streams open",
    Low,
    [
        cis_k8s!(
            "4.2.5",
            "Ensure that the --streaming-connection-idle-timeout argument is not set to 0"
        ),
        checkov(
            "CKV_K8S_143",
            "Ensure that the --streaming-connection-idle-timeout argument is not set to 0"
        ),
        k8s(
            "streamingConnectionIdleTimeout",
            "KubeletConfiguration",
            KUBELET_DOC
        )
    ],
    "`--streaming-connection-idle-timeout=0` turns off the timeout that closes idle exec, attach and port-forward streams (the default is 4h): a forgotten `kubectl exec` shell or port-forward stays open, still authorised, until the connection's 4-hour cap, and idle streams pile up on the node. Only the flag can do it: the config file's `streamingConnectionIdleTimeout: 0` means \"not set\" and is defaulted to 4h, so it is not reported. Low: it lengthens what an already authorised session can do, it opens nothing.",
    "Remove `--streaming-connection-idle-timeout=0`, or set it (or `streamingConnectionIdleTimeout` in the config file) to a duration such as `5m`.",
    "set --streaming-connection-idle-timeout to a non-zero duration such as 5m",
    kubelet_pod!("--streaming-connection-idle-timeout=0"),
    kubelet_pod!("--streaming-connection-idle-timeout=5m"),
    check_kubelet_streaming
);

fn check_kubelet_anonymous(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_ANONYMOUS_AUTH.meta;
    for k in kubelets(ctx) {
        let field = "authentication.anonymous.enabled";
        match k.given_bool("anonymous-auth", field) {
            Given::Flag { command, flag, overrides } if flag_bool(flag) == Some(true) => push_unique(out, Finding::new(meta, command.resource, flag.path.clone(), format!("the kubelet serves requests without credentials as system:anonymous ({}{}); set --anonymous-auth=false", shown(flag), overriding(overrides, field)))),
            Given::Field { resource, path, value } if value.as_bool() == Some(true) => push_unique(out, Finding::new(meta, resource, path, "the kubelet serves requests without credentials as system:anonymous (authentication.anonymous.enabled: true); set it to false".into())),
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                push_unique(out, Finding::new(meta, ri, path, "the kubelet serves requests without credentials as system:anonymous (--anonymous-auth is not set and there is no --config, so true); set --anonymous-auth=false".into()));
            }
            _ => {}
        }
        let field = "authentication.webhook.enabled";
        match k.given_bool("authentication-token-webhook", field) {
            Given::Flag { command, flag, overrides } if flag_bool(flag) == Some(false) => push_unique(out, Finding::new(meta, command.resource, flag.path.clone(), format!("the kubelet does not verify bearer tokens with the API server ({}{}); set --authentication-token-webhook=true", shown(flag), overriding(overrides, field)))),
            Given::Field { resource, path, value } if value.as_bool() == Some(false) => push_unique(out, Finding::new(meta, resource, path, "the kubelet does not verify bearer tokens with the API server (authentication.webhook.enabled: false); set it to true".into())),
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                push_unique(out, Finding::new(meta, ri, path, "the kubelet does not verify bearer tokens with the API server (--authentication-token-webhook is not set and there is no --config, so false); set --authentication-token-webhook=true".into()));
            }
            _ => {}
        }
    }
}

/// Whether the kubelet serves anonymous requests, as far as the bundle says.
fn anonymous_on(k: &Kubelet) -> bool {
    match k.given_bool("anonymous-auth", "authentication.anonymous.enabled") {
        Given::Flag { flag, .. } => flag_bool(flag) == Some(true),
        Given::Field { value, .. } => value.as_bool() == Some(true),
        Given::Default(d) => d == Defaults::CommandLine,
    }
}

fn check_kubelet_client_ca(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_CLIENT_CA_FILE.meta;
    for k in kubelets(ctx) {
        let consequence = match (anonymous_on(&k), k.command.is_some()) {
            (true, false) => {
                "the API server's exec, logs and port-forward requests are served as system:anonymous (authentication.anonymous.enabled: true)"
            }
            (true, true) => {
                "the API server's exec, logs and port-forward requests are served as system:anonymous (anonymous authentication is on)"
            }
            (false, _) => {
                "the API server's exec, logs and port-forward requests are rejected (anonymous authentication is off)"
            }
        };
        let (ri, path, state, advice) =
            match k.given("client-ca-file", "authentication.x509.clientCAFile") {
                Given::Flag { .. } => continue,
                Given::Field {
                    value: Value::String(s),
                    ..
                } if !s.trim().is_empty() => continue,
                Given::Field { resource, path, .. } => (
                    resource,
                    path,
                    "authentication.x509.clientCAFile is empty",
                    "set clientCAFile",
                ),
                Given::Default(Defaults::ConfigFile) => {
                    let Some((ri, r)) = k.config else { continue };
                    let path = if value_at(&r.json, "authentication.x509").is_some() {
                        Path::parse("authentication.x509")
                    } else if r.json.get("authentication").is_some() {
                        Path::parse("authentication")
                    } else {
                        Path::parse("kind")
                    };
                    (
                        ri,
                        path,
                        "authentication.x509.clientCAFile is not set",
                        "set clientCAFile",
                    )
                }
                Given::Default(Defaults::CommandLine) => {
                    let (ri, path) = k.anchor();
                    (
                        ri,
                        path,
                        "--client-ca-file is not set and there is no --config",
                        "set --client-ca-file",
                    )
                }
                Given::Default(Defaults::Unknown) => continue,
            };
        report(
            out,
            meta,
            ri,
            path,
            format!(
                "the kubelet verifies no client certificates ({state}): {consequence}; {advice} to the CA bundle that signs the API server's kubelet client certificate"
            ),
        );
    }
}

fn check_kubelet_authorization(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_AUTHORIZATION_MODE.meta;
    let field = "authorization.mode";
    for k in kubelets(ctx) {
        let given = k.given("authorization-mode", field);
        let message = match &given {
            Given::Flag {
                flag, overrides, ..
            } => {
                let mode = flag.value.as_deref().unwrap_or_default();
                if mode == "Webhook" {
                    continue;
                }
                format!(
                    "the kubelet authorizes with {mode} ({}): every authenticated caller can exec into the node's pods; set --authorization-mode=Webhook",
                    flag_state(flag, *overrides, field)
                )
            }
            Given::Field { value, .. } => match value.as_str().filter(|m| *m != "Webhook") {
                Some(mode) => format!(
                    "the kubelet authorizes with {mode}: every authenticated caller can exec into the node's pods; set authorization.mode: Webhook"
                ),
                None => continue,
            },
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                report(out, meta, ri, path, "the kubelet authorizes with AlwaysAllow (--authorization-mode is not set and there is no --config): every authenticated caller can exec into the node's pods; set --authorization-mode=Webhook".into());
                continue;
            }
            Given::Default(_) => continue,
        };
        report_given(out, meta, &given, message);
    }
}

fn check_kubelet_read_only_port(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_READ_ONLY_PORT.meta;
    let field = "readOnlyPort";
    for k in kubelets(ctx) {
        let given = k.given("read-only-port", field);
        let message = match &given {
            Given::Flag {
                flag, overrides, ..
            } => match flag_int(flag).filter(|p| *p != 0) {
                Some(port) => format!(
                    "the kubelet serves pod and node details without authentication on port {port} ({}); set --read-only-port=0",
                    flag_state(flag, *overrides, field)
                ),
                None => continue,
            },
            Given::Field { value, .. } => match value.as_i64().filter(|p| *p != 0) {
                Some(port) => format!(
                    "the kubelet serves pod and node details without authentication on port {port} (readOnlyPort: {port}); set readOnlyPort: 0"
                ),
                None => continue,
            },
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                report(out, meta, ri, path, "the kubelet serves pod and node details without authentication on port 10255 (--read-only-port is not set and there is no --config, so 10255); set --read-only-port=0".into());
                continue;
            }
            Given::Default(_) => continue,
        };
        report_given(out, meta, &given, message);
    }
}

/// Whether a Go duration (`0`, `0s`, `1h30m`, `-5m`) is zero; `None` when it
/// does not parse (the kubelet then refuses to start).
fn zero_duration(s: &str) -> Option<bool> {
    let s = s.trim();
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return Some(true);
    }
    if s.is_empty() {
        return None;
    }
    let mut zero = true;
    let mut rest = s;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..u],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return None;
        }
        rest = &rest[u..];
        zero &= number == 0.0;
    }
    Some(zero)
}

fn check_kubelet_streaming(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_STREAMING_IDLE_TIMEOUT.meta;
    let field = "streamingConnectionIdleTimeout";
    for k in kubelets(ctx) {
        // A zero in the file is defaulted to 4h: only the flag can say 0.
        if let Given::Flag {
            command,
            flag,
            overrides,
        } = k.given("streaming-connection-idle-timeout", field)
            && flag.value.as_deref().and_then(zero_duration) == Some(true)
        {
            report(
                out,
                meta,
                command.resource,
                flag.path.clone(),
                format!(
                    "the kubelet never closes idle exec, attach and port-forward streams ({}{}); set --streaming-connection-idle-timeout to a non-zero duration such as 5m",
                    shown(flag),
                    overriding(overrides, field)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::zero_duration;

    #[test]
    fn durations_are_zero_as_go_reads_them() {
        for zero in ["0", "0s", "0m0s", "0h0m0.0s", "-0s"] {
            assert_eq!(zero_duration(zero), Some(true), "{zero}");
        }
        for some in ["5m", "1h0m0s", "300ms", "0.5s"] {
            assert_eq!(zero_duration(some), Some(false), "{some}");
        }
        for bad in ["", "5", "m", "5 minutes", "1x"] {
            assert_eq!(zero_duration(bad), None, "{bad}");
        }
    }
}
