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

use crate::model::value::Value;

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

mod access;
mod node;
mod tls;

pub use access::{
    KUBELET_ANONYMOUS_AUTH, KUBELET_AUTHORIZATION_MODE, KUBELET_CLIENT_CA_FILE,
    KUBELET_READ_ONLY_PORT, KUBELET_STREAMING_IDLE_TIMEOUT,
};
pub use node::{
    KUBELET_EVENT_QPS, KUBELET_IPTABLES_UTIL_CHAINS, KUBELET_POD_PIDS_LIMIT,
    KUBELET_PROTECT_KERNEL_DEFAULTS, KUBELET_SECCOMP_DEFAULT,
};
pub use tls::{KUBELET_CERTIFICATE_ROTATION, KUBELET_HOSTNAME_OVERRIDE, KUBELET_TLS_CIPHER_SUITES};

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

/// How a flag gives a setting, for a message: the flag as written and,
/// when the linked file sets the field too, that the flag wins.
fn flag_state(flag: &Flag, overrides: Option<&Value>, field: &str) -> String {
    format!("{}{}", shown(flag), overriding(overrides, field))
}

/// `push_unique` of a finding of `meta` where `given` gives the setting.
fn report_given(out: &mut Vec<Finding>, meta: &'static RuleMeta, given: &Given, message: String) {
    if let Some((ri, path)) = given.at() {
        report(out, meta, ri, path, message);
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

/// `push_unique` of a finding of `meta` at `path` of resource `ri`.
fn report(out: &mut Vec<Finding>, meta: &'static RuleMeta, ri: usize, path: Path, message: String) {
    push_unique(out, Finding::new(meta, ri, path, message));
}

/// Which source decides the setting a finding is about, for its advice.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    CommandLine,
    File,
}

/// A boolean setting, its flag, its field, the value it must have and its
/// defaults on the command line (without `--config`) and in a file.
struct BoolSetting {
    flag: &'static str,
    field: &'static str,
    want: bool,
    command_line_default: bool,
    file_default: bool,
}

/// Reports the flag or field of a boolean setting that is not `want`, or the
/// missing setting when the applicable default is not `want`. `message`
/// gets the source and what it says (`--flag=false, which overrides ...`,
/// `field is not true`).
fn expect_bool(
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    k: &Kubelet,
    s: &BoolSetting,
    message: impl Fn(Source, &str) -> String,
) {
    let (resource, path, source, state) = match k.given_bool(s.flag, s.field) {
        Given::Flag {
            command,
            flag,
            overrides,
        } => match flag_bool(flag) {
            Some(v) if v != s.want => (
                command.resource,
                flag.path.clone(),
                Source::CommandLine,
                format!("{}{}", shown(flag), overriding(overrides, s.field)),
            ),
            _ => return,
        },
        Given::Field {
            resource,
            path,
            value,
        } => {
            if value.as_bool() == Some(s.want) {
                return;
            }
            let state = format!("{} is not {}", s.field, s.want);
            (resource, path, Source::File, state)
        }
        Given::Default(Defaults::CommandLine) if s.command_line_default != s.want => {
            let (ri, path) = k.anchor();
            let state = format!(
                "--{} is not set and there is no --config, so {}",
                s.flag, s.command_line_default
            );
            (ri, path, Source::CommandLine, state)
        }
        Given::Default(Defaults::ConfigFile) if s.file_default != s.want => {
            let (ri, path) = k.anchor_in_file();
            let state = format!("{} is not {}", s.field, s.want);
            (ri, path, Source::File, state)
        }
        Given::Default(_) => return,
    };
    push_unique(
        out,
        Finding::new(meta, resource, path, message(source, &state)),
    );
}
