//! Component command lines: which containers run a Kubernetes component
//! (kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kubelet)
//! and the flags they pass it, as the component's flag parser (pflag) reads
//! them.
//!
//! A component is a container whose command (or, without a command, whose
//! args) starts with the component's binary, or a container without a command
//! whose args begin with a flag and whose image names the component
//! (`registry.k8s.io/etcd:3.5.15-0`: the image's entrypoint runs it) or whose
//! pod carries kubeadm's `component: <binary>` label, or a shell script
//! (`sh -c "exec kubelet --flag=…"`) whose simple command runs the binary
//! (its flags are then all reported at the script's item). Flags are read from
//! command and args in both `--flag=value` and `--flag value` forms; a flag
//! given an empty value (`--tls-cert-file=`), or a non-boolean flag with no
//! value, counts as absent.

use crate::model::path::Path;
use crate::model::workload::Workload;

/// One flag of a command line.
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    /// The list item holding the flag's name.
    pub path: Path,
}

/// A component's command line.
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

    /// A boolean flag's value, as pflag parses it: a bare flag is true, and
    /// `1`, `t`, `T`, `TRUE`, `true`, `True` (and the false forms) are read;
    /// `None` when the flag is absent, empty or not a boolean.
    pub fn bool(&self, name: &str) -> Option<(&Flag, bool)> {
        let f = self.get(name)?;
        let v = match f.value.as_deref() {
            None => true,
            Some(v) => parse_bool(v)?,
        };
        Some((f, v))
    }
}

/// Go's `strconv.ParseBool`, which pflag's boolean flags use.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim() {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Whether an image names a component: its repository's last segment is the
/// binary, possibly with an architecture suffix (`registry.k8s.io/etcd:3.5.15-0`,
/// `k8s.gcr.io/kube-apiserver-amd64:v1.11.0`).
fn image_runs(image: &str, binary: &str) -> bool {
    // The repository's last segment: after the last `/`, before a tag or
    // digest (a registry port sits before the last `/`, so it is not cut).
    let image = image.trim();
    let name = image.split_once('@').map_or(image, |(n, _)| n);
    let last = name.rsplit('/').next().unwrap_or(name);
    let last = last.split_once(':').map_or(last, |(n, _)| n);
    last == binary
        || last.strip_prefix(binary).is_some_and(|rest| {
            matches!(rest, "-amd64" | "-arm64" | "-arm" | "-ppc64le" | "-s390x")
        })
}

/// Every container of the workloads that runs `binary`.
pub fn commands(workloads: &[Workload], binary: &'static str) -> Vec<Command> {
    let mut out = Vec::new();
    for w in workloads {
        // kubeadm's static pods are labelled `component: <binary>`.
        let labelled = w
            .meta
            .labels
            .as_ref()
            .and_then(|l| l.get("component"))
            .is_some_and(|c| c == binary);
        for c in w.containers() {
            let command = c.container.command.as_deref().unwrap_or_default();
            let args = c.container.args.as_deref().unwrap_or_default();
            if let Some(found) = through_shell(w.resource, c.path, command, args, binary) {
                out.push(found);
                continue;
            }
            // Most containers run something else: look at argv[0] before
            // building paths for every argument.
            let first = command.iter().chain(args).next();
            // A path's last segment names the binary; a flag never does
            // (`--kubelet-service=kube-system/kubelet` is an argument).
            let named = |s: &String| !s.starts_with('-') && s.rsplit('/').next() == Some(binary);
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
            out.push(Command {
                resource: w.resource,
                anchor,
                binary,
                flags: parse_flags(&argv[start..]),
            });
        }
    }
    out
}

