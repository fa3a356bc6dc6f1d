//! Node and control-plane configuration files as input: `KubeletConfiguration`
//! (kubelet.config.k8s.io), `EncryptionConfiguration` and
//! `AdmissionConfiguration` (apiserver.config.k8s.io), audit `Policy`
//! (audit.k8s.io). These are not API objects, but they are YAML with
//! `apiVersion` and `kind` and are kept in the same repositories; the CIS
//! Benchmark's kubelet (4.2.x), encryption (1.2.28) and audit (3.2.2) items
//! are judged from them (ids of CIS Kubernetes Benchmark v2.0, `cis_k8s!`).
//!
//! Defaults are the config file's, not the command line's: a
//! KubeletConfiguration v1beta1 defaults `authentication.anonymous.enabled` to
//! false, `authorization.mode` to Webhook and `readOnlyPort` to 0,
//! `makeIPTablesUtilChains` to true, `podPidsLimit` to -1 (no limit) and
//! `seccompDefault` to false; `authentication.x509.clientCAFile` has no
//! default (no client certificate is verified). A
//! zero `streamingConnectionIdleTimeout` is defaulted to 4h, so the CIS item
//! against a zero timeout (4.2.5) cannot fail in a config file and has no
//! rule here: only the `--streaming-connection-idle-timeout` flag can set it.

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::{Resource, str_at, value_at};
use crate::rules::cluster::control_plane::weak_cipher;
use crate::rules::cluster::{items, k8s, strings};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

const KUBELET_DOC: &str = "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/";

macro_rules! config_rule {
    ($($rule:tt)*) => {
        configuration_rule!("node-config", $($rule)*);
    };
}

macro_rules! kubelet {
    ($body:literal) => {
        concat!(
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
            $body
        )
    };
}

config_rule!(
    KUBELET_ANONYMOUS_AUTH,
    "kubelet-anonymous-auth",
    "Kubelet accepts anonymous requests",
    Critical,
    [
        cis_k8s!(
            "4.2.1",
            "Ensure that the --anonymous-auth argument is set to false"
        ),
        k8s("authentication", "KubeletConfiguration", KUBELET_DOC)
    ],
    "The kubelet API runs commands in every pod of the node (/exec, /run) and reads their logs; with anonymous authentication anyone who reaches port 10250 is served as system:anonymous.",
    "Set `authentication.anonymous.enabled: false` and `authentication.webhook.enabled: true`, with `authentication.x509.clientCAFile`.",
    "set authentication.anonymous.enabled: false",
    kubelet!("authentication:\n  anonymous:\n    enabled: true\n"),
    kubelet!(
        "authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
    ),
    check_kubelet_anonymous
);

config_rule!(
    KUBELET_AUTHORIZATION_MODE,
    "kubelet-authorization-mode",
    "Kubelet authorizes every request",
    Critical,
    [
        cis_k8s!(
            "4.2.2",
            "Ensure that the --authorization-mode argument is not set to AlwaysAllow"
        ),
        k8s("authorization", "KubeletConfiguration", KUBELET_DOC)
    ],
    "With `authorization.mode: AlwaysAllow` every authenticated caller, including any pod with a ServiceAccount token, can exec into every pod on the node through the kubelet API.",
    "Set `authorization.mode: Webhook` so the kubelet asks the API server (SubjectAccessReview) for each request.",
    "set authorization.mode: Webhook",
    kubelet!("authorization:\n  mode: AlwaysAllow\n"),
    kubelet!("authorization:\n  mode: Webhook\n"),
    check_kubelet_authorization
);

