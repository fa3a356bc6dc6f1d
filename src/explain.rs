//! The effective value of the setting a finding judges, and where it comes
//! from (the container's field, the pod's securityContext, the pod's
//! ServiceAccount, a Kubernetes default): what an editor's hover shows
//! beside the rule's text. Read from the engine's model of the bundle
//! (`Workload`, typed k8s-openapi objects), never by re-reading YAML text.
//! A rule that judges no single setting has no explanation.

use crate::model::pod::SecurityContext;

use crate::check::{Source, with_context};
use crate::diagnostic::Diagnostic;
use crate::model::setting::Setting;
use crate::model::workload::{ContainerRef, Workload};
use crate::options::Options;
use crate::rules::{Context, setting_of};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The field, as Kubernetes names it (`runAsNonRoot`).
    pub setting: &'static str,
    /// Its effective value (`true`, `unset`, `IfNotPresent`).
    pub value: String,
    /// Where the value comes from, in a sentence.
    pub origin: String,
}

/// Whether explaining this rule's finding needs the other files of the
/// bundle (the pod's ServiceAccount may be in another file).
pub fn needs_bundle(rule: &str) -> bool {
    setting_of(rule) == Some(Setting::Automount)
}

/// The explanation of `finding`, a finding of `sources[index]`.
pub fn explain(
    sources: &[Source],
    index: usize,
    finding: &Diagnostic,
    options: &Options,
) -> Option<Explanation> {
    let setting = setting_of(&finding.rule)?;
    let path = finding.path.as_deref()?;
    let at = finding.range.start;
    with_context(sources, options, |ctx| {
        // The innermost resource of the source holding the finding.
        let (ri, resource) = ctx
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.source == index && r.range.start <= at && at <= r.range.end)
            .min_by_key(|(_, r)| (r.range.end.line - r.range.start.line, r.range.end.character))?;
        let w = ctx.workloads.iter().find(|w| w.resource == ri)?;
        // The finding's path within the resource (a List item's has its base).
        let base = resource.base.to_string();
        let rel = match path.strip_prefix(&base) {
            Some(r) if !base.is_empty() => r.strip_prefix('.').unwrap_or(r),
            _ => path,
        };
        let container = w.containers().find(|c| {
            let p = c.path.to_string();
            rel.strip_prefix(&p)
                .is_some_and(|r| r.is_empty() || r.starts_with('.'))
        });
        effective(ctx, w, container.as_ref(), setting)
    })
}

fn sc<'a>(c: Option<&'a ContainerRef>) -> Option<&'a SecurityContext> {
    c.and_then(|c| c.container.security_context.as_ref())
}

fn on_container(c: &ContainerRef, field: &str) -> String {
    format!(
        "set on {} (`{}.securityContext.{field}`)",
        c.describe(),
        c.path
    )
}

/// A pod-and-container field: the container's value wins over the pod's.
fn inherited(
    w: &Workload,
    c: Option<&ContainerRef>,
    field: &'static str,
    own: Option<String>,
    pod: Option<String>,
    default: (&str, &str),
) -> Explanation {
    let (value, origin) = match (own, pod, c) {
        (Some(v), _, Some(c)) => (v, on_container(c, field)),
        (_, Some(v), _) => (
            v,
            format!(
                "inherited from the pod (`{}`){}",
                w.spec_field(&format!("securityContext.{field}")),
                if c.is_some() {
                    ": the container sets none"
                } else {
                    ", for every container that sets none"
                }
            ),
        ),
        _ => (default.0.to_string(), default.1.to_string()),
    };
    Explanation {
        setting: field,
        value,
        origin,
    }
}

/// A container-only field.
fn own(
    c: Option<&ContainerRef>,
    field: &'static str,
    value: Option<String>,
    default: (&str, &str),
) -> Option<Explanation> {
    let c = c?;
    Some(match value {
        Some(v) => Explanation {
            setting: field,
            value: v,
            origin: on_container(c, field),
        },
        None => Explanation {
            setting: field,
            value: default.0.to_string(),
            origin: default.1.to_string(),
        },
    })
}

