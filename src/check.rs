//! The pipeline: text → documents with positions → typed resources → rules →
//! diagnostics. Each layer reads only the one before it.

use crate::model::value::Value;
use crate::rules::CheckFn;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, NoFix, Related, Severity};
use crate::model::edit::{self, At};
use crate::model::identity::identify;
use crate::model::locate::locate;
use crate::model::path::{Path, Seg};
use crate::model::resource::{Resource, ResourceId, str_at};
use crate::model::schema::SchemaProblem;
use crate::model::schema_check;
use crate::model::unknown::UnknownFields;
use crate::model::workload::Workload;
use crate::options::Options;
use crate::rules::{Context, Finding, Index, RuleMeta, SourceFile, find, input, registry};
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
        if !self.options.selects(meta) {
            return;
        }
        let mut d = input_diagnostic(meta, self.map.range(span), message);
        d.resource = resource;
        d.path = path;
        self.diagnostics.push(d);
    }
}

/// A diagnostic of the input itself rather than of a resource: the reader's
/// problems, and what a caller refuses before checking (the CLI's size limit
/// while reading, bytes that are not UTF-8).
pub fn input_diagnostic(meta: &RuleMeta, range: Range, message: String) -> Diagnostic {
    Diagnostic {
        rule: meta.id.to_string(),
        severity: meta.severity,
        message,
        range,
        resource: None,
        path: None,
        help: meta.help.to_string(),
        docs: meta.docs(),
        fix: None,
        no_fix: None,
        related: Vec::new(),
        suppression: None,
    }
}

/// One named input of a bundle: a file, standard input, an editor buffer.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// How diagnostics and messages name it (a path, `-`, a URI).
    pub name: &'a str,
    pub text: &'a str,
}

/// The quick fix "Ignore with a reason" for the finding of `rule` at `at`
/// in `source` (see [`crate::exceptions::ignore_fix`]): editors ask for it
/// when they offer a finding's actions, so every finding of a resource has
/// it without every report carrying it.
pub fn ignore_fix(source: &str, rule: &str, at: crate::source::Position) -> Option<crate::Fix> {
    let options = Options::default();
    let bundle = Bundle::join(vec![read_source(
        0,
        &Source {
            name: "",
            text: source,
        },
        &options,
        true,
    )]);
    let ctx = bundle.context(&options);
    // The innermost resource holding the position (a List's item).
    let index = bundle
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.range.start <= at && at <= r.range.end)
        .min_by_key(|(_, r)| (r.range.end.line - r.range.start.line, r.range.end.character))
        .map(|(i, _)| i)?;
    crate::exceptions::ignore_fix(&ctx, index, rule)
}

/// The bundle read into the rules' model, without running the rules: for
/// questions asked about it after a check (the effective value a hover
/// shows, `crate::explain`).
pub(crate) fn with_context<R>(
    sources: &[Source],
    options: &Options,
    f: impl FnOnce(&Context) -> R,
) -> R {
    f(&Bundle::join(read_sources(sources, options, true)).context(options))
}

/// Every source's resources joined into one bundle: resource indices
/// become the bundle's (a workload names its resource by index).
struct Bundle<'a> {
    files: Vec<SourceFile<'a>>,
    resources: Vec<Resource>,
    workloads: Vec<Workload>,
    /// Each source's problems of the input itself, by source.
    diagnostics: Vec<Vec<Diagnostic>>,
}

impl<'a> Bundle<'a> {
    fn join(loaded: Vec<Loaded<'a>>) -> Self {
        let mut bundle = Bundle {
            files: Vec::with_capacity(loaded.len()),
            resources: Vec::new(),
            workloads: Vec::new(),
            diagnostics: Vec::with_capacity(loaded.len()),
        };
        for l in loaded {
            Part {
                resources: l.resources,
                workloads: l.workloads,
            }
            .append_to(&mut bundle.resources, &mut bundle.workloads);
            bundle.files.push(l.file);
            bundle.diagnostics.push(l.diagnostics);
        }
        bundle
    }

