//! Language server benchmarks (`make bench`), on the server state machine
//! itself (what `kubeharden lsp` runs between reading a message and writing
//! the replies; framing is a few microseconds, and the host's 30 ms debounce
//! is a wait, not work, so neither is counted):
//! - a keystroke (one incremental didChange) in a 1,000-line manifest to the
//!   published diagnostics;
//! - `../shared/corpus/real` as the workspace: `initialized` to the first
//!   diagnostics of every file.

use std::hint::black_box;
use std::time::{Duration, Instant};

use kubeharden::lsp::Server;
use serde_json::json;

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// About 1,000 lines: the 150-line Deployment seven times, one name each.
fn manifest_1000() -> String {
    let one = include_str!("data/deployment-150.yaml");
    (0..7)
        .map(|i| one.replacen("name: web-frontend", &format!("name: web-frontend-{i}"), 1))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn start(server: &mut Server) {
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"capabilities": {}, "rootUri": "file:///bench"}});
    black_box(server.handle(&init.to_string()));
    black_box(server.handle(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#));
}

fn report(name: &str, lines: usize, mut times: Vec<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    let p90 = times[times.len() * 9 / 10];
    println!(
        "| {name} | {lines} lines | {} runs | median {:.2} ms | p90 {:.2} ms |",
        times.len(),
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3
    );
}

fn keystroke(runs: usize) {
    let text = manifest_1000();
    let lines = text.lines().count();
    let mut server = Server::new();
    start(&mut server);
    let uri = "file:///bench/app.yaml";
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}});
    black_box(server.handle(&open.to_string()));
    black_box(server.flush());
    // Type a character into a value on line 500, then delete it: the
    // findings stay the same size, and each keystroke is checked.
    let line = text.lines().take(500).count() as u32 - 1;
    let mut times = Vec::new();
    for version in 2..(2 + runs as i32) {
        let (range, new_text) = if version % 2 == 0 {
            (
                json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}),
                "#",
            )
        } else {
            (
                json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}}),
                "",
            )
        };
        let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": range, "text": new_text}]}})
        .to_string();
        let t = Instant::now();
        black_box(server.handle(&change));
        let published = server.flush();
        times.push(t.elapsed());
        assert!(
            published.is_empty() || published[0].contains("publishDiagnostics"),
            "unexpected output"
        );
    }
    report("keystroke → diagnostics (1 file)", lines, times);
}

fn corpus(runs: usize) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    let root = if root.is_dir() {
        root
    } else {
        std::path::PathBuf::from("/work/shared/corpus/real")
    };
    if !root.is_dir() {
        println!("corpus benchmark skipped: ../shared/corpus/real is absent");
        return;
    }
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if kubeharden::lsp::is_yaml(&p.to_string_lossy())
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                files.push((kubeharden::lsp::uri::from_path(&p.to_string_lossy()), text));
            }
        }
    }
    let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
    let mut times = Vec::new();
    let mut published = 0;
    for _ in 0..runs {
        let mut server = Server::new();
        let t = Instant::now();
        start(&mut server);
        for (uri, text) in &files {
            server.set_disk_file(uri, Some(text.clone()));
        }
        published = black_box(server.flush()).len();
        times.push(t.elapsed());
    }
    println!(
        "corpus: {} YAML files, {published} with diagnostics",
        files.len()
    );
    report("workspace → first diagnostics (corpus)", lines, times);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        keystroke(2);
        println!("benchmark smoke run; measure with `cargo bench --bench lsp`");
        return;
    }
    keystroke(200);
    corpus(10);
}
