//! The kubelet's settings, from its `KubeletConfiguration` file and from its
//! command line (a container that runs `kubelet`, in static-pod or
//! kind-style node manifests), as the CIS Kubernetes Benchmark's section 4.2
//! lists them (ids of v2.0, `cis_k8s!`).
//!
//! [`crate::model::kubelet`] ties each command line to the file its
//! `--config` names and says which defaults apply: a flag wins over the
//! file's field, and a finding sits on the flag when a flag decides the
//! setting (its message names the field it overrides), on the field when the
//! file does, and on the binary's item (or the file's `kind`) when the
//! default does. A flag given an empty value counts as absent.
//!
//! A config file's defaults: `authentication.anonymous.enabled` false,
//! `authentication.webhook.enabled` true, `authorization.mode` Webhook,
//! `readOnlyPort` 0, `makeIPTablesUtilChains` true, `podPidsLimit` -1 (no
//! limit), `seccompDefault` false, `eventRecordQPS` 50;
//! `authentication.x509.clientCAFile` has none (no client certificate is
//! verified). Without `--config` the command line keeps the open defaults
//! (anonymous on, webhook off, AlwaysAllow, read-only port 10255). A zero
//! `streamingConnectionIdleTimeout` in a file is defaulted to 4h, so only
//! the `--streaming-connection-idle-timeout` flag can turn the timeout off.

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::command_line::{Flag, parse_bool};
use crate::model::kubelet::{Defaults, Given, Kubelet};
use crate::model::path::Path;
use crate::model::resource::value_at;
use crate::rules::cluster::control_plane::{weak_cipher, weak_tls_version};
use crate::rules::cluster::{k8s, strings};
use crate::rules::peers::{checkov, trivy};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

const KUBELET_DOC: &str = "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/";
const KUBELET_CLI_DOC: &str =
    "https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/";

macro_rules! kubelet_rule {
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

/// A node manifest whose container runs the kubelet with these flags after
/// `--config` (a file outside the example, so only the flags are judged).
macro_rules! kubelet_pod {
    ($($flag:literal),* $(,)?) => {
        concat!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kubelet\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  hostPID: true\n  containers:\n  - name: kubelet\n    image: registry.example.com/kubelet:v1.34.0\n    command:\n    - kubelet\n    - --config=/var/lib/kubelet/config.yaml\n",
            $("    - ", $flag, "\n",)*
        )
    };
}

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
    KUBELET_PROTECT_KERNEL_DEFAULTS,
    "kubelet-protect-kernel-defaults",
    "Kubelet may change kernel settings",
    Low,
    [
        k8s("protectKernelDefaults", "KubeletConfiguration", KUBELET_DOC),
        checkov(
            "CKV_K8S_144",
            "Ensure that the --protect-kernel-defaults argument is set to true"
        )
    ],
    "Without `protectKernelDefaults` the kubelet silently changes kernel tunables it disagrees with instead of failing, so node hardening done at the OS level can be undone. The CIS Kubernetes Benchmark no longer has this item: it was 4.2.6 up to the V1.24 benchmark, and v1.7.0 to v2.0 have none (their 4.2.6 is makeIPTablesUtilChains).",
    "Set `protectKernelDefaults: true` and configure the kernel parameters the kubelet expects on the node.",
    "set protectKernelDefaults: true",
    kubelet!("protectKernelDefaults: false\n"),
    kubelet!("protectKernelDefaults: true\n"),
    check_kubelet_kernel_defaults
);

kubelet_rule!(
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
        ),
        checkov(
            "CKV_K8S_148",
            "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate"
        ),
        checkov(
            "CKV_K8S_149",
            "Ensure that the --rotate-certificates argument is not set to false"
        )
    ],
    "Without rotation the kubelet's client certificate expires (and is renewed by hand, often with long lifetimes), and its serving certificate is self-signed, so the API server cannot verify the kubelet it talks to.",
    "Set `rotateCertificates: true` and `serverTLSBootstrap: true` (approve the serving CSRs), or provide both `tlsCertFile` and `tlsPrivateKeyFile` from your own CA.",
    "set rotateCertificates: true and serverTLSBootstrap: true",
    kubelet!("rotateCertificates: false\n"),
    kubelet!("rotateCertificates: true\nserverTLSBootstrap: true\n"),
    check_kubelet_rotation
);