    fn context<'b>(&'b self, options: &'b Options) -> Context<'b> {
        Context {
            files: &self.files,
            resources: &self.resources,
            workloads: &self.workloads,
            options,
            index: std::sync::Arc::new(Index::new(&self.resources)),
            reread: Default::default(),
        }
    }
}

/// Checks one text on its own (the playground, a single buffer).
pub fn check(source: &str, options: &Options) -> Report {
    let mut reports = check_bundle(
        &[Source {
            name: "",
            text: source,
        }],
        options,
    );
    reports.pop().expect("one report per source")
}

/// Checks many sources as one bundle: each source is read on its own (in
/// parallel natively), then the rules run once over every resource of every
/// source, so a Deployment in one file sees the NetworkPolicy, ServiceAccount
/// and RBAC of the others. One report per source, in the order given; every
/// finding stays in the file of its resource.
pub fn check_bundle(sources: &[Source], options: &Options) -> Vec<Report> {
    check_bundle_planned(sources, options, Plan::for_sources(sources))
}

/// `check_bundle`, handing each source's report to `each` (in source order)
/// as soon as it is built, so a caller that writes reports out holds one
/// source's diagnostics at a time, however many the bundle has.
pub fn check_bundle_each(sources: &[Source], options: &Options, each: impl FnMut(usize, Report)) {
    drop(check_bundle_retained(sources, options, each));
}

/// Bundles of this much text let each source's YAML trees go once its
/// resources are read, and read them again where they are needed (placing
/// the source's findings, a message naming another resource's line): the
/// trees were the largest part of a repository's memory (124 of 430 MB
/// for 41 MB of YAML, issue 14), and reading them again costs a tenth of
/// the check. Below it (every editor buffer, most repositories) they stay.
pub const REREAD_TREES_BYTES: usize = 16 << 20;

/// How a bundle is checked, whatever its size: for tests that hold every
/// way to the same reports.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Keep the trees (else read them again where needed).
    pub keep_trees: bool,
    /// Resources per window of sources (see `Rules`; 1: each source alone).
    pub window_resources: usize,
}

impl Plan {
    /// How a bundle of these sources is checked: trees let go from
    /// `REREAD_TREES_BYTES` of text, windows of `WINDOW_RESOURCES`.
    fn for_sources(sources: &[Source]) -> Plan {
        let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
        Plan {
            keep_trees: bytes < REREAD_TREES_BYTES,
            window_resources: WINDOW_RESOURCES,
        }
    }
}

/// `check_bundle` by a given plan.
#[doc(hidden)]
pub fn check_bundle_planned(sources: &[Source], options: &Options, plan: Plan) -> Vec<Report> {
    let mut reports = Vec::with_capacity(sources.len());
    drop(check_sources(sources, options, plan, |_, report| {
        reports.push(report)
    }));
    reports
}

/// What a check holds once every report is out: the bundle read into the
/// rules' model, freed (on every core for a large one) when this is
/// dropped. A program that exits right after the check can
/// `std::mem::forget` it and leave the freeing to the operating system, as
/// the CLI does for its last bundle (the freeing was a tenth of a corpus
/// run).
pub struct Retained<'a>(Option<Bundle<'a>>);

impl Drop for Retained<'_> {
    fn drop(&mut self) {
        if let Some(bundle) = self.0.take() {
            release(bundle);
        }
    }
}

/// `check_bundle_each`, handing back the bundle instead of freeing it.
pub fn check_bundle_retained<'a>(
    sources: &[Source<'a>],
    options: &Options,
    each: impl FnMut(usize, Report),
) -> Retained<'a> {
    check_sources(sources, options, Plan::for_sources(sources), each)
}