config_rule!(
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

config_rule!(
    KUBELET_READ_ONLY_PORT,
    "kubelet-read-only-port",
    "Kubelet read-only port open",
    High,
    [
        cis_k8s!(
            "4.2.4",
            "Verify that if defined, the --read-only-port argument is set to 0"
        ),
        k8s("readOnlyPort", "KubeletConfiguration", KUBELET_DOC)
    ],
    "The read-only port serves pod specs, environment variables and node details without any authentication or authorization.",
    "Set `readOnlyPort: 0` (or remove it: 0 is the default in the config file).",
    "set readOnlyPort: 0",
    kubelet!("readOnlyPort: 10255\n"),
    kubelet!("readOnlyPort: 0\n"),
    check_kubelet_read_only_port
);

config_rule!(
    KUBELET_PROTECT_KERNEL_DEFAULTS,
    "kubelet-protect-kernel-defaults",
    "Kubelet may change kernel settings",
    Low,
    [k8s(
        "protectKernelDefaults",
        "KubeletConfiguration",
        KUBELET_DOC
    )],
    "Without `protectKernelDefaults` the kubelet silently changes kernel tunables it disagrees with instead of failing, so node hardening done at the OS level can be undone. The CIS Kubernetes Benchmark no longer has this item: it was 4.2.6 up to the V1.24 benchmark, and v1.7.0 to v2.0 have none (their 4.2.6 is makeIPTablesUtilChains).",
    "Set `protectKernelDefaults: true` and configure the kernel parameters the kubelet expects on the node.",
    "set protectKernelDefaults: true",
    kubelet!("protectKernelDefaults: false\n"),
    kubelet!("protectKernelDefaults: true\n"),
    check_kubelet_kernel_defaults
);

config_rule!(
    KUBELET_CERTIFICATE_ROTATION,
    "kubelet-certificate-rotation",
    "Kubelet certificates are not rotated",
    Medium,
    [
        cis_k8s!(
            "4.2.9",
            "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate"
        ),
        cis_k8s!(
            "4.2.10",
            "Ensure that the --rotate-certificates argument is not set to false"
        ),
        cis_k8s!(
            "4.2.11",
            "Verify that the RotateKubeletServerCertificate argument is set to true"
        ),
        k8s(
            "Certificate rotation",
            "Configure certificate rotation for the kubelet",
            "https://kubernetes.io/docs/tasks/tls/certificate-rotation/"
        )
    ],
    "Without rotation the kubelet's client certificate expires (and is renewed by hand, often with long lifetimes), and its serving certificate is self-signed, so the API server cannot verify the kubelet it talks to.",
    "Set `rotateCertificates: true` and `serverTLSBootstrap: true` (approve the serving CSRs), or provide both `tlsCertFile` and `tlsPrivateKeyFile` from your own CA.",
    "set rotateCertificates: true and serverTLSBootstrap: true",
    kubelet!("rotateCertificates: false\n"),
    kubelet!("rotateCertificates: true\nserverTLSBootstrap: true\n"),
    check_kubelet_rotation
);

config_rule!(
    KUBELET_IPTABLES_UTIL_CHAINS,
    "kubelet-iptables-util-chains",
    "Kubelet does not manage its iptables chains",
    Low,
    [
        cis_k8s!(
            "4.2.6",
            "Ensure that the --make-iptables-util-chains argument is set to true"
        ),
        k8s(
            "makeIPTablesUtilChains",
            "KubeletConfiguration",
            KUBELET_DOC
        )
    ],
    "With `makeIPTablesUtilChains: false` the kubelet does not create or keep its iptables chains, among them KUBE-FIREWALL, which drops packets from other hosts addressed to 127.0.0.0/8 (services bound to localhost become reachable from the network when route_localnet is on, CVE-2020-8558). Rules kept by hand drift from the node's pod networking (Checkov CKV_K8S_145).",
    "Remove `makeIPTablesUtilChains: false` (true is the default).",
    "set makeIPTablesUtilChains: true",
    kubelet!("makeIPTablesUtilChains: false\n"),
    kubelet!("makeIPTablesUtilChains: true\n"),
    check_kubelet_iptables
);

config_rule!(
    KUBELET_TLS_CIPHER_SUITES,
    "kubelet-tls-cipher-suites",
    "Kubelet allows weak TLS cipher suites or versions",
    Medium,
    [
        cis_k8s!(
            "4.2.12",
            "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers"
        ),
        k8s("tlsCipherSuites", "KubeletConfiguration", KUBELET_DOC)
    ],
    "The kubelet's port 10250 carries the API server's exec, attach, port-forward and log streams. Suites without forward secrecy (RSA key exchange) let a later key compromise decrypt recorded sessions; CBC, 3DES and RC4 suites have known attacks (Lucky13, Sweet32, RC4 biases); TLS 1.0 and 1.1 are deprecated (RFC 8996) (Checkov CKV_K8S_151).",
    "List only ECDHE suites with AES-GCM or ChaCha20-Poly1305 in `tlsCipherSuites` (TLS 1.3 suites are always strong), and set `tlsMinVersion: VersionTLS12` or higher.",
    "keep only ECDHE AES-GCM or ChaCha20-Poly1305 suites",
    kubelet!(
        "tlsCipherSuites:\n- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n- TLS_RSA_WITH_AES_128_CBC_SHA\n"
    ),
    kubelet!(
        "tlsMinVersion: VersionTLS12\ntlsCipherSuites:\n- TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n- TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256\n- TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n"
    ),
    check_kubelet_tls
);

config_rule!(
    KUBELET_POD_PIDS_LIMIT,
    "kubelet-pod-pids-limit",
    "Kubelet sets no per-pod process limit",
    Low,
    [
        cis_k8s!("4.2.13", "Ensure that a limit is set on pod PIDs"),
        k8s("podPidsLimit", "KubeletConfiguration", KUBELET_DOC)
    ],
    "Process IDs are a node-wide resource and no container field limits them. Without `podPidsLimit` (the default -1, like 0, sets no pod limit) one pod that forks without bound (a fork bomb, a leak, a compromised process) exhausts the node's PIDs, and then other pods and the kubelet itself cannot start processes.",
    "Set `podPidsLimit` to a positive number that fits your largest workloads (for example 4096), and keep some PIDs for the system with `systemReserved`/`kubeReserved` `pid`.",
    "set podPidsLimit to a positive value",
    kubelet!("podPidsLimit: -1\n"),
    kubelet!("podPidsLimit: 4096\n"),
    check_kubelet_pids
);

config_rule!(
    KUBELET_SECCOMP_DEFAULT,
    "kubelet-seccomp-default",
    "Kubelet does not default containers to the RuntimeDefault seccomp profile",
    Low,
    [
        cis_k8s!(
            "4.2.14",
            "Ensure that the --seccomp-default parameter is set to true"
        ),
        k8s("seccompDefault", "KubeletConfiguration", KUBELET_DOC),
        k8s(
            "Seccomp",
            "Enable the use of RuntimeDefault as the default seccomp profile for all workloads",
            "https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads"
        )
    ],
    "A container whose pod and container `securityContext` set no `seccompProfile` runs Unconfined: every system call the kernel offers is open to it, including the ones most kernel exploits need. `seccompDefault: true` makes the kubelet give such containers the runtime's RuntimeDefault profile instead; the default is false. It is the node's safety net under the pod rules (`seccomp-profile-restricted` asks each workload for a profile, `seccomp-profile-baseline` rejects Unconfined): it covers pods no policy judged, and changes nothing for a container that names a profile, Unconfined included. Low severity for that reason; a workload that needs a blocked system call must then say `Unconfined` (or a Localhost profile) explicitly.",
    "Set `seccompDefault: true` in the KubeletConfiguration of every node (test workloads first: RuntimeDefault blocks some system calls, such as `mount` and `unshare` for a container without CAP_SYS_ADMIN), and keep setting `seccompProfile: RuntimeDefault` in pod specs.",
    "set seccompDefault: true",
    kubelet!("seccompDefault: false\n"),
    kubelet!("seccompDefault: true\n"),
    check_kubelet_seccomp_default
);

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

fn of_kind<'a>(
    ctx: &'a Context,
    group: &'a str,
    kind: &'a str,
) -> impl Iterator<Item = (usize, &'a Resource)> {
    ctx.resources
        .iter()
        .enumerate()
        .filter(move |(_, r)| r.is(kind) && r.id.api_version.starts_with(&format!("{group}/")))
}

