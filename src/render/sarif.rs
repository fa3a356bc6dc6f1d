//! SARIF 2.1.0 (for GitHub code scanning and other CI viewers).
//!
//! Columns are 1-based UTF-16 code units (`columnKind: utf16CodeUnits`, the
//! SARIF default), i.e. the LSP character plus one.
//!
//! The log is typed, its objects' keys declared in byte order (the order the
//! log has always printed them in): no `serde_json::Value` trees, whose
//! B-tree maps were 23 KB of the WebAssembly module.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::exceptions::{Suppression, SuppressionKind};
use crate::model::edit::Applicability;
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

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

/// A 1-based SARIF region of an LSP range (UTF-16 columns, as `columnKind`
/// says); an empty range is an insertion point.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: u32,
    end_line: u32,
    start_column: u32,
    start_line: u32,
}

fn region(r: crate::source::Range) -> Region {
    Region {
        end_column: r.end.character + 1,
        end_line: r.end.line + 1,
        start_column: r.start.character + 1,
        start_line: r.start.line + 1,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

fn physical(uri: &str, r: crate::source::Range) -> PhysicalLocation<'_> {
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri },
        region: region(r),
    }
}

/// The log around its results: streamed writers pass `[render::ITEMS]` and
/// write each [`result`] in its place (`render::PrettyArrayStream`).
#[derive(Serialize)]
pub struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<R>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R> {
    column_kind: &'static str,
    results: R,
    tool: Tool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    rules: Vec<Rule>,
    semantic_version: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    default_configuration: DefaultConfiguration,
    full_description: Text<&'static str>,
    help: Text<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'static str>,
    id: &'static str,
    name: &'static str,
    properties: RuleProperties,
    short_description: Text<&'static str>,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'static str; 3],
}

/// One SARIF log for the diagnostics of several files (`(uri, diagnostics)`).
pub fn sarif<'a>(files: &'a [(String, &'a [Diagnostic])]) -> Log<Vec<SarifResult<'a>>> {
    log(files
        .iter()
        .flat_map(|(uri, diags)| diags.iter().map(move |d| result(uri, d)))
        .collect())
}

/// The log around `results`.
pub fn log<R: Serialize>(results: R) -> Log<R> {
    let rules = registry()
        .iter()
        .map(|r| {
            let m = &r.meta;
            Rule {
                default_configuration: DefaultConfiguration {
                    level: level(m.severity),
                },
                full_description: Text { text: m.rationale },
                help: Text {
                    text: format!("{}\n\n{}", m.help, m.remediation),
                },
                // An absolute URI (SARIF 3.49.12) that resolves wherever the
                // log is read: the control's public reference (the first
                // absolute one; input checks link the README). The rule's own
                // docs page (`rules.html#id`) is relative to a site that may
                // not exist.
                help_uri: m
                    .references
                    .iter()
                    .find(|r| r.url.starts_with("https://"))
                    .map(|r| r.url),
                id: m.id,
                name: m.title,
                properties: RuleProperties {
                    category: m.category,
                    security_severity: security_severity(m.severity),
                    tags: ["security", "kubernetes", m.category],
                },
                short_description: Text { text: m.title },
            }
        })
        .collect();
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "utf16CodeUnits",
            results,
            tool: Tool {
                driver: Driver {
                    name: "kubeharden",
                    rules,
                    semantic_version: crate::VERSION,
                    version: crate::VERSION,
                },
            },
        }],
        version: "2.1.0",
    }
}

/// One SARIF result: a diagnostic of the file at `uri`. The message says
/// what is wrong and how to fix it (the finding's own help), the form GitHub
/// code scanning shows as the alert's text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    level: &'static str,
    locations: [ResultLocation<'a>; 1],
    message: Text<String>,
    properties: ResultProperties<'a>,
    /// The other resources a cross-resource finding names (SARIF 3.27.22),
    /// in their own files: the ServiceAccount, the binding, the role.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression<'a>; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    logical_locations: Vec<LogicalLocation>,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    path: &'a Option<String>,
    severity: &'static str,
}

/// The Kubernetes object a finding is in, named from the outermost
/// container in (SARIF 3.33.5): `namespace/Kind/name`, `Kind/name` for an
/// object without a namespace; a missing name is left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

fn logical_location(res: &crate::model::resource::ResourceId) -> LogicalLocation {
    let fqn: Vec<&str> = res
        .namespace
        .as_deref()
        .into_iter()
        .chain([res.kind.as_str()])
        .chain(res.name.as_deref())
        .collect();
    LogicalLocation {
        fully_qualified_name: fqn.join("/"),
        kind: "resource",
        name: res.name.clone(),
    }
}

/// The finding's quick fix as a SARIF fix (3.55): its edits as replacements
/// in the same file. `applicability` says whether a tool may apply it
/// without review (`unsafe` fixes change behaviour).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: [ArtifactChange<'a>; 1],
    description: Text<&'a str>,
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: Applicability,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<&'a str>,
}

fn fix<'a>(uri: &'a str, f: &'a crate::diagnostic::Fix) -> SarifFix<'a> {
    SarifFix {
        artifact_changes: [ArtifactChange {
            artifact_location: ArtifactLocation { uri },
            replacements: f
                .edits
                .iter()
                .map(|e| Replacement {
                    deleted_region: region(e.range),
                    inserted_content: Text { text: &e.new_text },
                })
                .collect(),
        }],
        description: Text { text: &f.title },
        properties: FixProperties {
            applicability: f.applicability,
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text<&'a str>,
    physical_location: PhysicalLocation<'a>,
}

/// An accepted finding: written next to it (annotation, comment) is
/// `inSource`; the config file and the baseline are `external`.
#[derive(Serialize)]
struct SarifSuppression<'a> {
    justification: &'a str,
    kind: &'static str,
    location: SuppressionLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<SuppressionProperties<'a>>,
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuppressionLocation<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
struct SuppressionProperties<'a> {
    until: &'a str,
}

fn suppression(s: &Suppression) -> SarifSuppression<'_> {
    SarifSuppression {
        justification: &s.reason,
        kind: match s.kind {
            SuppressionKind::Annotation | SuppressionKind::Comment => "inSource",
            SuppressionKind::Config | SuppressionKind::Baseline => "external",
        },
        location: SuppressionLocation {
            physical_location: physical(&s.location.file, s.location.range),
        },
        properties: s
            .until
            .as_deref()
            .map(|until| SuppressionProperties { until }),
        status: "accepted",
    }
}

pub fn result<'a>(uri: &'a str, d: &'a Diagnostic) -> SarifResult<'a> {
    SarifResult {
        fixes: d.fix.as_ref().map(|f| [fix(uri, f)]),
        level: level(d.severity),
        locations: [ResultLocation {
            logical_locations: d.resource.iter().map(logical_location).collect(),
            physical_location: physical(uri, d.range),
        }],
        message: Text {
            text: format!("{} ({})", d.message, d.help),
        },
        properties: ResultProperties {
            path: &d.path,
            severity: d.severity.as_str(),
        },
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| RelatedLocation {
                id: i,
                message: Text { text: &r.message },
                physical_location: physical(r.source.as_deref().unwrap_or(uri), r.range),
            })
            .collect(),
        rule_id: &d.rule,
        rule_index: registry().iter().position(|r| r.meta.id == d.rule),
        suppressions: d.suppression.as_ref().map(|s| [suppression(s)]),
    }
}
