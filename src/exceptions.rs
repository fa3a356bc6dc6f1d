//! Exceptions with reasons: the stage after the findings are placed.
//!
//! Three forms, one meaning ("we accept this finding, and here is why"):
//! - the annotation `kubeharden.dev/ignore: "<rule>[, <rule>...]: <reason>"`
//!   on a resource (a workload's covers its pod template: the findings are
//!   the workload's);
//! - the comment `# kubeharden-ignore <rule>[, <rule>...]: <reason>` on the
//!   line of a field or the line before it (covers that node only);
//! - the config's `exemptions` (by kind, namespace and name globs).
//!
//! The reason may end with ` until YYYY-MM-DD`. An exception without a reason
//! (or with the `TODO` placeholder the quick fix inserts), with an unknown
//! rule id, past its date, or that suppresses nothing, is itself a finding,
//! and only a valid, current exception suppresses. Suppressed findings stay
//! in the output, marked with where they were accepted and why.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::edit::{self, At, FixPlan};
use crate::model::path::Path;
use crate::options::Options;
use crate::rules::{Context, RuleMeta, input};
use crate::source::{Position, Range, Span};

/// The annotation that holds a resource's exceptions.
pub const ANNOTATION: &str = "kubeharden.dev/ignore";
/// The comment marker of a line exception.
pub const COMMENT: &str = "# kubeharden-ignore";
/// What the quick fix writes for the reason; reported until replaced.
pub const REASON_PLACEHOLDER: &str = "TODO: reason";

/// A calendar date (`until`, today).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `YYYY-MM-DD`, a real day of the calendar.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            s.get(r)
                .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?
                .parse()
                .ok()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        Some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The civil date of a count of days since 1970-01-01 (the system
    /// clock's), by Howard Hinnant's `civil_from_days`.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year.clamp(0, 9999) as u16,
            month: month as u8,
            day: day as u8,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One entry of the config's `exemptions`, with its positions in the config
/// file (for the findings about the entry itself).
#[derive(Clone, Debug, Default)]
pub struct Exemption {
    /// Rule ids, each with its range.
    pub rules: Vec<(String, Range)>,
    /// Globs (`*`, `?`); `None` matches any.
    pub namespace: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub reason: Option<String>,
    /// The date and its range; a date that did not parse is a config
    /// problem and leaves this `None`.
    pub until: Option<(Date, Range)>,
    /// The config file's name, as the bundle names it.
    pub file: String,
    /// The whole entry.
    pub range: Range,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    Annotation,
    Comment,
    Config,
    Baseline,
}

/// Where a suppression was written: a file (as the bundle names it) and a range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub range: Range,
}

/// Why a finding is suppressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    pub location: Location,
}

/// What one exception covers.
enum Scope {
    /// A resource (by index), through its annotation.
    Resource(usize),
    /// A source's lines from `start` to `end` (a comment's node).
    Lines {
        source: usize,
        start: Position,
        end: Position,
    },
    /// Findings whose resource matches (the config).
    Select {
        namespace: Option<String>,
        kind: Option<String>,
        name: Option<String>,
    },
}

struct Exception {
    kind: SuppressionKind,
    /// Rule ids, their ranges, and whether each suppressed something.
    rules: Vec<(String, Range, bool)>,
    reason: Option<String>,
    until: Option<(Date, Range)>,
    /// Index of the source holding it; `None` for a config file not in the
    /// bundle (it applies, but its problems are not reported).
    source: Option<usize>,
    file: String,
    range: Range,
    scope: Scope,
    /// Already reported as unreadable (a bad date): it does not apply, and
    /// nothing more is said about it.
    broken: bool,
}

