//! Containers that run `sudo` in their command or arguments.
//!
//! `sudo` in an entrypoint means the image ships a setuid-root binary and a
//! sudoers entry for the container's user: the process can become root at
//! will, so a non-root `runAsUser` protects nothing. Reported: an argv that
//! starts with `sudo` (or a path ending in `/sudo`), and `sudo` as a command
//! word inside a shell script (an argument with spaces, or the one after
//! `-c`: `sh -c "sudo ..."`, after `;`, `&&`, `||`, `|`, a newline, `(`, a
//! backtick, `then`/`do`/`else`). The word
//! `sudo` as an ordinary argument (`usermod -aG sudo app`) is not reported.

use crate::diagnostic::Severity;
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
        rationale: "A container whose command runs `sudo` has a setuid-root binary and a sudoers grant for its user: whoever runs code in it can become root inside the container, which `runAsNonRoot` and a non-root `runAsUser` were meant to prevent (Kubescape C-0062). It also needs privilege escalation to be allowed for setuid to work.",
        remediation: "Do the privileged step at image build time or in an init container with only the capability it needs, run the main process as its own non-root user without `sudo`, remove `sudo` from the image, and set `allowPrivilegeEscalation: false`.",
        help: "remove sudo: do the privileged step at build time or in a narrowly scoped init container",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web:1.4\n    command: [\"sh\", \"-c\"]\n    args: [\"sudo chown app /data && exec web\"]\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: registry.example.com/web:1.4\n    command: [\"web\"]\n    args: [\"--data\", \"/data\"]\n",
        replaced_by: None,
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

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for c in w.containers() {
            // The argv the container runs: command then args (args alone
            // follow the image's entrypoint, which the manifest does not show).
            let argv: Vec<(&str, usize, &str)> = [
                ("command", c.container.command.as_deref()),
                ("args", c.container.args.as_deref()),
            ]
            .into_iter()
            .flat_map(|(field, items)| {
                items
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(move |(i, s)| (field, i, s.as_str()))
            })
            .collect();
            for (n, &(field, i, item)) in argv.iter().enumerate() {
                let script =
                    item.contains(char::is_whitespace) || (n > 0 && script_flag(argv[n - 1].2));
                let runs = (n == 0 && is_sudo(item.trim())) || (script && script_runs_sudo(item));
                if !runs {
                    continue;
                }
                out.push(Finding::new(
                    &RULE.meta,
                    w.resource,
                    c.path.key(field).index(i),
                    format!(
                        "{} runs sudo in {field}[{i}]: its user can become root inside the container",
                        c.describe()
                    ),
                ));
            }
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
