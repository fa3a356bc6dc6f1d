//! Quick fixes: text edits that set a field, keeping the file's own
//! indentation and style; and `fix_all`, which applies every safe one.

use serde::Serialize;

use crate::check::{Report, check};
use crate::diagnostic::{Applicability, Diagnostic, Fix, TextEdit};
use crate::model::locate::locate;
use crate::model::path::{Path, Seg};
use crate::model::resource::ResourceId;
use crate::options::Options;
use crate::rules::Context;
use crate::source::{Range, SourceMap, Span};
use crate::yaml::tree::{NodeKind, ScalarStyle};

/// An edit that makes `path` (inside resource `resource`) hold `value`
/// (YAML text): replaces an existing scalar, or inserts the missing keys
/// under the nearest existing block mapping. `None` where an edit would have
/// to restructure the text (flow collections, non-mapping parents).
pub fn set_field(
    ctx: &Context,
    resource: usize,
    path: &Path,
    value: &str,
    title: String,
    applicability: Applicability,
) -> Option<Fix> {
    match build_set_field(ctx, resource, path, value, title.clone(), applicability) {
        Ok(fix) => Some(fix),
        Err(reason) => {
            // Said on the finding (`Diagnostic::no_fix`) and in `fix_all`'s
            // skipped list, never dropped silently.
            ctx.unfixable.borrow_mut().push(crate::rules::Unfixable {
                resource,
                path: path.clone(),
                title,
                reason,
            });
            None
        }
    }
}

fn build_set_field(
    ctx: &Context,
    resource: usize,
    path: &Path,
    value: &str,
    title: String,
    applicability: Applicability,
) -> Result<Fix, SkipReason> {
    let r = &ctx.resources[resource];
    let doc = ctx.document(resource);
    let map = &ctx.file(resource).map;
    let loc = locate(doc, r.node, path);
    let mut extra = Vec::new();
    let edit = if loc.exact {
        let node = doc.node(loc.node);
        match node.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Alias(_) => return Err(SkipReason::Alias),
            _ => return Err(SkipReason::Unsupported),
        }
        TextEdit {
            range: map.range(node.span),
            new_text: value.to_string(),
        }
    } else {
        // How many segments exist: walk again to find the depth reached.
        let mut depth = 0;
        for i in 0..=path.0.len() {
            let prefix = Path(path.0[..i].to_vec());
            if locate(doc, r.node, &prefix).exact {
                depth = i;
            } else {
                break;
            }
        }
        let missing = &path.0[depth..];
        let keys: Vec<&str> = missing
            .iter()
            .map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })
            .collect::<Option<_>>()
            .ok_or(SkipReason::Unsupported)?;
        let parent = locate(doc, r.node, &Path(path.0[..depth].to_vec())).node;
        let pnode = doc.node(doc.resolve(parent));
        if parent != doc.resolve(parent) {
            return Err(SkipReason::Alias);
        }
        if pnode.flow {
            return Err(SkipReason::FlowStyle);
        }
        let entries = doc.entries(parent);
        let (Some(&(first_key, _)), Some(&(_, last_value))) = (entries.first(), entries.last())
        else {
            return Err(SkipReason::Unsupported);
        };
        let indent = map.position(doc.node(first_key).span.start).character as usize;
        let mut lines = String::new();
        for (i, k) in keys.iter().enumerate() {
            let pad = " ".repeat(indent + 2 * i);
            if i + 1 == keys.len() {
                lines.push_str(&format!("{pad}{k}: {value}"));
            } else {
                lines.push_str(&format!("{pad}{k}:\n"));
            }
        }
        let mut end = doc.node(last_value).span.end;
        let text = map.text();
        let mut end_byte = map.byte_offset(end);
        // A block scalar's span runs over the indentation of the line after
        // it (its end is found there): insert at that line's start instead
        // of between its indentation and its content.
        let line_start = text[..end_byte].rfind('\n').map_or(0, |n| n + 1);
        if line_start < end_byte
            && text[line_start..end_byte]
                .trim_matches([' ', '\t'])
                .is_empty()
        {
            end -= (end_byte - line_start) as u32;
            end_byte = line_start;
        }
        // A comment after the value stays on its line: insert after it.
        let rest = &text[end_byte..];
        let rest = rest[..rest.find('\n').unwrap_or(rest.len())].trim_end_matches('\r');
        let trimmed = rest.trim_start();
        let mid_line = !text[..end_byte].ends_with('\n');
        if mid_line && !rest.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            end += rest.chars().count() as u32;
            end_byte += rest.len();
        }
        let after_newline = text[..end_byte].ends_with('\n');
        let new_text = if after_newline {
            format!("{lines}\n")
        } else {
            // The line break ends the last line of the value before it: a
            // block scalar there would gain it as a final newline.
            if let Some(header) = keep_block_scalar_value(map, doc, last_value, end) {
                extra.push(header);
            }
            format!("\n{lines}")
        };
        TextEdit {
            range: map.range(Span { start: end, end }),
            new_text,
        }
    };
    let mut edits = vec![edit];
    edits.append(&mut extra);
    Ok(Fix {
        title,
        applicability,
        edits,
    })
}

