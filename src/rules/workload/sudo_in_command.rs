//! Containers that run `sudo` in their command or arguments, a lifecycle
//! hook (`postStart`/`preStop` exec) or an exec probe.
//!
//! `sudo` in an entrypoint means the image ships a setuid-root binary and a
//! sudoers entry for the container's user: the process can become root at
//! will, so a non-root `runAsUser` protects nothing. Hooks and exec probes
//! run in the same container as the same user, so `sudo` there needs the
//! same grant. Reported, in each argv (`command` then `args`; each hook's and
//! probe's `exec.command`): an argv that
//! starts with `sudo` (or a path ending in `/sudo`), and `sudo` as a command
//! word inside a shell script (an argument with spaces, or the one after
//! `-c`: `sh -c "sudo ..."`, after `;`, `&&`, `||`, `|`, a newline, `(`, a
//! backtick, `then`/`do`/`else`). The word
//! `sudo` as an ordinary argument (`usermod -aG sudo app`) is not reported.

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::workload::nsa;
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "sudo-in-command",
        title: "Container runs sudo",
        severity: Severity::Low,
        category: "workload",
        profiles: HARDENED,
        references: &[nsa(
            "Pod security: non-root containers",
            "Use containers built to run applications as non-root users",
        )],
        rationale: "A container whose command runs `sudo` has a setuid-root binary and a sudoers grant for its user: whoever runs code in it can become root inside the container, which `runAsNonRoot` and a non-root `runAsUser` were meant to prevent (Kubescape C-0062). Lifecycle hooks (`postStart`/`preStop` exec) and exec probes run in the container as its user, so `sudo` there needs the same grant and is reported too. It also needs privilege escalation to be allowed for setuid to work.",
        remediation: "Do the privileged step at image build time or in an init container with only the capability it needs, run the main process as its own non-root user without `sudo`, remove `sudo` from the image, and set `allowPrivilegeEscalation: false`.",
        help: "remove sudo: do the privileged step at build time or in a narrowly scoped init container",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web:1.4\n    command: [\"sh\", \"-c\"]\n    args: [\"sudo chown app /data && exec web\"]\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web:1.4\n    command: [\"web\"]\n    args: [\"--data\", \"/data\"]\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// Whether a word is the `sudo` binary.
fn is_sudo(word: &str) -> bool {
    let word = word.trim_matches(|c| c == '"' || c == '\'');
    word == "sudo" || word.ends_with("/sudo")
}

/// Whether a shell script runs `sudo` as a command: the first word of a
/// command after a separator, past shell keywords and `exec`/`env`-style
/// wrappers.
pub fn script_runs_sudo(script: &str) -> bool {
    script
        .split(['\n', ';', '&', '|', '(', '`', '{', '}'])
        .any(|command| {
            command
                .split_whitespace()
                .find(|w| {
                    !matches!(
                        *w,
                        "then" | "do" | "else" | "elif" | "!" | "exec" | "time" | "nohup"
                    )
                })
                .is_some_and(is_sudo)
        })
}

/// Whether an argv element is a shell's `-c` flag, alone or after other
/// single-letter shell options (`-ec`, `-lc`, `-euxc`): the next element is
/// a script.
fn script_flag(arg: &str) -> bool {
    arg.strip_prefix('-')
        .and_then(|f| f.strip_suffix('c'))
        .is_some_and(|opts| {
            opts.len() <= 4 && opts.chars().all(|c| "abefhiklmnprstuvx".contains(c))
        })
}

/// Reports each element of one argv that runs `sudo`: `items` are the argv's
/// elements with their paths and their names for messages.
fn check_argv(out: &mut Vec<Finding>, resource: usize, who: &str, items: &[(Path, String, &str)]) {
    for (n, (path, name, item)) in items.iter().enumerate() {
        let script = item.contains(char::is_whitespace) || (n > 0 && script_flag(items[n - 1].2));
        let runs = (n == 0 && is_sudo(item.trim())) || (script && script_runs_sudo(item));
        if !runs {
            continue;
        }
        out.push(Finding::new(
            &RULE.meta,
            resource,
            path.clone(),
            format!("{who} runs sudo in {name}: its user can become root inside the container"),
        ));
    }
}

/// The elements of a string list with their paths and display names.
fn elements<'a>(
    base: &Path,
    field: &str,
    items: Option<&'a [String]>,
) -> Vec<(Path, String, &'a str)> {
    items
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                base.key(field).index(i),
                format!("{field}[{i}]"),
                s.as_str(),
            )
        })
        .collect()
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        let who = c.describe();
        // The argv the container runs: command then args (args alone
        // follow the image's entrypoint, which the manifest does not show).
        let mut argv = elements(c.path, "command", c.container.command.as_deref());
        argv.extend(elements(c.path, "args", c.container.args.as_deref()));
        check_argv(out, w.resource, &who, &argv);
        // Lifecycle hooks and exec probes run their own argv in the
        // container, as its user.
        let lifecycle = c.container.lifecycle.as_ref();
        let handlers = [
            (
                "lifecycle.postStart",
                lifecycle
                    .and_then(|l| l.post_start.as_ref())
                    .and_then(|h| h.exec.as_ref()),
            ),
            (
                "lifecycle.preStop",
                lifecycle
                    .and_then(|l| l.pre_stop.as_ref())
                    .and_then(|h| h.exec.as_ref()),
            ),
            (
                "livenessProbe",
                c.container
                    .liveness_probe
                    .as_ref()
                    .and_then(|p| p.exec.as_ref()),
            ),
            (
                "readinessProbe",
                c.container
                    .readiness_probe
                    .as_ref()
                    .and_then(|p| p.exec.as_ref()),
            ),
            (
                "startupProbe",
                c.container
                    .startup_probe
                    .as_ref()
                    .and_then(|p| p.exec.as_ref()),
            ),
        ];
        for (at, exec) in handlers {
            let Some(exec) = exec else { continue };
            let base = c.path.join(&Path::parse(at)).key("exec");
            let argv: Vec<(Path, String, &str)> =
                elements(&base, "command", exec.command.as_deref())
                    .into_iter()
                    .map(|(p, name, s)| (p, format!("{at}.exec.{name}"), s))
                    .collect();
            check_argv(out, w.resource, &who, &argv);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{script_flag, script_runs_sudo};

    #[test]
    fn sudo_as_a_command_word() {
        assert!(script_runs_sudo("sudo chown app /data"));
        assert!(script_runs_sudo("  /usr/bin/sudo -u app run"));
        assert!(script_runs_sudo("set -e; sudo mount /x"));
        assert!(script_runs_sudo("test -d /x && sudo mkdir /x"));
        assert!(script_runs_sudo("if true; then sudo ls; fi"));
        assert!(script_runs_sudo("echo $(sudo cat /etc/shadow)"));
        assert!(script_runs_sudo("a\nexec sudo -E app"));
        assert!(!script_runs_sudo("usermod -aG sudo app"));
        assert!(!script_runs_sudo("echo pseudo sudoku"));
        assert!(!script_runs_sudo("apt-get install -y sudoers-tool"));
        assert!(!script_runs_sudo("exec web --no-sudo"));
        assert!(script_runs_sudo("sudo"));
        assert!(script_flag("-c") && script_flag("-ec") && script_flag("-euxc"));
        assert!(!script_flag("-sync") && !script_flag("--exec") && !script_flag("c"));
    }
}
