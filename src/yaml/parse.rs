//! From text to positioned documents.
//!
//! The stream is first cut at document markers (`---` at column 0, which the
//! YAML spec reserves everywhere, even inside scalars), and each piece is
//! parsed on its own: a syntax error loses only its own document, and the other
//! documents of the file are still checked.

use saphyr_parser::{Event, Parser, ScalarStyle as PStyle, Span as PSpan};

use crate::source::{SourceMap, Span};
use crate::yaml::fast;
use crate::yaml::input::Chars;
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

/// The document marker (`---` or `...`) a line starts with, when it is
/// alone or followed by a blank or the line's end.
pub fn marker_line(line: &str) -> Option<&'static str> {
    let marker = ["---", "..."].into_iter().find(|m| line.starts_with(m))?;
    matches!(
        line.as_bytes().get(3),
        None | Some(b' ' | b'\t' | b'\n' | b'\r')
    )
    .then_some(marker)
}

/// Byte ranges of the stream's pieces, each starting at a `---` line (or the
/// directives just above it) and ending where the next one starts.
pub fn split_documents(text: &str) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut directives_from: Option<usize> = None;
    let bytes = text.as_bytes();
    while offset < text.len() {
        let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(text.len(), |i| offset + i + 1);
        let line = &text[offset..end];
        if line.starts_with('-') && marker_line(line) == Some("---") {
            let cut = directives_from.unwrap_or(offset);
            if cut > start {
                pieces.push((start, cut));
            }
            start = cut;
            directives_from = None;
        } else if line.starts_with('%') {
            directives_from.get_or_insert(offset);
        } else if directives_from.is_some() && !line.trim().is_empty() && !line.starts_with('#') {
            directives_from = None;
        }
        offset = end;
    }
    if text.len() > start || pieces.is_empty() {
        pieces.push((start, text.len()));
    }
    pieces
}

pub fn parse(map: &SourceMap) -> Parsed {
    let text = map.text();
    // Each piece on its own, on every core for a large stream (one
    // 4.5 MB file is most of a corpus run), joined in order.
    let pieces = split_documents(text);
    let each = crate::par::map(&pieces, text.len() >= PARALLEL_BYTES, |&(start, end)| {
        let mut parsed = Parsed {
            documents: Vec::new(),
            problems: Vec::new(),
        };
        let base = map.char_index_of_byte(start) as usize;
        let piece = &text[start..end];
        // Most manifests are plain block YAML: the fast path reads them and
        // builds the very same tree; anything else goes to the event reader.
        if let Some(doc) = fast::parse(piece, base) {
            parsed.documents.push(doc);
        } else {
            let end_char = map.char_index_of_byte(end) as usize;
            parse_piece(piece, base, end_char, &mut parsed);
        }
        for doc in &mut parsed.documents {
            doc.compact();
        }
        parsed
    });
    let mut parsed = Parsed {
        documents: Vec::with_capacity(each.iter().map(|p| p.documents.len()).sum()),
        problems: Vec::new(),
    };
    for p in each {
        parsed.documents.extend(p.documents);
        parsed.problems.extend(p.problems);
    }
    parsed
}

/// Streams from this size are read piece by piece on every core.
pub const PARALLEL_BYTES: usize = 64 * 1024;

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

/// An open collection with the children read so far (they go into its
/// node, as one exact-size slice, when it closes).
enum Frame {
    Seq(NodeId, Vec<NodeId>),
    Map(NodeId, Option<NodeId>, Vec<(NodeId, NodeId)>),
}

impl Frame {
    fn id(&self) -> NodeId {
        match self {
            Frame::Seq(id, _) | Frame::Map(id, _, _) => *id,
        }
    }
}

struct Builder {
    doc: Document,
    stack: Vec<Frame>,
    anchors: Vec<(usize, NodeId)>,
    /// Open flow collections, with the char index of their bracket in the
    /// text being read.
    flow_opens: Vec<(NodeId, usize)>,
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

    fn push(&mut self, node: Node, tag: Option<Box<str>>, anchor: usize) -> NodeId {
        let id = self.doc.nodes.len() as NodeId;
        self.doc.nodes.push(node);
        if let Some(tag) = tag {
            self.doc.tags.push((id, tag));
        }
        if anchor != 0 {
            self.anchors.push((anchor, id));
        }
        id
    }

    /// Whether `id` is a collection still being read (an ancestor of the
    /// next node). The stack holds ids in increasing order.
    fn is_open(&self, id: NodeId) -> bool {
        self.stack.binary_search_by_key(&id, Frame::id).is_ok()
    }

