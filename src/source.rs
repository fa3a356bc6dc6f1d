//! Source text and position conversion.
//!
//! The YAML parser reports positions as character indexes; editors (LSP,
//! CodeMirror, VS Code) count UTF-16 code units, and quick fixes need byte
//! offsets. `SourceMap` converts between the three. For ASCII input (the usual
//! case) all three coincide and no table is built.

use serde::Serialize;

/// A position as LSP defines it: 0-based line, 0-based UTF-16 column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// A span in character indexes of the whole (BOM-less) source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Whether a line ends with byte `b` at `i`: LSP and YAML both break lines at
/// `\n`, `\r\n` and a `\r` alone.
fn breaks_after(bytes: &[u8], i: usize, b: u8) -> bool {
    b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

/// The lines of a text with the byte offset where each starts, without their
/// line breaks (`\n`, `\r\n` or a `\r` alone, as `SourceMap` counts them).
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut i = start;
        while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
            i += 1;
        }
        let line = (start, &text[start..i]);
        if i >= bytes.len() {
            done = true;
        } else {
            start = i + if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        Some(line)
    })
}

/// Every `CHECKPOINT` characters we remember the byte and UTF-16 offset, so a
/// conversion walks at most `CHECKPOINT - 1` characters even on megabyte lines.
const CHECKPOINT: usize = 64;

pub struct SourceMap<'a> {
    text: &'a str,
    ascii: bool,
    /// Character index at which each line starts.
    line_starts: Vec<u32>,
    /// `(byte, utf16)` offset of character `i * CHECKPOINT`.
    checkpoints: Vec<(u32, u32)>,
}

