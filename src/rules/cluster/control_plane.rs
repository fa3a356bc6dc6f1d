//! Control-plane flags in static pod manifests (`/etc/kubernetes/manifests`):
//! kube-apiserver, etcd, kube-controller-manager and kube-scheduler, as the
//! CIS Kubernetes Benchmark (sections 1.2, 1.3, 1.4 and 2) lists them. CIS ids
//! are v2.0's (`cis_k8s!`), the same as v1.12's for these sections.
//!
//! A component is a container whose command (or, without a command, whose
//! args) starts with the component's binary, or a container without a command
//! whose args begin with a flag and whose image names the component
//! (`registry.k8s.io/etcd:3.5.15-0`: the image's entrypoint runs it) or whose
//! pod carries kubeadm's `component: <binary>` label. Flags are read from
//! command and args in both `--flag=value` and `--flag value` forms; a flag
//! given an empty value (`--tls-cert-file=`), or a non-boolean flag with no
//! value, counts as absent. A finding sits on the flag's list item, or on the
//! binary's item (the image, for an entrypoint-started container) when a
//! required flag is missing.
//! Flags Kubernetes removed (`--insecure-port`, `--basic-auth-file`,
//! `--kubelet-https`, the PodSecurityPolicy and SecurityContextDeny plugins)
//! are not checked.

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::cluster::config_files::weak_tls_version;
use crate::rules::cluster::k8s;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

macro_rules! static_pod {
    ($binary:literal, $($flag:literal),* $(,)?) => {
        concat!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ", $binary, "\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n  - name: ", $binary, "\n    image: registry.k8s.io/", $binary, ":v1.33.0\n    command:\n    - ", $binary, "\n",
            $("    - ", $flag, "\n",)*
        )
    };
}

macro_rules! flag_rule {
    ($($rule:tt)*) => {
        configuration_rule!("control-plane", $($rule)*);
    };
}

/// One flag of a command line.
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    /// The list item holding the flag's name.
    pub path: Path,
}

/// A control-plane component's command line.
pub struct Command {
    pub resource: usize,
    /// The binary's list item (where a missing flag is reported).
    pub anchor: Path,
    pub binary: &'static str,
    pub flags: Vec<Flag>,
}

impl Command {
    /// The flag's last occurrence (the one the binary keeps), or `None` when
    /// it is absent or given an empty value (`--tls-cert-file=`): an empty
    /// path, address or list configures nothing.
    pub fn get(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .rev()
            .find(|f| f.name == name)
            .filter(|f| f.value.as_deref().is_none_or(|v| !v.trim().is_empty()))
    }

    /// The flag's value, when it has a non-empty one: a bare `--tls-cert-file`
    /// followed by another flag has none.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|f| f.value.as_deref())
    }

    /// Whether the flag is set to a value (not bare, not empty).
    pub fn has(&self, name: &str) -> bool {
        self.value(name).is_some()
    }

    /// A comma-separated flag's items.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.value(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Whether an image names a component: its repository's last segment is the
/// binary, possibly with an architecture suffix (`registry.k8s.io/etcd:3.5.15-0`,
/// `k8s.gcr.io/kube-apiserver-amd64:v1.11.0`).
fn image_runs(image: &str, binary: &str) -> bool {
    let repo = crate::rules::workload::parse_image(image).repository;
    let last = repo.rsplit('/').next().unwrap_or(repo);
    last == binary
        || last.strip_prefix(binary).is_some_and(|rest| {
            matches!(rest, "-amd64" | "-arm64" | "-arm" | "-ppc64le" | "-s390x")
        })
}

/// Every container of the input that runs `binary`.
pub fn commands(ctx: &Context, binary: &'static str) -> Vec<Command> {
    let mut out = Vec::new();
    for w in ctx.workloads {
        // kubeadm's static pods are labelled `component: <binary>`.
        let labelled = w
            .meta
            .labels
            .as_ref()
            .and_then(|l| l.get("component"))
            .is_some_and(|c| c == binary);
        for c in w.containers() {
            // Most containers run something else: look at argv[0] before
            // building paths for every argument.
            let command = c.container.command.as_deref().unwrap_or_default();
            let args = c.container.args.as_deref().unwrap_or_default();
            let first = command.iter().chain(args).next();
            let named = |s: &String| s.rsplit('/').next() == Some(binary);
            // The binary's own item; or, for a container started through its
            // image's entrypoint (no command, args that begin with a flag),
            // an image that names the component or a kubeadm label.
            let by_entrypoint = command.is_empty()
                && args.first().is_some_and(|a| a.starts_with('-'))
                && (labelled
                    || c.container
                        .image
                        .as_deref()
                        .is_some_and(|i| image_runs(i, binary)));
            if !first.is_some_and(named) && !by_entrypoint {
                continue;
            }
            let argv: Vec<(Path, &str)> = command
                .iter()
                .enumerate()
                .map(|(i, s)| (c.path.key("command").index(i), s.as_str()))
                .chain(
                    args.iter()
                        .enumerate()
                        .map(|(i, s)| (c.path.key("args").index(i), s.as_str())),
                )
                .collect();
            // Flags start after the binary's item; without one, at argv[0],
            // and a missing flag is reported on the image.
            let (anchor, start) = if by_entrypoint {
                (c.path.key("image"), 0)
            } else {
                (argv[0].0.clone(), 1)
            };
            let mut flags = Vec::new();
            let mut i = start;
            while i < argv.len() {
                let (path, item) = &argv[i];
                i += 1;
                let Some(flag) = item.strip_prefix("--").or_else(|| item.strip_prefix('-')) else {
                    continue;
                };
                let (name, value) = match flag.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => match argv.get(i) {
                        // A negative number is a value (pflag takes it
                        // as one), not a flag.
                        Some((_, next))
                            if !next.starts_with('-') || next.parse::<f64>().is_ok() =>
                        {
                            i += 1;
                            (flag.to_string(), Some(next.to_string()))
                        }
                        _ => (flag.to_string(), None),
                    },
                };
                flags.push(Flag {
                    name,
                    value,
                    path: path.clone(),
                });
            }
            out.push(Command {
                resource: w.resource,
                anchor,
                binary,
                flags,
            });
        }
    }
    out
}