/// When the text ends in a block scalar (`|`, `>`) without a final line
/// break and a fix must add lines after it, the break it adds would become
/// part of the value (clip and keep chomping keep a final newline). The value
/// has no final newline, so strip chomping (`|-`) reads the very same value
/// with the break: the edit that sets it. `None` when nothing needs to change.
fn keep_block_scalar_value(
    map: &SourceMap,
    doc: &crate::yaml::tree::Document,
    value: crate::yaml::tree::NodeId,
    end: u32,
) -> Option<TextEdit> {
    // The innermost last node ending at `end` (iterative: nesting is bounded
    // by the parser, but no walk here recurses).
    let mut id = value;
    loop {
        let next = match &doc.node(id).kind {
            NodeKind::Map(entries) => entries.last().map(|&(_, v)| v),
            NodeKind::Seq(items) => items.last().copied(),
            _ => None,
        };
        match next {
            Some(n) if doc.node(n).span.end == end => id = n,
            _ => break,
        }
    }
    let node = doc.node(id);
    let NodeKind::Scalar { text: value, style } = &node.kind else {
        return None;
    };
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) || value.ends_with('\n') {
        return None;
    }
    // The header: `|` or `>`, then an indentation digit and a chomping
    // indicator in either order (after any anchor or tag).
    let text = map.text();
    let from = map.byte_offset(node.span.start);
    let bar = from + text[from..].find(['|', '>'])?;
    let mut at = bar + 1;
    for _ in 0..2 {
        match text.as_bytes().get(at) {
            Some(b'-') => return None,
            Some(b'+') => {
                let start = map.char_index_of_byte(at);
                return Some(TextEdit {
                    range: map.range(Span::new(start as usize, start as usize + 1)),
                    new_text: "-".into(),
                });
            }
            Some(b'1'..=b'9') => at += 1,
            _ => break,
        }
    }
    let start = map.char_index_of_byte(bar + 1) as usize;
    Some(TextEdit {
        range: map.range(Span::new(start, start)),
        new_text: "-".into(),
    })
}

// ---------------------------------------------------------------------------
// Fix all: apply every safe fix in passes, re-checking after each.

/// Rules whose new findings mean an edit broke the text. `fix_all` switches
/// them on for its own checks whatever the options say.
const GUARD_RULES: &[&str] = &[
    "yaml-syntax",
    "yaml-duplicate-key",
    "schema-invalid",
    "schema-unknown-field",
];

/// A fix `fix_all` applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedFix {
    pub rule: String,
    pub resource: Option<ResourceId>,
    pub path: Option<String>,
    pub title: String,
}

/// Why a fix was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// The fix may stop the workload from starting: review and apply it by hand.
    Unsafe,
    /// Applied, the finding was still there: undone.
    NoEffect,
    /// Applied, the text got a YAML syntax error, a duplicate key, an
    /// invalid or unknown field it did not have: undone.
    BreaksSyntax,
    /// The input was JSON and the edit made it YAML-only: undone.
    BreaksJson,
    /// Its edits point outside the text or overlap.
    InvalidEdit,
    /// The pass limit was reached before its turn.
    PassLimit,
    /// No edit could be built: the field would go into a flow collection
    /// (`{...}`, `[...]`), which would have to be rewritten.
    FlowStyle,
    /// No edit could be built: the field would go into a value an alias
    /// (`*name`) brings in, which other places share.
    Alias,
    /// No edit could be built: the value there is not a scalar or mapping
    /// the fix can edit (a list item that does not exist, a list where a
    /// value is expected).
    Unsupported,
}

/// A fix of a finding that is still in the fixed text, and why it stayed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFix {
    pub rule: String,
    pub resource: Option<ResourceId>,
    pub path: Option<String>,
    pub title: String,
    pub reason: SkipReason,
}

