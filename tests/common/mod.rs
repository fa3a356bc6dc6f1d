#![allow(dead_code)]
use std::path::PathBuf;

pub mod mutate;

/// `../shared` next to the checkout (CI has it; a user's clone does not).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
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