fn check_sources<'a>(
    sources: &[Source<'a>],
    options: &Options,
    plan: Plan,
    mut each: impl FnMut(usize, Report),
) -> Retained<'a> {
    let mut bundle = Bundle::join(read_sources(sources, options, plan.keep_trees));
    let diagnostics = std::mem::take(&mut bundle.diagnostics);
    let ctx = bundle.context(options);
    let mut rules = Rules::new(&ctx);
    // Where each source's resources start (they are in source order).
    let mut starts = vec![0usize; bundle.files.len() + 1];
    for r in &bundle.resources {
        starts[r.source + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let count = |i: usize| starts[i + 1] - starts[i];
    // Each source's diagnostics are handed out as soon as its report is
    // complete, so memory holds a few sources' diagnostics, not the
    // bundle's. A report waits only while an exception it holds can still
    // be used by a later source (a config exemption applies to every
    // source; the CLI reads the config last).
    let mut exceptions = crate::exceptions::Applier::new(&ctx, options);
    let mut pending: std::collections::VecDeque<(usize, Vec<Diagnostic>)> =
        std::collections::VecDeque::new();
    // Sources are checked and placed a window at a time, on every core for
    // a large bundle (placing reads the trees again when the bundle let
    // them go).
    let parallel = ctx.resources.len() >= PARALLEL_RESOURCES;
    let mut work = diagnostics.into_iter().enumerate();
    let mut start = 0;
    while start < bundle.files.len() {
        // Sources up to WINDOW_RESOURCES resources (at least one source).
        let mut end = start + 1;
        let mut held = count(start);
        while end < bundle.files.len() && held + count(end) <= plan.window_resources {
            held += count(end);
            end += 1;
        }
        let window: Vec<_> = work
            .by_ref()
            .take(end - start)
            .zip(rules.window(&ctx, start..end, starts[start]..starts[end]))
            .collect();
        start = end;
        let placed = crate::par::map_owned(window, parallel, |((i, mut out), findings)| {
            place_findings(&ctx, i, findings, &mut out);
            (i, out)
        });
        for (i, mut out) in placed {
            exceptions.suppress(&ctx, options, i, &mut out);
            pending.push_back((i, out));
            while let Some((j, _)) = pending.front()
                && exceptions.complete(*j, i)
            {
                let Some((j, mut out)) = pending.pop_front() else {
                    break;
                };
                exceptions.finish(options, j, &mut out);
                each(
                    j,
                    Report {
                        diagnostics: finish(out),
                        resources: bundle.resources[starts[j]..starts[j + 1]]
                            .iter()
                            .map(|r| ResourceSummary {
                                id: r.id.clone(),
                                range: r.range,
                            })
                            .collect(),
                    },
                );
            }
        }
    }
    debug_assert!(pending.is_empty(), "the last source completes every report");
    drop(exceptions);
    Retained(Some(bundle))
}

/// Frees a bundle: its trees, objects and pod specs are millions of small
/// allocations, freed on every core natively (a tenth of a corpus run was
/// this drop on one core).
fn release(bundle: Bundle) {
    #[cfg(not(target_arch = "wasm32"))]
    if bundle.resources.len() >= PARALLEL_RESOURCES {
        use rayon::prelude::*;
        let Bundle {
            files,
            resources,
            workloads,
            diagnostics,
        } = bundle;
        rayon::join(
            || files.into_par_iter().for_each(drop),
            || {
                resources.into_par_iter().for_each(drop);
                drop((workloads, diagnostics));
            },
        );
        return;
    }
    drop(bundle);
}

/// Resources read from part of the input (a document, a source), their
/// workloads naming them by index within the part.
#[derive(Default)]
struct Part {
    resources: Vec<Resource>,
    workloads: Vec<Workload>,
}

impl Part {
    /// Appends the part after `resources`, its workloads' indices moved
    /// past the resources already there.
    fn append_to(self, resources: &mut Vec<Resource>, workloads: &mut Vec<Workload>) {
        let offset = resources.len();
        workloads.extend(self.workloads.into_iter().map(|mut w| {
            w.resource += offset;
            w
        }));
        resources.extend(self.resources);
    }
}

/// A source read as far as it goes alone: positions, documents, typed
/// resources, and the problems of the input itself.
struct Loaded<'a> {
    file: SourceFile<'a>,
    resources: Vec<Resource>,
    workloads: Vec<Workload>,
    diagnostics: Vec<Diagnostic>,
}

