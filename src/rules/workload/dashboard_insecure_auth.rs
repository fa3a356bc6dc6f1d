//! Kubernetes Dashboard started with its login bypassed or weakened.
//!
//! Dashboard v1.x and v2.x (the single `kubernetesui/dashboard` /
//! `kubernetes-dashboard-amd64` image; v2.7.0 is the last) take these flags:
//! - `--enable-skip-login`: the login page gets a Skip button, and whoever
//!   presses it uses the Dashboard's own ServiceAccount (high);
//! - `--disable-settings-authorizer`: the settings page, which writes the
//!   global settings with the Dashboard's ServiceAccount, needs no login
//!   (medium);
//! - `--enable-insecure-login`: the login view is offered over plain HTTP,
//!   so bearer tokens and kubeconfigs travel unencrypted (medium);
//! - `--authentication-mode` with `basic`: username/password login, which
//!   needs the API server's static password file (`--basic-auth-file`,
//!   removed in Kubernetes 1.19) (medium).
//!
//! Dashboard v3 (chart 7.x) removed them: its API container always requires a
//! token and refuses unknown flags. Reported on the `command`/`args` element
//! of a container whose image repository names a dashboard; a boolean flag
//! set to a false value (`--enable-skip-login=false`) is not reported. Flags
//! inside a shell script (`sh -c "..."`) are not read.

use crate::diagnostic::{Applicability, Severity};
use crate::model::edit::FixPlan;
use crate::model::path::Path;
use crate::rules::workload::{nsa, parse_image};
use crate::rules::{Context, Finding, HARDENED, Reference, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "dashboard-insecure-auth",
        title: "Kubernetes Dashboard login bypassed or weakened",
        severity: Severity::High,
        category: "workload",
        profiles: HARDENED,
        references: &[
            Reference {
                source: "Kubernetes",
                id: "Dashboard arguments",
                title: "Kubernetes Dashboard: dashboard arguments",
                url: "https://github.com/kubernetes-retired/dashboard/blob/v2.7.0/docs/common/dashboard-arguments.md",
            },
            nsa(
                "Authentication and authorization",
                "Require authentication for every access to the cluster",
            ),
        ],
        rationale: "The Dashboard acts on the cluster with the user's token, except where its flags let it fall back on its own ServiceAccount. `--enable-skip-login` adds a Skip button that gives anyone who reaches the page the Dashboard's permissions; `--disable-settings-authorizer` lets anyone change its global settings; `--enable-insecure-login` offers the login form over plain HTTP, where tokens can be read on the wire; `--authentication-mode=basic` logs in with passwords from the API server's static password file, removed in Kubernetes 1.19. Skipping the login is high severity, the others medium. Checkov CKV_K8S_33 and Kubescape C-0014 report any Dashboard; this rule reports the flags that open it up.",
        remediation: "Remove the flag (or set the boolean ones to `false`) and log in with a bearer token over HTTPS (`kubectl -n kubernetes-dashboard create token <user>`); better, move to Dashboard v3 or another client, since v2 is no longer developed.",
        help: "remove the flag: log in with a token over HTTPS",
        bad_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kubernetes-dashboard\n  namespace: kubernetes-dashboard\nspec:\n  selector:\n    matchLabels: {k8s-app: kubernetes-dashboard}\n  template:\n    metadata:\n      labels: {k8s-app: kubernetes-dashboard}\n    spec:\n      containers:\n      - name: kubernetes-dashboard\n        image: kubernetesui/dashboard:v2.7.0\n        args:\n        - --auto-generate-certificates\n        - --namespace=kubernetes-dashboard\n        - --enable-skip-login\n",
        good_example: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kubernetes-dashboard\n  namespace: kubernetes-dashboard\nspec:\n  selector:\n    matchLabels: {k8s-app: kubernetes-dashboard}\n  template:\n    metadata:\n      labels: {k8s-app: kubernetes-dashboard}\n    spec:\n      containers:\n      - name: kubernetes-dashboard\n        image: kubernetesui/dashboard:v2.7.0\n        args:\n        - --auto-generate-certificates\n        - --namespace=kubernetes-dashboard\n",
        pss: None,
        params: &[],
    },
    check: Some(check),
};

