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

/// Boxed strings and slices, not `String`s and `Vec`s, and a collection's
/// flow flag beside its children: a bundle holds every node of every file
/// (millions for a large repository), and a node is 32 bytes.
#[derive(Debug)]
pub enum NodeKind {
    Scalar {
        text: Box<str>,
        style: ScalarStyle,
    },
    /// Items; `true` for a flow (`[...]`) sequence.
    Seq(Box<[NodeId]>, bool),
    /// `(key, value)` pairs in source order, merge keys (`<<`) included;
    /// `true` for a flow (`{...}`) mapping.
    Map(Box<[(NodeId, NodeId)]>, bool),
    Alias(NodeId),
}

#[derive(Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

impl Node {
    /// A flow (`{}`/`[]`) collection rather than a block one, for fixes.
    pub fn flow(&self) -> bool {
        matches!(self.kind, NodeKind::Seq(_, true) | NodeKind::Map(_, true))
    }
}

#[derive(Debug, Default)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// The document's text, from its `---` (if any) to the next document.
    pub span: Span,
    /// Explicit tags, as written (`!!str`, `!foo`), by node in increasing
    /// order: few nodes have one, so they are kept beside the nodes.
    pub tags: Vec<(NodeId, Box<str>)>,
}

impl Document {
    /// Gives back the room the reader reserved while the document grew: a
    /// bundle keeps every document until its findings are placed.
    pub fn compact(&mut self) {
        self.nodes.shrink_to_fit();
        self.tags.shrink_to_fit();
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The node's explicit tag, as written.
    pub fn tag(&self, id: NodeId) -> Option<&str> {
        self.tags
            .binary_search_by_key(&id, |&(n, _)| n)
            .ok()
            .map(|i| &*self.tags[i].1)
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
            NodeKind::Map(entries, _) => entries,
            _ => &[],
        }
    }

    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.node(self.resolve(id)).kind {
            NodeKind::Seq(items, _) => items,
            _ => &[],
        }
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(self.resolve(id)).kind, NodeKind::Map(..))
    }

    /// The entry for `key` in a mapping, as Kubernetes would see it: explicit
    /// keys first, then keys merged in with `<<` (earlier sources win).
    pub fn get(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        // Merge sources form a DAG (the parser cuts cycles) that can share
        // sources many times over: each mapping is searched once, so an
        // anchor merged again and again costs nothing more. The walk keeps
        // its own stack, as deep as the merges go.
        let mut seen: Vec<NodeId> = Vec::new();
        let mut pending = vec![map];
        while let Some(map) = pending.pop() {
            let map = self.resolve(map);
            if seen.contains(&map) {
                continue;
            }
            if seen.len() >= MAX_MERGED {
                return None;
            }
            seen.push(map);
            // A key repeated in the mapping itself: the last one, as the JSON
            // conversion keeps it; in a merged mapping the first one.
            let explicit = seen.len() == 1;
            let mut found = None;
            let mut merges = Vec::new();
            for &(k, v) in self.entries(map) {
                let kid = self.resolve(k);
                if let NodeKind::Scalar { text, style } = &self.node(kid).kind {
                    let tag = self.tag(kid);
                    if *style == ScalarStyle::Plain && &**text == "<<" && tag.is_none() {
                        merges.push(v);
                    } else if crate::yaml::json::key_string(text, *style, tag).as_deref()
                        == Some(key)
                    {
                        if !explicit {
                            return Some((k, v));
                        }
                        found = Some((k, v));
                    }
                }
            }
            if found.is_some() {
                return found;
            }
            // Depth first, earlier sources first: pushed in reverse.
            for m in merges.into_iter().rev() {
                let m = self.resolve(m);
                match &self.node(m).kind {
                    NodeKind::Seq(items, _) => pending.extend(items.iter().rev()),
                    _ => pending.push(m),
                }
            }
        }
        None
    }
}

/// Mappings one `get` searches through merges; real manifests merge a few.
const MAX_MERGED: usize = 256;