impl<'a> SourceMap<'a> {
    pub fn new(text: &'a str) -> SourceMap<'a> {
        let ascii = text.is_ascii();
        let mut line_starts = vec![0u32];
        let mut checkpoints = Vec::new();
        let bytes = text.as_bytes();
        if ascii {
            // Line breaks found with memchr (SIMD): byte by byte this was a
            // fifteenth of a corpus run.
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if breaks_after(bytes, i, bytes[i]) {
                    line_starts.push(i as u32 + 1);
                }
            }
        } else {
            // Line by line: an ASCII line (most lines of most files) moves
            // the counts by its length, its checkpoints computed; other
            // lines byte by byte (a character starts at every byte that is
            // not a continuation byte; one of four bytes is two UTF-16
            // units), several times faster than decoding each character.
            let mut ci = 0u32;
            let mut utf16 = 0u32;
            let mut start = 0usize;
            while start < bytes.len() {
                let end = memchr::memchr2(b'\n', b'\r', &bytes[start..])
                    .map_or(bytes.len(), |i| start + i + 1);
                let line = &bytes[start..end];
                if line.is_ascii() {
                    let len = line.len() as u32;
                    let mut next = ci.next_multiple_of(CHECKPOINT as u32);
                    while next < ci + len {
                        let skip = next - ci;
                        checkpoints.push((start as u32 + skip, utf16 + skip));
                        next += CHECKPOINT as u32;
                    }
                    ci += len;
                    utf16 += len;
                    if breaks_after(bytes, end - 1, bytes[end - 1]) {
                        line_starts.push(ci);
                    }
                } else {
                    for (bi, &b) in line.iter().enumerate() {
                        if b & 0xc0 == 0x80 {
                            continue;
                        }
                        if (ci as usize).is_multiple_of(CHECKPOINT) {
                            checkpoints.push(((start + bi) as u32, utf16));
                        }
                        utf16 += if b >= 0xf0 { 2 } else { 1 };
                        ci += 1;
                        if breaks_after(bytes, start + bi, b) {
                            line_starts.push(ci);
                        }
                    }
                }
                start = end;
            }
        }
        SourceMap {
            text,
            ascii,
            line_starts,
            checkpoints,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// (byte offset, UTF-16 offset) of a character index.
    fn offsets(&self, char_index: u32) -> (usize, usize) {
        let ci = char_index as usize;
        if self.ascii {
            let c = ci.min(self.text.len());
            return (c, c);
        }
        let slot = (ci / CHECKPOINT).min(self.checkpoints.len().saturating_sub(1));
        let Some(&(byte, utf16)) = self.checkpoints.get(slot) else {
            return (0, 0);
        };
        let mut byte = byte as usize;
        let mut utf16 = utf16 as usize;
        for ch in self.text[byte..].chars().take(ci - slot * CHECKPOINT) {
            byte += ch.len_utf8();
            utf16 += ch.len_utf16();
        }
        (byte, utf16)
    }

    pub fn byte_offset(&self, char_index: u32) -> usize {
        self.offsets(char_index).0
    }

    /// 0-based index of the line holding a character (`Position::line`);
    /// `Context::line_number` gives the 1-based number messages show.
    pub fn line_index(&self, char_index: u32) -> usize {
        match self.line_starts.binary_search(&char_index) {
            Ok(l) => l,
            Err(l) => l - 1,
        }
    }

    pub fn position(&self, char_index: u32) -> Position {
        // Between the `\r` and the `\n` of a line break is no LSP position:
        // the line's end stands for it.
        let byte = self.byte_offset(char_index);
        let bytes = self.text.as_bytes();
        let char_index = if byte > 0 && bytes[byte - 1] == b'\r' && bytes.get(byte) == Some(&b'\n')
        {
            char_index - 1
        } else {
            char_index
        };
        let line = self.line_index(char_index);
        let start = self.line_starts[line];
        let character = if self.ascii {
            char_index - start
        } else {
            (self.offsets(char_index).1 - self.offsets(start).1) as u32
        };
        Position {
            line: line as u32,
            character,
        }
    }

    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// Character index of the start of a 0-based line.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or_else(|| self.char_len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn char_len(&self) -> u32 {
        if self.ascii {
            self.text.len() as u32
        } else {
            // Last checkpoint plus the rest.
            let (b, _) = *self.checkpoints.last().unwrap_or(&(0, 0));
            ((self.checkpoints.len().saturating_sub(1)) * CHECKPOINT
                + self.text[b as usize..].chars().count()) as u32
        }
    }

    /// Character index of a byte offset (slow path only for non-ASCII text).
    pub fn char_index_of_byte(&self, byte: usize) -> u32 {
        if self.ascii {
            return byte as u32;
        }
        let slot = self
            .checkpoints
            .partition_point(|&(b, _)| (b as usize) <= byte)
            .saturating_sub(1);
        let (b, _) = self.checkpoints.get(slot).copied().unwrap_or((0, 0));
        (slot * CHECKPOINT + self.text[b as usize..byte].chars().count()) as u32
    }

    /// Byte offset of an LSP position (0-based line, UTF-16 column). `None`
    /// when the line does not exist, the column is past the end of the line
    /// (its line break excluded) or falls inside a surrogate pair.
    pub fn byte_of_position(&self, position: Position) -> Option<usize> {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return None;
        }
        let start = self.byte_offset(self.line_starts[line]);
        let want = position.character as usize;
        let mut units = 0usize;
        for (i, ch) in self.line_text(line).char_indices() {
            if units == want {
                return Some(start + i);
            }
            if units > want {
                return None;
            }
            units += ch.len_utf16();
        }
        (units == want).then(|| start + self.line_text(line).len())
    }

    /// The text of a 0-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.byte_offset(self.line_start(line));
        let end = if line + 1 < self.line_starts.len() {
            self.byte_offset(self.line_starts[line + 1])
        } else {
            self.text.len()
        };
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character's position, by decoding the text one character at a
    /// time: what the line-at-a-time `SourceMap::new` must agree with.
    fn naive_positions(text: &str) -> Vec<(usize, Position)> {
        let mut out = Vec::new();
        let (mut line, mut col) = (0u32, 0u32);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for (i, &(byte, c)) in chars.iter().enumerate() {
            out.push((
                byte,
                Position {
                    line,
                    character: col,
                },
            ));
            let next = chars.get(i + 1).map(|&(_, n)| n);
            if c == '\n' || (c == '\r' && next != Some('\n')) {
                line += 1;
                col = 0;
            } else if c != '\r' {
                col += c.len_utf16() as u32;
            }
        }
        out
    }