fn kubelets<'a>(ctx: &'a Context) -> impl Iterator<Item = (usize, &'a Resource)> {
    of_kind(ctx, "kubelet.config.k8s.io", "KubeletConfiguration")
}

fn bool_at(v: &Value, dotted: &str) -> Option<bool> {
    value_at(v, dotted).and_then(Value::as_bool)
}

fn check_kubelet_anonymous(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        if bool_at(&r.json, "authentication.anonymous.enabled") == Some(true) {
            out.push(Finding::new(&KUBELET_ANONYMOUS_AUTH.meta, ri, Path::parse("authentication.anonymous.enabled"), "the kubelet serves requests without credentials as system:anonymous (authentication.anonymous.enabled: true); set it to false".into()));
        }
        if bool_at(&r.json, "authentication.webhook.enabled") == Some(false) {
            out.push(Finding::new(&KUBELET_ANONYMOUS_AUTH.meta, ri, Path::parse("authentication.webhook.enabled"), "the kubelet does not verify bearer tokens with the API server (authentication.webhook.enabled: false); set it to true".into()));
        }
    }
}

fn check_kubelet_client_ca(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        let consequence = if bool_at(&r.json, "authentication.anonymous.enabled") == Some(true) {
            "the API server's exec, logs and port-forward requests are served as system:anonymous (authentication.anonymous.enabled: true)"
        } else {
            "the API server's exec, logs and port-forward requests are rejected (anonymous authentication is off)"
        };
        let (path, state) = match value_at(&r.json, "authentication.x509.clientCAFile") {
            Some(Value::String(s)) if !s.trim().is_empty() => continue,
            Some(_) => (
                Path::parse("authentication.x509.clientCAFile"),
                "authentication.x509.clientCAFile is empty",
            ),
            None => {
                let path = if value_at(&r.json, "authentication.x509").is_some() {
                    Path::parse("authentication.x509")
                } else if r.json.get("authentication").is_some() {
                    Path::parse("authentication")
                } else {
                    Path::parse("kind")
                };
                (path, "authentication.x509.clientCAFile is not set")
            }
        };
        out.push(Finding::new(&KUBELET_CLIENT_CA_FILE.meta, ri, path, format!("the kubelet verifies no client certificates ({state}): {consequence}; set clientCAFile to the CA bundle that signs the API server's kubelet client certificate")));
    }
}

