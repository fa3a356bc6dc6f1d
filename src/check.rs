//! The pipeline: text → documents with positions → typed resources → rules →
//! diagnostics. Each layer reads only the one before it.

use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::locate::locate;
use crate::model::path::{Path, Seg};
use crate::model::resource::{Object, Resource, ResourceId, str_at};
use crate::model::schema::SchemaProblem;
use crate::model::unknown::UnknownFields;
use crate::model::workload::Workload;
use crate::options::Options;
use crate::rules::{Context, Finding, RuleMeta, find, input, registry};
use crate::source::{Range, SourceMap, Span};
use crate::yaml::json::{Converter, duplicate_keys};
use crate::yaml::parse::{ProblemKind, parse};
use crate::yaml::tree::Document;

/// Inputs above this size are refused with one diagnostic (10 MB files pass).
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;
/// Diagnostics per input; past it, one more says how many were left out.
pub const MAX_DIAGNOSTICS: usize = 5_000;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSummary {
    #[serde(flatten)]
    pub id: ResourceId,
    pub range: Range,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub resources: Vec<ResourceSummary>,
}

struct Out<'a> {
    map: &'a SourceMap<'a>,
    options: &'a Options,
    diagnostics: Vec<Diagnostic>,
}

impl Out<'_> {
    fn push(
        &mut self,
        meta: &RuleMeta,
        span: Span,
        message: String,
        resource: Option<ResourceId>,
        path: Option<String>,
    ) {
        if !self.options.enabled(meta.id) {
            return;
        }
        self.diagnostics.push(Diagnostic {
            rule: meta.id.to_string(),
            severity: meta.severity,
            message,
            range: self.map.range(span),
            resource,
            path,
            help: meta.help.to_string(),
            docs: meta.docs(),
            fix: None,
            no_fix: None,
        });
    }
}