/// What a flag must be.
#[derive(Clone, Copy)]
pub enum Want {
    /// Set to this value (a missing flag is a finding).
    Is(&'static str),
    /// Set to anything.
    Set,
    /// Not set.
    Unset,
    /// Not set to this value (a missing flag is fine); a bare flag is `true`.
    Not(&'static str),
}

pub fn expect(
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    cmd: &Command,
    flag: &str,
    want: Want,
    why: &str,
) {
    // A bare flag is `true` for a boolean flag; any other flag needs a
    // value, and without one it is as good as absent.
    let boolean = match want {
        Want::Is(v) | Want::Not(v) => v == "true" || v == "false",
        Want::Set | Want::Unset => false,
    };
    let f = cmd.get(flag).filter(|f| boolean || f.value.is_some());
    let value = f.map(|f| f.value.as_deref().unwrap_or("true"));
    let (bad, path, message) = match (want, f, value) {
        (Want::Is(v), None, _) => (
            true,
            cmd.anchor.clone(),
            format!(
                "{} runs without --{flag}: {why}; set --{flag}={v}",
                cmd.binary
            ),
        ),
        (Want::Is(v), Some(f), Some(have)) => (
            !have.eq_ignore_ascii_case(v),
            f.path.clone(),
            format!(
                "{} runs with --{flag}={have}: {why}; set --{flag}={v}",
                cmd.binary
            ),
        ),
        (Want::Set, None, _) => (
            true,
            cmd.anchor.clone(),
            format!("{} runs without --{flag}: {why}", cmd.binary),
        ),
        (Want::Unset, Some(f), Some(have)) => (
            true,
            f.path.clone(),
            format!("{} runs with --{flag}={have}: {why}; remove it", cmd.binary),
        ),
        (Want::Not(v), Some(f), Some(have)) => (
            have.eq_ignore_ascii_case(v),
            f.path.clone(),
            format!("{} runs with --{flag}={have}: {why}", cmd.binary),
        ),
        _ => (false, Path::root(), String::new()),
    };
    if bad {
        out.push(Finding::new(meta, cmd.resource, path, message));
    }
}

const APISERVER_DOC: &str =
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/";

flag_rule!(
    APISERVER_ANONYMOUS_AUTH,
    "apiserver-anonymous-auth",
    "API server accepts anonymous requests",
    High,
    [
        cis_k8s!(
            "1.2.1",
            "Ensure that the --anonymous-auth argument is set to false"
        ),
        k8s("--anonymous-auth", "kube-apiserver flags", APISERVER_DOC)
    ],
    "With anonymous authentication on (the default) every request without credentials is served as `system:anonymous`: any RBAC binding to it, or a mistake in one, is open to the network.",
    "Run kube-apiserver with `--anonymous-auth=false`, or restrict anonymous access to health endpoints with an AuthenticationConfiguration (`--authentication-config`).",
    "set --anonymous-auth=false",
    static_pod!("kube-apiserver", "--authorization-mode=Node,RBAC"),
    static_pod!("kube-apiserver", "--anonymous-auth=false"),
    check_apiserver_anonymous
);

flag_rule!(
    APISERVER_AUTHORIZATION_MODE,
    "apiserver-authorization-mode",
    "API server authorization mode",
    Critical,
    [
        cis_k8s!(
            "1.2.6",
            "Ensure that the --authorization-mode argument is not set to AlwaysAllow"
        ),
        cis_k8s!(
            "1.2.7",
            "Ensure that the --authorization-mode argument includes Node"
        ),
        cis_k8s!(
            "1.2.8",
            "Ensure that the --authorization-mode argument includes RBAC"
        )
    ],
    "AlwaysAllow (the default without the flag) authorizes every authenticated request; without Node, kubelets can read any Secret; without RBAC, roles and bindings are ignored.",
    "Run kube-apiserver with `--authorization-mode=Node,RBAC` (or an AuthorizationConfiguration with Node and RBAC authorizers).",
    "set --authorization-mode=Node,RBAC",
    static_pod!("kube-apiserver", "--authorization-mode=AlwaysAllow"),
    static_pod!("kube-apiserver", "--authorization-mode=Node,RBAC"),
    check_apiserver_authorization
);

flag_rule!(
    APISERVER_ADMISSION_PLUGINS,
    "apiserver-admission-plugins",
    "API server admission plugins",
    High,
    [
        cis_k8s!(
            "1.2.10",
            "Ensure that the admission control plugin AlwaysAdmit is not set"
        ),
        cis_k8s!(
            "1.2.12",
            "Ensure that the admission control plugin ServiceAccount is set"
        ),
        cis_k8s!(
            "1.2.13",
            "Ensure that the admission control plugin NamespaceLifecycle is set"
        ),
        cis_k8s!(
            "1.2.14",
            "Ensure that the admission control plugin NodeRestriction is set"
        )
    ],
    "NodeRestriction limits each kubelet to its own Node and pods (without it one compromised node rewrites the others); PodSecurity enforces the namespace labels; ServiceAccount and NamespaceLifecycle are on by default and their removal breaks token and namespace guarantees; AlwaysAdmit turns admission off.",
    "Add NodeRestriction to `--enable-admission-plugins`, never list AlwaysAdmit, and keep PodSecurity, ServiceAccount and NamespaceLifecycle out of `--disable-admission-plugins`.",
    "enable NodeRestriction; do not disable PodSecurity, ServiceAccount or NamespaceLifecycle",
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=AlwaysAdmit",
        "--disable-admission-plugins=PodSecurity"
    ),
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction"
    ),
    check_apiserver_admission
);