fn read_sources<'a>(
    sources: &[Source<'a>],
    options: &Options,
    keep_trees: bool,
) -> Vec<Loaded<'a>> {
    let indexed: Vec<(usize, &Source<'a>)> = sources.iter().enumerate().collect();
    crate::par::map(&indexed, true, |&(i, s)| {
        read_source(i, s, options, keep_trees)
    })
}

/// Stage 1, per source: size limit, Helm templates, YAML, conversion to what
/// Kubernetes reads, typed resources; the trees kept or let go.
fn read_source<'a>(
    index: usize,
    source: &Source<'a>,
    options: &Options,
    keep_trees: bool,
) -> Loaded<'a> {
    // A BOM is not part of the text editors show; positions count without it.
    let text = source.text.strip_prefix('\u{feff}').unwrap_or(source.text);
    let map = SourceMap::new(text);
    let mut out = Out {
        map: &map,
        options,
        diagnostics: Vec::new(),
    };
    let mut resources = Vec::new();
    let mut workloads = Vec::new();
    let documents = if text.len() > MAX_INPUT_BYTES {
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
        Vec::new()
    } else {
        let helm = crate::yaml::helm::unrendered_at(text);
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
            report_problems(&mut out, &parsed.problems);
        }
        // Each document on its own (on every core for a large stream), the
        // results joined in order.
        let docs: Vec<(usize, &Document)> = parsed.documents.iter().enumerate().collect();
        let large = text.len() >= crate::yaml::parse::PARALLEL_BYTES;
        let loaded = crate::par::map(&docs, large, |&(doc_index, doc)| {
            let mut out = Out {
                map: &map,
                options,
                diagnostics: Vec::new(),
            };
            let mut part = Part::default();
            // A document with template text is not YAML yet: skip it.
            if helm.is_none()
                || !text[map.byte_offset(doc.span.start)..map.byte_offset(doc.span.end)]
                    .contains("{{")
            {
                load_document(
                    &mut out,
                    &mut part,
                    doc,
                    DocAt {
                        source: index,
                        doc: doc_index,
                    },
                );
            }
            (out.diagnostics, part)
        });
        for (diagnostics, part) in loaded {
            out.diagnostics.extend(diagnostics);
            part.append_to(&mut resources, &mut workloads);
        }
        parsed.documents
    };
    let diagnostics = out.diagnostics;
    Loaded {
        file: SourceFile {
            name: source.name,
            map,
            trees: keep_trees.then_some(documents),
        },
        resources,
        workloads,
        diagnostics,
    }
}

