//! kube-scheduler flags (CIS Kubernetes Benchmark section 1.4).

use crate::diagnostic::Severity;
use crate::rules::cluster::control_plane::{Want, commands, expect};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

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