kubelet_rule!(
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
        ),
        checkov(
            "CKV_K8S_145",
            "Ensure that the --make-iptables-util-chains argument is set to true"
        )
    ],
    "With `makeIPTablesUtilChains: false` the kubelet does not create or keep its iptables chains, among them KUBE-FIREWALL, which drops packets from other hosts addressed to 127.0.0.0/8 (services bound to localhost become reachable from the network when route_localnet is on, CVE-2020-8558). Rules kept by hand drift from the node's pod networking (Checkov CKV_K8S_145).",
    "Remove `makeIPTablesUtilChains: false` and `--make-iptables-util-chains=false` (true is the default).",
    "set makeIPTablesUtilChains: true",
    kubelet!("makeIPTablesUtilChains: false\n"),
    kubelet!("makeIPTablesUtilChains: true\n"),
    check_kubelet_iptables
);

kubelet_rule!(
    KUBELET_TLS_CIPHER_SUITES,
    "kubelet-tls-cipher-suites",
    "Kubelet allows weak TLS cipher suites or versions",
    Medium,
    [
        cis_k8s!(
            "4.2.12",
            "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers"
        ),
        k8s("tlsCipherSuites", "KubeletConfiguration", KUBELET_DOC),
        checkov(
            "CKV_K8S_151",
            "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers"
        )
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

kubelet_rule!(
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

kubelet_rule!(
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

kubelet_rule!(
    KUBELET_HOSTNAME_OVERRIDE,
    "kubelet-hostname-override",
    "Kubelet registers under an overridden node name",
    Low,
    [
        cis_k8s!(
            "4.2.7",
            "Ensure that the --hostname-override argument is not set"
        ),
        checkov(
            "CKV_K8S_146",
            "Ensure that the --hostname-override argument is not set"
        ),
        trivy(
            "KCV-0086",
            "Ensure that the --hostname-override argument is not set"
        ),
        k8s("--hostname-override", "kubelet", KUBELET_CLI_DOC)
    ],
    "With `--hostname-override` the kubelet registers the node, and asks for its certificates, under a name that is not the machine's host name. Its serving certificate (self-signed, or requested with serverTLSBootstrap) then names the override, so a client that checks the kubelet's certificate against the machine's own name fails the TLS handshake (CIS: overriding host names can break TLS between the kubelet and the API server), and the usual way out is to stop verifying; the node's identity (`system:node:<name>`, which the Node authorizer and NodeRestriction tie to that node's objects) and its logs no longer match the machine they come from. CIS 4.2.7 (4.2.8 in CIS 1.6, as Checkov cites it). Low: it weakens verification and attribution, it grants nothing; some cloud set-ups need it (the name the cloud provider knows the instance by), which is why the item is manual.",
    "Remove `--hostname-override` and give the node a resolvable host name (FQDN) that the kubelet's certificate and the cloud provider agree on; keep it only where the cloud provider requires that name, and then issue the serving certificate for it.",
    "remove --hostname-override",
    kubelet_pod!("--hostname-override=10.0.0.12"),
    kubelet_pod!("--node-ip=10.0.0.12"),
    check_kubelet_hostname_override
);

kubelet_rule!(
    KUBELET_EVENT_QPS,
    "kubelet-event-qps",
    "Kubelet sends events without a rate limit",
    Low,
    [
        cis_k8s!(
            "4.2.8",
            "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture"
        ),
        checkov(
            "CKV_K8S_147",
            "Ensure that the --event-qps argument is set to 0 or a level which ensures appropriate event capture"
        ),
        trivy(
            "KCV-0087",
            "Ensure that the --event-qps argument is set to 0 or a level which ensures appropriate event capture"
        ),
        k8s("eventRecordQPS", "KubeletConfiguration", KUBELET_DOC)
    ],
    "`eventRecordQPS` (`--event-qps`) limits how many events per second the kubelet sends to the API server; the default is 50 (burst `eventBurst`, 100). 0 means no limit at all (the kubelet gives its event client no rate limiter; the flag's help text still says 0 falls back to 5, which older kubelets did), so a node in trouble (a crash-looping pod, a flood of pods, a failing volume) can flood the API server and etcd with events; a negative value is rejected and the kubelet does not start. CIS 4.2.8 (4.2.9 in CIS 1.6) asks for \"a level which ensures appropriate event capture\" and warns that too low a level loses events while the unlimited 0 risks a denial of service; which positive level is appropriate is a judgement the item leaves manual, so only 0 and negative values are reported (older editions' title also allowed 0; Trivy's KCV-0087 reports only negative values). Low: availability, not access.",
    "Remove `eventRecordQPS: 0` and `--event-qps=0` to get the default of 50, or set a positive rate that keeps the events you need.",
    "set eventRecordQPS to a positive rate (default 50)",
    kubelet!("eventRecordQPS: 0\n"),
    kubelet!("eventRecordQPS: 50\n"),
    check_kubelet_event_qps
);

/// Every kubelet of the bundle (see [`crate::model::kubelet`]).
fn kubelets<'a>(ctx: &'a Context) -> Vec<Kubelet<'a>> {
    crate::model::kubelet::kubelets(ctx.resources, ctx.workloads, |r| {
        ctx.files.get(r.source).map_or("", |f| f.name)
    })
}

/// `--name=value`, or `--name` for a bare flag, as written.
fn shown(f: &Flag) -> String {
    match &f.value {
        Some(v) => format!("--{}={v}", f.name),
        None => format!("--{}", f.name),
    }
}

/// A field's value as YAML shows it (strings unquoted).
fn show(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// ", which overrides `field: value` of the KubeletConfiguration" when the
/// linked file sets the field the flag wins over.
fn overriding(overrides: Option<&Value>, field: &str) -> String {
    match overrides {
        None => String::new(),
        Some(Value::Array(_) | Value::Object(_)) => {
            format!(", which overrides {field} of its KubeletConfiguration")
        }
        Some(v) => format!(
            ", which overrides {field}: {} of its KubeletConfiguration",
            show(v)
        ),
    }
}

/// A boolean flag's value: a bare flag is true.
fn flag_bool(f: &Flag) -> Option<bool> {
    f.value.as_deref().map_or(Some(true), parse_bool)
}

/// A flag's value as an integer.
fn flag_int(f: &Flag) -> Option<i64> {
    f.value.as_deref()?.trim().parse().ok()
}

/// One finding per distinct place and message: a file that several command
/// lines name would otherwise be reported once for each.
fn push_unique(out: &mut Vec<Finding>, f: Finding) {
    if !out.iter().any(|o| {
        o.rule == f.rule && o.resource == f.resource && o.path == f.path && o.message == f.message
    }) {
        out.push(f);
    }
}

/// A boolean setting that must be `want`: reports the flag or field that
/// says otherwise, or the missing setting when the applicable default
/// (`command_line`, `config_file`) is not `want`.
#[allow(clippy::too_many_arguments)]
fn expect_bool(
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    k: &Kubelet,
    flag: &str,
    field: &str,
    want: bool,
    defaults: (bool, bool),
    message: impl Fn(&str) -> String,
) {
    let (resource, path, state) = match k.given_bool(flag, field) {
        Given::Flag {
            command,
            flag: f,
            overrides,
        } => match flag_bool(f) {
            Some(v) if v != want => (
                command.resource,
                f.path.clone(),
                format!("{}{}", shown(f), overriding(overrides, field)),
            ),
            _ => return,
        },
        Given::Field {
            resource,
            path,
            value,
        } => {
            if value.as_bool() == Some(want) {
                return;
            }
            (resource, path, format!("{field} is not {want}"))
        }
        Given::Default(Defaults::CommandLine) if defaults.0 != want => {
            let (ri, path) = k.anchor();
            (
                ri,
                path,
                format!(
                    "--{flag} is not set and there is no --config, so {}",
                    defaults.0
                ),
            )
        }
        Given::Default(Defaults::ConfigFile) if defaults.1 != want => {
            let (ri, path) = k.anchor_in_file();
            (ri, path, format!("{field} is not {want}"))
        }
        Given::Default(_) => return,
    };
    push_unique(out, Finding::new(meta, resource, path, message(&state)));
}

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
        push_unique(
            out,
            Finding::new(
                meta,
                ri,
                path,
                format!(
                    "the kubelet verifies no client certificates ({state}): {consequence}; {advice} to the CA bundle that signs the API server's kubelet client certificate"
                ),
            ),
        );
    }
}

fn check_kubelet_authorization(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_AUTHORIZATION_MODE.meta;
    let field = "authorization.mode";
    for k in kubelets(ctx) {
        match k.given("authorization-mode", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => {
                let mode = flag.value.as_deref().unwrap_or_default();
                if mode != "Webhook" {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            command.resource,
                            flag.path.clone(),
                            format!(
                                "the kubelet authorizes with {mode} ({}{}): every authenticated caller can exec into the node's pods; set --authorization-mode=Webhook",
                                shown(flag),
                                overriding(overrides, field)
                            ),
                        ),
                    );
                }
            }
            Given::Field {
                resource,
                path,
                value,
            } => {
                if let Some(mode) = value.as_str().filter(|m| *m != "Webhook") {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            resource,
                            path,
                            format!(
                                "the kubelet authorizes with {mode}: every authenticated caller can exec into the node's pods; set authorization.mode: Webhook"
                            ),
                        ),
                    );
                }
            }
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                push_unique(out, Finding::new(meta, ri, path, "the kubelet authorizes with AlwaysAllow (--authorization-mode is not set and there is no --config): every authenticated caller can exec into the node's pods; set --authorization-mode=Webhook".into()));
            }
            Given::Default(_) => {}
        }
    }
}

