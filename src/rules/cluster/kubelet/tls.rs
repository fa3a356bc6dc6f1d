//! The kubelet's certificates and name: rotation and serving certificates
//! (CIS 4.2.9-4.2.11), cipher suites and TLS versions (4.2.12), and
//! `--hostname-override` (4.2.7), which the certificates are issued for.

use super::*;

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

/// Where a certificate or key file is given, by which source and name.
fn file_given(
    k: &Kubelet,
    flag: &'static str,
    field: &'static str,
) -> Option<(usize, Path, Source, &'static str)> {
    match k.given(flag, field) {
        Given::Flag {
            command, flag: f, ..
        } => Some((command.resource, f.path.clone(), Source::CommandLine, flag)),
        Given::Field { resource, path, .. } => Some((resource, path, Source::File, field)),
        Given::Default(_) => None,
    }
}

fn check_kubelet_rotation(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_CERTIFICATE_ROTATION.meta;
    let client = BoolSetting {
        flag: "rotate-certificates",
        field: "rotateCertificates",
        want: true,
        command_line_default: false,
        file_default: false,
    };
    let serving = BoolSetting {
        flag: "rotate-server-certificates",
        field: "serverTLSBootstrap",
        want: true,
        command_line_default: false,
        file_default: false,
    };
    for k in kubelets(ctx) {
        expect_bool(out, meta, &k, &client, |source, state| {
            let fix = match source {
                Source::CommandLine => "--rotate-certificates=true",
                Source::File => "rotateCertificates: true",
            };
            format!("the kubelet does not rotate its client certificate ({state}); set {fix}")
        });
        let cert = file_given(&k, "tls-cert-file", "tlsCertFile");
        let key = file_given(&k, "tls-private-key-file", "tlsPrivateKeyFile");
        match (&cert, &key) {
            (Some((ri, path, source, set)), None) | (None, Some((ri, path, source, set))) => {
                let (set, missing, bootstrap) = match (source, cert.is_some()) {
                    (Source::CommandLine, true) => (
                        format!("--{set}"),
                        "--tls-private-key-file",
                        "--rotate-server-certificates=true",
                    ),
                    (Source::CommandLine, false) => (
                        format!("--{set}"),
                        "--tls-cert-file",
                        "--rotate-server-certificates=true",
                    ),
                    (Source::File, true) => (
                        set.to_string(),
                        "tlsPrivateKeyFile",
                        "serverTLSBootstrap: true",
                    ),
                    (Source::File, false) => {
                        (set.to_string(), "tlsCertFile", "serverTLSBootstrap: true")
                    }
                };
                report(
                    out,
                    meta,
                    *ri,
                    path.clone(),
                    format!(
                        "{set} is set without {missing}: the kubelet needs both to serve its own certificate; set {missing} too (or remove both and set {bootstrap})"
                    ),
                );
            }
            (Some(_), Some(_)) => {}
            // The certificate may be in the file the bundle does not hold.
            (None, None) if k.defaults() == Defaults::Unknown => {}
            (None, None) => expect_bool(out, meta, &k, &serving, |source, state| {
                match source {
                Source::File => "the kubelet serves a self-signed certificate (no serverTLSBootstrap, no tlsCertFile): the API server cannot verify it; set serverTLSBootstrap: true".into(),
                Source::CommandLine => format!(
                    "the kubelet serves a self-signed certificate ({state}, no --tls-cert-file): the API server cannot verify it; set --rotate-server-certificates=true"
                ),
            }
            }),
        }
    }
}

fn check_kubelet_tls(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_TLS_CIPHER_SUITES.meta;
    let weak = "no forward secrecy or no AEAD mode; keep only ECDHE suites with AES-GCM or ChaCha20-Poly1305";
    for k in kubelets(ctx) {
        let field = "tlsCipherSuites";
        let given = k.given("tls-cipher-suites", field);
        match &given {
            Given::Flag {
                command, overrides, ..
            } => {
                for suite in command
                    .list("tls-cipher-suites")
                    .iter()
                    .filter(|s| weak_cipher(s))
                {
                    let message = format!(
                        "the kubelet allows the weak cipher suite {suite} (--tls-cipher-suites{}): {weak}",
                        overriding(*overrides, field)
                    );
                    report_given(out, meta, &given, message);
                }
            }
            Given::Field {
                resource,
                path,
                value,
            } => {
                for (i, suite) in strings(Some(value)) {
                    if weak_cipher(suite) {
                        let message =
                            format!("the kubelet allows the weak cipher suite {suite}: {weak}");
                        report(out, meta, *resource, path.index(i), message);
                    }
                }
            }
            Given::Default(_) => {}
        }
        let field = "tlsMinVersion";
        let given = k.given("tls-min-version", field);
        let message = match &given {
            Given::Flag {
                flag, overrides, ..
            } => match flag.value.as_deref().filter(|v| weak_tls_version(v)) {
                Some(v) => format!(
                    "the kubelet accepts {v}, a deprecated TLS version (RFC 8996) ({}); set --tls-min-version=VersionTLS12 or higher",
                    flag_state(flag, *overrides, field)
                ),
                None => continue,
            },
            Given::Field { value, .. } => match value.as_str().filter(|v| weak_tls_version(v)) {
                Some(v) => format!(
                    "the kubelet accepts {v}, a deprecated TLS version (RFC 8996); set tlsMinVersion: VersionTLS12 or higher"
                ),
                None => continue,
            },
            Given::Default(_) => continue,
        };
        report_given(out, meta, &given, message);
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
            report(
                out,
                meta,
                command.resource,
                flag.path.clone(),
                format!(
                    "the kubelet registers the node as {} ({}), not under the machine's host name: its certificates and node identity no longer match the machine, which can break TLS between the API server and the kubelet; remove --hostname-override and give the node a resolvable host name",
                    flag.value.as_deref().unwrap_or_default(),
                    shown(flag)
                ),
            );
        }
    }
}