fn report_problems(out: &mut Out, problems: &[crate::yaml::parse::Problem]) {
    for p in problems {
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

/// Where a document sits in the bundle.
#[derive(Clone, Copy)]
struct DocAt {
    source: usize,
    doc: usize,
}

/// Duplicate keys, conversion, then each object (each item of a `List`).
fn load_document(out: &mut Out, part: &mut Part, doc: &Document, at: DocAt) {
    let Some(root) = doc.root else { return };
    for (first, again, key) in duplicate_keys(doc) {
        let line = out.map.position(first.start).line + 1;
        out.push(
            &input::YAML_DUPLICATE_KEY.meta,
            again,
            format!("duplicate key \"{key}\" (first defined on line {line}); Kubernetes refuses duplicate fields"),
            None,
            None,
        );
    }
    if !doc.is_map(root) {
        return;
    }
    let mut conv = Converter::new(doc);
    let mut json = conv.convert(root);
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
        let items = doc.items(doc.get(root, "items").map_or(root, |(_, v)| v));
        let Some(Value::Array(values)) = json.get_mut("items").map(std::mem::take) else {
            return;
        };
        for (i, (item_json, &item_node)) in values.into_vec().into_iter().zip(items).enumerate() {
            load(
                out,
                part,
                doc,
                at,
                item_node,
                Path::root().key("items").index(i),
                item_json,
            );
        }
    } else {
        load(out, part, doc, at, root, Path::root(), json);
    }
}

/// A window of sources (see `Rules`) holds up to this many resources: a
/// window's findings and reports are held together, and the rules that
/// run per window repeat their set-up (indexes of bindings, namespaces)
/// in each.
const WINDOW_RESOURCES: usize = 4096;

/// Bundles from this many resources run their rules on every core.
const PARALLEL_RESOURCES: usize = 64;

/// Stage 2, the rules, a window of sources at a time. A rule that reports
/// only on the workloads it visits (`rules::per_workload`: the Pod Security
/// and workload rules, most findings) runs on the window's workloads, the
/// rest of the bundle still there to look up; the others run once over the
/// bundle and hand their findings out window by window. A large bundle so
/// holds one window's findings of the former, not the bundle's (issue 14).
/// Rules run in parallel natively, their findings joined in registry order
/// as if each had run once over the bundle.
struct Rules {
    /// The enabled checks in registry order: `None` for one that runs per
    /// window, a bundle-wide one's findings not handed out yet, in source
    /// order.
    checks: Vec<Option<std::collections::VecDeque<Finding>>>,
    /// The checks that run per window, in registry order.
    per_workload: Vec<CheckFn>,
}

impl Rules {
    fn new(ctx: &Context) -> Rules {
        let selected: Vec<(CheckFn, bool)> = registry()
            .iter()
            .filter(|rule| ctx.options.selects(&rule.meta))
            .filter_map(|rule| Some((rule.check?, crate::rules::per_workload(rule))))
            .collect();
        // Spread over the cores for a large bundle only: for one manifest
        // the hand-off costs more than the rules (a 150-line Deployment
        // took 218 µs instead of 145 µs).
        let large = ctx.resources.len() >= PARALLEL_RESOURCES;
        let whole = crate::par::map(&selected, large, |&(check, per_workload)| {
            (!per_workload).then(|| {
                let mut found = Vec::new();
                check(ctx, &mut found);
                // Stable: each source's findings keep the rule's order.
                found.sort_by_key(|f| ctx.resources[f.resource].source);
                std::collections::VecDeque::from(found)
            })
        });
        Rules {
            per_workload: selected
                .iter()
                .filter(|(_, per_workload)| *per_workload)
                .map(|&(check, _)| check)
                .collect(),
            checks: whole,
        }
    }

    /// The findings of sources `sources`, whose resources are `resources`,
    /// by source.
    fn window(
        &mut self,
        ctx: &Context,
        sources: std::ops::Range<usize>,
        resources: std::ops::Range<usize>,
    ) -> Vec<Vec<Finding>> {
        let (first, end) = (resources.start, resources.end);
        let workloads = {
            let a = ctx.workloads.partition_point(|w| w.resource < first);
            let b = ctx.workloads.partition_point(|w| w.resource < end);
            &ctx.workloads[a..b]
        };
        let scoped = ctx.with_workloads(workloads);
        let large = end - first >= PARALLEL_RESOURCES;
        let mut ran = crate::par::map(&self.per_workload, large, |check| {
            let mut found = Vec::new();
            check(&scoped, &mut found);
            found
        })
        .into_iter();
        let mut findings = Vec::new();
        for whole in &mut self.checks {
            match whole {
                None => findings.extend(ran.next().unwrap_or_default()),
                Some(queue) => {
                    while queue
                        .front()
                        .is_some_and(|f| ctx.resources[f.resource].source < sources.end)
                    {
                        findings.extend(queue.pop_front());
                    }
                }
            }
        }
        crate::rules::merge_replaced(&mut findings);
        // Each source's list allocated once at its size: a finding is 224
        // bytes, and lists grown by doubling copy them again and again.
        let mut counts = vec![0usize; sources.len()];
        for f in &findings {
            debug_assert!(
                (first..end).contains(&f.resource),
                "{} outside its window",
                f.rule
            );
            counts[ctx.resources[f.resource].source - sources.start] += 1;
        }
        let mut split: Vec<Vec<Finding>> = counts.into_iter().map(Vec::with_capacity).collect();
        for f in findings {
            split[ctx.resources[f.resource].source - sources.start].push(f);
        }
        split
    }
}

/// Stage 3, per source: each finding of the source's resources becomes a
/// diagnostic at its range.
fn place_findings(ctx: &Context, source: usize, findings: Vec<Finding>, out: &mut Vec<Diagnostic>) {
    out.reserve_exact(findings.len());
    if findings.is_empty() {
        return;
    }
    let documents = ctx.documents_once(source);
    for f in findings {
        let Some(rule) = find(f.rule) else { continue };
        if !ctx.options.selects(&rule.meta) {
            continue;
        }
        let r = &ctx.resources[f.resource];
        let file = &ctx.files[r.source];
        let loc = locate(&documents[r.doc], r.node, &f.path);
        let related = f
            .related
            .iter()
            .map(|site| {
                let o = &ctx.resources[site.resource];
                let of = &ctx.files[o.source];
                let at = locate(&ctx.document(site.resource), o.node, &site.path);
                Related {
                    source: (o.source != r.source).then(|| of.name.to_string()),
                    range: of.map.range(at.span),
                    message: site.message.clone(),
                }
            })
            .collect();
        // The rule's fix, as data, becomes edits of this text; or, when no
        // edit can make it, the reason is said on the finding.
        let (fix, no_fix) = match f.fix.map(|plan| {
            let at = At {
                doc: &documents[r.doc],
                node: r.node,
                map: &file.map,
            };
            (edit::build(at, &plan), plan.title)
        }) {
            None => (None, None),
            Some((Ok(fix), _)) => (Some(fix), None),
            Some((Err(reason), title)) => (None, Some(NoFix { title, reason })),
        };
        out.push(Diagnostic {
            rule: f.rule.to_string(),
            severity: f.severity.unwrap_or(rule.meta.severity),
            message: f.message,
            range: file.map.range(f.span.unwrap_or(loc.span)),
            resource: Some(r.id.clone()),
            path: Some(r.base.join(&f.path).to_string()),
            help: f.help.unwrap_or_else(|| rule.meta.help.to_string()),
            docs: rule.meta.docs(),
            fix,
            no_fix,
            related,
            suppression: None,
        });
    }
}

/// Stage 5, per source: position order, then the diagnostics cap.
fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostic::sort_by(&mut diagnostics, &|a, b| {
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
            related: Vec::new(),
            suppression: None,
        });
    }
    diagnostics
}

