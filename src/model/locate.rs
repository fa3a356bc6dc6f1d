//! From a path in a resource to the text it came from.

use crate::model::path::{Path, Seg};
use crate::source::Span;
use crate::yaml::tree::{Document, NodeId, NodeKind};

/// Where a path points in the source.
#[derive(Debug, Clone, Copy)]
pub struct Located {
    /// The span to report.
    pub span: Span,
    /// Whether the whole path exists (false: `span` is the nearest ancestor).
    pub exact: bool,
    /// The value node the path (or its nearest existing ancestor) ends at.
    pub node: NodeId,
    /// The key node of that value, when it was reached through a mapping.
    pub key: Option<NodeId>,
}

/// The span that stands for a value reached through `key`: the whole
/// `key: value` when the value fits on the key's line or is a flow value,
/// just the key when the value is a block collection spanning many lines.
pub fn field_span(doc: &Document, key: NodeId, value: NodeId) -> Span {
    let k = doc.node(key).span;
    let vn = doc.node(value);
    let block_collection = matches!(vn.kind, NodeKind::Map(..) | NodeKind::Seq(..)) && !vn.flow();
    if block_collection { k } else { k.to(vn.span) }
}

/// The first line of a sequence item: its first entry for a mapping item.
pub fn item_head(doc: &Document, item: NodeId) -> Span {
    let resolved = doc.resolve(item);
    let node = doc.node(item);
    if let NodeKind::Alias(_) = node.kind {
        return node.span;
    }
    match doc.entries(resolved).first() {
        Some(&(k, v)) if !doc.node(resolved).flow() => field_span(doc, k, v),
        _ => node.span,
    }
}

pub fn locate(doc: &Document, root: NodeId, path: &Path) -> Located {
    let mut current = Located {
        span: item_head(doc, root),
        exact: true,
        node: root,
        key: None,
    };
    for seg in &path.0 {
        let next = match seg {
            Seg::Key(k) => doc.get(current.node, k).map(|(key, value)| Located {
                span: field_span(doc, key, value),
                exact: true,
                node: value,
                key: Some(key),
            }),
            Seg::Index(i) => doc.items(current.node).get(*i).map(|&item| Located {
                span: item_head(doc, item),
                exact: true,
                node: item,
                key: None,
            }),
        };
        match next {
            Some(n) => current = n,
            None => {
                // Missing: report the nearest existing node, by its key only.
                if let Some(key) = current.key {
                    current.span = doc.node(key).span;
                }
                current.exact = false;
                return current;
            }
        }
    }
    current
}
