//! Control-plane flags in static pod manifests (`/etc/kubernetes/manifests`):
//! kube-apiserver, etcd, kube-controller-manager and kube-scheduler, as the
//! CIS Kubernetes Benchmark (sections 1.2, 1.3, 1.4 and 2) lists them. CIS ids
//! are v2.0's (`cis_k8s!`), the same as v1.12's for these sections.
//!
//! Components and their flags are read by [`crate::model::command_line`]: a
//! flag given an empty value counts as absent. A finding sits on the flag's
//! list item, or on the binary's item (the image, for an entrypoint-started
//! container) when a required flag is missing.
//! Flags Kubernetes removed (`--insecure-port`, `--basic-auth-file`,
//! `--kubelet-https`, the PodSecurityPolicy and SecurityContextDeny plugins)
//! are not checked.

use crate::model::path::Path;
use crate::rules::{Context, Finding, RuleMeta};

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

pub use crate::model::command_line::Command;

/// Every container of the input that runs `binary` (see
/// [`crate::model::command_line`] for how components are recognised).
pub fn commands(ctx: &Context, binary: &'static str) -> Vec<Command> {
    crate::model::command_line::commands(ctx.workloads, binary)
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

/// Cipher suites without forward secrecy or an AEAD mode.
pub fn weak_cipher(suite: &str) -> bool {
    suite.starts_with("TLS_RSA_") || !(suite.contains("GCM") || suite.contains("CHACHA20"))
}

/// Whether a `tlsMinVersion` / `--tls-min-version` value allows TLS 1.0 or 1.1.
pub(crate) fn weak_tls_version(v: &str) -> bool {
    matches!(v, "VersionTLS10" | "VersionTLS11")
}

mod apiserver;
mod controller_manager;
mod etcd;
mod scheduler;

pub use apiserver::*;
pub use controller_manager::*;
pub use etcd::*;
pub use scheduler::*;