flag_rule!(
    APISERVER_AUDIT_LOG,
    "apiserver-audit-log",
    "API server audit logging",
    Medium,
    [
        cis_k8s!("1.2.16", "Ensure that the --audit-log-path argument is set"),
        cis_k8s!(
            "1.2.17",
            "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate"
        ),
        cis_k8s!(
            "1.2.18",
            "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate"
        ),
        cis_k8s!(
            "1.2.19",
            "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate"
        ),
        cis_k8s!("3.2.1", "Ensure that a minimal audit policy is created")
    ],
    "Without an audit log and policy there is no record of who read a Secret, exec'd into a pod or changed a binding; short retention deletes the record before anyone looks.",
    "Set `--audit-policy-file` and `--audit-log-path` (or `--audit-webhook-config-file`), with `--audit-log-maxage=30`, `--audit-log-maxbackup=10` and `--audit-log-maxsize=100` or more.",
    "set --audit-policy-file and --audit-log-path",
    static_pod!("kube-apiserver", "--profiling=false"),
    static_pod!(
        "kube-apiserver",
        "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
        "--audit-log-path=/var/log/kubernetes/audit.log",
        "--audit-log-maxage=30",
        "--audit-log-maxbackup=10",
        "--audit-log-maxsize=100"
    ),
    check_apiserver_audit
);

flag_rule!(
    APISERVER_PROFILING,
    "apiserver-profiling",
    "API server profiling endpoint",
    Low,
    [cis_k8s!(
        "1.2.15",
        "Ensure that the --profiling argument is set to false"
    )],
    "Profiling (on by default) serves /debug/pprof, which reveals program internals and can be used to load the server.",
    "Run kube-apiserver with `--profiling=false`.",
    "set --profiling=false",
    static_pod!("kube-apiserver", "--anonymous-auth=false"),
    static_pod!("kube-apiserver", "--profiling=false"),
    check_apiserver_profiling
);

flag_rule!(
    APISERVER_INSECURE,
    "apiserver-insecure",
    "API server transport and credential settings",
    High,
    [
        cis_k8s!(
            "1.2.2",
            "Ensure that the --token-auth-file parameter is not set"
        ),
        cis_k8s!(
            "1.2.4",
            "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate"
        ),
        cis_k8s!(
            "1.2.5",
            "Ensure that the --kubelet-certificate-authority argument is set as appropriate"
        ),
        cis_k8s!(
            "1.2.21",
            "Ensure that the --service-account-lookup argument is set to true"
        ),
        cis_k8s!(
            "1.2.22",
            "Ensure that the --service-account-key-file argument is set as appropriate"
        ),
        cis_k8s!(
            "1.2.23",
            "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate"
        ),
        cis_k8s!(
            "1.2.24",
            "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate"
        ),
        cis_k8s!(
            "1.2.25",
            "Ensure that the --client-ca-file argument is set as appropriate"
        ),
        cis_k8s!(
            "1.2.26",
            "Ensure that the --etcd-cafile argument is set as appropriate"
        ),
        cis_k8s!(
            "1.2.27",
            "Ensure that the --encryption-provider-config argument is set as appropriate"
        ),
        cis_k8s!(
            "1.2.29",
            "Ensure that the API Server only makes use of Strong Cryptographic Ciphers"
        )
    ],
    "A static token file holds long-lived plaintext credentials; without the kubelet CA and client certificate the API server talks to kubelets without verifying them; without an encryption provider config Secrets are stored in etcd in plaintext; without etcd and serving certificates traffic is unauthenticated; weak cipher suites allow downgrade and decryption.",
    "Remove `--token-auth-file`; set `--kubelet-certificate-authority`, `--kubelet-client-certificate/-key`, `--etcd-cafile/-certfile/-keyfile`, `--tls-cert-file/--tls-private-key-file`, `--client-ca-file`, `--service-account-key-file` and `--encryption-provider-config`; limit `--tls-cipher-suites` to AEAD suites with forward secrecy and keep `--tls-min-version` at VersionTLS12 or higher.",
    "configure certificates, encryption at rest and strong ciphers; remove the token file",
    static_pod!(
        "kube-apiserver",
        "--token-auth-file=/etc/kubernetes/tokens.csv"
    ),
    static_pod!(
        "kube-apiserver",
        "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
        "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
        "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
        "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
        "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
        "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
        "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
        "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
        "--encryption-provider-config=/etc/kubernetes/encryption.yaml",
        "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    ),
    check_apiserver_insecure
);

flag_rule!(
    APISERVER_EXTERNAL_IPS,
    "apiserver-external-ips",
    "API server admits Services with externalIPs",
    Medium,
    [
        cis_k8s!("1.2.3", "Ensure that the --DenyServiceExternalIPs is set"),
        k8s(
            "DenyServiceExternalIPs",
            "Admission controllers",
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips"
        ),
        k8s(
            "CVE-2020-8554",
            "Man in the middle using LoadBalancer or ExternalIPs",
            "https://github.com/kubernetes/kubernetes/issues/97076"
        )
    ],
    "Without the DenyServiceExternalIPs admission plugin, whoever can create or update a Service can set `spec.externalIPs` to any address and have every node capture traffic meant for it, inside or outside the cluster (CVE-2020-8554: Kubernetes does not fix it, the plugin or an admission policy mitigates it; Trivy KCV-0003, Kubescape C-0115).",
    "Add DenyServiceExternalIPs to `--enable-admission-plugins` (it rejects new uses of `externalIPs`; Services that already have them keep working). If some Services really need externalIPs, allow them through a ValidatingAdmissionPolicy or policy engine limited to approved addresses instead.",
    "add DenyServiceExternalIPs to --enable-admission-plugins",
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction"
    ),
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs"
    ),
    check_apiserver_external_ips
);

flag_rule!(
    APISERVER_EVENT_RATE_LIMIT,
    "apiserver-event-rate-limit",
    "API server does not rate-limit Events",
    Low,
    [
        cis_k8s!(
            "1.2.9",
            "Ensure that the admission control plugin EventRateLimit is set"
        ),
        k8s(
            "EventRateLimit",
            "Admission controllers",
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#eventratelimit"
        )
    ],
    "Every component and many workloads write Events; a faulty or hostile client can flood the API server and etcd with them and bury the events operators need. The EventRateLimit plugin (alpha, configured through the admission configuration file) caps them per server, namespace, user or source object (Checkov CKV_K8S_78, Trivy KCV-0010, Kubescape C-0121). API Priority and Fairness limits requests in general, not Events in particular.",
    "Add EventRateLimit to `--enable-admission-plugins` and point `--admission-control-config-file` at an AdmissionConfiguration whose EventRateLimit entry (eventratelimit.admission.k8s.io/v1alpha1) sets limits, for example of type Namespace and User.",
    "enable EventRateLimit with --admission-control-config-file",
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction"
    ),
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction,EventRateLimit",
        "--admission-control-config-file=/etc/kubernetes/admission.yaml"
    ),
    check_apiserver_event_rate_limit
);