fn check_kubelet_authorization(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        if let Some(mode) = str_at(&r.json, "authorization.mode").filter(|m| *m != "Webhook") {
            out.push(Finding::new(&KUBELET_AUTHORIZATION_MODE.meta, ri, Path::parse("authorization.mode"), format!("the kubelet authorizes with {mode}: every authenticated caller can exec into the node's pods; set authorization.mode: Webhook")));
        }
    }
}

fn check_kubelet_read_only_port(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        if let Some(port) = value_at(&r.json, "readOnlyPort")
            .and_then(Value::as_i64)
            .filter(|p| *p != 0)
        {
            out.push(Finding::new(&KUBELET_READ_ONLY_PORT.meta, ri, Path::parse("readOnlyPort"), format!("the kubelet serves pod and node details without authentication on port {port} (readOnlyPort: {port}); set readOnlyPort: 0")));
        }
    }
}

fn check_kubelet_kernel_defaults(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        if bool_at(&r.json, "protectKernelDefaults") != Some(true) {
            let path = if r.json.get("protectKernelDefaults").is_some() {
                Path::parse("protectKernelDefaults")
            } else {
                Path::parse("kind")
            };
            out.push(Finding::new(&KUBELET_PROTECT_KERNEL_DEFAULTS.meta, ri, path, "the kubelet may change kernel tunables (protectKernelDefaults is not true); set protectKernelDefaults: true".into()));
        }
    }
}

fn check_kubelet_rotation(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        if bool_at(&r.json, "rotateCertificates") != Some(true) {
            let path = if r.json.get("rotateCertificates").is_some() {
                Path::parse("rotateCertificates")
            } else {
                Path::parse("kind")
            };
            out.push(Finding::new(&KUBELET_CERTIFICATE_ROTATION.meta, ri, path, "the kubelet does not rotate its client certificate (rotateCertificates is not true); set rotateCertificates: true".into()));
        }
        let cert = r.json.get("tlsCertFile").is_some();
        let key = r.json.get("tlsPrivateKeyFile").is_some();
        if cert != key {
            let (set, missing) = if cert {
                ("tlsCertFile", "tlsPrivateKeyFile")
            } else {
                ("tlsPrivateKeyFile", "tlsCertFile")
            };
            out.push(Finding::new(&KUBELET_CERTIFICATE_ROTATION.meta, ri, Path::parse(set), format!("{set} is set without {missing}: the kubelet needs both to serve its own certificate; set {missing} too (or remove both and set serverTLSBootstrap: true)")));
        }
        if !cert && !key && bool_at(&r.json, "serverTLSBootstrap") != Some(true) {
            let path = if r.json.get("serverTLSBootstrap").is_some() {
                Path::parse("serverTLSBootstrap")
            } else {
                Path::parse("kind")
            };
            out.push(Finding::new(&KUBELET_CERTIFICATE_ROTATION.meta, ri, path, "the kubelet serves a self-signed certificate (no serverTLSBootstrap, no tlsCertFile): the API server cannot verify it; set serverTLSBootstrap: true".into()));
        }
    }
}

