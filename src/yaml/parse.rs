//! From text to positioned documents.
//!
//! The stream is first cut at document markers (`---` at column 0, which the
//! YAML spec reserves everywhere, even inside scalars), and each piece is
//! parsed on its own: a syntax error loses only its own document, and the other
//! documents of the file are still checked.

use saphyr_parser::{Event, Parser, ScalarStyle as PStyle, Span as PSpan};

use crate::source::{SourceMap, Span};
use crate::yaml::fast;
use crate::yaml::tree::{Document, Node, NodeId, NodeKind, ScalarStyle};

/// Deeper nesting than this is refused. Real manifests stay below 40 levels
/// (CRD schemas included); wasm's 1 MiB stack must survive every later
/// recursive walk, so the bound is set well before that.
pub const MAX_DEPTH: usize = 200;

/// Nodes per document; a 10 MB file of tiny scalars stays below it.
pub const MAX_NODES: usize = 4_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    Syntax,
    Limit,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
}

pub struct Parsed {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
}

/// Byte ranges of the stream's pieces, each starting at a `---` line (or the
/// directives just above it) and ending where the next one starts.
pub fn split_documents(text: &str) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut directives_from: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let is_marker = line.starts_with("---")
            && matches!(
                line.as_bytes().get(3),
                None | Some(b' ' | b'\t' | b'\n' | b'\r')
            );
        if is_marker {
            let cut = directives_from.unwrap_or(offset);
            if cut > start {
                pieces.push((start, cut));
            }
            start = cut;
            directives_from = None;
        } else if line.starts_with('%') {
            directives_from.get_or_insert(offset);
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            directives_from = None;
        }
        offset += line.len();
    }
    if text.len() > start || pieces.is_empty() {
        pieces.push((start, text.len()));
    }
    pieces
}

pub fn parse(map: &SourceMap) -> Parsed {
    let text = map.text();
    let mut parsed = Parsed {
        documents: Vec::new(),
        problems: Vec::new(),
    };
    for (start, end) in split_documents(text) {
        let base = map.char_index_of_byte(start) as usize;
        let piece = &text[start..end];
        // Most manifests are plain block YAML: the fast path reads them and
        // builds the very same tree; anything else goes to the event reader.
        if let Some(doc) = fast::parse(piece, base) {
            parsed.documents.push(doc);
            continue;
        }
        let end_char = map.char_index_of_byte(end) as usize;
        parse_piece(piece, base, end_char, &mut parsed);
    }
    parsed
}

/// One piece read by the general (event) reader only, positions counted from
/// the piece's start; `tests/yaml_fast.rs` compares the fast path with it.
pub fn parse_general(piece: &str) -> Parsed {
    let mut parsed = Parsed {
        documents: Vec::new(),
        problems: Vec::new(),
    };
    parse_piece(piece, 0, piece.chars().count(), &mut parsed);
    parsed
}

enum Frame {
    Seq(NodeId),
    Map(NodeId, Option<NodeId>),
}

struct Builder {
    doc: Document,
    stack: Vec<Frame>,
    anchors: Vec<(usize, NodeId)>,
    base: usize,
    shifts: Shifts,
}

impl Builder {
    fn span(&self, s: &PSpan) -> Span {
        Span::new(
            self.base + self.shifts.original(s.start.index()),
            self.base + self.shifts.original(s.end.index()),
        )
    }

    fn push(&mut self, node: Node, anchor: usize) -> NodeId {
        let id = self.doc.nodes.len() as NodeId;
        self.doc.nodes.push(node);
        if anchor != 0 {
            self.anchors.push((anchor, id));
        }
        id
    }

    /// Attaches a finished node to its parent.
    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => self.doc.root = Some(id),
            Some(Frame::Seq(seq)) => {
                let seq = *seq;
                if let NodeKind::Seq(items) = &mut self.doc.nodes[seq as usize].kind {
                    items.push(id);
                }
            }
            Some(Frame::Map(map, pending)) => match pending.take() {
                None => *pending = Some(id),
                Some(key) => {
                    let map = *map;
                    if let NodeKind::Map(entries) = &mut self.doc.nodes[map as usize].kind {
                        entries.push((key, id));
                    }
                }
            },
        }
    }

    /// Closes a collection: its end is the end of its last child for block
    /// collections (whose end event sits on the next token), or the closing
    /// bracket for flow collections.
    fn close(&mut self, id: NodeId, end: Span) {
        let last_child_end = match &self.doc.nodes[id as usize].kind {
            NodeKind::Seq(items) => items.last().map(|&c| self.doc.nodes[c as usize].span.end),
            NodeKind::Map(entries) => entries
                .last()
                .map(|&(_, v)| self.doc.nodes[v as usize].span.end),
            _ => None,
        };
        let node = &mut self.doc.nodes[id as usize];
        node.span.end = if node.flow {
            end.end
        } else {
            last_child_end.unwrap_or(end.end)
        }
        .max(node.span.start);
        self.attach(id);
    }
}

