//! Editing a document's text the way LSP clients describe edits: ranges in
//! 0-based lines and UTF-16 columns.

use lsp_types::Position;

/// Byte offset of an LSP position, clamped as the specification asks: a
/// column past the end of its line means the line's end, a line past the end
/// of the text means the text's end. A column inside a surrogate pair rounds
/// down to the character's start.
pub fn byte_offset(text: &str, position: Position) -> usize {
    let Some((line_start, line)) = crate::source::lines(text).nth(position.line as usize) else {
        return text.len();
    };
    let mut units = 0u32;
    for (i, ch) in line.char_indices() {
        let next = units + ch.len_utf16() as u32;
        if next > position.character {
            return line_start + i;
        }
        units = next;
    }
    line_start + line.len()
}

/// Applies one content change: a ranged replacement, or the whole text when
/// the change has no range.
pub fn apply_change(text: &mut String, change: &lsp_types::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text.clone(),
        Some(range) => {
            let start = byte_offset(text, range.start);
            let end = byte_offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

/// The LSP position of the end of a text (for whole-document edits).
pub fn end_position(text: &str) -> Position {
    let (line, (_, last)) = crate::source::lines(text)
        .enumerate()
        .last()
        .unwrap_or((0, (0, "")));
    Position {
        line: line as u32,
        character: last.encode_utf16().count() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Range, TextDocumentContentChangeEvent};

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn offsets_count_utf16_units_and_clamp() {
        let text = "a: é😀x\r\nb: 1\n";
        assert_eq!(byte_offset(text, pos(0, 6)), "a: é😀".len());
        assert_eq!(byte_offset(text, pos(0, 5)), "a: é".len(), "inside a pair");
        assert_eq!(byte_offset(text, pos(0, 99)), "a: é😀x".len(), "before \\r");
        assert_eq!(byte_offset(text, pos(1, 1)), "a: é😀x\r\nb".len());
        assert_eq!(byte_offset(text, pos(2, 0)), text.len());
        assert_eq!(byte_offset(text, pos(7, 3)), text.len());
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a\rbc\r\nd";
        assert_eq!(byte_offset(text, pos(1, 1)), 3);
        assert_eq!(byte_offset(text, pos(1, 9)), 4, "before \\r\\n");
        assert_eq!(byte_offset(text, pos(2, 1)), text.len());
        assert_eq!(end_position(text), pos(2, 1));
        assert_eq!(end_position("a\r"), pos(1, 0));
        assert_eq!(end_position(""), pos(0, 0));
    }

    #[test]
    fn ranged_changes_replace_and_insert() {
        let mut text = String::from("name: 😀web\nimage: x\n");
        let change = |sl, sc, el, ec, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(pos(sl, sc), pos(el, ec))),
            range_length: None,
            text: t.into(),
        };
        apply_change(&mut text, &change(0, 8, 0, 11, "api"));
        assert_eq!(text, "name: 😀api\nimage: x\n");
        apply_change(&mut text, &change(1, 7, 1, 7, "ü"));
        assert_eq!(text, "name: 😀api\nimage: üx\n");
        apply_change(&mut text, &change(0, 11, 1, 0, ""));
        assert_eq!(text, "name: 😀apiimage: üx\n");
        assert_eq!(end_position(&text), pos(1, 0));
        assert_eq!(end_position("a\nbé😀"), pos(1, 4));
    }
}