    /// The `<<` key whose value the next node is, directly or as an item of
    /// the list of mappings it merges.
    fn merge_key(&self) -> Option<NodeId> {
        let is_merge = |key: NodeId| {
            self.doc.tag(key).is_none()
                && matches!(&self.doc.node(key).kind, NodeKind::Scalar { text, style: ScalarStyle::Plain } if &**text == "<<")
        };
        let mut frames = self.stack.iter().rev();
        match frames.next()? {
            Frame::Map(_, Some(key), _) => is_merge(*key).then_some(*key),
            Frame::Seq(..) => match frames.next()? {
                Frame::Map(_, Some(key), _) => is_merge(*key).then_some(*key),
                _ => None,
            },
            Frame::Map(_, None, _) => None,
        }
    }

    /// Attaches a finished node to its parent.
    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => self.doc.root = Some(id),
            Some(Frame::Seq(_, items)) => items.push(id),
            Some(Frame::Map(_, pending, entries)) => match pending.take() {
                None => *pending = Some(id),
                Some(key) => entries.push((key, id)),
            },
        }
    }

    /// Closes a collection: its end is the end of its last child for block
    /// collections (whose end event sits on the next token), or the closing
    /// bracket for flow collections.
    fn close(&mut self, frame: Frame, end: Span) {
        let id = frame.id();
        let flow = self.doc.node(id).flow();
        let (last, kind) = match frame {
            Frame::Seq(_, items) => (items.last().copied(), NodeKind::Seq(items.into(), flow)),
            Frame::Map(_, _, entries) => (
                entries.last().map(|&(_, v)| v),
                NodeKind::Map(entries.into(), flow),
            ),
        };
        let last_child_end = last.map(|c| self.doc.nodes[c as usize].span.end);
        let node = &mut self.doc.nodes[id as usize];
        node.kind = kind;
        node.span.end = if flow {
            end.end
        } else {
            last_child_end.unwrap_or(end.end)
        }
        .max(node.span.start);
        self.attach(id);
    }
}

fn tag_string(tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<Box<str>> {
    tag.map(|t| {
        if t.handle == "tag:yaml.org,2002:" {
            format!("!!{}", t.suffix).into()
        } else {
            t.to_string().into()
        }
    })
}

/// Re-readings of one piece after adjusting its blanks (see below).
const MAX_REINDENTS: usize = 64;

/// What to adjust in a piece before reading it again: saphyr-parser
/// implements YAML 1.2's indentation and spacing rules, libyaml (and so
/// go-yaml and kubectl) the looser YAML 1.1 ones.
#[derive(Debug, Clone, Copy)]
enum Retry {
    /// A quoted scalar (char index of its opening quote) whose
    /// continuation lines are left of the enclosing block's indentation:
    /// libyaml does not look at them.
    Quoted(usize),
    /// A flow collection (char index of its outermost opening bracket)
    /// with lines left of the enclosing block's indentation: libyaml
    /// ignores indentation inside flow collections.
    Flow(usize),
    /// A `#` right after a token (`[]#`): libyaml starts a comment there;
    /// or a tab right after a `:` (`key:\tvalue`), which libyaml takes as
    /// the blank after a value indicator. A space goes in at that index.
    Blank(usize),
}

/// Each adjustment inserts blanks only where they change no value (at the
/// start of a continuation line, whose leading blanks are dropped, or
/// before a comment); the piece is read again and every position is mapped
/// back to the text as written.
fn parse_piece(piece: &str, base: usize, end_char: usize, parsed: &mut Parsed) {
    let mut text = match yaml11_breaks(piece) {
        Some(t) => std::borrow::Cow::Owned(t),
        None => std::borrow::Cow::Borrowed(piece),
    };
    let mut shifts = Shifts::default();
    for attempt in 0..=MAX_REINDENTS {
        let mut read = Parsed {
            documents: Vec::new(),
            problems: Vec::new(),
        };
        let retry = read_piece(&text, &shifts, base, end_char, &mut read);
        if let Some(retry) = retry.filter(|_| attempt < MAX_REINDENTS)
            && let Some(adjusted) = adjust(&text, retry, &mut shifts)
        {
            text = std::borrow::Cow::Owned(adjusted);
            continue;
        }
        parsed.documents.extend(read.documents);
        parsed.problems.extend(read.problems);
        return;
    }
}

/// YAML 1.1 line breaks as YAML 1.2 ones, char for char so that every
/// position stays: libyaml breaks lines at U+0085 (NEL), U+2028 and U+2029
/// as well as at CR and LF, where YAML 1.2 (saphyr-parser) reads the first
/// three as ordinary characters. NEL and a lone CR read as LF in every
/// value (libyaml's `READ_LINE`), so they become `\n`; a CR right before
/// one of them is a break of its own, so it becomes `\n` as well (CR LF
/// would be one break). U+2028 and U+2029 are kept in values where libyaml
/// keeps a line break; `yaml11_values` puts them back.
fn yaml11_breaks(piece: &str) -> Option<String> {
    let is_11 = |c: char| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}');
    let mut chars = piece.chars().peekable();
    let mut out: Option<String> = None;
    let mut at = 0;
    while let Some(c) = chars.next() {
        let lone_cr = c == '\r' && chars.peek() != Some(&'\n');
        if lone_cr || is_11(c) {
            out.get_or_insert_with(|| piece[..at].to_string())
                .push('\n');
        } else if let Some(out) = out.as_mut() {
            out.push(c);
        }
        at += c.len_utf8();
    }
    out
}