/// The text of an annotation or comment exception, cut into its parts
/// (positions are byte offsets into that text).
struct Written<'t> {
    rules: Vec<(&'t str, usize)>,
    reason: Option<&'t str>,
    /// The date text after ` until ` and its offset.
    until: Option<(&'t str, usize)>,
}

/// `<rule>[, <rule>...]: <reason>[ until YYYY-MM-DD]`
fn cut(text: &str) -> Written<'_> {
    let (rules_part, reason_part) = match text.find(':') {
        Some(i) => (&text[..i], Some(i + 1)),
        None => (text, None),
    };
    let mut rules = Vec::new();
    let mut at = 0;
    for piece in rules_part.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let id = piece.trim();
        if !id.is_empty() {
            rules.push((id, at + lead));
        }
        at += piece.len() + 1;
    }
    let (mut reason, mut until) = (None, None);
    if let Some(from) = reason_part {
        let mut body = text[from..].trim_end();
        if let Some(i) = body.rfind(" until ") {
            let date = body[i + 7..].trim();
            until = Some((
                date,
                from + i + 7 + (body[i + 7..].len() - body[i + 7..].trim_start().len()),
            ));
            body = &body[..i];
        }
        let body = body.trim();
        if !body.is_empty() {
            reason = Some(body);
        }
    }
    Written {
        rules,
        reason,
        until,
    }
}

/// Whether a reason is one: present and not the quick fix's placeholder.
fn real_reason(reason: Option<&str>) -> Option<&str> {
    reason.filter(|r| !r.trim_start().starts_with("TODO"))
}

/// `*` and `?` globs over names (Kubernetes names hold no path separators).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Stage 4, across the bundle: severity overrides, then exceptions.
///
/// The bundle's exceptions, applied source by source so that a caller can
/// hand each source's report out before the next is built: only findings
/// about an exception (unused, invalid) wait for the sources it can cover.
pub struct Applier {
    found: Vec<Exception>,
    /// Findings about exceptions known before any is applied, per source.
    problems: Vec<Vec<Diagnostic>>,
    valid: Vec<usize>,
    /// Per source, the valid exceptions it holds (in `valid` order).
    held: Vec<Vec<usize>>,
    /// Per source, the last source its exceptions can cover: its report
    /// is complete once that one is suppressed.
    complete_after: Vec<usize>,
}

impl Applier {
    pub fn new(ctx: &Context, options: &Options) -> Applier {
        let mut found = Vec::new();
        let mut problems: Vec<(usize, Diagnostic)> = Vec::new();
        annotations(ctx, &mut found, &mut problems);
        comments(ctx, &mut found, &mut problems);
        config(ctx, options, &mut found);
        let valid = validate(ctx, options, &mut found, &mut problems);
        let sources = ctx.files.len();
        let mut by_source: Vec<Vec<Diagnostic>> = vec![Vec::new(); sources];
        for (source, d) in problems {
            by_source[source].push(d);
        }
        let mut held = vec![Vec::new(); sources];
        let mut complete_after: Vec<usize> = (0..sources).collect();
        for &e in &valid {
            let ex = &found[e];
            let Some(source) = ex.source else { continue };
            held[source].push(e);
            let last = match &ex.scope {
                Scope::Resource(r) => ctx.resources[*r].source,
                Scope::Lines { source, .. } => *source,
                Scope::Select { .. } => sources.saturating_sub(1),
            };
            complete_after[source] = complete_after[source].max(last);
        }
        Applier {
            found,
            problems: by_source,
            valid,
            held,
            complete_after,
        }
    }

    /// Severity overrides, then the first exception that covers each
    /// finding of `source` suppresses it (and counts as used).
    pub fn suppress(
        &mut self,
        ctx: &Context,
        options: &Options,
        source: usize,
        diagnostics: &mut [Diagnostic],
    ) {
        for d in diagnostics.iter_mut() {
            d.severity = options.severity_of(&d.rule, d.severity);
        }
        for d in diagnostics.iter_mut() {
            if d.suppression.is_some() {
                continue;
            }
            for &e in &self.valid {
                let ex = &mut self.found[e];
                if !covers(ctx, ex, source, d) {
                    continue;
                }
                let Some(slot) = ex.rules.iter_mut().find(|(id, _, _)| *id == d.rule) else {
                    continue;
                };
                slot.2 = true;
                d.suppression = Some(Suppression {
                    kind: ex.kind,
                    reason: ex.reason.clone().unwrap_or_default(),
                    until: ex.until.map(|(date, _)| date.to_string()),
                    location: Location {
                        file: ex.file.clone(),
                        range: ex.range,
                    },
                });
                break;
            }
        }
    }