flag_rule!(
    APISERVER_ALWAYS_PULL_IMAGES,
    "apiserver-always-pull-images",
    "API server lets pods reuse images cached on the node",
    Low,
    [
        cis_k8s!(
            "1.2.11",
            "Ensure that the admission control plugin AlwaysPullImages is set"
        ),
        k8s(
            "AlwaysPullImages",
            "Admission controllers",
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages"
        )
    ],
    "Once an image is on a node, the kubelet starts it for any pod that names it (imagePullPolicy IfNotPresent or Never) without asking the registry whether that pod's imagePullSecrets may read it: on a multi-tenant cluster one tenant runs, and reads the contents of, another tenant's private image by knowing its name. The AlwaysPullImages plugin sets every new container's imagePullPolicy to Always, so the registry checks the pod's credentials at each start (Checkov CKV_K8S_80, Trivy KCV-0012, Kubescape C-0123). It costs an image pull (at least a manifest request) at every container start, and pods cannot start while the registry is unreachable; a single-tenant cluster can reasonably leave it off and disable this rule.",
    "Add AlwaysPullImages to `--enable-admission-plugins` on multi-tenant clusters, with a registry (or pull-through cache) close to the nodes. From Kubernetes 1.33 (alpha, beta in 1.35) the kubelet's KubeletEnsureSecretPulledImages feature with `imagePullCredentialsVerificationPolicy` re-checks credentials for images already on the node without pulling them again.",
    "add AlwaysPullImages to --enable-admission-plugins",
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction"
    ),
    static_pod!(
        "kube-apiserver",
        "--enable-admission-plugins=NodeRestriction,AlwaysPullImages"
    ),
    check_apiserver_always_pull_images
);

flag_rule!(
    APISERVER_SERVICE_ACCOUNT_TOKEN_EXPIRATION,
    "apiserver-service-account-token-expiration",
    "API server extends ServiceAccount token lifetimes",
    Low,
    [
        cis_k8s!(
            "1.2.30",
            "Ensure that the --service-account-extend-token-expiration parameter is set to false"
        ),
        k8s(
            "--service-account-extend-token-expiration",
            "kube-apiserver flags",
            APISERVER_DOC
        ),
        k8s(
            "Bound service account tokens",
            "Service account token volume projection",
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection"
        )
    ],
    "`--service-account-extend-token-expiration` is on by default (since v1.20): pods' projected ServiceAccount tokens, requested for about an hour, are issued valid for a year so that clients which never reload their token keep working. A token stolen from a pod then stays usable for as long as the pod exists, up to a year, instead of an hour (Kubescape C-0290).",
    "Find clients that still use tokens past their requested lifetime (audit events annotated `authentication.k8s.io/stale-token`), update them to reload the token file periodically (current official client libraries do), then run kube-apiserver with `--service-account-extend-token-expiration=false`.",
    "set --service-account-extend-token-expiration=false",
    static_pod!("kube-apiserver", "--profiling=false"),
    static_pod!(
        "kube-apiserver",
        "--service-account-extend-token-expiration=false"
    ),
    check_apiserver_token_expiration
);

flag_rule!(
    ETCD_CLIENT_CERT_AUTH,
    "etcd-client-cert-auth",
    "etcd client TLS and authentication",
    High,
    [
        cis_k8s!(
            "2.1",
            "Ensure that the --cert-file and --key-file arguments are set as appropriate"
        ),
        cis_k8s!(
            "2.2",
            "Ensure that the --client-cert-auth argument is set to true"
        )
    ],
    "etcd holds every object of the cluster, Secrets included. Without client TLS and `--client-cert-auth=true` anyone who reaches its port reads and writes it directly, bypassing authentication, RBAC and audit.",
    "Run etcd with `--cert-file`, `--key-file`, `--trusted-ca-file` and `--client-cert-auth=true`.",
    "set --client-cert-auth=true with --cert-file and --key-file",
    static_pod!(
        "etcd",
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
        "--key-file=/etc/kubernetes/pki/etcd/server.key"
    ),
    static_pod!(
        "etcd",
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
        "--key-file=/etc/kubernetes/pki/etcd/server.key",
        "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
        "--client-cert-auth=true"
    ),
    check_etcd_client
);

flag_rule!(
    ETCD_PEER_TLS,
    "etcd-peer-tls",
    "etcd peer TLS and authentication",
    High,
    [
        cis_k8s!(
            "2.4",
            "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate"
        ),
        cis_k8s!(
            "2.5",
            "Ensure that the --peer-client-cert-auth argument is set to true"
        )
    ],
    "Without peer TLS and peer certificate authentication, etcd members replicate the whole cluster state in plaintext and accept any host that claims to be a member.",
    "Run etcd with `--peer-cert-file`, `--peer-key-file`, `--peer-trusted-ca-file` and `--peer-client-cert-auth=true`.",
    "set --peer-cert-file, --peer-key-file and --peer-client-cert-auth=true",
    static_pod!("etcd", "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt"),
    static_pod!(
        "etcd",
        "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
        "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
        "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
        "--peer-client-cert-auth=true"
    ),
    check_etcd_peer
);

flag_rule!(
    ETCD_AUTO_TLS,
    "etcd-auto-tls",
    "etcd self-signed certificates",
    Medium,
    [
        cis_k8s!(
            "2.3",
            "Ensure that the --auto-tls argument is not set to true"
        ),
        cis_k8s!(
            "2.6",
            "Ensure that the --peer-auto-tls argument is not set to true"
        )
    ],
    "`--auto-tls` and `--peer-auto-tls` make etcd generate self-signed certificates that nobody verifies: the connection is encrypted but any client or peer is accepted.",
    "Remove `--auto-tls` and `--peer-auto-tls`; use certificates from the cluster's etcd CA.",
    "remove --auto-tls and --peer-auto-tls",
    static_pod!("etcd", "--auto-tls=true"),
    static_pod!(
        "etcd",
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
        "--key-file=/etc/kubernetes/pki/etcd/server.key"
    ),
    check_etcd_auto_tls
);

