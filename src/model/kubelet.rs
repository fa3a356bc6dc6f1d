//! The kubelets a bundle describes, each as the kubelet itself assembles its
//! settings: a command line (a container that runs `kubelet`, recognised as
//! [`crate::model::command_line`] recognises every component), a
//! `KubeletConfiguration` file, or both.
//!
//! The kubelet reads its `--config` file and then re-applies its command
//! line on top, so a flag wins over the file's field ("Set Kubelet
//! Parameters Via A Configuration File": flags that target the same value as
//! the config file override it; `kubeletConfigFlagPrecedence` in
//! `cmd/kubelet/app`). A command line is tied to a `KubeletConfiguration` of
//! the bundle only when its `--config` names that document's file: the whole
//! path, or its last two or more components (`/var/lib/kubelet/config.yaml`
//! and a bundle file `node/var/lib/kubelet/config.yaml`); a bare file name is
//! too common to be a link. With `--config-dir`, drop-in files that are not
//! in the bundle may override both, so nothing is linked. A file no command
//! line names is judged alone, with the config file's defaults.
//!
//! Defaults differ by source (the same page: with `--config`, what the
//! command line does not give takes the KubeletConfiguration's defaults).
//! Without `--config` the kubelet keeps its command-line defaults, which are
//! open (anonymous authentication on, token webhook off, AlwaysAllow,
//! read-only port 10255: `applyLegacyDefaults` in `cmd/kubelet/app/options`);
//! a config file's are closed (off, on, Webhook, 0). When `--config` names a
//! file the bundle does not hold, a setting no flag gives is unknown.

use crate::model::value::Value;

use crate::model::command_line::{Command, Flag, commands};
use crate::model::kinds::Kind;
use crate::model::path::Path;
use crate::model::resource::{Resource, value_at};
use crate::model::workload::Workload;

/// One kubelet: its command line, its configuration file, or both.
pub struct Kubelet<'a> {
    pub command: Option<Command>,
    /// The `KubeletConfiguration` it reads (index and resource).
    pub config: Option<(usize, &'a Resource)>,
    /// The command line reads configuration the bundle does not hold
    /// (`--config` naming another file, or `--config-dir`).
    pub config_elsewhere: bool,
}

/// Which defaults apply to a setting neither a flag nor a field gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defaults {
    /// A command line without `--config`: the kubelet's command-line defaults.
    CommandLine,
    /// A `KubeletConfiguration` (alone, or the one `--config` names).
    ConfigFile,
    /// Configuration the bundle does not hold: nothing can be said.
    Unknown,
}

/// How one setting of a kubelet is given.
pub enum Given<'a> {
    /// By a flag (which wins over the file's field, named in `overrides`
    /// when the linked file sets it too).
    Flag {
        command: &'a Command,
        flag: &'a Flag,
        overrides: Option<&'a Value>,
    },
    /// By the configuration file's field.
    Field {
        resource: usize,
        path: Path,
        value: &'a Value,
    },
    /// By neither.
    Default(Defaults),
}

impl Given<'_> {
    /// Where the setting is given: the flag, or the file's field.
    pub fn at(&self) -> Option<(usize, Path)> {
        match self {
            Given::Flag { command, flag, .. } => Some((command.resource, flag.path.clone())),
            Given::Field { resource, path, .. } => Some((*resource, path.clone())),
            Given::Default(_) => None,
        }
    }
}

