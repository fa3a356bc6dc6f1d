//! `kubeharden fix`: in-place rewrites, --dry-run, stdin, exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: k8s.gcr.io/pause:3.9\n";

fn bin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_fix_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn rewrites_in_place_keeping_bom_and_crlf() {
    let d = dir("in_place");
    let f = d.join("pod.yaml");
    let original = format!("\u{feff}{}", POD.replace('\n', "\r\n"));
    std::fs::write(&f, &original).unwrap();
    let o = bin(&["fix", "--fail-on", "critical", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains(": applied 3 fixes (allow-privilege-escalation, deprecated-registry, seccomp-profile-restricted)"),
        "{out}"
    );
    let fixed = std::fs::read_to_string(&f).unwrap();
    assert!(fixed.starts_with('\u{feff}'));
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
    assert!(fixed.contains("    securityContext:\r\n      allowPrivilegeEscalation: false\r\n"));
    // Nothing left to apply: the file is not written again.
    let o = bin(&["fix", "--fail-on", "critical", f.to_str().unwrap()], None);
    assert!(text(&o.stdout).contains(": no safe fix to apply"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), fixed);
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let d = dir("dry_run");
    let f = d.join("pod.yaml");
    std::fs::write(&f, POD).unwrap();
    let o = bin(&["fix", "--dry-run", f.to_str().unwrap()], None);
    // High findings (run-as-non-root) remain: exit 1, as `check` would.
    assert_eq!(o.status.code(), Some(1));
    let diff = text(&o.stdout);
    assert!(
        diff.contains("-    image: k8s.gcr.io/pause:3.9\n+    image: registry.k8s.io/pause:3.9\n"),
        "{diff}"
    );
    assert!(diff.contains("+    securityContext:\n"), "{diff}");
    assert!(text(&o.stderr).contains("would apply 3 fixes"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), POD);
}

#[test]
fn stdin_to_stdout() {
    let o = bin(&["fix", "-"], Some(POD.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert_eq!(out.matches("securityContext:").count(), 1, "{out}");
    assert!(text(&o.stderr).contains("-: applied 3 fixes"));
}

#[test]
fn refuses_bad_input_and_options_writing_nothing() {
    let d = dir("refuse");
    let good = d.join("a.yaml");
    let latin1 = d.join("b.yaml");
    std::fs::write(&good, POD).unwrap();
    std::fs::write(&latin1, b"metadata:\n  name: caf\xe9\n").unwrap();
    let o = bin(&["fix", d.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not UTF-8"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&good).unwrap(), POD);
    let o = bin(
        &["fix", "--profile", "paranoid", good.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = bin(&["fix", d.join("missing.yaml").to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&good).unwrap(), POD);
}

#[test]
fn flow_style_findings_say_why_they_have_no_fix() {
    let pod = b"{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: nginx}]}}\n";
    let o = bin(&["fix", "-"], Some(pod));
    assert_eq!(text(&o.stdout).as_bytes(), pod);
    let err = text(&o.stderr);
    assert!(
        err.contains("not applied: Set allowPrivilegeEscalation to false (allow-privilege-escalation at spec.containers[0].securityContext.allowPrivilegeEscalation): no edit can be built inside a flow-style collection"),
        "{err}"
    );
}