fn check_kubelet_read_only_port(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_READ_ONLY_PORT.meta;
    let field = "readOnlyPort";
    for k in kubelets(ctx) {
        match k.given("read-only-port", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => {
                if let Some(port) = flag_int(flag).filter(|p| *p != 0) {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            command.resource,
                            flag.path.clone(),
                            format!(
                                "the kubelet serves pod and node details without authentication on port {port} ({}{}); set --read-only-port=0",
                                shown(flag),
                                overriding(overrides, field)
                            ),
                        ),
                    );
                }
            }
            Given::Field {
                resource,
                path,
                value,
            } => {
                if let Some(port) = value.as_i64().filter(|p| *p != 0) {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            resource,
                            path,
                            format!(
                                "the kubelet serves pod and node details without authentication on port {port} (readOnlyPort: {port}); set readOnlyPort: 0"
                            ),
                        ),
                    );
                }
            }
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                push_unique(out, Finding::new(meta, ri, path, "the kubelet serves pod and node details without authentication on port 10255 (--read-only-port is not set and there is no --config, so 10255); set --read-only-port=0".into()));
            }
            Given::Default(_) => {}
        }
    }
}

fn check_kubelet_kernel_defaults(ctx: &Context, out: &mut Vec<Finding>) {
    for k in kubelets(ctx) {
        expect_bool(
            out,
            &KUBELET_PROTECT_KERNEL_DEFAULTS.meta,
            &k,
            "protect-kernel-defaults",
            "protectKernelDefaults",
            true,
            (false, false),
            |state| {
                if state.starts_with("protectKernelDefaults") {
                    "the kubelet may change kernel tunables (protectKernelDefaults is not true); set protectKernelDefaults: true".into()
                } else {
                    format!(
                        "the kubelet may change kernel tunables ({state}); set --protect-kernel-defaults=true"
                    )
                }
            },
        );
    }
}