    /// Whether `source`'s report is complete once every source up to
    /// `done` has been suppressed.
    pub fn complete(&self, source: usize, done: usize) -> bool {
        self.complete_after
            .get(source)
            .is_none_or(|&last| last <= done)
    }

    /// Appends the findings about `source`'s own exceptions, after its
    /// others: what was wrong with them, then the rules they suppressed
    /// nothing of (call once the report is [`Applier::complete`]).
    pub fn finish(&mut self, options: &Options, source: usize, diagnostics: &mut Vec<Diagnostic>) {
        let mut problems = std::mem::take(&mut self.problems[source]);
        for &e in &self.held[source] {
            let ex = &self.found[e];
            for (id, range, used) in &ex.rules {
                // `held` lists the exceptions whose source is this one.
                if !used && crate::rules::enabled(options, id) {
                    problems.push(crate::check::input_diagnostic(
                        &input::EXCEPTION_UNUSED.meta,
                        *range,
                        format!("this exception of {id} suppresses nothing: remove it"),
                    ));
                }
            }
        }
        diagnostics.extend(
            problems
                .into_iter()
                .filter(|d| crate::rules::enabled(options, &d.rule)),
        );
    }
}

/// Records a finding about an exception in the source that holds it. A
/// config file that is not a source of the bundle gets none: its exemptions
/// still apply, but what is wrong with them is said only where the config is
/// checked too (the CLI adds it to each bundle; `kubeharden fix` and a
/// single-source `check` do not, and would otherwise call an exemption unused
/// that matches another file).
fn report(
    problems: &mut Vec<(usize, Diagnostic)>,
    ex: &Exception,
    meta: &RuleMeta,
    range: Range,
    message: String,
) {
    if let Some(source) = ex.source {
        problems.push((source, crate::check::input_diagnostic(meta, range, message)));
    }
}

/// Reports what is wrong with each exception; returns the ones that apply.
fn validate(
    ctx: &Context,
    options: &Options,
    found: &mut [Exception],
    problems: &mut Vec<(usize, Diagnostic)>,
) -> Vec<usize> {
    let _ = ctx;
    let mut valid = Vec::new();
    for (i, ex) in found.iter_mut().enumerate() {
        if ex.broken {
            continue;
        }
        let named_any = !ex.rules.is_empty();
        let mut unknown = Vec::new();
        ex.rules.retain(|(id, range, _)| {
            let known = crate::rules::find(id).is_some();
            if !known {
                unknown.push((id.clone(), *range));
            }
            known
        });
        for (id, range) in unknown {
            let hint = crate::model::suggest::closest(
                &id,
                &crate::rules::registry()
                    .iter()
                    .map(|r| r.meta.id)
                    .collect::<Vec<_>>(),
            )
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
            report(
                problems,
                ex,
                &input::EXCEPTION_INVALID.meta,
                range,
                format!("unknown rule id \"{id}\" in this exception{hint}"),
            );
        }
        if ex.rules.is_empty() && ex.reason.is_some() {
            if !named_any && !matches!(ex.scope, Scope::Select { .. }) {
                report(
                    problems,
                    ex,
                    &input::EXCEPTION_INVALID.meta,
                    ex.range,
                    "this exception names no rule: write `<rule>[, <rule>...]: <reason>`".into(),
                );
            }
            continue;
        }
        match ex.reason.as_deref() {
            None => {
                report(
                    problems,
                    ex,
                    &input::EXCEPTION_INVALID.meta,
                    ex.range,
                    "this exception has no reason, so it does not apply: write `<rule>: <reason>`"
                        .into(),
                );
                continue;
            }
            Some(r) if real_reason(Some(r)).is_none() => {
                report(
                    problems,
                    ex,
                    &input::EXCEPTION_INVALID.meta,
                    ex.range,
                    format!(
                        "the reason \"{r}\" is a placeholder, so this exception does not apply: write why the risk is accepted"
                    ),
                );
                continue;
            }
            Some(_) => {}
        }
        if let (Some((until, range)), Some(today)) = (ex.until, options.today)
            && until < today
        {
            report(
                problems,
                ex,
                &input::EXCEPTION_EXPIRED.meta,
                range,
                format!("this exception expired on {until}; its findings are reported again"),
            );
            continue;
        }
        valid.push(i);
    }
    valid
}

