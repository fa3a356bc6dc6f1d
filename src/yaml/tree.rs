//! A YAML document as a tree of nodes that remember where they came from.
//!
//! Aliases stay references to their anchored node: the tree is as small as the
//! text, so an alias bomb costs nothing until something expands it, and every
//! expansion (see `json.rs`) is budgeted.

use crate::source::Span;

pub type NodeId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub enum NodeKind {
    Scalar {
        text: String,
        style: ScalarStyle,
    },
    Seq(Vec<NodeId>),
    /// `(key, value)` pairs in source order; merge keys (`<<`) included.
    Map(Vec<(NodeId, NodeId)>),
    Alias(NodeId),
}

#[derive(Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// Explicit tag, as written (`!!str`, `!foo`), when there is one.
    pub tag: Option<String>,
    /// Block collections vs. flow (`{}`/`[]`) collections, for fixes.
    pub flow: bool,
}

#[derive(Debug, Default)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// The document's text, from its `---` (if any) to the next document.
    pub span: Span,
}

impl Document {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Follows aliases (bounded: aliases can only point backwards).
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        while let NodeKind::Alias(target) = self.node(id).kind {
            if target >= id {
                break;
            }
            id = target;
        }
        id
    }

    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.node(self.resolve(id)).kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn entries(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match &self.node(self.resolve(id)).kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.node(self.resolve(id)).kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(self.resolve(id)).kind, NodeKind::Map(_))
    }

    /// The entry for `key` in a mapping, as Kubernetes would see it: explicit
    /// keys first, then keys merged in with `<<` (earlier sources win).
    pub fn get(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        self.get_depth(map, key, 0)
    }

    fn get_depth(&self, map: NodeId, key: &str, depth: u32) -> Option<(NodeId, NodeId)> {
        if depth > 16 {
            return None;
        }
        let entries = self.entries(map);
        let mut merges = Vec::new();
        for &(k, v) in entries {
            let kn = self.node(self.resolve(k));
            if let NodeKind::Scalar { text, style } = &kn.kind {
                if *style == ScalarStyle::Plain && text == "<<" && kn.tag.is_none() {
                    merges.push(v);
                } else if crate::yaml::json::key_string(text, *style, kn.tag.as_deref()).as_deref()
                    == Some(key)
                {
                    return Some((k, v));
                }
            }
        }
        for m in merges {
            let m = self.resolve(m);
            let sources: Vec<NodeId> = match &self.node(m).kind {
                NodeKind::Seq(items) => items.clone(),
                _ => vec![m],
            };
            for s in sources {
                if let Some(found) = self.get_depth(s, key, depth + 1) {
                    return Some(found);
                }
            }
        }
        None
    }
}