/// A component started by a shell script (`sh -c "exec kubelet --flag=…"`,
/// as node images and kind-style manifests do): the script's simple
/// command whose program is `binary`, its flags all at the script's item.
fn through_shell(
    resource: usize,
    container: &Path,
    command: &[String],
    args: &[String],
    binary: &'static str,
) -> Option<Command> {
    // Decided on the strings alone: paths (allocations) are built only for
    // the script's item of a shell container (this runs for every container
    // and every component's rules).
    let mut argv = command.iter().chain(args).map(String::as_str);
    let shell = argv.next()?.rsplit('/').next()?;
    if !matches!(shell, "sh" | "bash" | "ash" | "dash" | "zsh") {
        return None;
    }
    // `-c`, or short options that end with it (`-ec`, `-xc`).
    let c = argv.position(|a| {
        a.len() > 1 && a.starts_with('-') && !a.starts_with("--") && a.ends_with('c')
    })? + 1;
    let script = argv.next()?;
    // The script's item: argv[c + 1], in command or in args.
    let at = c + 1;
    let path = if at < command.len() {
        container.key("command").index(at)
    } else {
        container.key("args").index(at - command.len())
    };
    let path = &path;
    for words in simple_commands(script) {
        // `exec`, and variable assignments before the program.
        let Some(program) = words.iter().position(|w| w != "exec" && !is_assignment(w)) else {
            continue;
        };
        let named = &words[program];
        if named.starts_with('-') || named.rsplit('/').next() != Some(binary) {
            continue;
        }
        let rest: Vec<(Path, &str)> = words[program + 1..]
            .iter()
            .map(|w| (path.clone(), w.as_str()))
            .collect();
        return Some(Command {
            resource,
            anchor: path.clone(),
            binary,
            flags: parse_flags(&rest),
        });
    }
    None
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// A shell script's simple commands as words, the way `sh` splits them
/// before expansion: blanks separate words, quotes and backslashes keep
/// text together, `;`, `&`, `|` and line breaks end a command, `#` starts
/// a comment. Expansions (`$X`) stay as written.
fn simple_commands(script: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = script.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => word.get_or_insert_with(String::new).push(n),
            },
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    w.push(n);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            w.extend(chars.next());
                        }
                        '\\' if chars.peek() == Some(&'\n') => {
                            chars.next();
                        }
                        _ => w.push(n),
                    }
                }
            }
            '#' if word.is_none() => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                words.extend(word.take());
                commands.push(std::mem::take(&mut words));
            }
            ' ' | '\t' => words.extend(word.take()),
            ';' | '&' | '|' | '\n' | '(' | ')' => {
                words.extend(word.take());
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
            }
            _ => word.get_or_insert_with(String::new).push(ch),
        }
    }
    words.extend(word.take());
    if !words.is_empty() {
        commands.push(words);
    }
    commands.retain(|c| !c.is_empty());
    commands
}

/// The flags of an argument list, in order.
fn parse_flags(argv: &[(Path, &str)]) -> Vec<Flag> {
    let mut flags = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let (path, item) = &argv[i];
        i += 1;
        let Some(flag) = item.strip_prefix("--").or_else(|| item.strip_prefix('-')) else {
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => match argv.get(i) {
                // A negative number is a value (pflag takes it as one), not
                // a flag.
                Some((_, next)) if !next.starts_with('-') || next.parse::<f64>().is_ok() => {
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
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_name_their_component() {
        assert!(image_runs("registry.k8s.io/etcd:3.5.15-0", "etcd"));
        assert!(image_runs(
            "k8s.gcr.io/kube-apiserver-amd64:v1.11.0",
            "kube-apiserver"
        ));
        assert!(image_runs("localhost:5000/kubelet@sha256:abcd", "kubelet"));
        assert!(!image_runs("registry.k8s.io/etcd-backup:1", "etcd"));
        assert!(!image_runs("localhost:5000/kube-proxy", "kubelet"));
    }

    #[test]
    fn shell_scripts_split_as_sh_does() {
        let got = simple_commands(
            "set -e; mkdir -p /x && KUBE=1 exec /usr/bin/kubelet --a=1 \\\n  --b 'two words' \"--c=\\\"q\\\"\" # --d\nkubelet --e",
        );
        assert_eq!(
            got,
            vec![
                vec!["set", "-e"],
                vec!["mkdir", "-p", "/x"],
                vec![
                    "KUBE=1",
                    "exec",
                    "/usr/bin/kubelet",
                    "--a=1",
                    "--b",
                    "two words",
                    "--c=\"q\""
                ],
                vec!["kubelet", "--e"],
            ]
        );
        assert!(is_assignment("A_1=x"));
        assert!(!is_assignment("--a=x"));
        assert!(!is_assignment("1A=x"));
    }

    #[test]
    fn booleans_parse_as_pflag_does() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }
}