fn covers(ctx: &Context, ex: &Exception, source: usize, d: &Diagnostic) -> bool {
    match &ex.scope {
        Scope::Resource(r) => {
            let r = &ctx.resources[*r];
            r.source == source
                && d.resource.as_ref() == Some(&r.id)
                && d.range.start >= r.range.start
                && d.range.start <= r.range.end
        }
        Scope::Lines {
            source: s,
            start,
            end,
        } => *s == source && d.range.start >= *start && d.range.start <= *end,
        Scope::Select {
            namespace,
            kind,
            name,
        } => {
            let Some(id) = &d.resource else {
                return namespace.is_none() && kind.is_none() && name.is_none();
            };
            let fits = |pattern: &Option<String>, value: Option<&str>| {
                pattern
                    .as_deref()
                    .is_none_or(|p| glob_match(p, value.unwrap_or("")))
            };
            fits(kind, Some(&id.kind))
                && fits(name, id.name.as_deref())
                && fits(namespace, id.namespace.as_deref())
        }
    }
}

/// Range of the byte offsets `[from, to)` of a value's raw text that starts
/// at character `base` of a source.
fn sub_range(map: &crate::source::SourceMap, base_byte: usize, from: usize, to: usize) -> Range {
    let start = map.char_index_of_byte(base_byte + from) as usize;
    let end = map.char_index_of_byte(base_byte + to) as usize;
    map.range(Span::new(start, end))
}

/// Rules, reason and date of a written exception, ranges resolved against
/// the raw text at `base_byte` (where the parts sit verbatim) or, when they
/// cannot be found there (escapes in a quoted value), the whole `fallback`.
#[allow(clippy::too_many_arguments)]
fn from_written(
    map: &crate::source::SourceMap,
    raw: &str,
    base_byte: usize,
    value: &str,
    fallback: Range,
    kind: SuppressionKind,
    source: usize,
    file: &str,
    scope: Scope,
    problems: &mut Vec<(usize, Diagnostic)>,
) -> Exception {
    let w = cut(value);
    // Where `value` starts inside `raw` (after an opening quote).
    let offset = raw.find(value).or_else(|| {
        let head = w.rules.first().map_or(value, |(r, _)| r);
        raw.find(head)
            .map(|i| i.saturating_sub(w.rules.first().map_or(0, |(_, o)| *o)))
    });
    let range_of = |at: usize, len: usize| match offset {
        Some(o) if raw.get(o + at..o + at + len).is_some() => {
            sub_range(map, base_byte, o + at, o + at + len)
        }
        _ => fallback,
    };
    let rules = w
        .rules
        .iter()
        .map(|&(id, at)| (id.to_string(), range_of(at, id.len()), false))
        .collect();
    let mut ex = Exception {
        kind,
        rules,
        reason: w.reason.map(str::to_string),
        until: None,
        source: Some(source),
        file: file.to_string(),
        range: fallback,
        scope,
        broken: false,
    };
    if let Some((date, at)) = w.until {
        let range = range_of(at, date.len());
        match Date::parse(date) {
            Some(d) => ex.until = Some((d, range)),
            None => {
                let d = crate::check::input_diagnostic(
                    &input::EXCEPTION_INVALID.meta,
                    range,
                    format!("invalid date \"{date}\" after `until`: expected YYYY-MM-DD"),
                );
                problems.push((source, d));
                // An exception whose end cannot be read does not apply.
                ex.broken = true;
            }
        }
    }
    ex
}