#[derive(Clone, Debug, Serialize)]
pub struct FixAll {
    /// The fixed text (the input itself when nothing applied), BOM kept.
    pub text: String,
    /// In the order applied.
    pub applied: Vec<AppliedFix>,
    /// Fixes of the remaining findings that were not applied, in document order.
    pub skipped: Vec<SkippedFix>,
    /// The diagnostics of `text`, as `check(text, options)` gives them.
    pub diagnostics: Vec<Diagnostic>,
    /// How many fixes were tried (each costs one check of the whole text).
    pub passes: usize,
}

/// What identifies a finding across re-checks: positions move, these do not.
fn key(d: &Diagnostic) -> (&str, Option<&ResourceId>, Option<&str>) {
    (d.rule.as_str(), d.resource.as_ref(), d.path.as_deref())
}

fn count_key(report: &Report, d: &Diagnostic) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|x| key(x) == key(d))
        .count()
}

fn guard_counts(report: &Report) -> [usize; GUARD_RULES.len()] {
    let mut counts = [0; GUARD_RULES.len()];
    for d in &report.diagnostics {
        if let Some(i) = GUARD_RULES.iter().position(|g| *g == d.rule) {
            counts[i] += 1;
        }
    }
    counts
}

/// Why the fix of `d` must be undone, judged on the reports before and
/// after it (and the fixes applied with it), or `None` when it did its job.
fn verdict(
    before: &Report,
    after: &Report,
    d: &Diagnostic,
    json: bool,
    new_text: &str,
) -> Option<SkipReason> {
    if guard_counts(before)
        .iter()
        .zip(&guard_counts(after))
        .any(|(b, a)| a > b)
    {
        Some(SkipReason::BreaksSyntax)
    } else if json && !is_json(new_text) {
        Some(SkipReason::BreaksJson)
    } else if count_key(after, d) >= count_key(before, d) {
        Some(SkipReason::NoEffect)
    } else {
        None
    }
}

fn is_json(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Applies the edits of one fix to `text` (BOM-less, as positions count it).
/// Inserted line breaks follow the line they land on (`\r\n` in CRLF text).
/// `None` when an edit points outside the text or two edits overlap.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> Option<String> {
    let map = SourceMap::new(text);
    let mut spans = Vec::with_capacity(edits.len());
    for e in edits {
        let start = map.byte_of_position(e.range.start)?;
        let end = map.byte_of_position(e.range.end)?;
        if end < start {
            return None;
        }
        spans.push((start, end, e.new_text.as_str()));
    }
    spans.sort_by_key(|&(s, e, _)| (s, e));
    for pair in spans.windows(2) {
        let ((s0, e0, _), (s1, _, _)) = (pair[0], pair[1]);
        // Overlapping, or two insertions at one point (their order is unknown).
        if s1 < e0 || (s0 == s1 && s0 == e0) {
            return None;
        }
    }
    let first_break_crlf = text.find('\n').is_some_and(|n| text[..n].ends_with('\r'));
    let mut out = text.to_string();
    for &(start, end, new_text) in spans.iter().rev() {
        let crlf = match text[start..].find('\n') {
            Some(n) => text[..start + n].ends_with('\r'),
            None => first_break_crlf,
        };
        if crlf && new_text.contains('\n') {
            let normalized = new_text.replace("\r\n", "\n").replace('\n', "\r\n");
            out.replace_range(start..end, &normalized);
        } else {
            out.replace_range(start..end, new_text);
        }
    }
    Some(out)
}

/// Applies every safe fix to `source`: check, apply the first safe fix in
/// document order, check again, repeat. Each fix is computed against the text
/// it applies to, so fixes that would each insert the same missing mapping
/// (`securityContext:`) build one block instead of duplicate keys. One pass
/// takes every safe fix whose edits neither overlap nor touch those of an
/// earlier one (fixes that insert the same key share an insertion point); if
/// the pass breaks anything, it falls back to its first fix alone.
///
/// A fix is undone (and listed in `skipped`) when its finding survives it,
/// when it adds a YAML syntax error, a duplicate key, an invalid or unknown
/// field, or when it turns JSON input into YAML. Unsafe fixes are never
/// applied. At most (findings at the start + 10) fixes are tried, so no input
/// loops. Never panics; the text is returned unchanged when nothing applies.
pub fn fix_all(source: &str, options: &Options) -> FixAll {
    fix_all_within(source, options, usize::MAX)
}