fn tag_string(tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<String> {
    tag.map(|t| {
        if t.handle == "tag:yaml.org,2002:" {
            format!("!!{}", t.suffix)
        } else {
            t.to_string()
        }
    })
}

/// Re-readings of one piece after re-indenting quoted scalars (see below).
const MAX_REINDENTS: usize = 64;

/// libyaml, and so go-yaml and kubectl, do not look at the indentation of a
/// quoted scalar's continuation lines; saphyr-parser refuses lines left of
/// the enclosing block's indentation. Continuation lines are folded with
/// their leading blanks dropped, so indenting them changes no value: on that
/// error the piece is read again with the scalar's lines indented, and every
/// position is mapped back to the text as written.
fn parse_piece(piece: &str, base: usize, end_char: usize, parsed: &mut Parsed) {
    let mut text = std::borrow::Cow::Borrowed(piece);
    let mut shifts = Shifts::default();
    for attempt in 0..=MAX_REINDENTS {
        let mut read = Parsed {
            documents: Vec::new(),
            problems: Vec::new(),
        };
        let retry = read_piece(&text, &shifts, base, end_char, &mut read);
        if let Some(quote) = retry.filter(|_| attempt < MAX_REINDENTS)
            && let Some(reindented) = reindent_quoted(&text, quote, &mut shifts)
        {
            text = std::borrow::Cow::Owned(reindented);
            continue;
        }
        parsed.documents.extend(read.documents);
        parsed.problems.extend(read.problems);
        return;
    }
}

/// Blanks inserted into a piece, as `(original char index, count)` sorted by
/// index, to map positions in the re-indented text back.
#[derive(Clone, Default)]
struct Shifts(Vec<(usize, usize)>);

impl Shifts {
    /// The original char index of a char index in the re-indented text (an
    /// inserted blank maps to where it was inserted).
    fn original(&self, index: usize) -> usize {
        let mut inserted = 0;
        for &(at, count) in &self.0 {
            if index < at + inserted {
                break;
            }
            if index < at + inserted + count {
                return at;
            }
            inserted += count;
        }
        index - inserted
    }
}

/// Indents the continuation lines of the quoted scalar whose opening quote
/// is at char index `quote` of `text` two columns right of the line it
/// starts on; `None` when there is nothing to change.
fn reindent_quoted(text: &str, quote: usize, shifts: &mut Shifts) -> Option<String> {
    let (qbyte, q) = text.char_indices().nth(quote)?;
    if q != '\'' && q != '"' {
        return None;
    }
    let line_start = text[..qbyte].rfind('\n').map_or(0, |n| n + 1);
    let want = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len() + 2;
    // Where the scalar ends (byte after the closing quote), escapes included.
    let mut end = text.len();
    let mut chars = text[qbyte + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                end = qbyte + 1 + i + 1;
                break;
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut from = 0;
    let mut char_index = 0;
    let mut at = qbyte;
    while let Some(nl) = text[at..end].find('\n') {
        let line = at + nl + 1;
        let indent = text[line..].len() - text[line..].trim_start_matches(' ').len();
        let blank = text[line + indent..].starts_with(['\n', '\r']) || line + indent >= end;
        if indent < want && !blank {
            char_index += text[from..line].chars().count();
            out.push_str(&text[from..line]);
            let count = want - indent;
            out.extend(std::iter::repeat_n(' ', count));
            let original = shifts.original(char_index);
            let pos = shifts.0.partition_point(|&(o, _)| o <= original);
            shifts.0.insert(pos, (original, count));
            char_index += count;
            from = line;
            changed = true;
        }
        at = line;
    }
    out.push_str(&text[from..]);
    changed.then_some(out)
}

/// Reads one (possibly re-indented) piece; `Some(quote)` when it failed on
/// a quoted scalar's indentation, with the char index of its opening quote.
fn read_piece(
    piece: &str,
    shifts: &Shifts,
    base: usize,
    end_char: usize,
    parsed: &mut Parsed,
) -> Option<usize> {
    let mut parser = Parser::new_from_str(piece);
    let mut builder: Option<Builder> = None;
    let mut cursor = Cursor {
        text: piece,
        char_index: 0,
        byte: 0,
    };
    let mut doc_start = base;
    loop {
        let (event, pspan) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(err)) => {
                // An error found at the very end of the piece (an unclosed
                // bracket or quote) belongs to its last line, not to the next
                // document's `---`.
                let retry = (err.info() == "invalid indentation in quoted scalar")
                    .then(|| err.marker().index());
                let mut at = base + shifts.original(err.marker().index());
                if at >= end_char {
                    let trimmed = piece.trim_end();
                    at = base + shifts.original(trimmed.chars().count().saturating_sub(1));
                }
                parsed.problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    span: Span::new(at, at + 1),
                    message: err.info().to_string(),
                });
                return retry;
            }
        };
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                builder = Some(Builder {
                    doc: Document::default(),
                    stack: Vec::new(),
                    anchors: Vec::new(),
                    base,
                    shifts: shifts.clone(),
                });
            }
            Event::DocumentEnd => {
                if let Some(mut b) = builder.take() {
                    let end = (base + shifts.original(pspan.end.index())).max(doc_start);
                    b.doc.span = Span::new(
                        doc_start,
                        end.max(b.doc.root.map_or(0, |r| b.doc.node(r).span.end as usize)),
                    );
                    doc_start = end;
                    parsed.documents.push(b.doc);
                }
            }
            _ => {
                let Some(b) = builder.as_mut() else { continue };
                if b.doc.nodes.len() >= MAX_NODES {
                    let at = b.span(&pspan);
                    parsed.problems.push(Problem {
                        kind: ProblemKind::Limit,
                        span: Span::new(at.start as usize, at.start as usize + 1),
                        message: format!(
                            "document has more than {MAX_NODES} nodes; the rest of it is not read"
                        ),
                    });
                    return None;
                }
                let span = b.span(&pspan);
                match event {
                    Event::Scalar(text, style, anchor, tag) => {
                        let style = match style {
                            PStyle::Plain => ScalarStyle::Plain,
                            PStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                            PStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                            PStyle::Literal => ScalarStyle::Literal,
                            PStyle::Folded => ScalarStyle::Folded,
                        };
                        // saphyr-parser ends a quoted value's event after the
                        // blanks and comment that follow it; a finding or a
                        // fix on the value must stop at the closing quote.
                        let mut span = span;
                        let quote = match style {
                            ScalarStyle::SingleQuoted => Some('\''),
                            ScalarStyle::DoubleQuoted => Some('"'),
                            _ => None,
                        };
                        if let Some(end) =
                            quote.and_then(|q| cursor.quoted_end(pspan.start.index(), q))
                        {
                            span.end =
                                (base + shifts.original(end)).max(span.start as usize) as u32;
                        }
                        let node = Node {
                            span,
                            kind: NodeKind::Scalar {
                                text: text.into_owned(),
                                style,
                            },
                            tag: tag_string(tag),
                            flow: false,
                        };
                        let id = b.push(node, anchor);
                        b.attach(id);
                    }
                    Event::Alias(anchor) => {
                        // The latest definition of an anchor wins, as YAML says.
                        let target = b
                            .anchors
                            .iter()
                            .rev()
                            .find(|(a, _)| *a == anchor)
                            .map(|&(_, id)| id);
                        let Some(target) = target else {
                            parsed.problems.push(Problem {
                                kind: ProblemKind::Syntax,
                                span,
                                message: "alias refers to an unknown anchor".into(),
                            });
                            return None;
                        };
                        let id = b.push(
                            Node {
                                span,
                                kind: NodeKind::Alias(target),
                                tag: None,
                                flow: false,
                            },
                            0,
                        );
                        b.attach(id);
                    }
                    ref ev @ (Event::SequenceStart(..) | Event::MappingStart(..)) => {
                        let is_seq = matches!(ev, Event::SequenceStart(..));
                        let (Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)) =
                            event
                        else {
                            unreachable!()
                        };
                        if b.stack.len() >= MAX_DEPTH {
                            parsed.problems.push(Problem {
                                kind: ProblemKind::Limit,
                                span: Span::new(span.start as usize, span.start as usize + 1),
                                message: format!(
                                    "nesting deeper than {MAX_DEPTH} levels; this document is not checked"
                                ),
                            });
                            return None;
                        }
                        // A flow collection's start event covers its bracket; a
                        // block collection's is empty, and may sit on a flow
                        // child's bracket (`ingress:\n- {}`).
                        let flow = pspan.end.index() > pspan.start.index()
                            && matches!(cursor.char_at(pspan.start.index()), Some('[' | '{'));
                        let kind = if is_seq {
                            NodeKind::Seq(Vec::new())
                        } else {
                            NodeKind::Map(Vec::new())
                        };
                        let id = b.push(
                            Node {
                                span,
                                kind,
                                tag: tag_string(tag),
                                flow,
                            },
                            anchor,
                        );
                        b.stack.push(if is_seq {
                            Frame::Seq(id)
                        } else {
                            Frame::Map(id, None)
                        });
                    }
                    Event::SequenceEnd | Event::MappingEnd => {
                        if let Some(frame) = b.stack.pop() {
                            let id = match frame {
                                Frame::Seq(id) | Frame::Map(id, _) => id,
                            };
                            b.close(id, span);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    None
}

/// Walks a piece forward to answer "which character is at char index i" for
/// the (monotonic) start positions of collection events, in linear time.
struct Cursor<'a> {
    text: &'a str,
    char_index: usize,
    byte: usize,
}

impl Cursor<'_> {
    fn char_at(&mut self, index: usize) -> Option<char> {
        if index < self.char_index {
            // Not monotonic after all: restart (rare).
            self.char_index = 0;
            self.byte = 0;
        }
        let mut chars = self.text[self.byte..].chars();
        while self.char_index < index {
            self.byte += chars.next()?.len_utf8();
            self.char_index += 1;
        }
        chars.next()
    }

    /// Where the quoted scalar whose event starts at char index `start`
    /// closes (the index after its closing quote). Its anchor and tag, if
    /// any, come first; `None` when no quote follows them or it never closes.
    fn quoted_end(&mut self, start: usize, quote: char) -> Option<usize> {
        self.char_at(start)?;
        let mut chars = self.text[self.byte..].chars().peekable();
        let mut index = start;
        // `&anchor` and `!tag` properties, each followed by blanks.
        while let Some(&c) = chars.peek() {
            if c == quote {
                break;
            }
            if c != '&' && c != '!' {
                return None;
            }
            while chars.next_if(|c| !matches!(c, ' ' | '\t' | '\n')).is_some() {
                index += 1;
            }
            while chars.next_if(|c| matches!(c, ' ' | '\t')).is_some() {
                index += 1;
            }
        }
        chars.next()?;
        index += 1;
        while let Some(c) = chars.next() {
            index += 1;
            if quote == '"' && c == '\\' {
                chars.next()?;
                index += 1;
            } else if c == quote {
                if quote == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                    index += 1;
                } else {
                    return Some(index);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Parsed {
        parse(&SourceMap::new(text))
    }

    #[test]
    fn quoted_continuation_lines_at_the_key_column_are_read() {
        for text in [
            "metadata:\n  annotations:\n    value: 'a long text\n    onto the next line'\n    next: x\n",
            "spec:\n  description: \"a long text\n  onto the next line\"\n  next: x\n",
            "spec:\n  items:\n  - 'a long text\nonto the next line'\n  - x\n",
            "a:\n  b: 'one\n  two\n\n  three'\n",
        ] {
            let parsed = read(text);
            assert!(parsed.problems.is_empty(), "{text}: {:?}", parsed.problems);
            assert_eq!(parsed.documents.len(), 1);
        }
        // The value is folded as usual, and positions are the text's.
        let text = "a:\n  value: 'a long text\n  onto the next line'\n  next: x\n";
        let parsed = read(text);
        let doc = &parsed.documents[0];
        let (_, a) = doc.get(doc.root.unwrap(), "a").unwrap();
        let (_, v) = doc.get(a, "value").unwrap();
        assert_eq!(doc.scalar(v), Some("a long text onto the next line"));
        let span = doc.node(v).span;
        assert_eq!(
            &text[span.start as usize..span.end as usize],
            "'a long text\n  onto the next line'"
        );
        let (k, _) = doc.get(a, "next").unwrap();
        assert_eq!(
            doc.node(k).span.start as usize,
            text.find("  next:").unwrap() + 2
        );
    }
}