    #[test]
    fn line_at_a_time_map_agrees_with_decoding_each_character() {
        let long_ascii = "k: ".to_string() + &"x".repeat(150);
        let long_mixed = "é".repeat(70) + &"y".repeat(61) + "😀" + &"z".repeat(130);
        let texts = [
            "a: 1\nb: 2\n".to_string(),
            format!("{long_ascii}\r\n{long_mixed}\rq: é\n\n{long_ascii}"),
            format!("é\r\n\r\n{long_mixed}\n{long_ascii}\n😀"),
            format!("{long_mixed}{long_ascii}\r"),
            "😀".repeat(200) + "\n" + &"a".repeat(64) + "é",
        ];
        for text in &texts {
            let map = SourceMap::new(text);
            for (ci, (byte, position)) in naive_positions(text).into_iter().enumerate() {
                let ci = ci as u32;
                if text.as_bytes()[byte] == b'\n' && byte > 0 && text.as_bytes()[byte - 1] == b'\r'
                {
                    continue; // inside `\r\n`: clamps to the line's end
                }
                assert_eq!(map.byte_offset(ci), byte, "byte of char {ci} in {text:?}");
                assert_eq!(map.position(ci), position, "char {ci} in {text:?}");
            }
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a: é😀x\nb: 1\n";
        let map = SourceMap::new(text);
        // 'x' is char 5 on line 0: a, :, space, é, 😀 -> utf16 column 3 + 1 + 2 = 6
        assert_eq!(
            map.position(5),
            Position {
                line: 0,
                character: 6
            }
        );
        assert_eq!(
            map.position(7),
            Position {
                line: 1,
                character: 0
            }
        );
        assert_eq!(map.byte_offset(5), "a: é😀".len());
        assert_eq!(map.char_index_of_byte("a: é😀".len()), 5);
        assert_eq!(map.line_text(0), "a: é😀x");
        let at = |line, character| map.byte_of_position(Position { line, character });
        assert_eq!(at(0, 6), Some("a: é😀".len()));
        assert_eq!(at(0, 5), None, "inside the surrogate pair");
        assert_eq!(at(0, 7), Some("a: é😀x".len()));
        assert_eq!(at(0, 8), None, "past the end of the line");
        assert_eq!(at(1, 4), Some(text.len() - 1));
        assert_eq!(at(2, 0), Some(text.len()));
        assert_eq!(at(3, 0), None);
    }

    /// LSP clients and YAML break lines at `\r\n`, `\n` and a lone `\r`
    /// (found by the language server's fuzz target: `%\r`).
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        for text in ["%\r", "a: 1\rb: é\r\nc: 2\n"] {
            let map = SourceMap::new(text);
            let lines: Vec<(usize, &str)> = lines(text).collect();
            assert_eq!(map.line_count(), lines.len(), "{text:?}");
            for (n, &(start, line)) in lines.iter().enumerate() {
                assert_eq!(map.line_text(n), line, "{text:?}");
                assert_eq!(map.byte_offset(map.line_start(n)), start, "{text:?}");
            }
        }
        // A span that ends inside `\r\n` ends at the line's end.
        let map = SourceMap::new("%\r\n%");
        assert_eq!(
            map.position(2),
            Position {
                line: 0,
                character: 1
            }
        );
        assert_eq!(
            map.position(3),
            Position {
                line: 1,
                character: 0
            }
        );
        let map = SourceMap::new("é\r\n%");
        assert_eq!(
            map.position(2),
            Position {
                line: 0,
                character: 1
            }
        );
        let map = SourceMap::new("%\r");
        assert_eq!(
            map.position(2),
            Position {
                line: 1,
                character: 0
            }
        );
        let at = |line, character| map.byte_of_position(Position { line, character });
        assert_eq!(at(0, 1), Some(1));
        assert_eq!(at(0, 2), None, "inside the line break");
        let text = "a: 1\rb: é\r\nc: 2\n";
        let lines: Vec<&str> = lines(text).map(|(_, l)| l).collect();
        assert_eq!(lines, ["a: 1", "b: é", "c: 2", ""]);
        let map = SourceMap::new(text);
        assert_eq!(
            map.position(5),
            Position {
                line: 1,
                character: 0
            }
        );
        assert_eq!(
            map.position(11),
            Position {
                line: 2,
                character: 0
            }
        );
    }

    #[test]
    fn long_non_ascii_lines_use_checkpoints() {
        let text = "é".repeat(1000) + "\nz";
        let map = SourceMap::new(&text);
        assert_eq!(
            map.position(999),
            Position {
                line: 0,
                character: 999
            }
        );
        assert_eq!(
            map.position(1001),
            Position {
                line: 1,
                character: 0
            }
        );
        assert_eq!(map.char_len(), 1002);
    }
}
