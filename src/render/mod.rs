//! Renderings of diagnostics that more than one face needs.
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use serde::Serialize;

/// Stands for the streamed array's items in a document's skeleton.
pub const ITEMS: &str = "\u{1}kubeharden-items\u{1}";

/// Writes a pretty-printed JSON document whose one array (the array in the
/// skeleton holding only [`ITEMS`]) is filled one item at a time: the same
/// bytes as `serde_json::to_string_pretty` of the whole document, while only
/// one item is held. Reports of a whole repository (hundreds of thousands of
/// findings) stream this way.
pub struct PrettyArrayStream<W: Write> {
    out: W,
    /// Up to and including the array's `[` line.
    head: String,
    /// From the array's closing `]` line on.
    tail: String,
    indent: String,
    items: usize,
}

impl<W: Write> PrettyArrayStream<W> {
    pub fn new(skeleton: &impl Serialize, out: W) -> PrettyArrayStream<W> {
        let text = serde_json::to_string_pretty(skeleton).expect("the skeleton serializes");
        let marker = serde_json::to_string(ITEMS).expect("a string serializes");
        let at = text
            .find(&marker)
            .expect("the skeleton holds the items marker");
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        PrettyArrayStream {
            out,
            head: text[..line_start].to_string(),
            tail: text[line_end..].to_string(),
            indent: text[line_start..at].to_string(),
            items: 0,
        }
    }

    pub fn item(&mut self, item: &impl Serialize) -> io::Result<()> {
        if self.items == 0 {
            self.out.write_all(self.head.as_bytes())?;
        } else {
            self.out.write_all(b",\n")?;
        }
        self.items += 1;
        // JSON text holds no raw newline inside strings: each line of the
        // item's own pretty form is one line of the document.
        let text = serde_json::to_string_pretty(item).map_err(io::Error::other)?;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(self.indent.as_bytes())?;
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// Writes the rest of the document (an empty array as `[]`, as serde_json
    /// prints it) and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.items == 0 {
            let head = self.head.trim_end_matches('\n');
            let tail = self.tail.trim_start_matches(['\n', ' ']);
            self.out.write_all(head.as_bytes())?;
            self.out.write_all(tail.as_bytes())?;
        } else {
            self.out.write_all(self.tail.as_bytes())?;
        }
        Ok(self.out)
    }
}

/// The machine-readable report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Sarif,
}

impl ReportFormat {
    pub fn parse(s: &str) -> Option<ReportFormat> {
        match s {
            "json" => Some(ReportFormat::Json),
            "sarif" => Some(ReportFormat::Sarif),
            _ => None,
        }
    }
}

/// The whole report of `(path, diagnostics)` files as the CLI prints it:
/// pretty JSON and a final newline. The CLI streams the same bytes file by
/// file; the wasm API (the playground's downloads) renders them here.
pub fn report_text(format: ReportFormat, files: &[(String, &[crate::Diagnostic])]) -> String {
    let text = match format {
        ReportFormat::Json => serde_json::to_string_pretty(&json::report(files)),
        ReportFormat::Sarif => serde_json::to_string_pretty(&sarif::sarif(files)),
    };
    text.expect("reports serialize") + "\n"
}