fn effective(
    ctx: &Context,
    w: &Workload,
    c: Option<&ContainerRef>,
    setting: Setting,
) -> Option<Explanation> {
    let pod = w.spec.security_context.as_ref();
    let s = sc(c);
    let show = |v: Option<String>| v;
    Some(match setting {
        Setting::RunAsNonRoot => inherited(
            w,
            c,
            "runAsNonRoot",
            show(s.and_then(|s| s.run_as_non_root).map(|v| v.to_string())),
            pod.and_then(|p| p.run_as_non_root).map(|v| v.to_string()),
            (
                "unset",
                "neither the container nor the pod sets it (Kubernetes default): the image's USER decides, root when it names none",
            ),
        ),
        Setting::RunAsUser => inherited(
            w,
            c,
            "runAsUser",
            s.and_then(|s| s.run_as_user).map(|v| v.to_string()),
            pod.and_then(|p| p.run_as_user).map(|v| v.to_string()),
            (
                "unset",
                "neither the container nor the pod sets it (Kubernetes default): the image's USER, root (0) when it names none",
            ),
        ),
        Setting::RunAsGroup => inherited(
            w,
            c,
            "runAsGroup",
            s.and_then(|s| s.run_as_group).map(|v| v.to_string()),
            pod.and_then(|p| p.run_as_group).map(|v| v.to_string()),
            (
                "unset",
                "neither the container nor the pod sets it (Kubernetes default): the image's group, root (0) when it names none",
            ),
        ),
        Setting::Seccomp => inherited(
            w,
            c,
            "seccompProfile",
            s.and_then(|s| s.seccomp_profile.as_ref())
                .map(|p| p.type_.clone()),
            pod.and_then(|p| p.seccomp_profile.as_ref())
                .map(|p| p.type_.clone()),
            (
                "Unconfined",
                "neither the container nor the pod sets it: Kubernetes' default, unless the kubelet runs with --seccomp-default (RuntimeDefault)",
            ),
        ),
        Setting::AppArmor => {
            let annotation = c.and_then(|c| {
                w.meta.annotations.as_ref()?.get(&format!(
                    "container.apparmor.security.beta.kubernetes.io/{}",
                    c.container.name
                ))
            });
            let e = inherited(
                w,
                c,
                "appArmorProfile",
                s.and_then(|s| s.app_armor_profile.as_ref())
                    .map(|p| p.type_.clone()),
                pod.and_then(|p| p.app_armor_profile.as_ref())
                    .map(|p| p.type_.clone()),
                (
                    "unset",
                    "neither the container nor the pod sets it: the runtime's default profile on nodes with AppArmor",
                ),
            );
            match annotation {
                Some(a) if e.value == "unset" => Explanation {
                    value: a.clone(),
                    origin: "from the deprecated pod annotation container.apparmor.security.beta.kubernetes.io".into(),
                    ..e
                },
                _ => e,
            }
        }
        Setting::SeLinux => {
            let show = |o: &crate::model::pod::SELinuxOptions| {
                [
                    ("user", &o.user),
                    ("role", &o.role),
                    ("type", &o.type_),
                    ("level", &o.level),
                ]
                .iter()
                .filter_map(|(k, v)| Some(format!("{k}={}", v.as_deref()?)))
                .collect::<Vec<_>>()
                .join(", ")
            };
            inherited(
                w,
                c,
                "seLinuxOptions",
                s.and_then(|s| s.se_linux_options.as_ref()).map(show),
                pod.and_then(|p| p.se_linux_options.as_ref()).map(show),
                (
                    "unset",
                    "neither the container nor the pod sets it: the container runtime assigns its default label",
                ),
            )
        }
        Setting::Privileged => own(
            c,
            "privileged",
            s.and_then(|s| s.privileged).map(|v| v.to_string()),
            (
                "false",
                "the container does not set it (Kubernetes default)",
            ),
        )?,
        Setting::AllowPrivilegeEscalation => {
            let forced = s.is_some_and(|s| {
                s.privileged == Some(true)
                    || s.capabilities
                        .as_ref()
                        .and_then(|c| c.add.as_ref())
                        .is_some_and(|a| a.iter().any(|c| c == "SYS_ADMIN" || c == "CAP_SYS_ADMIN"))
            });
            let e = own(
                c,
                "allowPrivilegeEscalation",
                s.and_then(|s| s.allow_privilege_escalation)
                    .map(|v| v.to_string()),
                (
                    "true",
                    "the container does not set it: Kubernetes' default lets a process gain privileges (no_new_privs is off)",
                ),
            )?;
            if forced {
                Explanation {
                    value: "true".into(),
                    origin: "always true for a privileged container or one that adds SYS_ADMIN, whatever the field says".into(),
                    ..e
                }
            } else {
                e
            }
        }
        Setting::ReadOnlyRootFilesystem => own(
            c,
            "readOnlyRootFilesystem",
            s.and_then(|s| s.read_only_root_filesystem)
                .map(|v| v.to_string()),
            (
                "false",
                "the container does not set it (Kubernetes default): its root filesystem is writable",
            ),
        )?,
        Setting::Capabilities => {
            let caps = s.and_then(|s| s.capabilities.as_ref());
            let list = |l: Option<&Vec<String>>| {
                l.filter(|l| !l.is_empty())
                    .map_or_else(|| "none".to_string(), |l| l.join(", "))
            };
            own(
                c,
                "capabilities",
                caps.map(|k| {
                    format!(
                        "add: {}; drop: {}",
                        list(k.add.as_ref()),
                        list(k.drop.as_ref())
                    )
                }),
                (
                    "add: none; drop: none",
                    "the container does not set it: the container runtime's default set (CHOWN, NET_RAW, SETUID and others)",
                ),
            )?
        }
        Setting::ProcMount => own(
            c,
            "procMount",
            s.and_then(|s| s.proc_mount.clone()),
            (
                "Default",
                "the container does not set it (Kubernetes default: /proc masked)",
            ),
        )?,
        Setting::ImagePullPolicy => {
            let c = c?;
            let field = "imagePullPolicy";
            match c
                .container
                .image_pull_policy
                .as_deref()
                .filter(|p| !p.is_empty())
            {
                Some(p) => Explanation {
                    setting: field,
                    value: p.to_string(),
                    origin: format!("set on {} (`{}.imagePullPolicy`)", c.describe(), c.path),
                },
                None => {
                    let image = c.container.image.as_deref().unwrap_or_default();
                    let parsed = crate::rules::workload::parse_image(image);
                    let (value, why) = match (parsed.tag, parsed.digest) {
                        (Some("latest"), _) => ("Always", "its tag is :latest"),
                        (None, None) => ("Always", "its image has no tag (so :latest)"),
                        (_, Some(_)) if parsed.tag.is_none() => {
                            ("IfNotPresent", "its image is pinned by digest")
                        }
                        _ => ("IfNotPresent", "its image has a tag other than :latest"),
                    };
                    Explanation {
                        setting: field,
                        value: value.into(),
                        origin: format!(
                            "{} does not set it: the API server's default because {why}",
                            c.describe()
                        ),
                    }
                }
            }
        }
        Setting::Automount => {
            let field = "automountServiceAccountToken";
            match w.spec.automount_service_account_token {
                Some(v) => Explanation {
                    setting: field,
                    value: v.to_string(),
                    origin: format!("set on the pod (`{}`)", w.spec_field(field)),
                },
                None => {
                    let name = crate::rules::workload::service_account(w);
                    let sa = crate::rules::workload::find_service_account(ctx, w, name);
                    let sa_value = sa.and_then(|(_, r)| r.json.get(field)?.as_bool());
                    match (sa, sa_value) {
                        (Some((i, _)), Some(v)) => Explanation {
                            setting: field,
                            value: v.to_string(),
                            origin: format!(
                                "the pod does not set it: from its ServiceAccount \"{name}\" ({})",
                                ctx.files[ctx.resources[i].source].name
                            ),
                        },
                        (Some(_), None) => Explanation {
                            setting: field,
                            value: "true".into(),
                            origin: format!(
                                "neither the pod nor its ServiceAccount \"{name}\" sets it (Kubernetes default)"
                            ),
                        },
                        (None, _) => Explanation {
                            setting: field,
                            value: "true".into(),
                            origin: format!(
                                "the pod does not set it and its ServiceAccount \"{name}\" is not in the workspace: Kubernetes' default, unless the ServiceAccount sets false"
                            ),
                        },
                    }
                }
            }
        }
        Setting::HostUsers => Explanation {
            setting: "hostUsers",
            value: w.spec.host_users.unwrap_or(true).to_string(),
            origin: match w.spec.host_users {
                Some(_) => format!("set on the pod (`{}`)", w.spec_field("hostUsers")),
                None => {
                    "the pod does not set it (Kubernetes default: the node's user namespace)".into()
                }
            },
        },
        Setting::ShareProcessNamespace => Explanation {
            setting: "shareProcessNamespace",
            value: w.spec.share_process_namespace.unwrap_or(false).to_string(),
            origin: match w.spec.share_process_namespace {
                Some(_) => format!(
                    "set on the pod (`{}`)",
                    w.spec_field("shareProcessNamespace")
                ),
                None => "the pod does not set it (Kubernetes default)".into(),
            },
        },
    })
}