/// Where the first Helm/Go template action sits, if the text is a template.
/// Go templates in *values* (Prometheus alert annotations, Argo CD
/// notifications) are content, not templates: only actions Helm charts use
/// (`.Values`, `.Release`, `.Chart`, `include`, control flow, trim markers)
/// or an action that starts a line count.
fn helm_template_at(text: &str) -> Option<usize> {
    const MARKERS: &[&str] = &[
        ".Values",
        ".Release",
        ".Chart",
        ".Capabilities",
        "include ",
        "template ",
        "toYaml",
        "- if ",
        " if ",
        " end ",
        "- end",
        " range ",
        "- range",
        " with ",
        "- with",
        " define ",
        "{{-",
        "-}}",
        "tpl ",
    ];
    let mut from = 0;
    while let Some(pos) = text[from..].find("{{") {
        let at = from + pos;
        let close = text[at..].find("}}").map_or(text.len(), |c| at + c + 2);
        let action = &text[at..close.min(text.len())];
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let starts_line =
            text[line_start..at].trim().is_empty() || text[line_start..at].trim() == "-";
        if starts_line || MARKERS.iter().any(|m| action.contains(m)) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

pub fn check(source: &str, options: &Options) -> Report {
    // A BOM is not part of the text editors show; positions count without it.
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    let map = SourceMap::new(text);
    let mut out = Out {
        map: &map,
        options,
        diagnostics: Vec::new(),
    };

    if text.len() > MAX_INPUT_BYTES {
        out.push(
            &input::INPUT_LIMIT.meta,
            Span::new(0, 0),
            format!(
                "input is {} bytes, above the limit of {MAX_INPUT_BYTES}; it is not checked",
                text.len()
            ),
            None,
            None,
        );
        return Report {
            diagnostics: out.diagnostics,
            resources: Vec::new(),
        };
    }

    let helm = helm_template_at(text);
    if let Some(at) = helm {
        let start = map.char_index_of_byte(at) as usize;
        let end = text[at..]
            .find("}}")
            .map_or(start + 2, |e| map.char_index_of_byte(at + e + 2) as usize);
        out.push(
            &input::HELM_UNRENDERED.meta,
            Span::new(start, end),
            "this is an unrendered Helm template; render it first (`helm template <release> <chart>`) and check the output".into(),
            None,
            None,
        );
    }

    let parsed = parse(&map);
    if helm.is_none() {
        for p in &parsed.problems {
            let meta = match p.kind {
                ProblemKind::Syntax => &input::YAML_SYNTAX.meta,
                ProblemKind::Limit => &input::INPUT_LIMIT.meta,
            };
            let message = if p.kind == ProblemKind::Syntax {
                format!("YAML syntax error: {}", p.message)
            } else {
                p.message.clone()
            };
            out.push(meta, p.span, message, None, None);
        }
    }

    let mut resources = Vec::new();
    let mut workloads = Vec::new();
    for (doc_index, doc) in parsed.documents.iter().enumerate() {
        let Some(root) = doc.root else { continue };
        if helm.is_some()
            && text[map.byte_offset(doc.span.start)..map.byte_offset(doc.span.end)].contains("{{")
        {
            continue;
        }
        for (first, again, key) in duplicate_keys(doc) {
            let line = map.position(first.start).line + 1;
            out.push(
                &input::YAML_DUPLICATE_KEY.meta,
                again,
                format!("duplicate key \"{key}\" (first defined on line {line}); Kubernetes refuses duplicate fields"),
                None,
                None,
            );
        }
        if !doc.is_map(root) {
            continue;
        }
        let mut conv = Converter::new(doc);
        let json = conv.convert(root);
        for p in conv.problems {
            let meta = if p.limit {
                &input::INPUT_LIMIT.meta
            } else {
                &input::SCHEMA_INVALID.meta
            };
            out.push(meta, p.span, p.message, None, None);
        }
        let is_list = json
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k == "List" || k.ends_with("List"))
            && json.get("items").is_some_and(Value::is_array);
        if is_list {
            let items = doc
                .items(doc.get(root, "items").map_or(root, |(_, v)| v))
                .to_vec();
            let Some(Value::Array(values)) = json.get("items") else {
                continue;
            };
            for (i, (item_json, item_node)) in values.iter().zip(items).enumerate() {
                load(
                    &mut out,
                    &mut resources,
                    &mut workloads,
                    doc,
                    doc_index,
                    item_node,
                    Path::root().key("items").index(i),
                    item_json.clone(),
                );
            }
        } else {
            load(
                &mut out,
                &mut resources,
                &mut workloads,
                doc,
                doc_index,
                root,
                Path::root(),
                json,
            );
        }
    }

    let ctx = Context {
        map: &map,
        documents: &parsed.documents,
        resources: &resources,
        workloads: &workloads,
        options,
        unfixable: Default::default(),
    };
    let mut findings: Vec<Finding> = Vec::new();
    for rule in registry() {
        if let Some(check) = rule.check
            && options.enabled(rule.meta.id)
        {
            check(&ctx, &mut findings);
        }
    }
    crate::rules::merge_replaced(&mut findings);
    crate::rules::attach_no_fix(&ctx, &mut findings);
    for f in findings {
        let Some(rule) = find(f.rule) else { continue };
        if !options.enabled(f.rule) {
            continue;
        }
        let r = &resources[f.resource];
        let loc = locate(&parsed.documents[r.doc], r.node, &f.path);
        out.diagnostics.push(Diagnostic {
            rule: f.rule.to_string(),
            severity: f.severity.unwrap_or(rule.meta.severity),
            message: f.message,
            range: map.range(f.span.unwrap_or(loc.span)),
            resource: Some(r.id.clone()),
            path: Some(r.base.join(&f.path).to_string()),
            help: f.help.unwrap_or_else(|| rule.meta.help.to_string()),
            docs: rule.meta.docs(),
            fix: f.fix,
            no_fix: f.no_fix,
        });
    }

    let mut diagnostics = out.diagnostics;
    diagnostics.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.cmp(&b.rule))
    });
    if diagnostics.len() > MAX_DIAGNOSTICS {
        let dropped = diagnostics.len() - MAX_DIAGNOSTICS;
        diagnostics.truncate(MAX_DIAGNOSTICS);
        let meta = &input::INPUT_LIMIT.meta;
        diagnostics.push(Diagnostic {
            rule: meta.id.into(),
            severity: Severity::Info,
            message: format!("{dropped} more diagnostics were left out (limit {MAX_DIAGNOSTICS})"),
            range: Range::default(),
            resource: None,
            path: None,
            help: meta.help.into(),
            docs: meta.docs(),
            fix: None,
            no_fix: None,
        });
    }
    let resources = resources
        .into_iter()
        .map(|r| ResourceSummary {
            id: r.id,
            range: r.range,
        })
        .collect();
    Report {
        diagnostics,
        resources,
    }
}