fn check_kubelet_iptables(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        if bool_at(&r.json, "makeIPTablesUtilChains") == Some(false) {
            out.push(Finding::new(&KUBELET_IPTABLES_UTIL_CHAINS.meta, ri, Path::parse("makeIPTablesUtilChains"), "the kubelet does not keep its iptables chains (makeIPTablesUtilChains: false), among them the rule that drops remote packets to 127.0.0.0/8; remove it or set it to true".into()));
        }
    }
}

/// Whether a `tlsMinVersion` / `--tls-min-version` value allows TLS 1.0 or 1.1.
pub(crate) fn weak_tls_version(v: &str) -> bool {
    matches!(v, "VersionTLS10" | "VersionTLS11")
}

fn check_kubelet_tls(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_TLS_CIPHER_SUITES.meta;
    for (ri, r) in kubelets(ctx) {
        for (i, suite) in strings(r.json.get("tlsCipherSuites")) {
            if weak_cipher(suite) {
                out.push(Finding::new(meta, ri, Path::parse("tlsCipherSuites").index(i), format!("the kubelet allows the weak cipher suite {suite}: no forward secrecy or no AEAD mode; keep only ECDHE suites with AES-GCM or ChaCha20-Poly1305")));
            }
        }
        if let Some(v) = str_at(&r.json, "tlsMinVersion").filter(|v| weak_tls_version(v)) {
            out.push(Finding::new(meta, ri, Path::parse("tlsMinVersion"), format!("the kubelet accepts {v}, a deprecated TLS version (RFC 8996); set tlsMinVersion: VersionTLS12 or higher")));
        }
    }
}

fn check_kubelet_pids(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        let (path, message) = match r.json.get("podPidsLimit") {
            None => (Path::parse("kind"), "the kubelet sets no per-pod process limit (podPidsLimit is not set, so -1): one pod can exhaust the node's PIDs; set podPidsLimit to a positive value".to_string()),
            Some(v) if v.as_i64().is_some_and(|n| n <= 0) => (Path::parse("podPidsLimit"), format!("the kubelet sets no per-pod process limit (podPidsLimit: {v}): one pod can exhaust the node's PIDs; set podPidsLimit to a positive value")),
            Some(_) => continue,
        };
        out.push(Finding::new(
            &KUBELET_POD_PIDS_LIMIT.meta,
            ri,
            path,
            message,
        ));
    }
}

fn check_kubelet_seccomp_default(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in kubelets(ctx) {
        let (path, state) = match r.json.get("seccompDefault") {
            Some(Value::Bool(true)) => continue,
            None => (
                Path::parse("kind"),
                "seccompDefault is not set, so false".to_string(),
            ),
            Some(v) => (
                Path::parse("seccompDefault"),
                format!("seccompDefault: {v}"),
            ),
        };
        out.push(Finding::new(&KUBELET_SECCOMP_DEFAULT.meta, ri, path, format!("containers that set no seccomp profile run Unconfined on this node ({state}); set seccompDefault: true so they get the runtime's RuntimeDefault profile")));
    }
}

/// Whether an EncryptionConfiguration resource entry covers Secrets.
fn covers_secrets(names: &[(usize, &str)]) -> bool {
    names
        .iter()
        .any(|(_, n)| matches!(*n, "secrets" | "*.*" | "*."))
}

