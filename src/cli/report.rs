//! `kubeharden check`'s three outputs, written file by file as each file's
//! report is ready: memory holds one file's diagnostics, not the run's.
//! JSON and SARIF are the bytes `serde_json::to_string_pretty` gives for the
//! whole report (tests/sarif.rs holds them to it).

use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{
    self,
    termcolor::{BufferedStandardStream, ColorChoice},
};
use kubeharden::render::json::{FileReport, JsonReport};
use kubeharden::render::{ITEMS, PrettyArrayStream, sarif};
use kubeharden::source::SourceMap;
use kubeharden::{Diagnostic, Severity};

use super::Format;

pub enum Writer {
    Text {
        /// Buffered: a large repository's report is a million lines, and
        /// line-buffered stdout made one write call per line (seconds of
        /// system time). A terminal still sees each file as it is done.
        out: BufferedStandardStream,
        tty: bool,
        findings: usize,
        files: usize,
        /// Suppressed findings are counted, and drawn only when asked.
        suppressed: usize,
        show_suppressed: bool,
    },
    Json(PrettyArrayStream<BufWriter<StdoutLock<'static>>>),
    Sarif(PrettyArrayStream<BufWriter<StdoutLock<'static>>>),
}

fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 16, io::stdout().lock())
}

impl Writer {
    pub fn new(format: Format, show_suppressed: bool) -> Writer {
        match format {
            Format::Text => Writer::Text {
                out: BufferedStandardStream::stdout(if io::stdout().is_terminal() {
                    ColorChoice::Auto
                } else {
                    ColorChoice::Never
                }),
                tty: io::stdout().is_terminal(),
                findings: 0,
                files: 0,
                suppressed: 0,
                show_suppressed,
            },
            Format::Json => Writer::Json(PrettyArrayStream::new(
                &JsonReport {
                    version: kubeharden::VERSION,
                    files: [ITEMS],
                },
                stdout(),
            )),
            Format::Sarif => Writer::Sarif(PrettyArrayStream::new(&sarif::log([ITEMS]), stdout())),
        }
    }

    /// One file's diagnostics; `text` is what was checked (empty when the
    /// file was refused before checking).
    pub fn file(&mut self, path: &str, text: &str, diagnostics: &[Diagnostic]) -> io::Result<()> {
        match self {
            Writer::Text {
                out,
                tty,
                findings,
                files,
                suppressed,
                show_suppressed,
            } => {
                *files += 1;
                let hidden = diagnostics
                    .iter()
                    .filter(|d| d.suppression.is_some())
                    .count();
                *suppressed += hidden;
                *findings += diagnostics.len() - hidden;
                if hidden > 0 && !*show_suppressed {
                    let shown: Vec<Diagnostic> = diagnostics
                        .iter()
                        .filter(|d| d.suppression.is_none())
                        .cloned()
                        .collect();
                    write_text(out, path, text, &shown)?;
                } else {
                    write_text(out, path, text, diagnostics)?;
                }
                if *tty {
                    out.flush()?;
                }
                Ok(())
            }
            Writer::Json(stream) => stream.item(&FileReport { path, diagnostics }),
            Writer::Sarif(stream) => {
                for d in diagnostics {
                    stream.item(&sarif::result(path, d))?;
                }
                Ok(())
            }
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self {
            Writer::Text {
                mut out,
                tty: _,
                findings,
                files,
                suppressed,
                show_suppressed,
            } => {
                write!(out, "{findings} finding(s) in {files} file(s)")?;
                if suppressed > 0 {
                    write!(out, "; {suppressed} suppressed")?;
                    if !show_suppressed {
                        write!(out, " (--show-suppressed shows them)")?;
                    }
                }
                writeln!(out)?;
                out.flush()?;
            }
            Writer::Json(stream) | Writer::Sarif(stream) => {
                let mut out = stream.finish()?;
                out.write_all(b"\n")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

fn write_text(
    out: &mut BufferedStandardStream,
    path: &str,
    text: &str,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file = SimpleFile::new(path, text);
    let map = SourceMap::new(text);
    let config = term::Config::default();
    for d in diagnostics {
        let start = byte_of(&map, d.range.start.line, d.range.start.character);
        let end = byte_of(&map, d.range.end.line, d.range.end.character).max(start);
        let severity = match d.severity {
            Severity::Critical | Severity::High => CsSeverity::Error,
            Severity::Medium => CsSeverity::Warning,
            Severity::Low => CsSeverity::Note,
            Severity::Info => CsSeverity::Help,
        };
        let mut notes = vec![format!("help: {}", d.help)];
        if let Some(s) = &d.suppression {
            notes.push(suppressed_note(s));
        }
        let diag = CsDiagnostic::new(severity)
            .with_message(format!("{}: {}", d.severity.as_str(), d.message))
            .with_code(d.rule.clone())
            .with_labels(vec![Label::primary((), start..end)])
            .with_notes(notes);
        // Only a failed write stops the report; a range codespan cannot
        // draw still leaves the other diagnostics.
        if let Err(codespan_reporting::files::Error::Io(e)) =
            term::emit_to_write_style(out, &config, &file, &diag)
        {
            return Err(e);
        }
    }
    Ok(())
}

/// `suppressed (annotation) at falco.yaml:7: Falco reads kernel events (until 2027-01-31)`
fn suppressed_note(s: &kubeharden::exceptions::Suppression) -> String {
    use kubeharden::exceptions::SuppressionKind as K;
    let kind = match s.kind {
        K::Annotation => "annotation",
        K::Comment => "comment",
        K::Config => "config",
        K::Baseline => "baseline",
    };
    let at = if s.kind == K::Baseline {
        s.location.file.clone()
    } else {
        format!("{}:{}", s.location.file, s.location.range.start.line + 1)
    };
    let until = s
        .until
        .as_deref()
        .map(|u| format!(" (until {u})"))
        .unwrap_or_default();
    format!("suppressed ({kind}) at {at}: {}{until}", s.reason)
}

/// Byte offset of an LSP position (line, UTF-16 column) in the text.
fn byte_of(map: &SourceMap, line: u32, character: u32) -> usize {
    let line_text = map.line_text(line as usize);
    let line_start = map.byte_offset(map.line_start(line as usize));
    let mut units = 0u32;
    for (i, ch) in line_text.char_indices() {
        if units >= character {
            return line_start + i;
        }
        units += ch.len_utf16() as u32;
    }
    line_start + line_text.len()
}
