//! Fix all: apply every safe fix in passes, re-checking after each. Sits
//! above the check (it runs it); the fixes themselves are the rules' data,
//! made into edits by [`crate::model::edit`].

use serde::Serialize;

use crate::check::{Report, check};
use crate::diagnostic::Diagnostic;
use crate::model::edit::{Applicability, Fix, TextEdit};
pub use crate::model::edit::{SkipReason, apply_edits};
use crate::model::resource::ResourceId;
use crate::options::Options;
use crate::rules::input::BROKEN_BY_AN_EDIT;
use crate::source::Range;

/// Rules whose new findings mean an edit broke the text, as the input
/// rules declare them. `fix_all` switches them on for its own checks
/// whatever the options say.
fn guard_rules() -> impl Iterator<Item = &'static str> {
    BROKEN_BY_AN_EDIT.iter().map(|r| r.meta.id)
}

/// A fix `fix_all` applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedFix {
    pub rule: String,
    pub resource: Option<ResourceId>,
    pub path: Option<String>,
    pub title: String,
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

fn guard_counts(report: &Report) -> Vec<usize> {
    let mut counts = vec![0; BROKEN_BY_AN_EDIT.len()];
    for d in &report.diagnostics {
        if let Some(i) = guard_rules().position(|g| g == d.rule) {
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
    guard.disable.retain(|d| !guard_rules().any(|g| g == d));
    guard.enable.extend(guard_rules().map(str::to_string));
    let wanted = |d: &Diagnostic| crate::rules::enabled(options, &d.rule);
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
    if guard.disable != options.disable || !guard_rules().all(|g| crate::rules::enabled(options, g))
    {
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