/// Whether a certificate or key file is given, and where.
fn file_given(k: &Kubelet, flag: &str, field: &'static str) -> Option<(usize, Path, String)> {
    match k.given(flag, field) {
        Given::Flag { command, flag, .. } => Some((
            command.resource,
            flag.path.clone(),
            format!("--{}", flag.name),
        )),
        Given::Field { resource, path, .. } => Some((resource, path, field.to_string())),
        Given::Default(_) => None,
    }
}

fn check_kubelet_rotation(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_CERTIFICATE_ROTATION.meta;
    for k in kubelets(ctx) {
        expect_bool(
            out,
            meta,
            &k,
            "rotate-certificates",
            "rotateCertificates",
            true,
            (false, false),
            |state| {
                if state.starts_with("rotateCertificates") {
                    "the kubelet does not rotate its client certificate (rotateCertificates is not true); set rotateCertificates: true".into()
                } else {
                    format!(
                        "the kubelet does not rotate its client certificate ({state}); set --rotate-certificates=true"
                    )
                }
            },
        );
        let cert = file_given(&k, "tls-cert-file", "tlsCertFile");
        let key = file_given(&k, "tls-private-key-file", "tlsPrivateKeyFile");
        match (&cert, &key) {
            (Some((ri, path, set)), None) | (None, Some((ri, path, set))) => {
                let flags = set.starts_with("--");
                let missing = match (cert.is_some(), flags) {
                    (true, true) => "--tls-private-key-file",
                    (true, false) => "tlsPrivateKeyFile",
                    (false, true) => "--tls-cert-file",
                    (false, false) => "tlsCertFile",
                };
                let bootstrap = if flags {
                    "--rotate-server-certificates=true"
                } else {
                    "serverTLSBootstrap: true"
                };
                push_unique(
                    out,
                    Finding::new(
                        meta,
                        *ri,
                        path.clone(),
                        format!(
                            "{set} is set without {missing}: the kubelet needs both to serve its own certificate; set {missing} too (or remove both and set {bootstrap})"
                        ),
                    ),
                );
            }
            (Some(_), Some(_)) => {}
            (None, None) if k.defaults() == Defaults::Unknown => {}
            (None, None) => expect_bool(
                out,
                meta,
                &k,
                "rotate-server-certificates",
                "serverTLSBootstrap",
                true,
                (false, false),
                |state| {
                    if state.starts_with("serverTLSBootstrap") {
                        "the kubelet serves a self-signed certificate (no serverTLSBootstrap, no tlsCertFile): the API server cannot verify it; set serverTLSBootstrap: true".into()
                    } else {
                        format!(
                            "the kubelet serves a self-signed certificate ({state}, no --tls-cert-file): the API server cannot verify it; set --rotate-server-certificates=true"
                        )
                    }
                },
            ),
        }
    }
}