flag_rule!(
    ETCD_UNIQUE_CA,
    "etcd-unique-ca",
    "etcd trusts the cluster's client CA",
    Medium,
    [cis_k8s!(
        "2.7",
        "Ensure that a unique Certificate Authority is used for etcd"
    )],
    "When etcd's `--trusted-ca-file` is the CA that kube-apiserver uses for `--client-ca-file`, every client certificate of the cluster (each kubelet's, each administrator's, any CSR a controller approved) also authenticates to etcd, which has no authorization of its own: whoever holds one and reaches port 2379 reads every Secret and writes any object, bypassing RBAC, admission and audit. Judged only when the input holds both manifests.",
    "Issue etcd's server and client certificates from a dedicated etcd CA (kubeadm uses /etc/kubernetes/pki/etcd/ca.crt), point etcd's `--trusted-ca-file` at it, and give kube-apiserver an etcd client certificate from that CA (`--etcd-certfile`, `--etcd-keyfile`, `--etcd-cafile`).",
    "use a dedicated CA for etcd's --trusted-ca-file",
    concat!(
        static_pod!(
            "kube-apiserver",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt"
        ),
        "---\n",
        static_pod!("etcd", "--trusted-ca-file=/etc/kubernetes/pki/ca.crt")
    ),
    concat!(
        static_pod!(
            "kube-apiserver",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt"
        ),
        "---\n",
        static_pod!("etcd", "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt")
    ),
    check_etcd_unique_ca
);

flag_rule!(
    CONTROLLER_MANAGER_PROFILING,
    "controller-manager-profiling",
    "Controller manager profiling endpoint",
    Low,
    [cis_k8s!(
        "1.3.2",
        "Ensure that the --profiling argument is set to false"
    )],
    "Profiling (on by default) serves /debug/pprof, which reveals program internals and can be used to load the server.",
    "Run kube-controller-manager with `--profiling=false`.",
    "set --profiling=false",
    static_pod!("kube-controller-manager", "--bind-address=127.0.0.1"),
    static_pod!("kube-controller-manager", "--profiling=false"),
    check_cm_profiling
);

flag_rule!(
    CONTROLLER_MANAGER_SERVICE_ACCOUNT_CREDENTIALS,
    "controller-manager-service-account-credentials",
    "Controllers share one identity",
    Medium,
    [cis_k8s!(
        "1.3.3",
        "Ensure that the --use-service-account-credentials argument is set to true"
    )],
    "Without `--use-service-account-credentials=true` every controller acts with the controller manager's own, broad credentials instead of a per-controller ServiceAccount with only its role.",
    "Run kube-controller-manager with `--use-service-account-credentials=true`.",
    "set --use-service-account-credentials=true",
    static_pod!("kube-controller-manager", "--profiling=false"),
    static_pod!(
        "kube-controller-manager",
        "--use-service-account-credentials=true"
    ),
    check_cm_sa_credentials
);

flag_rule!(
    CONTROLLER_MANAGER_BIND_ADDRESS,
    "controller-manager-bind-address",
    "Controller manager listens on all interfaces",
    Medium,
    [cis_k8s!(
        "1.3.7",
        "Ensure that the --bind-address argument is set to 127.0.0.1"
    )],
    "The controller manager's secure port (metrics, health, profiling) listens on all interfaces by default; it only needs to be reachable from the node itself.",
    "Run kube-controller-manager with `--bind-address=127.0.0.1`.",
    "set --bind-address=127.0.0.1",
    static_pod!("kube-controller-manager", "--bind-address=0.0.0.0"),
    static_pod!("kube-controller-manager", "--bind-address=127.0.0.1"),
    check_cm_bind
);

flag_rule!(
    CONTROLLER_MANAGER_KEYS,
    "controller-manager-keys",
    "Controller manager signing keys and certificate rotation",
    High,
    [
        cis_k8s!(
            "1.3.4",
            "Ensure that the --service-account-private-key-file argument is set as appropriate"
        ),
        cis_k8s!(
            "1.3.5",
            "Ensure that the --root-ca-file argument is set as appropriate"
        ),
        cis_k8s!(
            "1.3.6",
            "Ensure that the RotateKubeletServerCertificate argument is set to true"
        )
    ],
    "Without `--service-account-private-key-file` ServiceAccount tokens cannot be signed with a key the API server verifies (and keys cannot be rotated); without `--root-ca-file` pods cannot verify the API server's certificate; disabling RotateKubeletServerCertificate leaves kubelet serving certificates unrotated.",
    "Set `--service-account-private-key-file` and `--root-ca-file`, and do not set `RotateKubeletServerCertificate=false` in `--feature-gates`.",
    "set --service-account-private-key-file and --root-ca-file",
    static_pod!(
        "kube-controller-manager",
        "--feature-gates=RotateKubeletServerCertificate=false"
    ),
    static_pod!(
        "kube-controller-manager",
        "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
        "--root-ca-file=/etc/kubernetes/pki/ca.crt"
    ),
    check_cm_keys
);

flag_rule!(
    CONTROLLER_MANAGER_TERMINATED_POD_GC,
    "controller-manager-terminated-pod-gc",
    "Controller manager keeps finished pods too long",
    Low,
    [
        cis_k8s!(
            "1.3.1",
            "Ensure that the --terminated-pod-gc-threshold argument is set as appropriate"
        ),
        k8s(
            "--terminated-pod-gc-threshold",
            "kube-controller-manager flags",
            "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/"
        )
    ],
    "The pod garbage collector deletes Succeeded and Failed pods only once more than `--terminated-pod-gc-threshold` of them exist: 12,500 by default, and never when the value is 0 or less. Until then every finished pod stays in etcd with its full spec, is returned by every pod list, and its last container and logs stay on its node, which slows the API server and etcd and can exhaust them on clusters that run many short-lived pods (Checkov CKV_K8S_106, Trivy KCV-0033, Kubescape C-0144).",
    "Set `--terminated-pod-gc-threshold` to a positive number your API server and etcd sustain (the CIS Benchmark's example is 10; a few hundred to a few thousand keeps recent pods for debugging), and give Jobs `ttlSecondsAfterFinished` so their pods are removed regardless.",
    "set --terminated-pod-gc-threshold to a positive threshold",
    static_pod!("kube-controller-manager", "--profiling=false"),
    static_pod!(
        "kube-controller-manager",
        "--terminated-pod-gc-threshold=1000"
    ),
    check_cm_terminated_pod_gc
);