#[allow(clippy::too_many_arguments)]
fn load(
    out: &mut Out,
    resources: &mut Vec<Resource>,
    workloads: &mut Vec<Workload>,
    doc: &Document,
    doc_index: usize,
    node: u32,
    base: Path,
    json: Value,
) {
    // Not a Kubernetes object (no apiVersion/kind): not an error, nothing to check.
    let (Some(api_version), Some(kind)) = (str_at(&json, "apiVersion"), str_at(&json, "kind"))
    else {
        return;
    };
    let id = ResourceId {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: str_at(&json, "metadata.name").map(str::to_string),
        namespace: str_at(&json, "metadata.namespace").map(str::to_string),
    };
    let mut problems = Vec::new();
    let known = Object::is_known(api_version, kind);
    let object = Object::decode(api_version, kind, &json, &mut problems);
    let span = doc.node(node).span;
    let mut resource = Resource {
        id,
        doc: doc_index,
        node,
        base,
        json,
        object,
        range: out.map.range(span),
    };
    let index = resources.len();
    if let Some(w) = Workload::of(index, &mut resource, known, &mut problems) {
        workloads.push(w);
    }
    let mut unknown = UnknownFields::new(doc, resource.node);
    for p in problems {
        report_schema(out, doc, &resource, &mut unknown, p);
    }
    resource.json = std::mem::take(&mut resource.json);
    resources.push(resource);
}

fn report_schema(
    out: &mut Out,
    doc: &Document,
    r: &Resource,
    unknown: &mut UnknownFields,
    problem: SchemaProblem,
) {
    match problem {
        SchemaProblem::UnknownField { path } => {
            // A security field at the wrong securityContext level: that rule says where it belongs.
            use crate::rules::workload::misplaced_security_field as misplaced;
            if misplaced::owns(&path) && out.options.enabled(misplaced::RULE.meta.id) {
                return;
            }
            let (Some(Seg::Key(key)), Some(found)) = (path.0.last(), unknown.at(&path)) else {
                return;
            };
            let span = found.span;
            let parent = Path(path.0[..path.0.len() - 1].to_vec());
            let hint = found
                .hint
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            let message = format!(
                "unknown field \"{key}\" in {} {}: Kubernetes ignores it{hint}",
                r.id.kind,
                if parent.is_empty() {
                    "object".to_string()
                } else {
                    parent.to_string()
                }
            );
            out.push(
                &input::SCHEMA_UNKNOWN_FIELD.meta,
                span,
                message,
                Some(r.id.clone()),
                Some(r.base.join(&path).to_string()),
            );
        }
        SchemaProblem::Invalid { path, message } => {
            let loc = locate(doc, r.node, &path);
            let span = if loc.exact {
                doc.node(loc.node).span
            } else {
                loc.span
            };
            let at = if path.is_empty() {
                String::new()
            } else {
                format!(" at {path}")
            };
            out.push(
                &input::SCHEMA_INVALID.meta,
                span,
                format!("invalid {}{at}: {message}", r.id.kind),
                Some(r.id.clone()),
                Some(r.base.join(&path).to_string()),
            );
        }
    }
}