fn check_kubelet_iptables(ctx: &Context, out: &mut Vec<Finding>) {
    for k in kubelets(ctx) {
        expect_bool(
            out,
            &KUBELET_IPTABLES_UTIL_CHAINS.meta,
            &k,
            "make-iptables-util-chains",
            "makeIPTablesUtilChains",
            true,
            (true, true),
            |state| {
                if state.starts_with("makeIPTablesUtilChains") {
                    "the kubelet does not keep its iptables chains (makeIPTablesUtilChains: false), among them the rule that drops remote packets to 127.0.0.0/8; remove it or set it to true".into()
                } else {
                    format!(
                        "the kubelet does not keep its iptables chains ({state}), among them the rule that drops remote packets to 127.0.0.0/8; remove it or set it to true"
                    )
                }
            },
        );
    }
}

fn check_kubelet_tls(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_TLS_CIPHER_SUITES.meta;
    for k in kubelets(ctx) {
        let field = "tlsCipherSuites";
        match k.given("tls-cipher-suites", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => {
                let suites = command.list("tls-cipher-suites");
                for suite in suites.iter().filter(|s| weak_cipher(s)) {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            command.resource,
                            flag.path.clone(),
                            format!(
                                "the kubelet allows the weak cipher suite {suite} (--tls-cipher-suites{}): no forward secrecy or no AEAD mode; keep only ECDHE suites with AES-GCM or ChaCha20-Poly1305",
                                overriding(overrides, field)
                            ),
                        ),
                    );
                }
            }
            Given::Field {
                resource,
                path,
                value,
            } => {
                for (i, suite) in strings(Some(value)) {
                    if weak_cipher(suite) {
                        push_unique(
                            out,
                            Finding::new(
                                meta,
                                resource,
                                path.clone().index(i),
                                format!(
                                    "the kubelet allows the weak cipher suite {suite}: no forward secrecy or no AEAD mode; keep only ECDHE suites with AES-GCM or ChaCha20-Poly1305"
                                ),
                            ),
                        );
                    }
                }
            }
            Given::Default(_) => {}
        }
        let field = "tlsMinVersion";
        match k.given("tls-min-version", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => {
                if let Some(v) = flag.value.as_deref().filter(|v| weak_tls_version(v)) {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            command.resource,
                            flag.path.clone(),
                            format!(
                                "the kubelet accepts {v}, a deprecated TLS version (RFC 8996) ({}{}); set --tls-min-version=VersionTLS12 or higher",
                                shown(flag),
                                overriding(overrides, field)
                            ),
                        ),
                    );
                }
            }
            Given::Field {
                resource,
                path,
                value,
            } => {
                if let Some(v) = value.as_str().filter(|v| weak_tls_version(v)) {
                    push_unique(
                        out,
                        Finding::new(
                            meta,
                            resource,
                            path,
                            format!(
                                "the kubelet accepts {v}, a deprecated TLS version (RFC 8996); set tlsMinVersion: VersionTLS12 or higher"
                            ),
                        ),
                    );
                }
            }
            Given::Default(_) => {}
        }
    }
}

