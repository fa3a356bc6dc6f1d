//! Control-plane flags in static pod manifests (`/etc/kubernetes/manifests`):
//! kube-apiserver, etcd, kube-controller-manager and kube-scheduler, as the
//! CIS Kubernetes Benchmark (sections 1.2, 1.3, 1.4 and 2) lists them. CIS ids
//! are v2.0's (`cis_k8s!`), the same as v1.12's for these sections.
//!
//! A component is a container whose command (or, without a command, whose
//! args) starts with the component's binary, or a container without a command
//! whose args begin with a flag and whose image names the component
//! (`registry.k8s.io/etcd:3.5.15-0`: the image's entrypoint runs it) or whose
//! pod carries kubeadm's `component: <binary>` label. Flags are read from
//! command and args in both `--flag=value` and `--flag value` forms; a flag
//! given an empty value (`--tls-cert-file=`), or a non-boolean flag with no
//! value, counts as absent. A finding sits on the flag's list item, or on the
//! binary's item (the image, for an entrypoint-started container) when a
//! required flag is missing.
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

/// One flag of a command line.
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    /// The list item holding the flag's name.
    pub path: Path,
}

/// A control-plane component's command line.
pub struct Command {
    pub resource: usize,
    /// The binary's list item (where a missing flag is reported).
    pub anchor: Path,
    pub binary: &'static str,
    pub flags: Vec<Flag>,
}

impl Command {
    /// The flag's last occurrence (the one the binary keeps), or `None` when
    /// it is absent or given an empty value (`--tls-cert-file=`): an empty
    /// path, address or list configures nothing.
    pub fn get(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .rev()
            .find(|f| f.name == name)
            .filter(|f| f.value.as_deref().is_none_or(|v| !v.trim().is_empty()))
    }

    /// The flag's value, when it has a non-empty one: a bare `--tls-cert-file`
    /// followed by another flag has none.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|f| f.value.as_deref())
    }

    /// Whether the flag is set to a value (not bare, not empty).
    pub fn has(&self, name: &str) -> bool {
        self.value(name).is_some()
    }

    /// A comma-separated flag's items.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.value(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Whether an image names a component: its repository's last segment is the
/// binary, possibly with an architecture suffix (`registry.k8s.io/etcd:3.5.15-0`,
/// `k8s.gcr.io/kube-apiserver-amd64:v1.11.0`).
fn image_runs(image: &str, binary: &str) -> bool {
    let repo = crate::rules::workload::parse_image(image).repository;
    let last = repo.rsplit('/').next().unwrap_or(repo);
    last == binary
        || last.strip_prefix(binary).is_some_and(|rest| {
            matches!(rest, "-amd64" | "-arm64" | "-arm" | "-ppc64le" | "-s390x")
        })
}

/// Every container of the input that runs `binary`.
pub fn commands(ctx: &Context, binary: &'static str) -> Vec<Command> {
    let mut out = Vec::new();
    for w in ctx.workloads {
        // kubeadm's static pods are labelled `component: <binary>`.
        let labelled = w
            .meta
            .labels
            .as_ref()
            .and_then(|l| l.get("component"))
            .is_some_and(|c| c == binary);
        for c in w.containers() {
            // Most containers run something else: look at argv[0] before
            // building paths for every argument.
            let command = c.container.command.as_deref().unwrap_or_default();
            let args = c.container.args.as_deref().unwrap_or_default();
            let first = command.iter().chain(args).next();
            let named = |s: &String| s.rsplit('/').next() == Some(binary);
            // The binary's own item; or, for a container started through its
            // image's entrypoint (no command, args that begin with a flag),
            // an image that names the component or a kubeadm label.
            let by_entrypoint = command.is_empty()
                && args.first().is_some_and(|a| a.starts_with('-'))
                && (labelled
                    || c.container
                        .image
                        .as_deref()
                        .is_some_and(|i| image_runs(i, binary)));
            if !first.is_some_and(named) && !by_entrypoint {
                continue;
            }
            let argv: Vec<(Path, &str)> = command
                .iter()
                .enumerate()
                .map(|(i, s)| (c.path.key("command").index(i), s.as_str()))
                .chain(
                    args.iter()
                        .enumerate()
                        .map(|(i, s)| (c.path.key("args").index(i), s.as_str())),
                )
                .collect();
            // Flags start after the binary's item; without one, at argv[0],
            // and a missing flag is reported on the image.
            let (anchor, start) = if by_entrypoint {
                (c.path.key("image"), 0)
            } else {
                (argv[0].0.clone(), 1)
            };
            let mut flags = Vec::new();
            let mut i = start;
            while i < argv.len() {
                let (path, item) = &argv[i];
                i += 1;
                let Some(flag) = item.strip_prefix("--").or_else(|| item.strip_prefix('-')) else {
                    continue;
                };
                let (name, value) = match flag.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => match argv.get(i) {
                        // A negative number is a value (pflag takes it
                        // as one), not a flag.
                        Some((_, next))
                            if !next.starts_with('-') || next.parse::<f64>().is_ok() =>
                        {
                            i += 1;
                            (flag.to_string(), Some(next.to_string()))
                        }
                        _ => (flag.to_string(), None),
                    },
                };
                flags.push(Flag {
                    name,
                    value,
                    path: path.clone(),
                });
            }
            out.push(Command {
                resource: w.resource,
                anchor,
                binary,
                flags,
            });
        }
    }
    out
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

mod apiserver;
mod controller_manager;
mod etcd;
mod scheduler;

pub use apiserver::*;
pub use controller_manager::*;
pub use etcd::*;
pub use scheduler::*;
