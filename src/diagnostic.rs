//! The one diagnostic shape every face (CLI, wasm, LSP, SARIF) renders.

use serde::{Deserialize, Serialize};

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
#[serde(rename_all = "camelCase")]
pub struct TextEdit {
    pub range: Range,
    pub new_text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The edit does only what the help says and keeps the YAML valid.
    Safe,
    /// Correct, but may stop the workload from starting (review first).
    Unsafe,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<TextEdit>,
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
    /// Set when an exception or the baseline accepts this finding: it stays
    /// in the output, but does not count for `--fail-on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<crate::exceptions::Suppression>,
}