flag_rule!(
    SCHEDULER_PROFILING,
    "scheduler-profiling",
    "Scheduler profiling endpoint",
    Low,
    [cis_k8s!(
        "1.4.1",
        "Ensure that the --profiling argument is set to false"
    )],
    "Profiling (on by default) serves /debug/pprof, which reveals program internals and can be used to load the server.",
    "Run kube-scheduler with `--profiling=false`.",
    "set --profiling=false",
    static_pod!("kube-scheduler", "--bind-address=127.0.0.1"),
    static_pod!("kube-scheduler", "--profiling=false"),
    check_scheduler_profiling
);

flag_rule!(
    SCHEDULER_BIND_ADDRESS,
    "scheduler-bind-address",
    "Scheduler listens on all interfaces",
    Medium,
    [cis_k8s!(
        "1.4.2",
        "Ensure that the --bind-address argument is set to 127.0.0.1"
    )],
    "The scheduler's secure port (metrics, health, profiling) listens on all interfaces by default; it only needs to be reachable from the node itself.",
    "Run kube-scheduler with `--bind-address=127.0.0.1`.",
    "set --bind-address=127.0.0.1",
    static_pod!("kube-scheduler", "--profiling=false"),
    static_pod!("kube-scheduler", "--bind-address=127.0.0.1"),
    check_scheduler_bind
);

fn check_apiserver_anonymous(ctx: &Context, out: &mut Vec<Finding>) {
    for cmd in commands(ctx, "kube-apiserver") {
        if !cmd.has("authentication-config") {
            expect(
                out,
                &APISERVER_ANONYMOUS_AUTH.meta,
                &cmd,
                "anonymous-auth",
                Want::Is("false"),
                "requests without credentials are served as system:anonymous",
            );
        }
    }
}

fn check_apiserver_authorization(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &APISERVER_AUTHORIZATION_MODE.meta;
    for cmd in commands(ctx, "kube-apiserver") {
        if cmd.has("authorization-config") {
            continue;
        }
        let Some(flag) = cmd.get("authorization-mode") else {
            out.push(Finding::new(meta, cmd.resource, cmd.anchor.clone(), "kube-apiserver runs without --authorization-mode: the default AlwaysAllow authorizes every request; set --authorization-mode=Node,RBAC".into()));
            continue;
        };
        let modes = cmd.list("authorization-mode");
        let mut problems = Vec::new();
        if modes.iter().any(|m| m == "AlwaysAllow") {
            problems.push("AlwaysAllow authorizes every request".to_string());
        }
        for (mode, why) in [
            ("Node", "kubelets can read any Secret and modify any Node"),
            ("RBAC", "roles and bindings are not enforced"),
        ] {
            if !modes.iter().any(|m| m == mode) {
                problems.push(format!("without {mode}, {why}"));
            }
        }
        for p in problems {
            out.push(Finding::new(meta, cmd.resource, flag.path.clone(), format!("kube-apiserver --authorization-mode={}: {p}; set --authorization-mode=Node,RBAC", modes.join(","))));
        }
    }
}

fn check_apiserver_admission(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &APISERVER_ADMISSION_PLUGINS.meta;
    for cmd in commands(ctx, "kube-apiserver") {
        let enabled = cmd.list("enable-admission-plugins");
        let at_enabled = cmd
            .get("enable-admission-plugins")
            .map_or(cmd.anchor.clone(), |f| f.path.clone());
        if !enabled.iter().any(|p| p == "NodeRestriction") {
            out.push(Finding::new(meta, cmd.resource, at_enabled.clone(), "kube-apiserver does not enable the NodeRestriction admission plugin: a kubelet can modify other Nodes and their pods; add it to --enable-admission-plugins".into()));
        }
        if enabled.iter().any(|p| p == "AlwaysAdmit") {
            out.push(Finding::new(meta, cmd.resource, at_enabled, "kube-apiserver enables AlwaysAdmit, which admits every request; remove it from --enable-admission-plugins".into()));
        }
        let disabled = cmd.list("disable-admission-plugins");
        for (plugin, why) in [
            (
                "PodSecurity",
                "the pod-security.kubernetes.io namespace labels are not enforced",
            ),
            (
                "NodeRestriction",
                "kubelets can modify other Nodes and their pods",
            ),
            (
                "ServiceAccount",
                "pods are not tied to ServiceAccounts and their token settings",
            ),
            (
                "NamespaceLifecycle",
                "objects can be created in terminating or missing namespaces",
            ),
        ] {
            if disabled.iter().any(|p| p == plugin) {
                let at = cmd
                    .get("disable-admission-plugins")
                    .map_or(cmd.anchor.clone(), |f| f.path.clone());
                out.push(Finding::new(meta, cmd.resource, at, format!("kube-apiserver disables the {plugin} admission plugin: {why}; remove it from --disable-admission-plugins")));
            }
        }
    }
}

fn check_apiserver_audit(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &APISERVER_AUDIT_LOG.meta;
    for cmd in commands(ctx, "kube-apiserver") {
        expect(
            out,
            meta,
            &cmd,
            "audit-policy-file",
            Want::Set,
            "no audit policy, so no request is audited; set --audit-policy-file",
        );
        if cmd.has("audit-webhook-config-file") && !cmd.has("audit-log-path") {
            continue;
        }
        expect(
            out,
            meta,
            &cmd,
            "audit-log-path",
            Want::Set,
            "audit events are not written anywhere; set --audit-log-path (or --audit-webhook-config-file)",
        );
        if cmd.value("audit-log-path") == Some("-") {
            continue;
        }
        for (flag, min) in [
            ("audit-log-maxage", 30),
            ("audit-log-maxbackup", 10),
            ("audit-log-maxsize", 100),
        ] {
            match cmd.get(flag).filter(|f| f.value.is_some()) {
                None if cmd.has("audit-log-path") => out.push(Finding::new(meta, cmd.resource, cmd.anchor.clone(), format!("kube-apiserver runs without --{flag}: audit logs are rotated away or grow unbounded; set --{flag}={min} or more"))),
                Some(f) if f.value.as_deref().and_then(|v| v.parse::<u64>().ok()).is_some_and(|v| v < min) => out.push(Finding::new(meta, cmd.resource, f.path.clone(), format!("kube-apiserver --{flag}={} keeps less audit history than recommended; set {min} or more", f.value.as_deref().unwrap_or("")))),
                _ => {}
            }
        }
    }
}

