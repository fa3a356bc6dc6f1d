//! What the CLI reads: files, directories and standard input, each read only
//! up to the engine's size limit, so no input (a 5 GB file, `/dev/zero`)
//! costs more memory than the limit or keeps the run from ending.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use kubeharden::Diagnostic;
use kubeharden::check::{MAX_INPUT_BYTES, input_diagnostic};
use kubeharden::rules::input;
use kubeharden::source::{SourceMap, Span};

/// One input as the run names it (a path, or `-` for standard input).
pub struct Input {
    pub name: String,
    pub content: Content,
}

pub enum Content {
    /// UTF-8 text within the limit: checked as part of the bundle.
    Text(String),
    /// Not checked; this diagnostic says why, at its position.
    Refused(Box<Diagnostic>),
}

impl Input {
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text(t) => Some(t),
            Content::Refused(_) => None,
        }
    }
}

pub struct Inputs {
    pub inputs: Vec<Input>,
    /// What the walk left out and why (printed on standard error).
    pub notes: Vec<String>,
}

fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|x| x.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Reads every input before anything is checked or written, so an
/// unreadable path changes nothing. Directories are walked in name order,
/// honouring `.gitignore` (and `.ignore`) files; each file is read once
/// however many paths or symbolic links lead to it, a symbolic-link loop is
/// noted once and not followed, and special files (FIFOs, sockets, devices)
/// met in a walk are skipped with a note.
pub fn read(paths: Vec<PathBuf>) -> Result<Inputs, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths
    };
    let mut out = Inputs {
        inputs: Vec::new(),
        notes: Vec::new(),
    };
    // First what to read, in order (the walk is cheap), then the reading
    // itself on every core: a large repository's files are read while
    // others are validated as UTF-8.
    let mut pending = Vec::new();
    let mut seen = HashSet::new();
    for p in &paths {
        if p.as_os_str() == "-" {
            pending.push(Pending::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if !meta.is_dir() {
            // Named on the command line: read whatever it is (a FIFO from
            // `<(helm template ...)` is a common one), bounded.
            if first_visit(&mut seen, p) {
                pending.push(Pending::File(p.clone()));
            }
            continue;
        }
        walk(p, &mut seen, &mut pending, &mut out.notes)?;
    }
    out.inputs = kubeharden::par::map(&pending, true, |p| match p {
        Pending::Stdin => Ok(Input {
            name: "-".into(),
            content: read_bounded(std::io::stdin().lock(), None)
                .map_err(|e| format!("cannot read standard input: {e}"))?,
        }),
        Pending::File(path) => read_file(path),
    })
    .into_iter()
    // The first problem in the walk's order, whichever thread met it.
    .collect::<Result<_, _>>()?;
    Ok(out)
}

/// An input still to be read.
enum Pending {
    Stdin,
    File(PathBuf),
}

fn walk(
    root: &Path,
    seen: &mut HashSet<FileKey>,
    pending: &mut Vec<Pending>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .filter_entry(|e| e.file_name() != ".git")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if let Some(note) = loop_note(&e) {
                    notes.push(note);
                    continue;
                }
                return Err(e.to_string());
            }
        };
        let path = entry.path();
        let Some(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() || !is_manifest_name(path) {
            continue;
        }
        if !kind.is_file() {
            notes.push(format!(
                "{}: skipped: not a regular file (a FIFO, socket or device)",
                path.display()
            ));
            continue;
        }
        if first_visit(seen, path) {
            pending.push(Pending::File(entry.into_path()));
        }
    }
    Ok(())
}

/// The note for a symbolic-link loop, if that is what the walk met.
fn loop_note(e: &ignore::Error) -> Option<String> {
    match e {
        ignore::Error::Loop { ancestor, child } => Some(format!(
            "{}: skipped: a symbolic link back to {} (a loop)",
            child.display(),
            ancestor.display()
        )),
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            loop_note(err)
        }
        _ => None,
    }
}

/// What makes two paths the same file.
#[derive(PartialEq, Eq, Hash)]
enum FileKey {
    /// Device and inode: one `stat`, where a canonical path costs a
    /// `readlink` per component (25,000 calls for a 5,000-file tree).
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

/// Whether this file has not been read yet (the same file reached through
/// a link or named twice is read once).
fn first_visit(seen: &mut HashSet<FileKey>, path: &Path) -> bool {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return seen.insert(FileKey::Inode(meta.dev(), meta.ino()));
    }
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    seen.insert(FileKey::Path(key))
}

fn read_file(path: &Path) -> Result<Input, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // The size, when the file has one, sizes the buffer once (a FIFO says 0).
    let size = file.metadata().ok().map(|m| m.len());
    let content = read_bounded(file, size).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Input {
        name: path.display().to_string(),
        content,
    })
}

/// Reads at most one byte past the limit: enough to know the input is too
/// large without holding it.
fn read_bounded(reader: impl Read, size: Option<u64>) -> std::io::Result<Content> {
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::with_capacity(size.unwrap_or(0).min(limit) as usize);
    reader.take(limit).read_to_end(&mut bytes)?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Ok(Content::Refused(Box::new(input_diagnostic(
            &input::INPUT_LIMIT.meta,
            Default::default(),
            format!("input is larger than the limit of {MAX_INPUT_BYTES} bytes; it is not checked"),
        ))));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Content::Text(text),
        Err(e) => Content::Refused(Box::new(not_utf8(
            e.as_bytes(),
            e.utf8_error().valid_up_to(),
        ))),
    })
}

/// `yaml-syntax` at the first byte that is not UTF-8: Kubernetes reads
/// manifests as UTF-8 and refuses the rest, so the file is not checked.
fn not_utf8(bytes: &[u8], valid: usize) -> Diagnostic {
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let text = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
    let map = SourceMap::new(text);
    let at = map.char_len() as usize;
    let mut range = map.range(Span::new(at, at));
    range.end.character += 1;
    input_diagnostic(
        &input::YAML_SYNTAX.meta,
        range,
        format!(
            "not UTF-8 text: byte 0x{:02X} at line {}, column {} is not valid UTF-8; Kubernetes reads manifests as UTF-8, so this file is not checked",
            bytes[valid],
            range.start.line + 1,
            range.start.character + 1
        ),
    )
}