/// The piece with the blanks that `retry` asks for, `None` when there is
/// nothing to change.
fn adjust(text: &str, retry: Retry, shifts: &mut Shifts) -> Option<String> {
    match retry {
        Retry::Quoted(quote) => reindent_quoted(text, quote, shifts),
        Retry::Flow(bracket) => reindent_flow(text, bracket, shifts),
        Retry::Blank(at) => {
            let (byte, c) = text.char_indices().nth(at)?;
            if c != '#' && c != '\t' {
                return None;
            }
            let mut out = String::with_capacity(text.len() + 1);
            out.push_str(&text[..byte]);
            out.push(' ');
            out.push_str(&text[byte..]);
            shifts.insert(at, 1);
            Some(out)
        }
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

    /// Records `count` blanks inserted at char index `at` of the current
    /// text.
    fn insert(&mut self, at: usize, count: usize) {
        let original = self.original(at);
        let pos = self.0.partition_point(|&(o, _)| o <= original);
        self.0.insert(pos, (original, count));
    }
}

/// Indents the continuation lines of the quoted scalar whose opening quote
/// is at char index `quote` of `text` to the quote's column (always right
/// of the enclosing block's indentation); `None` when there is nothing to
/// change.
fn reindent_quoted(text: &str, quote: usize, shifts: &mut Shifts) -> Option<String> {
    let (qbyte, q) = text.char_indices().nth(quote)?;
    if q != '\'' && q != '"' {
        return None;
    }
    let line_start = text[..qbyte].rfind('\n').map_or(0, |n| n + 1);
    let want = text[line_start..qbyte].chars().count() + 1;
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
    indent_lines(text, qbyte, end, want, shifts)
}

/// Indents the lines of the flow collection whose (outermost) opening
/// bracket is at char index `bracket` of `text` to the bracket's column.
fn reindent_flow(text: &str, bracket: usize, shifts: &mut Shifts) -> Option<String> {
    let (bbyte, b) = text.char_indices().nth(bracket)?;
    if b != '[' && b != '{' {
        return None;
    }
    let line_start = text[..bbyte].rfind('\n').map_or(0, |n| n + 1);
    let want = text[line_start..bbyte].chars().count() + 1;
    // Where the collection closes: brackets outside quoted scalars and
    // comments (a quote opens a scalar only where a token may start).
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut end = text.len();
    let mut i = bbyte;
    while i < bytes.len() {
        let c = bytes[i];
        let token_start = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':'
            );
        match c {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = i + 1;
                    break;
                }
            }
            b'#' if token_start && i > 0 => {
                i += text[i..].find('\n').unwrap_or(text.len() - i);
                continue;
            }
            b'\'' | b'"' if token_start => {
                let mut j = i + 1;
                while j < bytes.len() {
                    if c == b'"' && bytes[j] == b'\\' {
                        j += 2;
                        continue;
                    }
                    if bytes[j] == c {
                        if c == b'\'' && bytes.get(j + 1) == Some(&b'\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    indent_lines(text, bbyte, end.min(text.len()), want, shifts)
}

/// Indents to column `want` every line that starts after byte `from` and
/// before byte `to` and has content left of it, except a document marker
/// (`---` or `...` at column 0 ends the document for libyaml too).
fn indent_lines(
    text: &str,
    from: usize,
    to: usize,
    want: usize,
    shifts: &mut Shifts,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut copied = 0;
    let mut char_index = 0;
    let mut at = from;
    while let Some(nl) = text[at..to].find('\n') {
        let line = at + nl + 1;
        at = line;
        let rest = &text[line..];
        let indent = rest.len() - rest.trim_start_matches(' ').len();
        let blank = rest[indent..].starts_with(['\n', '\r']) || line + indent >= to;
        let marker = indent == 0 && marker_line(rest).is_some();
        if indent < want && !blank && !marker {
            char_index += text[copied..line].chars().count();
            out.push_str(&text[copied..line]);
            let count = want - indent;
            out.extend(std::iter::repeat_n(' ', count));
            shifts.insert(char_index, count);
            char_index += count;
            copied = line;
            changed = true;
        }
    }
    out.push_str(&text[copied..]);
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
) -> Option<Retry> {
    let mut parser = Parser::new(Chars::new(piece));
    let mut builder: Option<Builder> = None;
    let mut cursor = Cursor {
        text: piece,
        char_index: 0,
        byte: 0,
    };
    let mut doc_start = base;
    // The piece's characters, for the checks that look around a key.
    let mut chars: Option<Vec<char>> = None;
    let end_of_text = piece.chars().count();
    // Lines that start with a tab are checked at the end, against where
    // the scalars and flow collections are (only when there are some).
    let mut tabs = has_tab_line(piece).then(TabContext::default);
    loop {
        let (event, pspan) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(err)) => {
                // An error found at the very end of the piece (an unclosed
                // bracket or quote) belongs to its last line, not to the next
                // document's `---`.
                let outermost_flow = builder.as_ref().and_then(|b| b.flow_opens.first());
                let retry = match err.info() {
                    "invalid indentation in quoted scalar" => {
                        Some(Retry::Quoted(err.marker().index()))
                    }
                    "invalid indentation" | "invalid indentation in flow construct" => {
                        outermost_flow.map(|&(_, at)| Retry::Flow(at))
                    }
                    "comments must be separated from other tokens by whitespace" => {
                        Some(Retry::Blank(err.marker().index()))
                    }
                    "':' must be followed by a valid YAML whitespace" => {
                        // The marker is after the tabs; the space goes
                        // right after the `:`.
                        let before: Vec<char> = piece.chars().take(err.marker().index()).collect();
                        let colon = before.iter().rposition(|&c| c != '\t');
                        colon
                            .filter(|&c| before[c] == ':' && c + 1 < before.len())
                            .map(|c| Retry::Blank(c + 1))
                    }
                    _ => None,
                };
                let mut at = base + shifts.original(err.marker().index());
                if at >= end_char {
                    let trimmed = piece.trim_end();
                    at = base + shifts.original(trimmed.chars().count().saturating_sub(1));
                }
                syntax_at(&mut parsed.problems, at, err.info().to_string());
                return retry;
            }
        };
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => {
                if let Some(tabs) = &tabs
                    && let Some(at) = tabs.refused_line(piece)
                {
                    let at = base + shifts.original(at);
                    parsed.documents.retain(|d| (d.span.end as usize) < at);
                    parsed.problems.push(Problem {
                        kind: ProblemKind::Syntax,
                        span: Span::new(at, at + 1),
                        message: "found a tab character where an indentation space is expected"
                            .into(),
                    });
                }
                break;
            }
            Event::DocumentStart(_) => {
                builder = Some(Builder {
                    doc: Document::default(),
                    stack: Vec::new(),
                    anchors: Vec::new(),
                    flow_opens: Vec::new(),
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
                    let at = b.span(&pspan).start as usize;
                    limit_at(
                        &mut parsed.problems,
                        at,
                        format!(
                            "document has more than {MAX_NODES} nodes; the rest of it is not read"
                        ),
                    );
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
                        let mut raw_end = pspan.end.index();
                        if let Some(end) =
                            quote.and_then(|q| cursor.quoted_end(pspan.start.index(), q))
                        {
                            span.end =
                                (base + shifts.original(end)).max(span.start as usize) as u32;
                            raw_end = end;
                        }
                        // `|` and `>` start block scalars, which flow
                        // collections cannot hold; YAML 1.2 reads them as
                        // plain text there, libyaml refuses them.
                        // In a flow collection libyaml reads a `:` that
                        // starts a token as a value indicator, YAML 1.2 as
                        // plain text (`[:x]`). And libyaml ends a block
                        // scalar at a line in column 0, which saphyr-parser
                        // lets a document's top-level scalar have.
                        let refused = (style == ScalarStyle::Plain
                            && (text.starts_with(['|', '>'])
                                || (text.starts_with(':') && !b.flow_opens.is_empty())))
                            || (matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                                && b.stack.is_empty()
                                && !text.is_empty()
                                && column_zero_content(
                                    piece,
                                    &mut cursor,
                                    pspan.start.index(),
                                    raw_end,
                                ));
                        if refused {
                            syntax_at(
                                &mut parsed.problems,
                                span.start as usize,
                                "found character that cannot start any token",
                            );
                            return None;
                        }
                        let chars = chars.get_or_insert_with(|| piece.chars().collect());
                        // In a flow collection libyaml refuses a plain
                        // scalar's `:` right before a flow indicator
                        // (`[a:]`, `{a:}`), which YAML 1.2 reads as an
                        // empty value.
                        // libyaml checks every `:` of the scalar, so
                        // also one inside it that YAML 1.2 keeps as text
                        // (`{r:?}`: only `?` can follow inside).
                        let colon_before_indicator = if style == ScalarStyle::Plain
                            && !text.is_empty()
                            && !b.flow_opens.is_empty()
                        {
                            let start = past_properties(chars, pspan.start.index()).min(raw_end);
                            (start..=raw_end).find(|&i| {
                                chars.get(i) == Some(&':')
                                    && chars.get(i + 1).is_some_and(|c| {
                                        matches!(c, ',' | '?' | '[' | ']' | '{' | '}')
                                    })
                            })
                        } else {
                            None
                        };
                        let bad = if let Some(at) = colon_before_indicator {
                            Some((at, "found unexpected ':'"))
                        } else {
                            bad_property(chars, pspan.start.index())
                        };
                        if let Some((at, message)) = bad {
                            syntax_at(&mut parsed.problems, base + shifts.original(at), message);
                            return None;
                        }
                        if matches!(b.stack.last(), Some(Frame::Map(_, None, _))) {
                            let empty = text.is_empty() && anchor == 0 && tag.is_none();
                            if let Some((at, message)) =
                                implicit_key_problem(chars, pspan.start.index(), raw_end, empty)
                            {
                                syntax_at(
                                    &mut parsed.problems,
                                    base + shifts.original(at),
                                    message,
                                );
                                return None;
                            }
                        }
                        if let Some(tabs) = tabs.as_mut() {
                            let indent = b
                                .stack
                                .iter()
                                .rev()
                                .map(Frame::id)
                                .find(|&id| !b.doc.node(id).flow())
                                .and_then(|id| tabs.block_columns.get(&id).copied());
                            tabs.scalars.push(TabScalar {
                                start: pspan.start.index(),
                                end: raw_end,
                                plain_or_block: matches!(
                                    style,
                                    ScalarStyle::Plain | ScalarStyle::Literal | ScalarStyle::Folded
                                ),
                                parent_indent: indent.map_or(-1, |c| c as isize),
                            });
                        }
                        let mut text = text.into_owned();
                        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                            && raw_end >= end_of_text
                            && !piece.ends_with('\n')
                        {
                            block_scalar_at_end(piece, &mut text);
                        }
                        let node = Node {
                            span,
                            kind: NodeKind::Scalar {
                                text: text.into_boxed_str(),
                                style,
                            },
                        };
                        let id = b.push(node, tag_string(tag), anchor);
                        b.attach(id);
                    }
                    Event::Alias(anchor) => {
                        let chars = chars.get_or_insert_with(|| piece.chars().collect());
                        if let Some((at, message)) = bad_property(chars, pspan.start.index()) {
                            syntax_at(&mut parsed.problems, base + shifts.original(at), message);
                            return None;
                        }
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
                        // An alias to a collection that is still open is a
                        // value that contains itself (directly, or through a
                        // merge that an enclosing anchor brings back):
                        // Kubernetes' reader refuses it ("anchor value contains
                        // itself"), and expanding it would never end. Only
                        // such aliases can close a cycle, since every other
                        // alias points to a finished node before it.
                        if b.is_open(target) {
                            let merge_key = b.merge_key();
                            let (at, message, kind) = match merge_key {
                                Some(key) => (
                                    b.doc.node(key).span,
                                    "this merge (<<) brings in a mapping that contains it: a value cannot contain itself, and Kubernetes refuses the document (\"anchor value contains itself\"); the merge is ignored here",
                                    NodeKind::Map(Box::default(), false),
                                ),
                                None => (
                                    span,
                                    "this alias refers to a collection that contains it: a value cannot contain itself, and Kubernetes refuses the document (\"anchor value contains itself\"); it is read as null here",
                                    NodeKind::Scalar {
                                        text: "".into(),
                                        style: ScalarStyle::Plain,
                                    },
                                ),
                            };
                            parsed.problems.push(Problem {
                                kind: ProblemKind::Syntax,
                                span: at,
                                message: message.into(),
                            });
                            // Stands in for the alias so the rest of the
                            // document is still read and checked.
                            let id = b.push(Node { span, kind }, None, 0);
                            b.attach(id);
                            continue;
                        }
                        let id = b.push(
                            Node {
                                span,
                                kind: NodeKind::Alias(target),
                            },
                            None,
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
                            limit_at(
                                &mut parsed.problems,
                                span.start as usize,
                                format!(
                                    "nesting deeper than {MAX_DEPTH} levels; this document is not checked"
                                ),
                            );
                            return None;
                        }
                        // A flow collection's start event covers its bracket; a
                        // block collection's is empty, and may sit on a flow
                        // child's bracket (`ingress:\n- {}`).
                        let chars = chars.get_or_insert_with(|| piece.chars().collect());
                        if let Some((at, message)) = bad_property(chars, pspan.start.index()) {
                            syntax_at(&mut parsed.problems, base + shifts.original(at), message);
                            return None;
                        }
                        let flow = pspan.end.index() > pspan.start.index()
                            && matches!(cursor.char_at(pspan.start.index()), Some('[' | '{'));
                        let kind = if is_seq {
                            NodeKind::Seq(Box::default(), flow)
                        } else {
                            NodeKind::Map(Box::default(), flow)
                        };
                        let id = b.push(Node { span, kind }, tag_string(tag), anchor);
                        if flow {
                            b.flow_opens.push((id, pspan.start.index()));
                        }
                        if let Some(tabs) = tabs.as_mut() {
                            if flow {
                                tabs.flows.push((pspan.start.index(), usize::MAX));
                                tabs.open_flows.push(tabs.flows.len() - 1);
                            } else {
                                let at = pspan.start.index();
                                let line = chars[..at.min(chars.len())]
                                    .iter()
                                    .rposition(|&c| c == '\n')
                                    .map_or(0, |n| n + 1);
                                tabs.block_columns.insert(id, at - line);
                            }
                        }
                        b.stack.push(if is_seq {
                            Frame::Seq(id, Vec::new())
                        } else {
                            Frame::Map(id, None, Vec::new())
                        });
                    }
                    Event::SequenceEnd | Event::MappingEnd => {
                        if let Some(frame) = b.stack.pop() {
                            let id = frame.id();
                            if b.flow_opens.last().is_some_and(|&(open, _)| open == id) {
                                b.flow_opens.pop();
                                if let Some(tabs) = tabs.as_mut()
                                    && let Some(i) = tabs.open_flows.pop()
                                {
                                    tabs.flows[i].1 = pspan.end.index();
                                }
                            }
                            b.close(frame, span);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    None
}

/// libyaml's refusals around a mapping key (from `start` to `end`, char
/// indices) that saphyr-parser lets through: a `:` with no key before it
/// (`: v`, `[: v]`), and an implicit key that is not on one line with its
/// `:` (`{a\n: b}`). A `?` before the key makes it explicit, and then
/// both are fine.
fn implicit_key_problem(
    chars: &[char],
    start: usize,
    end: usize,
    empty: bool,
) -> Option<(usize, &'static str)> {
    let explicit = || {
        let mut i = start;
        loop {
            while i > 0 && matches!(chars[i - 1], ' ' | '\t') {
                i -= 1;
            }
            if i == 0 {
                return false;
            }
            match chars[i - 1] {
                '?' => {
                    return i == 1
                        || matches!(chars[i - 2], ' ' | '\t' | '\n' | '\r' | '[' | '{' | ',');
                }
                '\n' | '\r' => {
                    // The line above, without its comment.
                    let end = i - 1;
                    let line = chars[..end]
                        .iter()
                        .rposition(|&c| c == '\n')
                        .map_or(0, |n| n + 1);
                    i = (line..end)
                        .find(|&j| {
                            chars[j] == '#' && (j == line || matches!(chars[j - 1], ' ' | '\t'))
                        })
                        .unwrap_or(end);
                    if chars[i.saturating_sub(1)] == '\r' {
                        i -= 1;
                    }
                }
                _ => return false,
            }
        }
    };
    if empty && start == end && chars.get(start) == Some(&':') {
        return (!explicit()).then_some((start, "did not find expected key"));
    }
    let mut j = end;
    let mut broken = chars[start..end.min(chars.len())].contains(&'\n');
    while let Some(&c) = chars.get(j) {
        match c {
            ' ' | '\t' => {}
            '\n' | '\r' => broken = true,
            '#' => {
                while chars.get(j).is_some_and(|&c| c != '\n') {
                    j += 1;
                }
                continue;
            }
            _ => break,
        }
        j += 1;
    }
    (broken && chars.get(j) == Some(&':') && !explicit())
        .then_some((start, "a mapping key must be on one line with its ':'"))
}

/// An anchor or alias name (in the properties from char `start`) that
/// libyaml refuses: it takes letters, digits, `_` and `-` only, up to a
/// blank or one of `?:,]}%@` and a backquote; YAML 1.2 takes more.
/// A syntax problem at one character.
fn syntax_at(problems: &mut Vec<Problem>, at: usize, message: impl Into<String>) {
    problem_at(problems, ProblemKind::Syntax, at, message.into());
}

/// A size or depth limit reached at one character.
fn limit_at(problems: &mut Vec<Problem>, at: usize, message: String) {
    problem_at(problems, ProblemKind::Limit, at, message);
}

fn problem_at(problems: &mut Vec<Problem>, kind: ProblemKind, at: usize, message: String) {
    problems.push(Problem {
        kind,
        span: Span::new(at, at + 1),
        message,
    });
}

/// Where a node's text starts after its anchor and tag (`&a !!str x`).
fn past_properties(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| matches!(c, '&' | '!')) {
        while chars.get(i).is_some_and(|c| !c.is_whitespace()) {
            i += 1;
        }
        while chars.get(i).is_some_and(|c| matches!(c, ' ' | '\t')) {
            i += 1;
        }
    }
    i
}

fn bad_property(chars: &[char], start: usize) -> Option<(usize, &'static str)> {
    let mut i = start;
    loop {
        match chars.get(i) {
            Some('&' | '*') => {
                let name = i + 1;
                i = name;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                {
                    i += 1;
                }
                let ends = chars.get(i).is_none_or(|c| {
                    matches!(
                        c,
                        ' ' | '\t' | '\n' | '\r' | '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`'
                    )
                });
                if i == name || !ends {
                    // libyaml stops at `i`; at the end of the text there is
                    // no character there, so the problem is at the last one.
                    let at = i.min(chars.len() - 1);
                    return Some((at, "did not find expected alphabetic or numeric character"));
                }
            }
            Some('!') => {
                while chars
                    .get(i)
                    .is_some_and(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
                {
                    i += 1;
                }
            }
            _ => return None,
        }
        while chars.get(i).is_some_and(|c| matches!(c, ' ' | '\t')) {
            i += 1;
        }
    }
}

/// Whether a line of the block scalar read from char `start` to `end`
/// has content in column 0.
fn column_zero_content(piece: &str, cursor: &mut Cursor, start: usize, end: usize) -> bool {
    if cursor.char_at(start).is_none() {
        return false;
    }
    let from = cursor.byte;
    let to = piece[from..]
        .char_indices()
        .nth(end.saturating_sub(start))
        .map_or(piece.len(), |(i, _)| from + i);
    let at_line_start = from == 0 || piece[..from].ends_with('\n');
    (at_line_start && !piece[from..to].starts_with([' ', '\t', '\n', '\r']) && to > from)
        || piece[from..to]
            .split('\n')
            .skip(1)
            .any(|line| !line.is_empty() && !line.starts_with([' ', '\t', '\r']))
}

/// libyaml ends a block scalar that reaches the end of the text without a
/// line break with no line break, whatever its chomping; saphyr-parser
/// reads a line break there. (A last line of blanks only is part of the
/// trailing lines that `+` keeps: libyaml counts it only with its break.)
fn block_scalar_at_end(piece: &str, value: &mut String) {
    let last_line = &piece[piece.rfind('\n').map_or(0, |n| n + 1)..];
    if !last_line.trim_matches([' ', '\t']).is_empty() {
        if value.ends_with('\n') {
            value.pop();
        }
    } else if value.ends_with("\n\n")
        || (value.ends_with('\n') && !value[..value.len() - 1].contains(|c: char| c != '\n'))
    {
        value.pop();
    }
}

/// Whether a line of `piece` starts with a tab (see `leading_tab`).
fn has_tab_line(piece: &str) -> bool {
    piece.split('\n').any(|line| leading_tab(line).is_some())
}

/// The tab that starts `line` after spaces, or after block indicators and
/// spaces (`-\tx`, `- ? \tx`), as its byte offset and whether indicators
/// come first.
fn leading_tab(line: &str) -> Option<(usize, bool)> {
    let mut rest = line.trim_start_matches(' ');
    let mut indicators = false;
    loop {
        if rest.starts_with('\t') {
            return Some((line.len() - rest.len(), indicators));
        }
        match rest.strip_prefix(['-', '?']) {
            Some(after) if after.starts_with([' ', '\t']) => {
                indicators = true;
                rest = after.trim_start_matches(' ');
            }
            _ => return None,
        }
    }
}

#[derive(Default)]
struct TabContext {
    scalars: Vec<TabScalar>,
    /// Flow collections' char ranges (end `usize::MAX` while open).
    flows: Vec<(usize, usize)>,
    open_flows: Vec<usize>,
    /// Block collections' columns.
    block_columns: std::collections::HashMap<NodeId, usize>,
}

struct TabScalar {
    start: usize,
    end: usize,
    plain_or_block: bool,
    /// The column of the enclosing block collection (-1 at the top).
    parent_indent: isize,
}

impl TabContext {
    /// The first line starting with a tab (char index of the tab) that
    /// libyaml refuses. In block context libyaml skips only spaces at the
    /// start of a line, so a tab there cannot start any token; it passes
    /// inside quoted scalars and flow collections, and in the blank lines
    /// that a plain or block scalar reads on (then right of the enclosing
    /// block's indentation).
    fn refused_line(&self, piece: &str) -> Option<usize> {
        let mut index = 0;
        for line in piece.split_inclusive('\n') {
            let line_start = index;
            index += line.chars().count();
            let Some((offset, after_indicator)) = leading_tab(line) else {
                continue;
            };
            let spaces = line[..offset].chars().count();
            let tab = line_start + spaces;
            let inside = |&(s, e): &(usize, usize)| s < tab && tab < e;
            if self.flows.iter().any(inside) {
                continue;
            }
            // The last scalar that starts before the tab.
            let last = self.scalars.iter().rev().find(|s| s.start < tab);
            let ok = match last {
                Some(s) if s.end > tab => {
                    !s.plain_or_block || after_indicator || spaces as isize > s.parent_indent
                }
                Some(s) if s.plain_or_block && !after_indicator => {
                    let between: String = piece.chars().skip(s.end).take(tab - s.end).collect();
                    between
                        .chars()
                        .all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
                        && spaces as isize > s.parent_indent
                }
                _ => false,
            };
            if !ok {
                return Some(tab);
            }
        }
        None
    }
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

    /// libyaml's (and so kubectl's) readings of layouts that YAML 1.2
    /// reads differently, as real manifests have them.
    #[test]
    fn layouts_libyaml_accepts_are_read_as_it_reads_them() {
        let value = |text: &str, key: &str| -> String {
            let parsed = read(text);
            assert!(
                parsed.problems.is_empty(),
                "{text:?}: {:?}",
                parsed.problems
            );
            let doc = &parsed.documents[0];
            let (_, v) = doc.get(doc.root.unwrap(), key).unwrap();
            match &doc.node(v).kind {
                NodeKind::Scalar { text, .. } => text.to_string(),
                NodeKind::Seq(items, _) => items
                    .iter()
                    .map(|&i| doc.scalar(i).unwrap_or("?").to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                _ => "?".into(),
            }
        };
        // A flow sequence whose lines sit at its key's column.
        let text = "spec:\n  args: [\n  \"--a\",\n  \"--b\"\n  ]\n";
        let parsed = read(text);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let doc = &parsed.documents[0];
        let (_, spec) = doc.get(doc.root.unwrap(), "spec").unwrap();
        let (_, args) = doc.get(spec, "args").unwrap();
        let span = doc.node(args).span;
        assert_eq!(
            &text[span.start as usize..span.end as usize],
            "[\n  \"--a\",\n  \"--b\"\n  ]"
        );
        // A tab after the `:`.
        assert_eq!(value("a:\tb\n", "a"), "b");
        // A block scalar at the end of a file with no last line break.
        assert_eq!(value("a: |\n  echo hi", "a"), "echo hi");
        assert_eq!(value("a: |\n  echo hi\n", "a"), "echo hi\n");
        // NEL is a line break (YAML 1.1).
        assert_eq!(value("a: x\u{85}b: y\n", "b"), "y");
        // A `#` right after a flow collection starts a comment.
        assert_eq!(value("a: [x]# c\n", "a"), "x");
    }

    /// What libyaml refuses and YAML 1.2 would accept is refused, at the
    /// place libyaml stops.
    #[test]
    fn layouts_libyaml_refuses_are_refused() {
        for (text, at) in [
            ("a: 1\n\t\nb: 2\n", 5),
            ("- \tx\n", 2),
            ("a: 1\n: 2\n", 5),
            ("a: {b\n: c}\n", 4),
            ("a: [|]\n", 4),
            ("a: x\u{2028}b\n", 5),
        ] {
            let parsed = read(text);
            let starts: Vec<_> = parsed.problems.iter().map(|p| p.span.start).collect();
            assert_eq!(
                starts.first().copied(),
                Some(at),
                "{text:?}: {:?}",
                parsed.problems
            );
        }
    }
}