/// A rule that holds one flag of one binary to one value: `expect` on every
/// command of that binary.
macro_rules! flag_check {
    ($name:ident, $binary:literal, $rule:ident, $flag:literal, $want:expr, $why:literal) => {
        fn $name(ctx: &Context, out: &mut Vec<Finding>) {
            for cmd in commands(ctx, $binary) {
                expect(out, &$rule.meta, &cmd, $flag, $want, $why);
            }
        }
    };
}

flag_check!(
    check_apiserver_profiling,
    "kube-apiserver",
    APISERVER_PROFILING,
    "profiling",
    Want::Is("false"),
    "/debug/pprof is served"
);

/// Cipher suites without forward secrecy or an AEAD mode.
pub fn weak_cipher(suite: &str) -> bool {
    suite.starts_with("TLS_RSA_") || !(suite.contains("GCM") || suite.contains("CHACHA20"))
}

fn check_apiserver_insecure(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &APISERVER_INSECURE.meta;
    for cmd in commands(ctx, "kube-apiserver") {
        expect(
            out,
            meta,
            &cmd,
            "token-auth-file",
            Want::Unset,
            "static tokens are long-lived plaintext credentials that cannot be revoked without a restart",
        );
        for (flag, why) in [
            (
                "kubelet-certificate-authority",
                "the API server does not verify kubelets' serving certificates",
            ),
            (
                "kubelet-client-certificate",
                "the API server has no client certificate for kubelets",
            ),
            (
                "kubelet-client-key",
                "the API server has no client key for kubelets",
            ),
            (
                "etcd-cafile",
                "the API server does not verify etcd's certificate",
            ),
            (
                "etcd-certfile",
                "the API server has no client certificate for etcd",
            ),
            ("etcd-keyfile", "the API server has no client key for etcd"),
            (
                "tls-cert-file",
                "the API server serves a self-signed certificate",
            ),
            (
                "tls-private-key-file",
                "the API server serves a self-signed certificate",
            ),
            ("client-ca-file", "client certificates are not verified"),
            (
                "service-account-key-file",
                "ServiceAccount tokens cannot be verified with a managed key",
            ),
            (
                "encryption-provider-config",
                "Secrets are stored in etcd unencrypted",
            ),
        ] {
            expect(out, meta, &cmd, flag, Want::Set, why);
        }
        expect(
            out,
            meta,
            &cmd,
            "service-account-lookup",
            Want::Not("false"),
            "tokens of deleted ServiceAccounts stay valid",
        );
        if let Some(f) = cmd.get("tls-min-version")
            && let Some(v) = f.value.as_deref().filter(|v| weak_tls_version(v))
        {
            out.push(Finding::new(meta, cmd.resource, f.path.clone(), format!("kube-apiserver accepts {v}, a deprecated TLS version (RFC 8996); set --tls-min-version=VersionTLS12 or higher")));
        }
        if let Some(f) = cmd.get("tls-cipher-suites") {
            let weak: Vec<String> = cmd
                .list("tls-cipher-suites")
                .into_iter()
                .filter(|s| weak_cipher(s))
                .collect();
            if !weak.is_empty() {
                out.push(Finding::new(meta, cmd.resource, f.path.clone(), format!("kube-apiserver allows weak TLS cipher suites ({}): no forward secrecy or no AEAD mode; keep only ECDHE with AES-GCM or ChaCha20-Poly1305", weak.join(", "))));
            }
        }
    }
}

/// Where a finding about a plugin missing from `--enable-admission-plugins`
/// sits: on that flag, or on the binary without it.
fn at_enabled_plugins(cmd: &Command) -> Path {
    cmd.get("enable-admission-plugins")
        .map_or(cmd.anchor.clone(), |f| f.path.clone())
}

fn check_apiserver_external_ips(ctx: &Context, out: &mut Vec<Finding>) {
    for cmd in commands(ctx, "kube-apiserver") {
        if !cmd
            .list("enable-admission-plugins")
            .iter()
            .any(|p| p == "DenyServiceExternalIPs")
        {
            out.push(Finding::new(&APISERVER_EXTERNAL_IPS.meta, cmd.resource, at_enabled_plugins(&cmd), "kube-apiserver does not enable the DenyServiceExternalIPs admission plugin: anyone who can write a Service can set externalIPs and intercept traffic to that address (CVE-2020-8554); add it to --enable-admission-plugins".into()));
        }
    }
}

fn check_apiserver_event_rate_limit(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &APISERVER_EVENT_RATE_LIMIT.meta;
    for cmd in commands(ctx, "kube-apiserver") {
        let at = at_enabled_plugins(&cmd);
        if !cmd
            .list("enable-admission-plugins")
            .iter()
            .any(|p| p == "EventRateLimit")
        {
            out.push(Finding::new(meta, cmd.resource, at, "kube-apiserver does not enable the EventRateLimit admission plugin: one client can flood the API server and etcd with Events; add it to --enable-admission-plugins with limits in --admission-control-config-file".into()));
        } else if !cmd.has("admission-control-config-file") {
            out.push(Finding::new(meta, cmd.resource, at, "kube-apiserver enables EventRateLimit without --admission-control-config-file: the plugin takes its limits from that file; set it to an AdmissionConfiguration with an EventRateLimit configuration".into()));
        }
    }
}

fn check_apiserver_always_pull_images(ctx: &Context, out: &mut Vec<Finding>) {
    for cmd in commands(ctx, "kube-apiserver") {
        if !cmd
            .list("enable-admission-plugins")
            .iter()
            .any(|p| p == "AlwaysPullImages")
        {
            out.push(Finding::new(&APISERVER_ALWAYS_PULL_IMAGES.meta, cmd.resource, at_enabled_plugins(&cmd), "kube-apiserver does not enable the AlwaysPullImages admission plugin: a pod can start any image already cached on its node without credentials for it; add it to --enable-admission-plugins on multi-tenant clusters".into()));
        }
    }
}