fn check_kubelet_pids(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_POD_PIDS_LIMIT.meta;
    let field = "podPidsLimit";
    for k in kubelets(ctx) {
        let (ri, path, message) = match k.given("pod-max-pids", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => match flag_int(flag) {
                Some(n) if n <= 0 => (
                    command.resource,
                    flag.path.clone(),
                    format!(
                        "the kubelet sets no per-pod process limit ({}{}): one pod can exhaust the node's PIDs; set --pod-max-pids to a positive value",
                        shown(flag),
                        overriding(overrides, field)
                    ),
                ),
                _ => continue,
            },
            Given::Field {
                resource,
                path,
                value,
            } => match value.as_i64() {
                Some(n) if n <= 0 => (
                    resource,
                    path,
                    format!(
                        "the kubelet sets no per-pod process limit (podPidsLimit: {value}): one pod can exhaust the node's PIDs; set podPidsLimit to a positive value"
                    ),
                ),
                _ => continue,
            },
            Given::Default(Defaults::ConfigFile) => {
                let (ri, path) = k.anchor_in_file();
                (ri, path, "the kubelet sets no per-pod process limit (podPidsLimit is not set, so -1): one pod can exhaust the node's PIDs; set podPidsLimit to a positive value".to_string())
            }
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                (ri, path, "the kubelet sets no per-pod process limit (--pod-max-pids is not set and there is no --config, so -1): one pod can exhaust the node's PIDs; set --pod-max-pids to a positive value".to_string())
            }
            Given::Default(Defaults::Unknown) => continue,
        };
        push_unique(out, Finding::new(meta, ri, path, message));
    }
}

