#![allow(dead_code)]
use std::path::PathBuf;

pub mod mutate;

/// `../shared` next to the checkout (CI has it; a user's clone does not).
/// `KUBEHARDEN_SHARED` names it for a checkout elsewhere (a worktree).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KUBEHARDEN_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    );
    dir.is_dir().then_some(dir)
}

pub fn skip(what: &str) {
    eprintln!("SKIPPED: {what}: ../shared is absent (it exists in CI, not in a user's clone)");
}

/// The manifests of `../shared/corpus/real` (`*.yaml`, `*.yml`, `*.json`),
/// sorted, or `None` (after saying so) when `../shared` is absent.
pub fn corpus_files(what: &str) -> Option<(PathBuf, Vec<PathBuf>)> {
    let Some(shared) = shared_dir() else {
        skip(what);
        return None;
    };
    let root = shared.join("corpus/real");
    let files = manifest_files(&root);
    Some((root, files))
}

/// `*.yaml`, `*.yml` and `*.json` files below `dir`, sorted.
pub fn manifest_files(dir: &std::path::Path) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files
}

/// Runs the CLI with `args`, `source` on its standard input.
pub fn cli_with_stdin(args: &[&str], source: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
