//! SARIF 2.1.0 (for GitHub code scanning and other CI viewers).
//!
//! Columns are 1-based UTF-16 code units (`columnKind: utf16CodeUnits`, the
//! SARIF default), i.e. the LSP character plus one.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::exceptions::{Suppression, SuppressionKind};
use crate::rules::registry;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub ranks code-scanning alerts by `security-severity` (0.0 to 10.0).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// An accepted finding: written next to it (annotation, comment) is
/// `inSource`; the config file and the baseline are `external`.
fn suppression(s: &Suppression) -> Value {
    let kind = match s.kind {
        SuppressionKind::Annotation | SuppressionKind::Comment => "inSource",
        SuppressionKind::Config | SuppressionKind::Baseline => "external",
    };
    let r = s.location.range;
    let mut v = json!({
        "kind": kind,
        "status": "accepted",
        "justification": s.reason,
        "location": {"physicalLocation": {
            "artifactLocation": {"uri": s.location.file},
            "region": {
                "startLine": r.start.line + 1,
                "startColumn": r.start.character + 1,
                "endLine": r.end.line + 1,
                "endColumn": r.end.character + 1,
            },
        }},
    });
    if let Some(until) = &s.until {
        v["properties"] = json!({"until": until});
    }
    v
}

/// One SARIF log for the diagnostics of several files (`(uri, diagnostics)`).
pub fn sarif(files: &[(String, &[Diagnostic])]) -> Value {
    let results: Vec<Value> = files
        .iter()
        .flat_map(|(uri, diags)| diags.iter().map(move |d| result(uri, d)))
        .collect();
    log(Value::Array(results))
}

/// The log around its results: streamed writers pass
/// `json!([render::ITEMS])` and write each [`result`] in its place
/// (`render::PrettyArrayStream`).
pub fn log(results: Value) -> Value {
    let rules: Vec<Value> = registry()
        .iter()
        .map(|r| {
            let m = &r.meta;
            json!({
                "id": m.id,
                "name": m.title,
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.rationale},
                "help": {"text": format!("{}\n\n{}", m.help, m.remediation)},
                "helpUri": m.references.first().map(|r| r.url),
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {
                    "category": m.category,
                    "tags": ["security", "kubernetes", m.category],
                    "security-severity": security_severity(m.severity),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kubeharden",
                "version": crate::VERSION,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

/// One SARIF result: a diagnostic of the file at `uri`.
pub fn result(uri: &str, d: &Diagnostic) -> Value {
    let r = d.range;
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": format!("{} ({})", d.message, d.help)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {
                    "startLine": r.start.line + 1,
                    "startColumn": r.start.character + 1,
                    "endLine": r.end.line + 1,
                    "endColumn": r.end.character + 1,
                },
            },
            "logicalLocations": d.resource.as_ref().map(|res| vec![json!({
                "kind": "resource",
                "fullyQualifiedName": format!("{}/{}/{}", res.kind, res.namespace.as_deref().unwrap_or("-"), res.name.as_deref().unwrap_or("-")),
            })]).unwrap_or_default(),
        }],
        "properties": {"severity": d.severity.as_str(), "path": d.path},
    });
    if let Some(i) = crate::rules::registry()
        .iter()
        .position(|r| r.meta.id == d.rule)
    {
        result["ruleIndex"] = json!(i);
    }
    if let Some(s) = &d.suppression {
        result["suppressions"] = json!([suppression(s)]);
    }
    result
}
