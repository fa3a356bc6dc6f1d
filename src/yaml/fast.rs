//! A fast path for the YAML manifests are made of.
//!
//! Nearly every manifest is written in plain block style: mappings and
//! sequences by indentation, plain scalars (folded over lines), quoted
//! scalars with the common escapes, `|` and `>` block scalars, and flow
//! collections of scalars on one line (`[a, "b"]`, `{cpu: 100m}`). This reader
//! accepts exactly that subset and builds the same tree, node for node and
//! span for span, that the general reader (`parse.rs`, over saphyr-parser)
//! builds. On anything else — a tab, a CR, a control or line-separator
//! character, an anchor, an alias, a tag, a directive, a multi-line quoted
//! scalar, an unusual escape, keep chomping, odd indentation, anything that
//! might be an error — it gives up, and the general reader reads the piece.
//! Giving up is always safe; accepting is only allowed when the result is
//! identical, which `tests/yaml_fast.rs` holds it to on the fixtures, the
//! corpus and thousands of mutated documents.
//!
//! It is several times faster than the event reader (19 µs instead of 65 µs
//! for the benchmark's Deployment): it scans bytes, not characters, and
//! allocates only the nodes and their text.
//!
//! Where the general reader places spans (found by reading saphyr-parser's
//! events, pinned by the differential test):
//! - a block mapping starts at its first key; a block sequence at its first
//!   `-`, except a sequence written at its parent key's indentation, which
//!   starts after the first `-` and its blanks; both end where their last
//!   child ends;
//! - an empty value is an empty plain scalar at the `:` (mapping) or after
//!   the `-` and its blanks (sequence);
//! - a quoted scalar ends at its closing quote (saphyr-parser's event for a
//!   quoted value runs on over the blanks and comment after it; the general
//!   reader trims it to the quote, and so does this one);
//! - a block scalar starts at its first content character and ends at the
//!   first non-blank character of the line that ends it (or at the end).

use crate::source::Span;
use crate::yaml::tree::{Document, Node, NodeId, NodeKind, ScalarStyle};

/// Nesting the fast path handles; deeper documents go to the general reader,
/// which reports its own limit.
const MAX_DEPTH: usize = 100;
/// Keys longer than this are refused by YAML (simple keys are at most 1024
/// characters); leave them to the general reader.
const MAX_KEY: usize = 1000;

/// Gives up: the general reader decides.
struct Bail;

type R<T> = Result<T, Bail>;

/// The document of one piece (see `parse::split_documents`), or `None` when
/// the piece is outside the fast path's subset.
pub fn parse(piece: &str, base: usize) -> Option<Document> {
    let s = piece.as_bytes();
    // Line feeds and printable characters only: no tab, CR, BOM, control
    // character or Unicode line separator needs YAML's rules here.
    let ascii = s.iter().all(|&b| b == b'\n' || (0x20..0x7f).contains(&b));
    if !ascii
        && piece.chars().any(|c| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                )
        })
    {
        return None;
    }
    let mut f = Fast {
        s,
        ascii,
        cursor: std::cell::Cell::new((0, 0)),
        base,
        pos: 0,
        depth: 0,
        nodes: Vec::with_capacity(s.len() / 8),
    };
    f.document().ok()?;
    let end = f.char_index(s.len());
    Some(Document {
        nodes: f.nodes,
        root: Some(0),
        span: Span::new(base, base + end),
        tags: Vec::new(),
    })
}

struct Fast<'a> {
    s: &'a [u8],
    /// Whether every byte is a character (else `char_index` counts).
    ascii: bool,
    /// The last `(byte offset, character index)` asked for: the reader asks
    /// in nearly increasing order, so counting from there is linear overall,
    /// without a table of four bytes per byte of text.
    cursor: std::cell::Cell<(usize, usize)>,
    base: usize,
    /// Start of the next line to read.
    pos: usize,
    depth: usize,
    nodes: Vec<Node>,
}

fn quote_style(q: u8) -> ScalarStyle {
    if q == b'"' {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::SingleQuoted
    }
}