flag_check!(
    check_apiserver_token_expiration,
    "kube-apiserver",
    APISERVER_SERVICE_ACCOUNT_TOKEN_EXPIRATION,
    "service-account-extend-token-expiration",
    Want::Is("false"),
    "pods' ServiceAccount tokens are issued valid for a year instead of about an hour"
);

fn check_etcd_client(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &ETCD_CLIENT_CERT_AUTH.meta;
    for cmd in commands(ctx, "etcd")
        .iter()
        .filter(|c| !c.has("config-file"))
    {
        expect(
            out,
            meta,
            cmd,
            "cert-file",
            Want::Set,
            "clients talk to etcd without TLS",
        );
        expect(
            out,
            meta,
            cmd,
            "key-file",
            Want::Set,
            "clients talk to etcd without TLS",
        );
        expect(
            out,
            meta,
            cmd,
            "client-cert-auth",
            Want::Is("true"),
            "any client that reaches etcd reads and writes every object, Secrets included",
        );
    }
}

fn check_etcd_peer(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &ETCD_PEER_TLS.meta;
    for cmd in commands(ctx, "etcd")
        .iter()
        .filter(|c| !c.has("config-file"))
    {
        expect(
            out,
            meta,
            cmd,
            "peer-cert-file",
            Want::Set,
            "members replicate in plaintext",
        );
        expect(
            out,
            meta,
            cmd,
            "peer-key-file",
            Want::Set,
            "members replicate in plaintext",
        );
        expect(
            out,
            meta,
            cmd,
            "peer-client-cert-auth",
            Want::Is("true"),
            "any host can join as a member",
        );
    }
}

fn check_etcd_auto_tls(ctx: &Context, out: &mut Vec<Finding>) {
    for cmd in commands(ctx, "etcd") {
        for flag in ["auto-tls", "peer-auto-tls"] {
            expect(
                out,
                &ETCD_AUTO_TLS.meta,
                &cmd,
                flag,
                Want::Not("true"),
                "self-signed certificates that nobody verifies; remove it and use the etcd CA's certificates",
            );
        }
    }
}

fn check_etcd_unique_ca(ctx: &Context, out: &mut Vec<Finding>) {
    let etcds = commands(ctx, "etcd");
    if etcds.is_empty() {
        return;
    }
    let client_cas: Vec<String> = commands(ctx, "kube-apiserver")
        .iter()
        .filter_map(|c| c.get("client-ca-file")?.value.clone())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    for cmd in &etcds {
        let Some(f) = cmd.get("trusted-ca-file") else {
            continue;
        };
        let Some(ca) = f.value.as_deref().map(str::trim) else {
            continue;
        };
        if client_cas.iter().any(|c| c == ca) {
            out.push(Finding::new(&ETCD_UNIQUE_CA.meta, cmd.resource, f.path.clone(), format!("etcd --trusted-ca-file={ca} is also kube-apiserver's --client-ca-file: every client certificate of the cluster authenticates to etcd and reads every Secret; use a dedicated etcd CA")));
        }
    }
}

flag_check!(
    check_cm_profiling,
    "kube-controller-manager",
    CONTROLLER_MANAGER_PROFILING,
    "profiling",
    Want::Is("false"),
    "/debug/pprof is served"
);

flag_check!(
    check_cm_sa_credentials,
    "kube-controller-manager",
    CONTROLLER_MANAGER_SERVICE_ACCOUNT_CREDENTIALS,
    "use-service-account-credentials",
    Want::Is("true"),
    "every controller acts with the controller manager's own credentials"
);

flag_check!(
    check_cm_bind,
    "kube-controller-manager",
    CONTROLLER_MANAGER_BIND_ADDRESS,
    "bind-address",
    Want::Is("127.0.0.1"),
    "the secure port listens on every interface"
);

fn check_cm_keys(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &CONTROLLER_MANAGER_KEYS.meta;
    for cmd in commands(ctx, "kube-controller-manager") {
        expect(
            out,
            meta,
            &cmd,
            "service-account-private-key-file",
            Want::Set,
            "ServiceAccount tokens are not signed with a managed key",
        );
        expect(
            out,
            meta,
            &cmd,
            "root-ca-file",
            Want::Set,
            "pods get no CA bundle to verify the API server",
        );
        if let Some(f) = cmd.get("feature-gates")
            && cmd
                .list("feature-gates")
                .iter()
                .any(|g| g.replace(' ', "") == "RotateKubeletServerCertificate=false")
        {
            out.push(Finding::new(meta, cmd.resource, f.path.clone(), "kube-controller-manager disables RotateKubeletServerCertificate: kubelet serving certificates are not rotated; remove it from --feature-gates".into()));
        }
    }
}

fn check_cm_terminated_pod_gc(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &CONTROLLER_MANAGER_TERMINATED_POD_GC.meta;
    for cmd in commands(ctx, "kube-controller-manager") {
        expect(
            out,
            meta,
            &cmd,
            "terminated-pod-gc-threshold",
            Want::Set,
            "finished pods are kept until 12500 of them exist (the default); set it to a positive threshold your API server and etcd sustain",
        );
        if let Some(f) = cmd.get("terminated-pod-gc-threshold")
            && let Some(v) = f
                .value
                .as_deref()
                .filter(|v| v.trim().parse::<i64>().is_ok_and(|n| n <= 0))
        {
            out.push(Finding::new(meta, cmd.resource, f.path.clone(), format!("kube-controller-manager --terminated-pod-gc-threshold={v} disables the terminated-pod garbage collector: Succeeded and Failed pods are never deleted; set a positive threshold")));
        }
    }
}

flag_check!(
    check_scheduler_profiling,
    "kube-scheduler",
    SCHEDULER_PROFILING,
    "profiling",
    Want::Is("false"),
    "/debug/pprof is served"
);

flag_check!(
    check_scheduler_bind,
    "kube-scheduler",
    SCHEDULER_BIND_ADDRESS,
    "bind-address",
    Want::Is("127.0.0.1"),
    "the secure port listens on every interface"
);
