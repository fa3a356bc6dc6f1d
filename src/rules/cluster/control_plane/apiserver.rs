//! kube-apiserver flags (CIS Kubernetes Benchmark section 1.2).

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::cluster::control_plane::{
    Command, Want, commands, expect, weak_cipher, weak_tls_version,
};
use crate::rules::cluster::k8s;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

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

flag_check!(
    check_apiserver_profiling,
    "kube-apiserver",
    APISERVER_PROFILING,
    "profiling",
    Want::Is("false"),
    "/debug/pprof is served"
);

/// Where a finding about a plugin missing from `--enable-admission-plugins`
/// sits: on that flag, or on the binary without it.
fn at_enabled_plugins(cmd: &Command) -> Path {
    cmd.get("enable-admission-plugins")
        .map_or(cmd.anchor.clone(), |f| f.path.clone())
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
