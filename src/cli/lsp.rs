//! `kubeharden lsp`: the native host of the language server
//! (`kubeharden::lsp::Server`) on standard input and output.
//!
//! Framing is written here rather than taken from `lsp-server`: its reader
//! ends the connection on a body that is not JSON, and the server must answer
//! such a message with a JSON-RPC parse error and keep going. A reader thread
//! frames messages; the main thread feeds the server, and flushes it once the
//! client has been quiet for `DEBOUNCE_MS` (so a burst of keystrokes costs one
//! check).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kubeharden::lsp::{DEBOUNCE_MS, Server, is_yaml, uri};

use super::inputs::{self, Content};

enum Frame {
    Message(String),
    /// A frame that cannot be read (bad header, body not UTF-8).
    Bad(String),
}

/// Reads one frame; `None` at the end of input.
fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue;
        }
        match l.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length {:?}", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("bad header line {l:?}")),
        }
    }
    let Some(length) = length else {
        return Ok(Some(Frame::Bad(
            bad_header.unwrap_or_else(|| "no Content-Length".into()),
        )));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(match String::from_utf8(body) {
        Ok(s) => Frame::Message(s),
        Err(_) => Frame::Bad("message body is not UTF-8".into()),
    }))
}

fn write(out: &mut impl Write, messages: Vec<String>) -> std::io::Result<()> {
    for m in messages {
        write!(out, "Content-Length: {}\r\n\r\n{m}", m.len())?;
    }
    out.flush()
}

/// Gives the server every YAML file under its workspace folders, read with
/// the CLI's walker (`.gitignore` honoured, symbolic-link loops skipped).
fn load_workspace(server: &mut Server) {
    let roots: Vec<PathBuf> = server
        .roots()
        .iter()
        .filter_map(|r| uri::to_path(r))
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .collect();
    for root in roots {
        // An unreadable folder leaves the workspace to the open documents.
        let Ok(read) = inputs::read(vec![root]) else {
            continue;
        };
        for input in read.inputs {
            if let (true, Content::Text(text)) = (is_yaml(&input.name), input.content) {
                let path = std::fs::canonicalize(&input.name)
                    .map_or(input.name, |p| p.display().to_string());
                server.set_disk_file(&uri::from_path(&path), Some(text));
            }
        }
    }
}

pub fn run() -> ExitCode {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        loop {
            match read_frame(&mut input) {
                Ok(Some(frame)) => {
                    if tx.send(frame).is_err() {
                        return;
                    }
                }
                // End of input or a broken pipe: the client is gone.
                Ok(None) | Err(_) => return,
            }
        }
    });
    let mut server = Server::new();
    let mut out = std::io::stdout().lock();
    let debounce = Duration::from_millis(DEBOUNCE_MS.into());
    let mut last = Instant::now();
    let mut loaded = false;
    loop {
        // Exceptions' `until` against today's date (UTC), checked each message.
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        server.set_today((secs / 86_400) as i64);
        let frame = if server.has_pending() {
            match rx.recv_timeout(debounce.saturating_sub(last.elapsed())) {
                Ok(f) => Some(f),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return ExitCode::from(1),
            }
        } else {
            match rx.recv() {
                Ok(f) => Some(f),
                Err(_) => return ExitCode::from(1),
            }
        };
        let messages = match frame {
            None => server.flush(),
            Some(Frame::Message(m)) => {
                last = Instant::now();
                let messages = server.handle(&m);
                if !loaded && !server.roots().is_empty() {
                    loaded = true;
                    load_workspace(&mut server);
                }
                for key in server.take_reads() {
                    let text = uri::to_path(&key).and_then(|p| std::fs::read_to_string(p).ok());
                    server.set_disk_file(&key, text);
                }
                if let Some(code) = server.exit_code() {
                    let _ = write(&mut out, messages);
                    return ExitCode::from(code as u8);
                }
                messages
            }
            Some(Frame::Bad(why)) => vec![
                serde_json::json!({"jsonrpc": "2.0", "id": null,
                    "error": {"code": -32700, "message": format!("parse error: {why}")}})
                .to_string(),
            ],
        };
        if write(&mut out, messages).is_err() {
            return ExitCode::from(1);
        }
    }
}
