//! etcd flags (CIS Kubernetes Benchmark section 2).

use crate::diagnostic::Severity;
use crate::rules::cluster::control_plane::{Want, commands, expect};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

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

/// Reports each flag of `expected` that the etcd command lines configured by
/// flags (not by `--config-file`) do not set as wanted.
fn expect_etcd(
    ctx: &Context,
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    expected: &[(&str, Want, &str)],
) {
    for cmd in commands(ctx, "etcd")
        .iter()
        .filter(|c| !c.has("config-file"))
    {
        for &(flag, want, why) in expected {
            expect(out, meta, cmd, flag, want, why);
        }
    }
}

fn check_etcd_client(ctx: &Context, out: &mut Vec<Finding>) {
    let plaintext = "clients talk to etcd without TLS";
    expect_etcd(
        ctx,
        out,
        &ETCD_CLIENT_CERT_AUTH.meta,
        &[
            ("cert-file", Want::Set, plaintext),
            ("key-file", Want::Set, plaintext),
            (
                "client-cert-auth",
                Want::Is("true"),
                "any client that reaches etcd reads and writes every object, Secrets included",
            ),
        ],
    );
}

fn check_etcd_peer(ctx: &Context, out: &mut Vec<Finding>) {
    let plaintext = "members replicate in plaintext";
    expect_etcd(
        ctx,
        out,
        &ETCD_PEER_TLS.meta,
        &[
            ("peer-cert-file", Want::Set, plaintext),
            ("peer-key-file", Want::Set, plaintext),
            (
                "peer-client-cert-auth",
                Want::Is("true"),
                "any host can join as a member",
            ),
        ],
    );
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