impl<'a> Kubelet<'a> {
    /// The flag, when the command line sets it to a non-empty value (or, for
    /// a boolean, gives it bare).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.command.as_ref()?.get(name)
    }

    /// The configuration file's field at `dotted`.
    pub fn field(&self, dotted: &str) -> Option<(usize, Path, &'a Value)> {
        let (ri, r) = self.config?;
        value_at(&r.json, dotted).map(|v| (ri, Path::parse(dotted), v))
    }

    pub fn defaults(&self) -> Defaults {
        match (&self.command, self.config) {
            (_, Some(_)) => Defaults::ConfigFile,
            (Some(_), None) if self.config_elsewhere => Defaults::Unknown,
            (Some(_), None) => Defaults::CommandLine,
            (None, None) => Defaults::Unknown,
        }
    }

    /// The setting given by the value flag `flag` on the command line (a
    /// bare one has no value and counts as absent) or `field` in the file.
    pub fn given(&self, flag: &str, field: &str) -> Given<'_> {
        self.lookup(flag, field, false)
    }

    /// The setting given by the boolean flag `flag` (a bare one is true) or
    /// `field` in the file.
    pub fn given_bool(&self, flag: &str, field: &str) -> Given<'_> {
        self.lookup(flag, field, true)
    }

    fn lookup(&self, flag: &str, field: &str, boolean: bool) -> Given<'_> {
        if let Some(command) = &self.command
            && let Some(f) = command.get(flag).filter(|f| boolean || f.value.is_some())
        {
            return Given::Flag {
                command,
                flag: f,
                overrides: self.field(field).map(|(_, _, v)| v),
            };
        }
        match self.field(field) {
            Some((resource, path, value)) => Given::Field {
                resource,
                path,
                value,
            },
            None => Given::Default(self.defaults()),
        }
    }

    /// Where a setting missing from both is reported: the binary's item (the
    /// image, for an entrypoint-started container), else the file's `kind`.
    pub fn anchor(&self) -> (usize, Path) {
        match &self.command {
            Some(c) => (c.resource, c.anchor.clone()),
            None => self.anchor_in_file(),
        }
    }

    /// The file's `kind`, where a field the file lacks is reported (there is
    /// no field to point at); the command line's anchor without a file.
    pub fn anchor_in_file(&self) -> (usize, Path) {
        match (self.config, &self.command) {
            (Some((ri, _)), _) => (ri, Path::parse("kind")),
            (None, Some(c)) => (c.resource, c.anchor.clone()),
            (None, None) => (0, Path::root()),
        }
    }
}

/// Whether a `--config` path names a bundle file: equal paths, or one is a
/// suffix of the other on whole components, two components at least.
fn names_file(flag: &str, file: &str) -> bool {
    let file = file.strip_prefix("file://").unwrap_or(file);
    let parts = |p: &str| -> Vec<String> {
        p.split(['/', '\\'])
            .filter(|s| !s.is_empty() && *s != ".")
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (parts(flag), parts(file));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let n = a.len().min(b.len());
    (n >= 2 || a.len() == b.len()) && a[a.len() - n..] == b[b.len() - n..]
}

/// Every kubelet of the bundle: each command line, with the file its
/// `--config` names, then each `KubeletConfiguration` no command line names.
/// `file_name` gives a resource's source name.
pub fn kubelets<'a>(
    resources: &'a [Resource],
    workloads: &[Workload],
    file_name: impl Fn(&Resource) -> &'a str,
) -> Vec<Kubelet<'a>> {
    let configs: Vec<(usize, &Resource)> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| Kind::KUBELET_CONFIGURATION.is(r))
        .collect();
    let mut linked = vec![false; configs.len()];
    let mut out = Vec::new();
    for command in commands(workloads, "kubelet") {
        let path = command.value("config").map(str::to_string);
        let drop_ins = command.has("config-dir");
        let mut config = None;
        if let (Some(path), false) = (&path, drop_ins) {
            // The last document of that file, as the kubelet reads only one.
            if let Some((i, &(ri, r))) = configs
                .iter()
                .enumerate()
                .rev()
                .find(|(_, (_, r))| names_file(path, file_name(r)))
            {
                linked[i] = true;
                config = Some((ri, r));
            }
        }
        out.push(Kubelet {
            config_elsewhere: drop_ins || (path.is_some() && config.is_none()),
            command: Some(command),
            config,
        });
    }
    for (i, &(ri, r)) in configs.iter().enumerate() {
        if !linked[i] {
            out.push(Kubelet {
                command: None,
                config: Some((ri, r)),
                config_elsewhere: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::names_file;

    #[test]
    fn config_paths_link_on_whole_components() {
        assert!(names_file(
            "/var/lib/kubelet/config.yaml",
            "/var/lib/kubelet/config.yaml"
        ));
        assert!(names_file(
            "/var/lib/kubelet/config.yaml",
            "node/var/lib/kubelet/config.yaml"
        ));
        assert!(names_file(
            "/var/lib/kubelet/config.yaml",
            "kubelet/config.yaml"
        ));
        assert!(names_file(
            "/etc/kubelet/config.yaml",
            "file:///repo/etc/kubelet/config.yaml"
        ));
        assert!(names_file("config.yaml", "config.yaml"));
        // A bare name matches too many files; other directories are others.
        assert!(!names_file("/var/lib/kubelet/config.yaml", "config.yaml"));
        assert!(!names_file(
            "/var/lib/kubelet/config.yaml",
            "other/config.yaml"
        ));
        assert!(!names_file(
            "/var/lib/kubelet/config.yaml",
            "ubelet/config.yaml"
        ));
        assert!(!names_file("/var/lib/kubelet/config.yaml", ""));
    }
}