fn load(
    out: &mut Out,
    part: &mut Part,
    doc: &Document,
    at: DocAt,
    node: u32,
    base: Path,
    json: Value,
) {
    // Not a Kubernetes object: not an error, nothing to check. One meant as
    // an object but lacking apiVersion or kind: an error, then read as far
    // as it can be.
    let mut json = json;
    let Some(identity) = identify(doc, node, &mut json) else {
        return;
    };
    for (span, message) in identity.problems {
        out.push(&input::SCHEMA_INVALID.meta, span, message, None, None);
    }
    let (Some(api_version), Some(kind)) =
        (identity.api_version.as_deref(), identity.kind.as_deref())
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
    // Rules read the JSON, and workloads the few pod fields they need
    // (`model::pod`); the schema check only adds problems.
    let known = schema_check::kind(api_version, kind).is_some();
    schema_check::check_object(api_version, kind, &json, &mut problems);
    let index = part.resources.len();
    if let Some(w) = Workload::of(index, kind, &json, known, &mut problems) {
        part.workloads.push(w);
    }
    let span = doc.node(node).span;
    let resource = Resource {
        id,
        source: at.source,
        doc: at.doc,
        node,
        base,
        json,
        range: out.map.range(span),
    };
    let mut unknown = UnknownFields::new(doc, resource.node);
    for p in problems {
        report_schema(out, doc, &resource, &mut unknown, p);
    }
    part.resources.push(resource);
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
            // A rule that reports this field itself says more (where a
            // misplaced security field belongs).
            if crate::rules::reports_unknown_field(out.options, &path) {
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