fn check_kubelet_seccomp_default(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_SECCOMP_DEFAULT.meta;
    let field = "seccompDefault";
    for k in kubelets(ctx) {
        let (ri, path, state, advice) = match k.given_bool("seccomp-default", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => match flag_bool(flag) {
                Some(false) => (
                    command.resource,
                    flag.path.clone(),
                    format!("{}{}", shown(flag), overriding(overrides, field)),
                    "--seccomp-default=true",
                ),
                _ => continue,
            },
            Given::Field {
                value: Value::Bool(true),
                ..
            } => continue,
            Given::Field {
                resource,
                path,
                value,
            } => (
                resource,
                path,
                format!("seccompDefault: {value}"),
                "seccompDefault: true",
            ),
            Given::Default(Defaults::ConfigFile) => {
                let (ri, path) = k.anchor_in_file();
                (
                    ri,
                    path,
                    "seccompDefault is not set, so false".to_string(),
                    "seccompDefault: true",
                )
            }
            Given::Default(Defaults::CommandLine) => {
                let (ri, path) = k.anchor();
                (
                    ri,
                    path,
                    "--seccomp-default is not set and there is no --config, so false".to_string(),
                    "--seccomp-default=true",
                )
            }
            Given::Default(Defaults::Unknown) => continue,
        };
        push_unique(
            out,
            Finding::new(
                meta,
                ri,
                path,
                format!(
                    "containers that set no seccomp profile run Unconfined on this node ({state}); set {advice} so they get the runtime's RuntimeDefault profile"
                ),
            ),
        );
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
            push_unique(
                out,
                Finding::new(
                    meta,
                    command.resource,
                    flag.path.clone(),
                    format!(
                        "the kubelet never closes idle exec, attach and port-forward streams ({}{}); set --streaming-connection-idle-timeout to a non-zero duration such as 5m",
                        shown(flag),
                        overriding(overrides, field)
                    ),
                ),
            );
        }
    }
}

fn check_kubelet_hostname_override(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_HOSTNAME_OVERRIDE.meta;
    for k in kubelets(ctx) {
        if let Some(command) = &k.command
            && let Some(flag) = command
                .get("hostname-override")
                .filter(|f| f.value.is_some())
        {
            push_unique(
                out,
                Finding::new(
                    meta,
                    command.resource,
                    flag.path.clone(),
                    format!(
                        "the kubelet registers the node as {} ({}), not under the machine's host name: its certificates and node identity no longer match the machine, which can break TLS between the API server and the kubelet; remove --hostname-override and give the node a resolvable host name",
                        flag.value.as_deref().unwrap_or_default(),
                        shown(flag)
                    ),
                ),
            );
        }
    }
}

fn check_kubelet_event_qps(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_EVENT_QPS.meta;
    let field = "eventRecordQPS";
    for k in kubelets(ctx) {
        let (ri, path, qps, state, advice) = match k.given("event-qps", field) {
            Given::Flag {
                command,
                flag,
                overrides,
            } => match flag_int(flag) {
                Some(n) if n <= 0 => (
                    command.resource,
                    flag.path.clone(),
                    n,
                    format!("{}{}", shown(flag), overriding(overrides, field)),
                    "remove --event-qps or set it to a positive rate (the default is 50)",
                ),
                _ => continue,
            },
            Given::Field {
                resource,
                path,
                value,
            } => match value.as_i64() {
                Some(n) if n <= 0 => (
                    resource,
                    path,
                    n,
                    format!("eventRecordQPS: {n}"),
                    "remove eventRecordQPS or set it to a positive rate (the default is 50)",
                ),
                _ => continue,
            },
            Given::Default(_) => continue,
        };
        let message = if qps == 0 {
            format!(
                "the kubelet sends events to the API server without any rate limit ({state}): a node in trouble can flood the API server and etcd with events; {advice}"
            )
        } else {
            format!(
                "the kubelet rejects a negative event rate ({state}) and does not start; {advice}"
            )
        };
        push_unique(out, Finding::new(meta, ri, path, message));
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
