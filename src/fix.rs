//! Quick fixes: text edits that set a field, keeping the file's own
//! indentation and style.

use crate::diagnostic::{Applicability, Fix, TextEdit};
use crate::model::locate::locate;
use crate::model::path::{Path, Seg};
use crate::rules::Context;
use crate::source::Span;
use crate::yaml::tree::NodeKind;

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
    let r = &ctx.resources[resource];
    let doc = &ctx.documents[r.doc];
    let loc = locate(doc, r.node, path);
    let edit = if loc.exact {
        let node = doc.node(loc.node);
        if !matches!(node.kind, NodeKind::Scalar { .. }) {
            return None;
        }
        TextEdit {
            range: ctx.map.range(node.span),
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
            .collect::<Option<_>>()?;
        let parent = locate(doc, r.node, &Path(path.0[..depth].to_vec())).node;
        let pnode = doc.node(doc.resolve(parent));
        if pnode.flow || parent != doc.resolve(parent) {
            return None;
        }
        let entries = doc.entries(parent);
        let &(first_key, _) = entries.first()?;
        let &(_, last_value) = entries.last()?;
        let indent = ctx.map.position(doc.node(first_key).span.start).character as usize;
        let mut lines = String::new();
        for (i, k) in keys.iter().enumerate() {
            let pad = " ".repeat(indent + 2 * i);
            if i + 1 == keys.len() {
                lines.push_str(&format!("{pad}{k}: {value}"));
            } else {
                lines.push_str(&format!("{pad}{k}:\n"));
            }
        }
        let end = doc.node(last_value).span.end;
        let text = ctx.map.text();
        let end_byte = ctx.map.byte_offset(end);
        let after_newline = text[..end_byte].ends_with('\n');
        let new_text = if after_newline {
            format!("{lines}\n")
        } else {
            format!("\n{lines}")
        };
        TextEdit {
            range: ctx.map.range(Span { start: end, end }),
            new_text,
        }
    };
    Some(Fix {
        title,
        applicability,
        edits: vec![edit],
    })
}
