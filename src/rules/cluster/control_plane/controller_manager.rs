//! kube-controller-manager flags (CIS Kubernetes Benchmark section 1.3).

use crate::diagnostic::Severity;
use crate::rules::cluster::control_plane::{Want, commands, expect};
use crate::rules::cluster::k8s;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

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
