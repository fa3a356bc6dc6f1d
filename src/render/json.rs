//! The JSON report (`check --format json`, the playground's download):
//! `{"version": ..., "files": [{"path": ..., "diagnostics": [...]}]}`.

use serde::Serialize;

use crate::diagnostic::Diagnostic;

/// One file of the report.
#[derive(Serialize)]
pub struct FileReport<'a> {
    pub path: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

/// The report around its files, in this key order. Streamed writers pass
/// `[render::ITEMS]` as `files` (`render::PrettyArrayStream`).
#[derive(Serialize)]
pub struct JsonReport<F> {
    pub version: &'static str,
    pub files: F,
}

/// The whole report of `(path, diagnostics)` files.
pub fn report<'a>(files: &'a [(String, &'a [Diagnostic])]) -> JsonReport<Vec<FileReport<'a>>> {
    JsonReport {
        version: crate::VERSION,
        files: files
            .iter()
            .map(|(path, diagnostics)| FileReport { path, diagnostics })
            .collect(),
    }
}
