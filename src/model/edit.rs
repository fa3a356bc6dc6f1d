//! Fixes as data, and the layer that turns them into text edits.
//!
//! Rules describe a fix as what the document should say ([`FixPlan`]: set
//! this path to this value); this layer, beside the `Path` → range lookup of
//! [`crate::model::locate`], turns it into edits of the text that keep the
//! file's own indentation and style. `apply_edits` applies them to a text.
//! Rules never build text edits themselves, and nothing here checks.

use serde::Serialize;

use crate::model::locate::locate;
use crate::model::path::{Path, Seg};
use crate::source::{Range, SourceMap, Span};
use crate::yaml::tree::{Document, NodeId, NodeKind, ScalarStyle};

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

/// A fix a rule proposes, as data: the change, what it is called, and
/// whether `fix_all` may apply it unreviewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixPlan {
    pub title: String,
    pub applicability: Applicability,
    pub change: Change,
}

/// What a fix makes the resource say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `path` holds `value` (YAML text): an existing scalar is replaced, or
    /// the missing keys are inserted under the nearest existing block mapping.
    Set { path: Path, value: String },
    /// The key of the field at `path` becomes `to`, its value unchanged.
    RenameKey { path: Path, to: String },
}

impl FixPlan {
    fn of(change: Change, title: impl Into<String>, applicability: Applicability) -> FixPlan {
        FixPlan {
            title: title.into(),
            applicability,
            change,
        }
    }

    /// Set the field at `path` to `value` (YAML text).
    pub fn set(
        path: &Path,
        value: impl Into<String>,
        title: impl Into<String>,
        applicability: Applicability,
    ) -> FixPlan {
        let change = Change::Set {
            path: path.clone(),
            value: value.into(),
        };
        FixPlan::of(change, title, applicability)
    }

    /// Rename the key of the field at `path` to `to`.
    pub fn rename_key(
        path: &Path,
        to: impl Into<String>,
        title: impl Into<String>,
        applicability: Applicability,
    ) -> FixPlan {
        let change = Change::RenameKey {
            path: path.clone(),
            to: to.into(),
        };
        FixPlan::of(change, title, applicability)
    }
}

/// The resource a plan applies to: its document, its node, its text.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub doc: &'a Document,
    pub node: NodeId,
    pub map: &'a SourceMap<'a>,
}

/// The text edits that carry out `plan` on the resource at `at`, or why no
/// edit can (flow collections, aliases, non-mapping parents would have to be
/// restructured): the reason is said on the finding, never dropped.
pub fn build(at: At, plan: &FixPlan) -> Result<Fix, SkipReason> {
    match &plan.change {
        Change::Set { path, value } => {
            set_field(at, path, value, plan.title.clone(), plan.applicability)
        }
        Change::RenameKey { path, to } => {
            let key = locate(at.doc, at.node, path)
                .key
                .ok_or(SkipReason::Unsupported)?;
            Ok(Fix {
                title: plan.title.clone(),
                applicability: plan.applicability,
                edits: vec![TextEdit {
                    range: at.map.range(at.doc.node(key).span),
                    new_text: to.clone(),
                }],
            })
        }
    }
}

fn set_field(
    at: At,
    path: &Path,
    value: &str,
    title: String,
    applicability: Applicability,
) -> Result<Fix, SkipReason> {
    let At {
        doc,
        node: root,
        map,
    } = at;
    let loc = locate(doc, root, path);
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
            if locate(doc, root, &prefix).exact {
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
        let parent = locate(doc, root, &Path(path.0[..depth].to_vec())).node;
        let pnode = doc.node(doc.resolve(parent));
        if parent != doc.resolve(parent) {
            return Err(SkipReason::Alias);
        }
        if pnode.flow() {
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
    doc: &Document,
    value: NodeId,
    end: u32,
) -> Option<TextEdit> {
    // The innermost last node ending at `end` (iterative: nesting is bounded
    // by the parser, but no walk here recurses).
    let mut id = value;
    loop {
        let next = match &doc.node(id).kind {
            NodeKind::Map(entries, _) => entries.last().map(|&(_, v)| v),
            NodeKind::Seq(items, _) => items.last().copied(),
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
    // An empty value stays empty with a break after it, whatever its chomping.
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
        || value.is_empty()
        || value.ends_with('\n')
    {
        return None;
    }
    // The header: `|` or `>`, then an indentation digit and a chomping
    // indicator in either order (after any anchor or tag).
    let text = map.text();
    let from = map.byte_offset(node.span.start);
    // The scalar's span starts at its content; the header is on the last
    // line before it that is not blank, before any comment there.
    let content_line = text[..from].rfind('\n')?;
    let header_line = text[..content_line]
        .trim_end_matches(['\n', '\r', ' ', '\t'])
        .rfind('\n')
        .map_or(0, |n| n + 1);
    let header = &text[header_line..content_line];
    let header = header.find(" #").map_or(header, |c| &header[..c]);
    let bar = header_line + header.rfind(['|', '>'])?;
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
