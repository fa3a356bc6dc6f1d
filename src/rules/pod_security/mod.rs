//! Pod Security Standards controls, as the pod-security-admission library
//! (`k8s.io/pod-security-admission/policy/check_*.go`) enforces them at its
//! newest policy version (v1.37), with the older versions' variants.
//!
//! Rule ids follow the library's check ids (`capabilities_baseline` →
//! `capabilities-baseline`). Where a restricted check overrides a baseline
//! check in the library (`restrictedVolumes` → `hostPathVolumes`,
//! `capabilities_restricted` → `capabilities_baseline` from v1.22,
//! `seccompProfile_restricted` → `seccompProfile_baseline` from v1.19,
//! `procMount_restricted` → `procMount` from v1.35), the restricted rule
//! declares it in its [`PssCheck::overrides`]; where both report the same field,
//! only the restricted finding stays, at the baseline severity or higher
//! (see [`crate::rules::merge_replaced`]): one finding per problem, and a
//! stricter profile never lowers a baseline violation's severity. Where the
//! restricted check does not apply (Windows pods from v1.25, versions before
//! it existed), the baseline finding stays.
pub mod allow_privilege_escalation;
pub mod apparmor_profile;
pub mod capabilities_baseline;
pub mod capabilities_restricted;
pub mod host_namespaces;
pub mod host_path_volumes;
pub mod host_ports;
pub mod host_probes_and_host_lifecycle;
pub mod privileged;
pub mod proc_mount;
pub mod proc_mount_restricted;
pub mod profile;
pub mod restricted_volumes;
pub mod run_as_non_root;
pub mod run_as_user;
pub mod seccomp_profile_baseline;
pub mod seccomp_profile_restricted;
pub mod selinux_options;
pub mod sysctls;
pub mod windows_host_process;

use crate::model::value::Value;

use crate::model::path::Path;
use crate::model::resource::str_at;
use crate::model::workload::{ContainerRef, Workload};
use crate::options::PssVersion;
use crate::rules::{Context, Kind, Reference, RuleMeta};

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

/// A check of `k8s.io/pod-security-admission`, as it registers itself.
#[derive(Clone, Copy, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PssCheck {
    /// The library's check id (`capabilities_baseline`).
    pub check: &'static str,
    pub level: PssLevel,
    /// The first policy version it applies at (`v1.since`; 0: every one).
    pub since: u32,
    /// From this policy version, pods with `spec.os.name: windows` are
    /// exempt (the Linux-only restricted checks, from v1.25).
    pub windows_exempt_from: Option<u32>,
    /// For a restricted check: the baseline check it takes over.
    pub overrides: Option<Override>,
}

impl PssCheck {
    /// A check of `level` at every policy version, for every pod.
    pub const fn new(check: &'static str, level: PssLevel) -> PssCheck {
        PssCheck {
            check,
            level,
            since: 0,
            windows_exempt_from: None,
            overrides: None,
        }
    }

    /// The check from policy version `v1.<minor>` on.
    pub const fn from_version(self, minor: u32) -> PssCheck {
        PssCheck {
            since: minor,
            ..self
        }
    }

    /// Windows pods exempt from policy version `v1.<minor>` on.
    pub const fn windows_exempt_from(self, minor: u32) -> PssCheck {
        PssCheck {
            windows_exempt_from: Some(minor),
            ..self
        }
    }

    /// Takes over the baseline rule `baseline` from policy version `v1.<from>`.
    pub const fn overriding(self, baseline: &'static str, from: u32) -> PssCheck {
        PssCheck {
            overrides: Some(Override { baseline, from }),
            ..self
        }
    }
}

/// A restricted check's override of a baseline check (by rule id), from a
/// policy version.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Override {
    pub baseline: &'static str,
    pub from: u32,
}

pub const fn pss(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "PSS",
        id,
        title,
        url: crate::rules::PSS_DOC,
    }
}

pub const fn nsa(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "NSA/CISA",
        id,
        title,
        url: crate::rules::NSA_GUIDE,
    }
}

/// NSA/CISA on where images come from (the supply-chain rules).
pub const NSA_TRUSTED_IMAGES: Reference = nsa(
    "Pod security: image scanning",
    "Use trusted, scanned images from trusted repositories",
);
/// NSA/CISA on kernel-level confinement (seccomp, AppArmor, SELinux).
pub const NSA_SECCOMP_APPARMOR: Reference = nsa(
    "Hardening container environments",
    "Pod security: AppArmor, seccomp and SELinux",
);
/// NSA/CISA on workload identities (one ServiceAccount per workload).
pub const NSA_SERVICE_ACCOUNTS: Reference = nsa(
    "Authentication and authorization",
    "Create separate service accounts per workload with least privilege",
);