fn annotations(ctx: &Context, found: &mut Vec<Exception>, problems: &mut Vec<(usize, Diagnostic)>) {
    let path = Path::root()
        .key("metadata")
        .key("annotations")
        .key(ANNOTATION);
    for (i, r) in ctx.resources.iter().enumerate() {
        let Some(value) = r
            .json
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(ANNOTATION))
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        let file = &ctx.files[r.source];
        let doc = &ctx.document(i);
        let loc = crate::model::locate::locate(doc, r.node, &path);
        let span = doc.node(loc.node).span;
        let base = file.map.byte_offset(span.start);
        let raw = &file.map.text()[base..file.map.byte_offset(span.end)];
        let ex = from_written(
            &file.map,
            raw,
            base,
            value,
            file.map.range(span),
            SuppressionKind::Annotation,
            r.source,
            file.name,
            Scope::Resource(i),
            problems,
        );
        found.push(ex);
    }
}

fn comments(ctx: &Context, found: &mut Vec<Exception>, problems: &mut Vec<(usize, Diagnostic)>) {
    for (source, file) in ctx.files.iter().enumerate() {
        let text = file.map.text();
        if !text.contains(COMMENT) {
            continue;
        }
        let numbered: Vec<(usize, &str)> = crate::source::lines(text).collect();
        let lines: Vec<&str> = numbered.iter().map(|&(_, l)| l).collect();
        for (n, &(this_line, line)) in numbered.iter().enumerate() {
            let Some(at) = line.find(COMMENT) else {
                continue;
            };
            // A comment starts a line or follows a blank; inside a value it is text.
            if at > 0 && !line.as_bytes()[at - 1].is_ascii_whitespace() {
                continue;
            }
            let after = &line[at + COMMENT.len()..];
            if !after.is_empty() && !after.starts_with([' ', '\t']) {
                continue;
            }
            let body = after.trim_end_matches('\r');
            let target = if line[..at].trim().is_empty() {
                // The next field of the same document: a document marker
                // ends the search, as a comment never covers another document.
                lines[n + 1..]
                    .iter()
                    .take_while(|l| crate::yaml::parse::marker_line(l).is_none())
                    .position(|l| {
                        let t = l.trim();
                        !t.is_empty() && !t.starts_with('#')
                    })
                    .map(|k| n + 1 + k)
            } else {
                Some(n)
            };
            let comment_range = file.map.range(Span::new(
                file.map.char_index_of_byte(this_line + at) as usize,
                file.map
                    .char_index_of_byte(this_line + at + COMMENT.len() + body.len())
                    as usize,
            ));
            let Some(target) = target else {
                let d = crate::check::input_diagnostic(
                    &input::EXCEPTION_UNUSED.meta,
                    comment_range,
                    "this exception comment is followed by no field, so it suppresses nothing"
                        .into(),
                );
                problems.push((source, d));
                continue;
            };
            let (start, end) = node_extent(ctx, source, target);
            let base = this_line + at + COMMENT.len();
            let ex = from_written(
                &file.map,
                body,
                base,
                body.trim(),
                comment_range,
                SuppressionKind::Comment,
                source,
                file.name,
                Scope::Lines { source, start, end },
                problems,
            );
            found.push(ex);
        }
    }
}

/// The extent of the largest node that starts on a line (a field with its
/// whole value, a list item), or the line itself.
fn node_extent(ctx: &Context, source: usize, line: usize) -> (Position, Position) {
    let map = &ctx.files[source].map;
    let start = Position {
        line: line as u32,
        character: 0,
    };
    let line_end = map
        .line_start(line + 1)
        .saturating_sub(1)
        .max(map.line_start(line));
    let mut end = line_end;
    let (lo, hi) = (map.line_start(line), map.line_start(line + 1));
    for doc in ctx.documents(source).iter() {
        if doc.span.end < lo || doc.span.start > hi {
            continue;
        }
        for node in &doc.nodes {
            if node.span.start >= lo && node.span.start < hi {
                end = end.max(node.span.end);
            }
            if let crate::yaml::tree::NodeKind::Map(entries, _) = &node.kind {
                for &(k, v) in entries {
                    let ks = doc.node(k).span.start;
                    if ks >= lo && ks < hi {
                        end = end.max(doc.node(v).span.end);
                    }
                }
            }
        }
    }
    (start, map.position(end))
}

