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
            "region": region(r),
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
            let mut rule = json!({
                "id": m.id,
                "name": m.title,
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.rationale},
                "help": {"text": format!("{}\n\n{}", m.help, m.remediation)},
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {
                    "category": m.category,
                    "tags": ["security", "kubernetes", m.category],
                    "security-severity": security_severity(m.severity),
                },
            });
            // An absolute URI (SARIF 3.49.12) that resolves wherever the log
            // is read: the control's public reference (the first absolute
            // one; input checks link the README). The rule's own docs page
            // (`rules.html#id`) is relative to a site that may not exist.
            if let Some(r) = m.references.iter().find(|r| r.url.starts_with("https://")) {
                rule["helpUri"] = json!(r.url);
            }
            rule
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kubeharden",
                "version": crate::VERSION,
                "semanticVersion": crate::VERSION,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

/// A 1-based SARIF region of an LSP range (UTF-16 columns, as `columnKind`
/// says); an empty range is an insertion point.
fn region(r: crate::source::Range) -> Value {
    json!({
        "startLine": r.start.line + 1,
        "startColumn": r.start.character + 1,
        "endLine": r.end.line + 1,
        "endColumn": r.end.character + 1,
    })
}

/// The Kubernetes object a finding is in, named from the outermost
/// container in (SARIF 3.33.5): `namespace/Kind/name`, `Kind/name` for an
/// object without a namespace; a missing name is left out.
fn logical_location(res: &crate::model::resource::ResourceId) -> Value {
    let fqn: Vec<&str> = res
        .namespace
        .as_deref()
        .into_iter()
        .chain([res.kind.as_str()])
        .chain(res.name.as_deref())
        .collect();
    let mut v = json!({"kind": "resource", "fullyQualifiedName": fqn.join("/")});
    if let Some(name) = &res.name {
        v["name"] = json!(name);
    }
    v
}

/// The finding's quick fix as a SARIF fix (3.55): its edits as replacements
/// in the same file. `applicability` says whether a tool may apply it
/// without review (`unsafe` fixes change behaviour).
fn fix(uri: &str, f: &crate::diagnostic::Fix) -> Value {
    let replacements: Vec<Value> = f
        .edits
        .iter()
        .map(|e| json!({"deletedRegion": region(e.range), "insertedContent": {"text": e.new_text}}))
        .collect();
    json!({
        "description": {"text": f.title},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
        "properties": {"applicability": f.applicability},
    })
}

/// One SARIF result: a diagnostic of the file at `uri`. The message says
/// what is wrong and how to fix it (the finding's own help), the form GitHub
/// code scanning shows as the alert's text.
pub fn result(uri: &str, d: &Diagnostic) -> Value {
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": format!("{} ({})", d.message, d.help)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": region(d.range),
            },
            "logicalLocations": d.resource.as_ref().map(|res| vec![logical_location(res)]).unwrap_or_default(),
        }],
        "properties": {"severity": d.severity.as_str(), "path": d.path},
    });
    if let Some(i) = crate::rules::registry()
        .iter()
        .position(|r| r.meta.id == d.rule)
    {
        result["ruleIndex"] = json!(i);
    }
    if let Some(f) = &d.fix {
        result["fixes"] = json!([fix(uri, f)]);
    }
    // The other resources a cross-resource finding names (SARIF 3.27.22),
    // in their own files: the ServiceAccount, the binding, the role.
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": {"uri": r.source.as_deref().unwrap_or(uri)},
                        "region": region(r.range),
                    },
                    "message": {"text": r.message},
                })
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    if let Some(s) = &d.suppression {
        result["suppressions"] = json!([suppression(s)]);
    }
    result
}