/// `fix_all` trying at most `max_passes` fixes (and never more than the
/// findings at the start + 10).
pub fn fix_all_within(source: &str, options: &Options, max_passes: usize) -> FixAll {
    let (bom, mut text) = match source.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest.to_string()),
        None => ("", source.to_string()),
    };
    let mut guard = options.clone();
    guard.disable.retain(|d| !GUARD_RULES.contains(&d.as_str()));
    guard
        .enable
        .extend(GUARD_RULES.iter().map(|g| g.to_string()));
    let wanted = |d: &Diagnostic| options.enabled(&d.rule);
    let json = is_json(&text);

    let mut report = check(&text, &guard);
    let limit = (report.diagnostics.len() + 10).min(max_passes);
    let mut applied = Vec::new();
    let mut failed: Vec<(AppliedFix, SkipReason)> = Vec::new();
    let as_fix = |d: &Diagnostic, fix: &Fix| AppliedFix {
        rule: d.rule.clone(),
        resource: d.resource.clone(),
        path: d.path.clone(),
        title: fix.title.clone(),
    };
    let mut passes = 0;
    while passes < limit {
        // Safe fixes in document order whose edits neither overlap nor touch
        // the edits already taken. Fixes that would each insert the same
        // missing key insert at the same point (the end of the nearest
        // existing mapping), so they never share a pass.
        let mut batch: Vec<usize> = Vec::new();
        let mut taken: Vec<Range> = Vec::new();
        for (i, d) in report.diagnostics.iter().enumerate() {
            let Some(fix) = &d.fix else { continue };
            let clear = fix.edits.iter().all(|e| {
                taken
                    .iter()
                    .all(|t| e.range.end < t.start || t.end < e.range.start)
            });
            if wanted(d)
                && fix.applicability == Applicability::Safe
                && clear
                && !failed.iter().any(|(f, _)| *f == as_fix(d, fix))
            {
                batch.push(i);
                taken.extend(fix.edits.iter().map(|e| e.range));
            }
        }
        let Some(&first) = batch.first() else { break };
        let id_of = |report: &Report, i: usize| {
            let d = &report.diagnostics[i];
            d.fix.as_ref().map(|f| as_fix(d, f))
        };
        passes += 1;
        if batch.len() > 1 {
            let edits: Vec<TextEdit> = batch
                .iter()
                .flat_map(|&i| {
                    report.diagnostics[i]
                        .fix
                        .iter()
                        .flat_map(|f| f.edits.clone())
                })
                .collect();
            if let Some(new_text) = apply_edits(&text, &edits) {
                let new_report = check(&new_text, &guard);
                let all_good = batch.iter().all(|&i| {
                    verdict(
                        &report,
                        &new_report,
                        &report.diagnostics[i],
                        json,
                        &new_text,
                    )
                    .is_none()
                });
                if all_good {
                    applied.extend(batch.iter().filter_map(|&i| id_of(&report, i)));
                    text = new_text;
                    report = new_report;
                    continue;
                }
            }
            // Something in the batch failed: find out which, one at a time.
            if passes >= limit {
                break;
            }
            passes += 1;
        }
        let d = &report.diagnostics[first];
        let Some((fix, id)) = d.fix.as_ref().map(|f| (f, as_fix(d, f))) else {
            break;
        };
        let Some(new_text) = apply_edits(&text, &fix.edits) else {
            failed.push((id, SkipReason::InvalidEdit));
            continue;
        };
        let new_report = check(&new_text, &guard);
        match verdict(&report, &new_report, d, json, &new_text) {
            Some(r) => failed.push((id, r)),
            None => {
                applied.push(id);
                text = new_text;
                report = new_report;
            }
        }
    }

    // The guard rules may be off in `options`: the final report is the one
    // `check` gives with them.
    if guard.disable != options.disable || !GUARD_RULES.iter().all(|g| options.enabled(g)) {
        report = check(&text, options);
    }
    let skipped = report
        .diagnostics
        .iter()
        .filter_map(|d| {
            if let (None, Some(no)) = (&d.fix, &d.no_fix) {
                return Some(SkippedFix {
                    rule: d.rule.clone(),
                    resource: d.resource.clone(),
                    path: d.path.clone(),
                    title: no.title.clone(),
                    reason: no.reason,
                });
            }
            let fix = d.fix.as_ref()?;
            let id = as_fix(d, fix);
            let reason = if fix.applicability == Applicability::Unsafe {
                SkipReason::Unsafe
            } else if let Some((_, r)) = failed.iter().find(|(f, _)| *f == id) {
                *r
            } else {
                SkipReason::PassLimit
            };
            Some(SkippedFix {
                rule: id.rule,
                resource: id.resource,
                path: id.path,
                title: id.title,
                reason,
            })
        })
        .collect();
    FixAll {
        text: format!("{bom}{text}"),
        applied,
        skipped,
        diagnostics: report.diagnostics,
        passes,
    }
}