/// Whether an image is a Kubernetes Dashboard build: its repository path
/// names a dashboard (`kubernetesui/dashboard`, `kubernetes-dashboard-amd64`,
/// mirrors such as `rancher/mirrored-kubernetesui-dashboard`).
pub fn is_dashboard(image: &str) -> bool {
    parse_image(image)
        .repository
        .to_ascii_lowercase()
        .contains("dashboard")
}

/// Go's `strconv.ParseBool` true values, which pflag accepts after `=`.
fn go_true(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

/// A boolean flag that weakens the login: (flag, severity, what it does).
const BOOL_FLAGS: &[(&str, Severity, &str)] = &[
    (
        "enable-skip-login",
        Severity::High,
        "adds a Skip button to the login page: anyone who reaches the Dashboard acts with its ServiceAccount's permissions",
    ),
    (
        "disable-settings-authorizer",
        Severity::Medium,
        "lets users who have not logged in change the Dashboard's global settings",
    ),
    (
        "enable-insecure-login",
        Severity::Medium,
        "offers the login view over plain HTTP, where tokens can be read on the wire",
    ),
];

fn finding(
    resource: usize,
    path: Path,
    severity: Severity,
    message: String,
    fixed: Option<(String, &str)>,
) -> Finding {
    let fix = fixed.map(|(value, title)| FixPlan::set(&path, value, title, Applicability::Safe));
    let mut f = Finding::new(&RULE.meta, resource, path, message).with_fix(fix);
    if severity != RULE.meta.severity {
        f.severity = Some(severity);
    }
    f
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (w, c) in ctx.containers() {
        if !c.container.image.as_deref().is_some_and(is_dashboard) {
            continue;
        }
        let argv: Vec<(Path, &str)> = [
            ("command", c.container.command.as_deref()),
            ("args", c.container.args.as_deref()),
        ]
        .into_iter()
        .flat_map(|(field, items)| {
            let base = c.path.key(field);
            items
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(move |(i, s)| (base.index(i), s.as_str()))
        })
        .collect();
        for (n, (path, item)) in argv.iter().enumerate() {
            let Some(flag) = item.trim().strip_prefix("--") else {
                continue;
            };
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (flag, None),
            };
            if let Some(&(_, severity, effect)) = BOOL_FLAGS.iter().find(|(f, ..)| *f == name) {
                if value.is_some_and(|v| !go_true(v)) {
                    continue;
                }
                out.push(finding(
                    w.resource,
                    path.clone(),
                    severity,
                    format!(
                        "{} runs the Kubernetes Dashboard with --{name}, which {effect}; remove it",
                        c.describe()
                    ),
                    Some((format!("--{name}=false"), "Turn the flag off")),
                ));
            } else if name == "authentication-mode" {
                // The value follows `=`, or is the next element.
                let (path, value, inline) = match value {
                    Some(v) => (path, v, true),
                    None => match argv.get(n + 1) {
                        Some((next, v)) => (next, *v, false),
                        None => continue,
                    },
                };
                let modes: Vec<&str> = value.split(',').map(str::trim).collect();
                if !modes.contains(&"basic") {
                    continue;
                }
                let mut rest: Vec<&str> = modes
                    .iter()
                    .copied()
                    .filter(|m| *m != "basic" && !m.is_empty())
                    .collect();
                if rest.is_empty() {
                    rest.push("token");
                }
                let rest = rest.join(",");
                let fixed = if inline {
                    format!("--authentication-mode={rest}")
                } else {
                    rest.clone()
                };
                out.push(finding(
                    w.resource,
                    path.clone(),
                    Severity::Medium,
                    format!(
                        "{} runs the Kubernetes Dashboard with --authentication-mode={}: basic login sends passwords checked against the API server's static password file, removed in Kubernetes 1.19; use token",
                        c.describe(),
                        value.trim()
                    ),
                    Some((fixed, "Log in with tokens only")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{go_true, is_dashboard};

    #[test]
    fn dashboard_images() {
        assert!(is_dashboard("kubernetesui/dashboard:v2.7.0"));
        assert!(is_dashboard(
            "k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1"
        ));
        assert!(is_dashboard(
            "docker.io/rancher/mirrored-kubernetesui-dashboard:v2.7.0"
        ));
        assert!(!is_dashboard("kubernetesui/metrics-scraper:v1.0.8"));
        assert!(!is_dashboard("registry.example.com/web:1.4"));
        assert!(go_true("true") && go_true("1") && go_true("T"));
        assert!(!go_true("false") && !go_true("0") && !go_true("yes"));
    }
}
