//! HostProcess (baseline, since v1.0; `windowsHostProcess`).
//!
//! > Windows Pods offer the ability to run HostProcess containers which
//! > enables privileged access to the Windows host machine. Privileged
//! > access to the host is disallowed in the Baseline policy.
//! > Restricted fields:
//! > `spec.securityContext.windowsOptions.hostProcess`,
//! > `spec.containers[*].securityContext.windowsOptions.hostProcess` (init
//! > and ephemeral containers likewise). Allowed values: undefined/nil,
//! > `false`.

use crate::diagnostic::{Applicability, Severity};
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss, sc_path};
use crate::rules::{Context, Finding, PSS_BASELINE, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "windows-host-process",
        title: "Windows HostProcess container",
        severity: Severity::Critical,
        category: "pod-security",
        profiles: PSS_BASELINE,
        references: &[
            pss("windowsHostProcess", "Baseline: HostProcess"),
            nsa("Pod security", "Kubernetes Pod security"),
            cis_k8s!(
                "5.2.10",
                "Minimize the admission of Windows HostProcess containers"
            ),
        ],
        rationale: "A Windows HostProcess container runs directly on the node as a host process, with the host's network and file system and, typically, SYSTEM privileges: the Windows equivalent of a privileged container.",
        remediation: "Remove `windowsOptions.hostProcess: true`; run node administration from a separately governed namespace.",
        help: "set windowsOptions.hostProcess to false (or remove it)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  os:\n    name: windows\n  hostNetwork: true\n  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"\n  containers:\n  - name: agent\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  os:\n    name: windows\n  containers:\n  - name: agent\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n",
        pss: Some(PssCheck::new("windowsHostProcess", PssLevel::Baseline)),
        params: &[],
    },
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        let pod = w
            .spec
            .security_context
            .as_ref()
            .and_then(|s| s.windows_options.as_ref())
            .and_then(|o| o.host_process);
        let mut report = |path, message: String| {
            out.push(Finding::new(&RULE.meta, w.resource, path, message).setting(
                "false",
                "Set hostProcess to false",
                Applicability::Unsafe,
            ));
        };
        if pod == Some(true) {
            report(
                w.spec_field("securityContext.windowsOptions.hostProcess"),
                "pod runs its containers as Windows HostProcess containers (hostProcess: true), with host-level access to the node; remove it".into(),
            );
        }
        for c in w.containers() {
            let own = c
                .container
                .security_context
                .as_ref()
                .and_then(|s| s.windows_options.as_ref())
                .and_then(|o| o.host_process);
            if own == Some(true) {
                report(
                    sc_path(&c, "windowsOptions.hostProcess"),
                    format!(
                        "{} runs as a Windows HostProcess container (hostProcess: true), with host-level access to the node; remove it",
                        c.describe()
                    ),
                );
            }
        }
    }
}
