//! The engine's layers stay one-way: text (`source`, `yaml`) → `model` →
//! `rules` → (`check`, `exceptions`) → `fix_all`, `render`, `cli`, `lsp`,
//! `wasm`. This test reads every `crate::…` path in `src/**/*.rs` (imports
//! and inline paths alike, comments left out) and fails on a path that
//! reaches up.

use std::path::{Path, PathBuf};

/// Which top-level modules of the crate a file (by its path under `src/`)
/// must never name.
fn forbidden(file: &str) -> &'static [&'static str] {
    const ABOVE_TEXT: &[&str] = &[
        "model",
        "diagnostic",
        "options",
        "rules",
        "check",
        "exceptions",
        "config",
        "fix_all",
        "render",
        "cli",
        "lsp",
        "wasm",
    ];
    const ABOVE_MODEL: &[&str] = &[
        "diagnostic",
        "options",
        "rules",
        "check",
        "exceptions",
        "config",
        "fix_all",
        "render",
        "cli",
        "lsp",
        "wasm",
    ];
    const ABOVE_RULES: &[&str] = &[
        "check",
        "exceptions",
        "config",
        "fix_all",
        "render",
        "cli",
        "lsp",
        "wasm",
    ];
    const ABOVE_OPTIONS: &[&str] = &["rules", "check", "fix_all", "render", "cli", "lsp", "wasm"];
    const ABOVE_CHECK: &[&str] = &["fix_all", "render", "cli", "lsp", "wasm"];
    if file == "source.rs" || file.starts_with("yaml/") {
        ABOVE_TEXT
    } else if file.starts_with("model/") {
        ABOVE_MODEL
    } else if file.starts_with("rules/") {
        ABOVE_RULES
    } else if file == "options.rs" {
        ABOVE_OPTIONS
    } else if file == "check.rs" || file == "exceptions.rs" {
        ABOVE_CHECK
    } else {
        &[]
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module of each `crate::name` path in `line`, and of each
/// name in `use crate::{a, b::c}`.
fn crate_paths(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push(name);
            }
        } else {
            found.push(
                after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
        rest = after;
    }
    found
}

#[test]
fn no_layer_reaches_up() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    let mut seen = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&src)
            .expect("under src/")
            .to_string_lossy()
            .replace('\\', "/");
        let forbidden = forbidden(&rel);
        let text = std::fs::read_to_string(path).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for module in crate_paths(code) {
                seen += 1;
                if forbidden.contains(&module.as_str()) {
                    violations.push(format!("src/{rel}:{}: crate::{module}", n + 1));
                }
            }
        }
    }
    assert!(
        seen > 100,
        "too few crate paths found ({seen}): is the parser broken?"
    );
    assert!(
        violations.is_empty(),
        "paths that reach up a layer:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_parser_sees_grouped_and_inline_paths() {
    assert_eq!(
        crate_paths("use crate::{check, fix_all::x}; let a = crate::wasm::f();"),
        ["check", "fix_all", "wasm"]
    );
    assert_eq!(forbidden("rules/workload/image_tag.rs")[0], "check");
}

/// No layer names a single rule by its id: what a rule is (an input check
/// that fix-all guards with, the reporter of some unknown fields, the
/// setting a hover explains) is declared by the rule or the registry
/// (`src/rules/`), and read from there. Ids with a dash only: `privileged`
/// and `sysctls` are also Kubernetes field names. Unit tests are left out.
#[test]
fn no_layer_names_a_rule_id() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let ids: Vec<String> = kubeharden::rules::registry()
        .iter()
        .map(|r| r.meta.id)
        .filter(|id| id.contains('-'))
        .map(|id| format!("\"{id}\""))
        .collect();
    let mut named = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src/");
        if rel.starts_with("rules") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("readable source");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            for id in ids.iter().filter(|id| line.contains(id.as_str())) {
                named.push(format!("src/{}:{}: {id}", rel.display(), n + 1));
            }
        }
    }
    assert!(ids.len() > 100);
    assert!(
        named.is_empty(),
        "rule ids named outside src/rules/:\n{}",
        named.join("\n")
    );
}
