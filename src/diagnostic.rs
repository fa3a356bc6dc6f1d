//! The one diagnostic shape every face (CLI, wasm, LSP, SARIF) renders.

use serde::{Deserialize, Serialize};

pub use crate::model::edit::{Applicability, Fix, SkipReason, TextEdit};
use crate::model::resource::ResourceId;
use crate::source::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub range: Range,
    pub resource: Option<ResourceId>,
    pub path: Option<String>,
    pub help: String,
    pub docs: String,
    pub fix: Option<Fix>,
    /// The fix this finding would have, and why no edit could be built for
    /// it (a flow-style `{...}` parent, an alias): editors and `fix` say so
    /// instead of offering nothing silently.
    #[serde(skip_serializing_if = "Option::is_none", rename = "noFix")]
    pub no_fix: Option<NoFix>,
    /// Set when an exception or the baseline accepts this finding: it stays
    /// in the output, but does not count for `--fail-on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<crate::exceptions::Suppression>,
    /// Other places a cross-resource finding names (left out of JSON when
    /// empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A place in the bundle that a finding names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// The source's name; absent when it is the finding's own source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub range: Range,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoFix {
    pub title: String,
    pub reason: SkipReason,
}

/// Sorts `diagnostics` stably by `order`. Every order goes through this one
/// copy of the standard sort: each `sort_by` closure is a copy of the whole
/// sort (about 7 KB of the WebAssembly module built for size).
pub(crate) fn sort_by(
    diagnostics: &mut [Diagnostic],
    order: &dyn Fn(&Diagnostic, &Diagnostic) -> std::cmp::Ordering,
) {
    diagnostics.sort_by(|a, b| order(a, b));
}

/// Sorts `diagnostics` stably by where they start (a config's diagnostics,
/// a language-server document's, the JS API's `config`).
pub(crate) fn sort_by_start(diagnostics: &mut [Diagnostic]) {
    sort_by(diagnostics, &|a, b| a.range.start.cmp(&b.range.start));
}
