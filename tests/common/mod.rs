#![allow(dead_code)]
use std::path::PathBuf;

/// `../shared` next to the checkout (CI has it; a user's clone does not).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.is_dir().then_some(dir)
}

pub fn skip(what: &str) {
    eprintln!("SKIPPED: {what}: ../shared is absent (it exists in CI, not in a user's clone)");
}
