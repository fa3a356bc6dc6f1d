//! The node's own safeguards: kernel tunables, iptables chains (CIS 4.2.6),
//! the per-pod PID limit (4.2.13), the default seccomp profile (4.2.14) and
//! the event rate limit (4.2.8).

use super::*;

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

fn check_kubelet_kernel_defaults(ctx: &Context, out: &mut Vec<Finding>) {
    let setting = BoolSetting {
        flag: "protect-kernel-defaults",
        field: "protectKernelDefaults",
        want: true,
        command_line_default: false,
        file_default: false,
    };
    for k in kubelets(ctx) {
        expect_bool(
            out,
            &KUBELET_PROTECT_KERNEL_DEFAULTS.meta,
            &k,
            &setting,
            |source, state| {
                let fix = match source {
                    Source::CommandLine => "--protect-kernel-defaults=true",
                    Source::File => "protectKernelDefaults: true",
                };
                format!("the kubelet may change kernel tunables ({state}); set {fix}")
            },
        );
    }
}

fn check_kubelet_iptables(ctx: &Context, out: &mut Vec<Finding>) {
    let setting = BoolSetting {
        flag: "make-iptables-util-chains",
        field: "makeIPTablesUtilChains",
        want: true,
        command_line_default: true,
        file_default: true,
    };
    for k in kubelets(ctx) {
        expect_bool(
            out,
            &KUBELET_IPTABLES_UTIL_CHAINS.meta,
            &k,
            &setting,
            |source, state| {
                let state = match source {
                    Source::File => "makeIPTablesUtilChains: false",
                    Source::CommandLine => state,
                };
                format!(
                    "the kubelet does not keep its iptables chains ({state}), among them the rule that drops remote packets to 127.0.0.0/8; remove it or set it to true"
                )
            },
        );
    }
}

fn check_kubelet_pids(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_POD_PIDS_LIMIT.meta;
    let field = "podPidsLimit";
    for k in kubelets(ctx) {
        let given = k.given("pod-max-pids", field);
        let (at, message) = match &given {
            Given::Flag { flag, overrides, .. } => match flag_int(flag) {
                Some(n) if n <= 0 => (
                    given.at(),
                    format!(
                        "the kubelet sets no per-pod process limit ({}): one pod can exhaust the node's PIDs; set --pod-max-pids to a positive value",
                        flag_state(flag, *overrides, field)
                    ),
                ),
                _ => continue,
            },
            Given::Field { value, .. } => match value.as_i64() {
                Some(n) if n <= 0 => (
                    given.at(),
                    format!(
                        "the kubelet sets no per-pod process limit (podPidsLimit: {value}): one pod can exhaust the node's PIDs; set podPidsLimit to a positive value"
                    ),
                ),
                _ => continue,
            },
            Given::Default(Defaults::ConfigFile) => (
                Some(k.anchor_in_file()),
                "the kubelet sets no per-pod process limit (podPidsLimit is not set, so -1): one pod can exhaust the node's PIDs; set podPidsLimit to a positive value".to_string(),
            ),
            Given::Default(Defaults::CommandLine) => (
                Some(k.anchor()),
                "the kubelet sets no per-pod process limit (--pod-max-pids is not set and there is no --config, so -1): one pod can exhaust the node's PIDs; set --pod-max-pids to a positive value".to_string(),
            ),
            Given::Default(Defaults::Unknown) => continue,
        };
        if let Some((ri, path)) = at {
            report(out, meta, ri, path, message);
        }
    }
}

fn check_kubelet_seccomp_default(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_SECCOMP_DEFAULT.meta;
    let field = "seccompDefault";
    for k in kubelets(ctx) {
        let given = k.given_bool("seccomp-default", field);
        let (at, state, advice) = match &given {
            Given::Flag {
                flag, overrides, ..
            } => match flag_bool(flag) {
                Some(false) => (
                    given.at(),
                    flag_state(flag, *overrides, field),
                    "--seccomp-default=true",
                ),
                _ => continue,
            },
            Given::Field {
                value: Value::Bool(true),
                ..
            } => continue,
            Given::Field { value, .. } => (
                given.at(),
                format!("seccompDefault: {value}"),
                "seccompDefault: true",
            ),
            Given::Default(Defaults::ConfigFile) => (
                Some(k.anchor_in_file()),
                "seccompDefault is not set, so false".to_string(),
                "seccompDefault: true",
            ),
            Given::Default(Defaults::CommandLine) => (
                Some(k.anchor()),
                "--seccomp-default is not set and there is no --config, so false".to_string(),
                "--seccomp-default=true",
            ),
            Given::Default(Defaults::Unknown) => continue,
        };
        let Some((ri, path)) = at else { continue };
        report(
            out,
            meta,
            ri,
            path,
            format!(
                "containers that set no seccomp profile run Unconfined on this node ({state}); set {advice} so they get the runtime's RuntimeDefault profile"
            ),
        );
    }
}

fn check_kubelet_event_qps(ctx: &Context, out: &mut Vec<Finding>) {
    let meta = &KUBELET_EVENT_QPS.meta;
    let field = "eventRecordQPS";
    for k in kubelets(ctx) {
        let given = k.given("event-qps", field);
        let (qps, state, advice) = match &given {
            Given::Flag {
                flag, overrides, ..
            } => match flag_int(flag) {
                Some(n) if n <= 0 => (
                    n,
                    flag_state(flag, *overrides, field),
                    "remove --event-qps or set it to a positive rate (the default is 50)",
                ),
                _ => continue,
            },
            Given::Field { value, .. } => match value.as_i64() {
                Some(n) if n <= 0 => (
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
        report_given(out, meta, &given, message);
    }
}