/// The character a double-quoted escape `\\b` stands for: the escapes
/// manifests use; the rest (`\\x`, `\\u`, line continuations, ...) are left to
/// the general reader.
fn escape(b: u8) -> R<u8> {
    Ok(match b {
        b'\\' => b'\\',
        b'"' => b'"',
        b'/' => b'/',
        b'n' => b'\n',
        b't' => b'\t',
        b'r' => b'\r',
        b'0' => 0,
        // Serializers escape a space that starts a folded line.
        b' ' => b' ',
        _ => return Err(Bail),
    })
}

fn is_blank(b: u8) -> bool {
    b == b' '
}

impl Fast<'_> {
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(b'\n')
    }

    fn line_end(&self, from: usize) -> usize {
        self.s[from.min(self.s.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.s.len(), |n| from + n)
    }

    fn skip_blanks(&self, mut i: usize) -> usize {
        while is_blank(self.at(i)) && i < self.s.len() {
            i += 1;
        }
        i
    }

    /// Whether only blanks and an optional comment remain on the line from `i`
    /// (which follows a token: a comment needs a blank before it).
    fn rest_is_empty(&self, i: usize) -> bool {
        let j = self.skip_blanks(i);
        match self.at(j) {
            b'\n' => true,
            b'#' => j > i,
            _ => false,
        }
    }

    fn char_index(&self, byte: usize) -> usize {
        // Every position the reader stops at is a character boundary,
        // because it stops only at ASCII delimiters; columns are counted in
        // spaces and `-`, so they are the same in bytes and characters.
        if self.ascii {
            return byte;
        }
        let starts = |b: &[u8]| b.iter().filter(|&&x| x & 0xc0 != 0x80).count();
        let (at, chars) = self.cursor.get();
        let chars = if byte >= at {
            chars + starts(&self.s[at..byte])
        } else {
            chars - starts(&self.s[byte..at])
        };
        self.cursor.set((byte, chars));
        chars
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(
            self.base + self.char_index(start),
            self.base + self.char_index(end),
        )
    }

    fn push(&mut self, node: Node) -> R<NodeId> {
        if self.nodes.len() >= 1_000_000 {
            return Err(Bail);
        }
        self.nodes.push(node);
        Ok((self.nodes.len() - 1) as NodeId)
    }

    fn scalar(&mut self, start: usize, end: usize, text: String, style: ScalarStyle) -> R<NodeId> {
        let span = self.span(start, end);
        self.push(Node {
            span,
            kind: NodeKind::Scalar {
                text: text.into_boxed_str(),
                style,
            },
        })
    }

    /// The next line with content at or after `self.pos`: `(position of its
    /// first non-blank character, indentation)`, `None` at the end. Blank and
    /// comment-only lines are skipped; document markers give up.
    fn next_content(&self) -> R<Option<(usize, usize)>> {
        let mut line = self.pos;
        while line < self.s.len() {
            let p = self.skip_blanks(line);
            match self.at(p) {
                b'\n' | b'#' => {
                    line = self.line_end(p) + 1;
                    continue;
                }
                _ => {}
            }
            if p == line && (self.s[p..].starts_with(b"...") || self.s[p..].starts_with(b"---")) {
                return Err(Bail);
            }
            return Ok(Some((p, p - line)));
        }
        Ok(None)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    fn document(&mut self) -> R<()> {
        if self.s.starts_with(b"---") {
            // `---` alone (a comment may follow); `--- value` is left out.
            if !matches!(self.at(3), b' ' | b'\n') || !self.rest_is_empty(3) {
                return Err(Bail);
            }
            self.pos = self.line_end(3) + 1;
        }
        let Some((at, col)) = self.next_content()? else {
            return Err(Bail);
        };
        let root = if self.is_dash(at) {
            self.sequence(at, col, false)?
        } else if self.key(at)?.is_some() {
            self.mapping(at, col)?
        } else {
            return Err(Bail);
        };
        debug_assert_eq!(root, 0);
        if self.next_content()?.is_some() {
            return Err(Bail);
        }
        Ok(())
    }

    fn is_dash(&self, i: usize) -> bool {
        self.at(i) == b'-' && matches!(self.at(i + 1), b' ' | b'\n')
    }

    /// Characters that cannot start a plain scalar (or start something else).
    fn plain_start(&self, i: usize) -> bool {
        match self.at(i) {
            b'-' | b'?' | b':' => !matches!(self.at(i + 1), b' ' | b'\n'),
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b'\n' | b' ' => false,
            _ => true,
        }
    }

    /// A mapping key at `i`: `(key node text end, position of the ':')`, not
    /// yet pushed. `None`: not a key (a scalar).
    fn key(&self, i: usize) -> R<Option<KeyAt>> {
        let end = self.line_end(i);
        match self.at(i) {
            q @ (b'"' | b'\'') => {
                // One that does not close on its line is no key (an implicit
                // key is one line): `inline` reads it as a value.
                let Ok((text, close)) = self.quoted(i, q, None) else {
                    return Ok(None);
                };
                if self.at(close) == b':' && matches!(self.at(close + 1), b' ' | b'\n') {
                    let style = quote_style(q);
                    return Ok(Some(KeyAt {
                        text,
                        style,
                        end: close,
                        colon: close,
                    }));
                }
                Ok(None)
            }
            _ if !self.plain_start(i) => Ok(None),
            _ => {
                let mut j = i;
                while j < end {
                    match self.s[j] {
                        b':' if matches!(self.at(j + 1), b' ' | b'\n') => {
                            if j - i > MAX_KEY || self.s[j - 1] == b' ' {
                                return Err(Bail);
                            }
                            let text = std::str::from_utf8(&self.s[i..j]).map_err(|_| Bail)?;
                            return Ok(Some(KeyAt {
                                text: text.to_string(),
                                style: ScalarStyle::Plain,
                                end: j,
                                colon: j,
                            }));
                        }
                        b'#' if self.s[j - 1] == b' ' => return Ok(None),
                        _ => j += 1,
                    }
                }
                Ok(None)
            }
        }
    }

    /// A quoted scalar starting at `i`: its text and the position after the
    /// closing quote. Unusual escapes give up. On one line (`fold` None: a
    /// key, a flow item), a line break gives up. A value in block context
    /// may go on over lines (long descriptions in CRDs do), folded as YAML
    /// folds quoted scalars: the blanks around a break are dropped, a single
    /// break becomes a space and each empty line a line feed. Every
    /// continuation line must be indented more than `fold`'s parent column;
    /// a line that is not (which libyaml accepts in some places) and an
    /// escaped line break give up.
    fn quoted(&self, i: usize, q: u8, fold: Option<usize>) -> R<(String, usize)> {
        let mut text = Vec::new();
        // `text`'s length without the blanks at its end that a line break
        // would drop (escaped characters are kept).
        let mut kept = 0;
        let mut j = i + 1;
        // Up to the line's end (or the closing quote), not computed first: a
        // megabyte line of quoted flow items must stay linear.
        while j < self.s.len() {
            let b = self.s[j];
            if b == b'\n' {
                let Some(parent) = fold else {
                    return Err(Bail);
                };
                text.truncate(kept);
                let mut empty = 0;
                let mut line = j + 1;
                j = loop {
                    let nb = self.skip_blanks(line);
                    if nb >= self.s.len() {
                        return Err(Bail);
                    }
                    if self.s[nb] != b'\n' {
                        if nb - line <= parent {
                            return Err(Bail);
                        }
                        break nb;
                    }
                    empty += 1;
                    line = nb + 1;
                };
                if empty == 0 {
                    text.push(b' ');
                } else {
                    text.resize(text.len() + empty, b'\n');
                }
                kept = text.len();
                continue;
            }
            if q == b'"' && b == b'\\' {
                text.push(escape(self.at(j + 1))?);
                kept = text.len();
                j += 2;
                continue;
            }
            if b == q {
                if q == b'\'' && self.at(j + 1) == b'\'' {
                    text.push(b'\'');
                    kept = text.len();
                    j += 2;
                    continue;
                }
                let text = String::from_utf8(text).map_err(|_| Bail)?;
                return Ok((text, j + 1));
            }
            text.push(b);
            if b != b' ' {
                kept = text.len();
            }
            j += 1;
        }
        Err(Bail)
    }

    fn mapping(&mut self, mut at: usize, col: usize) -> R<NodeId> {
        self.enter()?;
        let id = self.push(Node {
            span: self.span(at, at),
            kind: NodeKind::Map(Box::default(), false),
        })?;
        let mut entries = Vec::new();
        loop {
            let Some(k) = self.key(at)? else {
                return Err(Bail);
            };
            let key = self.scalar(at, k.end, k.text, k.style)?;
            let value = self.map_value(k.colon, col)?;
            entries.push((key, value));
            match self.next_content()? {
                Some((p, ind)) if ind == col && !self.is_dash(p) => at = p,
                Some((_, ind)) if ind < col => break,
                None => break,
                _ => return Err(Bail),
            }
        }
        self.close(
            id,
            entries.last().map(|&(_, v)| v),
            NodeKind::Map(entries.into(), false),
        );
        self.depth -= 1;
        Ok(id)
    }

    fn close(&mut self, id: NodeId, last: Option<NodeId>, kind: NodeKind) {
        let end = last.map_or(0, |v| self.nodes[v as usize].span.end);
        let node = &mut self.nodes[id as usize];
        node.span.end = end.max(node.span.start);
        node.kind = kind;
    }

    /// The value after a mapping key's `:`.
    fn map_value(&mut self, colon: usize, col: usize) -> R<NodeId> {
        let p = self.skip_blanks(colon + 1);
        if self.rest_is_empty(colon + 1) {
            self.pos = self.line_end(p) + 1;
            return match self.next_content()? {
                Some((q, ind)) if ind > col => self.block(q, ind, col),
                Some((q, ind)) if ind == col && self.is_dash(q) => self.sequence(q, col, true),
                _ => self.scalar(colon, colon, String::new(), ScalarStyle::Plain),
            };
        }
        self.inline(p, col)
    }

    /// A node that starts a line of its own (after `key:` or `-`).
    fn block(&mut self, at: usize, col: usize, parent: usize) -> R<NodeId> {
        if self.is_dash(at) {
            self.sequence(at, col, false)
        } else if self.key(at)?.is_some() {
            self.mapping(at, col)
        } else {
            self.inline(at, parent)
        }
    }

    fn sequence(&mut self, mut at: usize, col: usize, indentless: bool) -> R<NodeId> {
        self.enter()?;
        let start = if indentless {
            self.skip_blanks(at + 1)
        } else {
            at
        };
        let id = self.push(Node {
            span: self.span(start, start),
            kind: NodeKind::Seq(Box::default(), false),
        })?;
        let mut items = Vec::new();
        loop {
            let p = self.skip_blanks(at + 1);
            let line_start = at - col;
            let item = if self.rest_is_empty(at + 1) {
                // `- # comment`: the general reader places what follows
                // after the comment; leave it to it.
                if self.at(p) == b'#' {
                    return Err(Bail);
                }
                self.pos = self.line_end(p) + 1;
                match self.next_content()? {
                    Some((q, ind)) if ind > col => self.block(q, ind, col)?,
                    _ => self.scalar(p, p, String::new(), ScalarStyle::Plain)?,
                }
            } else if self.is_dash(p) {
                let c = p - line_start;
                self.sequence(p, c, false)?
            } else if self.key(p)?.is_some() {
                let c = p - line_start;
                self.mapping(p, c)?
            } else {
                self.inline(p, col)?
            };
            items.push(item);
            match self.next_content()? {
                Some((q, ind)) if ind == col && self.is_dash(q) => at = q,
                Some((_, ind)) if ind == col && indentless => break,
                Some((_, ind)) if ind < col => break,
                None => break,
                _ => return Err(Bail),
            }
        }
        self.close(
            id,
            items.last().copied(),
            NodeKind::Seq(items.into(), false),
        );
        self.depth -= 1;
        Ok(id)
    }

    /// A scalar (or `[]`/`{}`) starting at `p`, after `key: ` or `- `, or on
    /// a line of its own. Whatever follows must not be more indented than
    /// `parent`, or it would continue this node.
    fn inline(&mut self, p: usize, parent: usize) -> R<NodeId> {
        let end = self.line_end(p);
        let id = match self.at(p) {
            q @ (b'"' | b'\'') => {
                let (text, close) = self.quoted(p, q, Some(parent))?;
                if !self.rest_is_empty(close) {
                    return Err(Bail);
                }
                let style = quote_style(q);
                self.pos = self.line_end(close) + 1;
                self.scalar(p, close, text, style)?
            }
            b'|' | b'>' => return self.block_scalar(p, parent),
            b'[' | b'{' => {
                let (id, after) = self.flow(p)?;
                if !self.rest_is_empty(after) {
                    return Err(Bail);
                }
                self.pos = end + 1;
                id
            }
            _ if !self.plain_start(p) => return Err(Bail),
            _ => {
                let mut j = p;
                let mut stop = end;
                let mut comment = false;
                while j < end {
                    match self.s[j] {
                        b':' if matches!(self.at(j + 1), b' ' | b'\n') => return Err(Bail),
                        b'#' if self.s[j - 1] == b' ' => {
                            stop = j;
                            comment = true;
                            break;
                        }
                        _ => j += 1,
                    }
                }
                while stop > p && self.s[stop - 1] == b' ' {
                    stop -= 1;
                }
                let mut text = std::str::from_utf8(&self.s[p..stop])
                    .map_err(|_| Bail)?
                    .to_string();
                self.pos = end + 1;
                if !comment {
                    stop = self.plain_continuation(parent, stop, &mut text)?;
                }
                self.scalar(p, stop, text, ScalarStyle::Plain)?
            }
        };
        match self.next_content()? {
            Some((_, ind)) if ind > parent => Err(Bail),
            _ => Ok(id),
        }
    }

    /// Where a token that ends at `i` ends for the general reader: after the
    /// blanks that follow it, and after a comment that follows those.
    fn token_end(&self, i: usize) -> usize {
        let j = self.skip_blanks(i);
        if self.at(j) == b'#' && j > i {
            self.line_end(j)
        } else {
            j
        }
    }

    /// `[a, "b"]` or `{k: v, "k": ['v']}` on one line, of plain and quoted
    /// scalars and nested flow collections: the node and the position after
    /// its closing bracket.
    fn flow(&mut self, p: usize) -> R<(NodeId, usize)> {
        self.enter()?;
        let is_map = self.at(p) == b'{';
        let close = if is_map { b'}' } else { b']' };
        let id = self.push(Node {
            span: self.span(p, p),
            kind: NodeKind::Seq(Box::default(), true),
        })?;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        let mut i = self.skip_blanks(p + 1);
        if self.at(i) != close {
            loop {
                if is_map {
                    let (key, after) = self.flow_scalar(i, close, true)?;
                    if self.at(after) != b':' || self.at(after + 1) != b' ' {
                        return Err(Bail);
                    }
                    let (value, after) =
                        self.flow_scalar(self.skip_blanks(after + 1), close, false)?;
                    entries.push((key, value));
                    i = after;
                } else {
                    let (item, after) = self.flow_scalar(i, close, false)?;
                    items.push(item);
                    i = after;
                }
                match self.at(i) {
                    b',' => {
                        i = self.skip_blanks(i + 1);
                        if matches!(self.at(i), b']' | b'}' | b',') {
                            return Err(Bail);
                        }
                    }
                    c if c == close => break,
                    _ => return Err(Bail),
                }
            }
        }
        let end = self.token_end(i + 1);
        let kind = if is_map {
            NodeKind::Map(entries.into(), true)
        } else {
            NodeKind::Seq(items.into(), true)
        };
        self.close(id, None, kind);
        self.nodes[id as usize].span.end = (self.base + self.char_index(end)) as u32;
        self.depth -= 1;
        Ok((id, i + 1))
    }

    /// A plain or quoted scalar inside a flow collection: the node and where
    /// the next indicator (`,`, `:`, closing bracket) sits.
    fn flow_scalar(&mut self, i: usize, close: u8, key: bool) -> R<(NodeId, usize)> {
        match self.at(i) {
            q @ (b'"' | b'\'') => {
                let (text, after) = self.quoted(i, q, None)?;
                let style = quote_style(q);
                let id = self.scalar(i, after, text, style)?;
                // A quoted key is followed by its `:` at once.
                let next = if key { after } else { self.skip_blanks(after) };
                Ok((id, next))
            }
            b'[' | b'{' if !key => {
                let (id, after) = self.flow(i)?;
                Ok((id, self.skip_blanks(after)))
            }
            _ if !self.plain_start(i) => Err(Bail),
            _ => {
                let mut j = i;
                while j < self.s.len() && self.s[j] != b'\n' {
                    match self.s[j] {
                        b',' => break,
                        b':' if key => break,
                        c if c == close => break,
                        b'[' | b']' | b'{' | b'}' | b'#' | b':' | b'"' | b'\'' => {
                            return Err(Bail);
                        }
                        _ => j += 1,
                    }
                }
                let mut stop = j;
                while stop > i && self.s[stop - 1] == b' ' {
                    stop -= 1;
                }
                if key && stop != j {
                    return Err(Bail);
                }
                let text = std::str::from_utf8(&self.s[i..stop]).map_err(|_| Bail)?;
                Ok((
                    self.scalar(i, stop, text.to_string(), ScalarStyle::Plain)?,
                    j,
                ))
            }
        }
    }

    /// The lines that continue a plain scalar (more indented than `parent`),
    /// folded into `text` as YAML folds them; returns where the scalar ends.
    fn plain_continuation(
        &mut self,
        parent: usize,
        mut stop: usize,
        text: &mut String,
    ) -> R<usize> {
        let mut blank_lines = 0;
        let mut line = self.pos;
        while line < self.s.len() {
            let e = self.line_end(line);
            let nb = self.skip_blanks(line);
            if nb == e {
                blank_lines += 1;
                line = e + 1;
                continue;
            }
            if nb - line <= parent {
                break;
            }
            // A continuation line may start with an indicator (`-`, `[`,
            // `*`, a quote, ...): only the first line may not (YAML's
            // ns-plain-char). A comment or a `: ` is not a continuation for
            // certain: the general reader decides.
            if self.s[nb] == b'#' {
                return Err(Bail);
            }
            let mut j = nb;
            while j < e {
                match self.s[j] {
                    b':' if matches!(self.at(j + 1), b' ' | b'\n') => return Err(Bail),
                    b'#' if self.s[j - 1] == b' ' => return Err(Bail),
                    _ => j += 1,
                }
            }
            let mut last = e;
            while self.s[last - 1] == b' ' {
                last -= 1;
            }
            if blank_lines == 0 {
                text.push(' ');
            }
            for _ in 0..blank_lines {
                text.push('\n');
            }
            blank_lines = 0;
            text.push_str(std::str::from_utf8(&self.s[nb..last]).map_err(|_| Bail)?);
            stop = last;
            line = e + 1;
            self.pos = line;
        }
        Ok(stop)
    }

    /// `|`, `|-`, `>`, `>-` with content lines more indented than `parent`.
    /// Keep chomping, indentation indicators, comments on the header, leading
    /// blank lines and folded text that is not a plain run of lines give up.
    fn block_scalar(&mut self, p: usize, parent: usize) -> R<NodeId> {
        let literal = self.at(p) == b'|';
        let mut h = p + 1;
        let strip = self.at(h) == b'-';
        if strip {
            h += 1;
        }
        let end = self.line_end(p);
        if self.skip_blanks(h) != end {
            return Err(Bail);
        }
        // The first content line sets the indentation.
        let first = end + 1;
        if first >= self.s.len() {
            return Err(Bail);
        }
        let indent = self.skip_blanks(first) - first;
        if indent <= parent || self.at(first + indent) == b'\n' {
            return Err(Bail);
        }
        let mut text = String::new();
        let mut line = first;
        let mut stop = self.s.len();
        let mut blank_run = false;
        while line < self.s.len() {
            let e = self.line_end(line);
            let nb = self.skip_blanks(line);
            if nb == e {
                // A blank line: more blanks than the indentation would be content.
                if nb - line > indent {
                    return Err(Bail);
                }
                text.push('\n');
                blank_run = true;
            } else if nb - line < indent {
                stop = nb;
                break;
            } else {
                // A last line with no line break ends the value with none
                // (libyaml): the general reader handles that.
                if e >= self.s.len() {
                    return Err(Bail);
                }
                if !literal {
                    // Folding: one run of lines at exactly the indentation.
                    if blank_run || nb - line != indent {
                        return Err(Bail);
                    }
                    if line != first {
                        text.pop();
                        text.push(' ');
                    }
                }
                text.push_str(std::str::from_utf8(&self.s[line + indent..e]).map_err(|_| Bail)?);
                text.push('\n');
            }
            line = e + 1;
        }
        // Clip keeps one final line break, strip none.
        while text.ends_with('\n') {
            text.pop();
        }
        if !strip {
            text.push('\n');
        }
        self.pos = line.min(self.s.len());
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let id = self.scalar(first + indent, stop, text, style)?;
        match self.next_content()? {
            Some((_, ind)) if ind > parent => Err(Bail),
            _ => Ok(id),
        }
    }
}

struct KeyAt {
    text: String,
    style: ScalarStyle,
    end: usize,
    colon: usize,
}