pub const fn cis(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "CIS",
        id,
        title,
        url: "https://www.cisecurity.org/benchmark/kubernetes",
    }
}

/// The Namespace label that pins the policy version pod-security-admission
/// enforces in a namespace.
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";

/// Policy version of each workload: the `enforce-version` label of its
/// Namespace when the input holds that Namespace, else `--pss-version`.
/// Built once per rule run (the input's labelled Namespaces are few).
pub struct Versions<'a> {
    ctx: &'a Context<'a>,
    labelled: Vec<(&'a str, PssVersion)>,
}

impl<'a> Versions<'a> {
    pub fn new(ctx: &'a Context<'a>) -> Versions<'a> {
        let labelled = ctx
            .of_kind(Kind::NAMESPACE)
            .filter_map(|(_, r)| {
                let name = str_at(&r.json, "metadata.name")?;
                let label = r
                    .json
                    .get("metadata")?
                    .get("labels")?
                    .get(ENFORCE_VERSION_LABEL)
                    .and_then(Value::as_str)?;
                // An invalid label value: the admission controller falls back
                // to its default; so do we.
                Some((name, PssVersion::parse(label)?))
            })
            .collect();
        Versions { ctx, labelled }
    }

    /// Whether the check a rule declares applies to `w` at its policy
    /// version: introduced by then, and not a Windows pod it exempts.
    pub fn applies(&self, w: &Workload, rule: &RuleMeta) -> bool {
        let Some(pss) = rule.pss else { return true };
        let version = self.of(w);
        version.at_least(pss.since)
            && !(pss.windows_exempt_from.is_some_and(|v| version.at_least(v)) && w.is_windows())
    }

    /// The workloads the check `rule` declares applies to (`applies`).
    pub fn workloads<'s>(&'s self, rule: &'s RuleMeta) -> impl Iterator<Item = &'a Workload> + 's {
        self.ctx
            .workloads
            .iter()
            .filter(move |w| self.applies(w, rule))
    }

    /// The containers of `workloads(rule)`, each with its workload.
    pub fn containers<'s>(
        &'s self,
        rule: &'s RuleMeta,
    ) -> impl Iterator<Item = (&'a Workload, ContainerRef<'a>)> + 's {
        self.workloads(rule)
            .flat_map(|w| w.containers().map(move |c| (w, c)))
    }

    /// The policy version `w` is checked at.
    pub fn of(&self, w: &Workload) -> &PssVersion {
        let ns = self.ctx.resource(w).namespace();
        ns.and_then(|ns| {
            self.labelled
                .iter()
                .rev()
                .find(|(name, _)| *name == ns)
                .map(|(_, v)| v)
        })
        .unwrap_or(&self.ctx.options.pss_version)
    }
}

/// `spec.hostUsers: false`: the pod runs in its own user namespace, which
/// relaxes runAsNonRoot, runAsUser and procMount from policy v1.35.
pub fn user_namespaced(w: &Workload) -> bool {
    w.spec.host_users == Some(false)
}

/// Path of a field in a container's securityContext.
pub fn sc_path(c: &ContainerRef, dotted: &str) -> Path {
    c.path.key("securityContext").join(&Path::parse(dotted))
}

/// `a`, `a and b`, `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `v1.29` / `latest`, for messages.
pub fn show(v: &PssVersion) -> String {
    match v {
        PssVersion::Latest => "latest".into(),
        PssVersion::Minor(m) => format!("v1.{m}"),
    }
}

/// The containers that set no value of their own, and so take the pod's
/// refused one, with the verb in number (`verb`: singular, plural):
/// `container "a" and container "b" inherit`; `None` when every container
/// sets its own.
pub fn inheriting(
    w: &Workload,
    sets_own: impl Fn(&ContainerRef) -> bool,
    (one, many): (&str, &str),
) -> Option<String> {
    let who: Vec<String> = w
        .containers()
        .filter(|c| !sets_own(c))
        .map(|c| c.describe())
        .collect();
    (!who.is_empty()).then(|| format!("{} {}", list(&who), agree(who.len(), one, many)))
}

/// `inherits` for one subject, `inherit` for several.
pub fn agree<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