fn config(ctx: &Context, options: &Options, found: &mut Vec<Exception>) {
    for e in &options.exemptions {
        let source = ctx.files.iter().position(|f| f.name == e.file);
        found.push(Exception {
            kind: SuppressionKind::Config,
            rules: e
                .rules
                .iter()
                .map(|(id, r)| (id.clone(), *r, false))
                .collect(),
            reason: e.reason.clone(),
            until: e.until,
            source,
            file: e.file.clone(),
            range: e.range,
            scope: Scope::Select {
                namespace: e.namespace.clone(),
                kind: e.kind.clone(),
                name: e.name.clone(),
            },
            broken: false,
        });
    }
}

/// The quick fix "Ignore with a reason" for a finding of `rule` on resource
/// `resource`: adds the rule to the resource's `kubeharden.dev/ignore`
/// annotation (creating it with the [`REASON_PLACEHOLDER`], which is itself
/// reported until a real reason replaces it). Unsafe: accepting a risk is a
/// decision, so `fix_all` never applies it. `None` when the rule is already
/// there or the annotations cannot be edited in place (a flow mapping).
pub fn ignore_fix(ctx: &Context, resource: usize, rule: &str) -> Option<crate::diagnostic::Fix> {
    let r = &ctx.resources[resource];
    let existing = r
        .json
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(ANNOTATION))
        .and_then(|v| v.as_str());
    let value = match existing {
        None => format!("{rule}: {REASON_PLACEHOLDER}"),
        Some(text) => {
            let w = cut(text);
            if w.rules.iter().any(|(id, _)| *id == rule) {
                return None;
            }
            let mut ids: Vec<&str> = w.rules.iter().map(|(id, _)| *id).collect();
            ids.push(rule);
            let until = w
                .until
                .map(|(d, _)| format!(" until {d}"))
                .unwrap_or_default();
            format!(
                "{}: {}{until}",
                ids.join(", "),
                w.reason.unwrap_or(REASON_PLACEHOLDER)
            )
        }
    };
    let quoted = serde_json::to_string(&value).ok()?;
    let name = r.id.name.as_deref().unwrap_or("this resource");
    let plan = FixPlan::set(
        &Path::root()
            .key("metadata")
            .key("annotations")
            .key(ANNOTATION),
        quoted,
        format!("Ignore {rule} on {} {name} with a reason", r.id.kind),
        crate::diagnostic::Applicability::Unsafe,
    );
    let file = ctx.file(resource);
    let doc = ctx.document(resource);
    let at = At {
        doc: &doc,
        node: r.node,
        map: &file.map,
    };
    edit::build(at, &plan).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_only_real_days() {
        assert_eq!(
            Date::parse("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("2023-1-01"), None);
        assert_eq!(Date::parse("tomorrow"), None);
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(20_454).to_string(),
            "2026-01-01"
        );
    }

    #[test]
    fn cuts_rules_reason_and_date() {
        let w = cut("privileged, host-namespaces: Falco reads kernel events until 2027-01-31");
        assert_eq!(w.rules, vec![("privileged", 0), ("host-namespaces", 12)]);
        assert_eq!(w.reason, Some("Falco reads kernel events"));
        assert_eq!(w.until.map(|(d, _)| d), Some("2027-01-31"));
        assert_eq!(cut("privileged").reason, None);
        assert_eq!(cut("privileged:  ").reason, None);
    }

    #[test]
    fn globs_match_names() {
        assert!(glob_match("falco-*", "falco-driver"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("falco-*", "falcon"));
        assert!(!glob_match("abc", "abcd"));
    }
}