fn check_encryption(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &ENCRYPTION_PROVIDER.meta;
    for (ri, r) in of_kind(ctx, "apiserver.config.k8s.io", "EncryptionConfiguration") {
        let mut covered = false;
        for (i, entry) in items(&r.json, "resources") {
            if !covers_secrets(&strings(entry.get("resources"))) {
                continue;
            }
            covered = true;
            let providers = items(entry, "providers");
            let Some((_, first)) = providers.first() else {
                continue;
            };
            let kind = first
                .as_object()
                .and_then(|o| o.keys().next())
                .map(String::as_str)
                .unwrap_or("");
            let path = Path::parse("resources")
                .index(i)
                .key("providers")
                .index(0)
                .key(kind);
            let (severity, message) = match kind {
                "identity" if providers.len() == 1 => (Severity::High, "secrets have only the identity provider: they are stored in etcd unencrypted; add kms (v2) or secretbox first".to_string()),
                "identity" => (Severity::High, "identity is the first provider for secrets: new Secrets are written unencrypted; move kms (v2) or secretbox first and identity last".to_string()),
                "aescbc" => (Severity::Low, "aescbc encrypts secrets, but is weaker than KMS v2 or secretbox (padding oracle, key on disk); prefer kms (v2) or secretbox".to_string()),
                "aesgcm" => (Severity::Low, "aesgcm needs its key rotated every 200,000 writes, and the key stays on the control plane's disk; prefer kms (v2) or secretbox".to_string()),
                "kms" if first.get("kms").and_then(|k| k.get("apiVersion")).and_then(Value::as_str) != Some("v2") => (Severity::Low, "KMS v1 is deprecated (disabled by default since v1.29); use kms with apiVersion: v2".to_string()),
                _ => continue,
            };
            let mut f = Finding::new(meta, ri, path, message);
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
    rules: &[(usize, &'v Value)],
    group: &str,
    resource: &str,
) -> (Vec<Decision<'v>>, Option<Decision<'v>>) {
    let mut partial = Vec::new();
    for (i, rule) in rules {
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
                rule.get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
            });
        if narrowed {
            partial.push((*i, level));
        } else {
            return (partial, Some((*i, level)));
        }
    }
    (partial, None)
}

fn check_audit_policy(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &AUDIT_POLICY.meta;
    for (ri, r) in of_kind(ctx, "audit.k8s.io", "Policy") {
        let rules = items(&r.json, "rules");
        for (group, resource) in [
            ("", "secrets"),
            ("", "configmaps"),
            ("authentication.k8s.io", "tokenreviews"),
        ] {
            let (partial, decided) = audit_level(&rules, group, resource);
            for (i, level) in partial.into_iter().chain(decided) {
                if matches!(level, "Request" | "RequestResponse") {
                    out.push(Finding::new(meta, ri, Path::parse("rules").index(i).key("level"), format!("rule {i} logs {resource} at {level} level: their contents (Secret data, tokens) are written into the audit log; log {resource} at Metadata level")));
                }
            }
            match decided {
                None => out.push(Finding::new(meta, ri, Path::parse("rules"), format!("no rule covers {resource}: access to them is not audited; add a Metadata-level rule for {resource}"))),
                Some((i, "None")) => out.push(Finding::new(meta, ri, Path::parse("rules").index(i).key("level"), format!("rule {i} drops events on {resource} (level: None): access to them is not audited; log {resource} at Metadata level first"))),
                _ => {}
            }
        }
    }
}

const LEVELS: &[&str] = &["privileged", "baseline", "restricted"];

fn check_admission_defaults(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &ADMISSION_POD_SECURITY_DEFAULTS.meta;
    let mut configs: Vec<(usize, Path, &Value)> = Vec::new();
    for (ri, r) in of_kind(ctx, "apiserver.config.k8s.io", "AdmissionConfiguration") {
        for (i, plugin) in items(&r.json, "plugins") {
            if plugin.get("name").and_then(Value::as_str) == Some("PodSecurity")
                && let Some(c) = plugin.get("configuration")
            {
                configs.push((ri, Path::parse("plugins").index(i).key("configuration"), c));
            }
        }
    }
    for (ri, r) in of_kind(
        ctx,
        "pod-security.admission.config.k8s.io",
        "PodSecurityConfiguration",
    ) {
        configs.push((ri, Path::root(), &r.json));
    }
    for (ri, base, c) in configs {
        let enforce = value_at(c, "defaults.enforce").and_then(Value::as_str);
        let level = enforce.unwrap_or("privileged");
        if level == "restricted" || !LEVELS.contains(&level) {
            continue;
        }
        let path = if enforce.is_some() {
            base.key("defaults").key("enforce")
        } else if c.get("defaults").is_some() {
            base.key("defaults")
        } else {
            base
        };
        out.push(Finding::new(meta, ri, path, format!("the PodSecurity plugin enforces \"{level}\" by default{}: namespaces without their own label admit pods a restricted policy rejects; set defaults.enforce: restricted and list exceptions under exemptions", if enforce.is_none() { " (enforce is not set)" } else { "" })));
    }
}
