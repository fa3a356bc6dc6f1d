//! Where unknown fields are and what they may have meant, in time linear in
//! the number of unknown fields.
//!
//! A mapping with n unknown keys gives n problems. Locating each one from the
//! resource root scans its mapping again (O(n) each), and so did collecting
//! its siblings for the did-you-mean: a few thousand unknown keys took
//! seconds. Each parent mapping is now located and indexed once.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::locate::locate;
use crate::model::path::{Path, Seg};
use crate::model::suggest::Suggester;
use crate::source::Span;
use crate::yaml::json::key_string;
use crate::yaml::tree::{Document, NodeId, NodeKind};

/// Did-you-mean hints per resource. Each costs a bounded edit-distance
/// search; past this many, unknown fields are still reported, without one.
pub const MAX_SUGGESTIONS: usize = 256;

pub struct UnknownField {
    /// The unknown key.
    pub span: Span,
    /// A known field it may be a typo of.
    pub hint: Option<&'static str>,
}

struct Parent<'d> {
    /// Explicit keys of the mapping (the first of duplicates, as `get`).
    keys: HashMap<Cow<'d, str>, NodeId>,
    suggester: Suggester<'d>,
}

pub struct UnknownFields<'d> {
    doc: &'d Document,
    root: NodeId,
    parents: HashMap<Path, Parent<'d>>,
    suggestions_left: usize,
}

impl<'d> UnknownFields<'d> {
    pub fn new(doc: &'d Document, root: NodeId) -> Self {
        UnknownFields {
            doc,
            root,
            parents: HashMap::new(),
            suggestions_left: MAX_SUGGESTIONS,
        }
    }

    /// The unknown field at `path` (which ends in a key).
    pub fn at(&mut self, path: &Path) -> Option<UnknownField> {
        let Some((Seg::Key(key), parent_segs)) = path.0.split_last() else {
            return None;
        };
        let doc = self.doc;
        let parent_path = Path(parent_segs.to_vec());
        let parent = self.parents.entry(parent_path).or_insert_with_key(|p| {
            let node = locate(doc, self.root, p).node;
            let mut keys = HashMap::new();
            let mut raw = Vec::new();
            for &(k, _) in doc.entries(node) {
                let kid = doc.resolve(k);
                if let NodeKind::Scalar { text, style } = &doc.node(kid).kind {
                    raw.push(&**text);
                    if let Some(name) = key_string(text, *style, doc.tag(kid)) {
                        keys.entry(name).or_insert(k);
                    }
                }
            }
            Parent {
                keys,
                suggester: Suggester::new(raw),
            }
        });
        let span = match parent.keys.get(key.as_str()) {
            Some(&k) => doc.node(k).span,
            // Brought in by a merge (`<<`): the general lookup finds it.
            None => {
                let loc = locate(doc, self.root, path);
                loc.key.map_or(loc.span, |k| doc.node(k).span)
            }
        };
        let hint = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            parent.suggester.suggest(key)
        } else {
            None
        };
        Some(UnknownField { span, hint })
    }
}
