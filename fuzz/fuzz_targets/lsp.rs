//! The language server's state machine (`kubeharden::lsp::Server`) on
//! arbitrary sequences of JSON-RPC messages: initialize, open, ranged and
//! whole changes with any text (multi-byte included), close, watched-file
//! events, settings, hover, code actions, document and workspace pulls,
//! commands, shutdown and exit, and raw (malformed) JSON. Properties: no
//! panic; every request gets exactly one response, with its id; every
//! published range lies inside the text it was published for; after the
//! sequence the server still answers.
#![no_main]

use std::collections::HashMap;

use kubeharden::lsp::{Server, text};
use kubeharden::source::SourceMap;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use serde_json::{Value, json};

const ROOT: &str = "file:///w";
const DOCS: [&str; 5] = [
    "file:///w/a.yaml",
    "file:///w/sub/b.yaml",
    "file:///w/.kubeharden.yaml",
    "file:///w/sub/.kubeharden.yaml",
    "file:///w/%C3%A9t%C3%A9/c.yml",
];
const FIXTURES: [&str; 4] = [
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      serviceAccountName: app\n      containers:\n        - name: web\n          image: nginx:1.27\n          securityContext:\n            privileged: true\n",
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    kubeharden.dev/ignore: \"automount-service-account-token: démo\"\nautomountServiceAccountToken: true\n",
    "profile: restricted\nexclude: [\"sub/**\"]\ndisable: [image-tag]\nseverity:\n  privileged: low\nexemptions:\n  - rules: [privileged]\n    name: web\n    reason: \"node agent\"\n    until: 2020-01-01\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # kubeharden-ignore privileged: needed\nspec:\n  containers:\n  - name: a\n    image: busybox\n    securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}\n",
];

#[derive(Arbitrary, Debug)]
enum Text {
    Fixture(u8),
    Raw(String),
}

impl Text {
    fn get(&self) -> String {
        match self {
            Text::Fixture(i) => FIXTURES[*i as usize % FIXTURES.len()].to_string(),
            Text::Raw(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Pos {
    line: u8,
    character: u8,
}

impl Pos {
    fn json(&self) -> Value {
        json!({"line": self.line % 40, "character": self.character % 60})
    }
    fn lsp(&self) -> Position {
        Position::new(u32::from(self.line % 40), u32::from(self.character % 60))
    }
}

#[derive(Arbitrary, Debug)]
enum Msg {
    Initialize {
        pull: bool,
        watch: bool,
        profile: u8,
    },
    Initialized,
    Open {
        doc: u8,
        text: Text,
    },
    Change {
        doc: u8,
        start: Pos,
        end: Pos,
        text: String,
    },
    Replace {
        doc: u8,
        text: Text,
    },
    Close {
        doc: u8,
    },
    Disk {
        doc: u8,
        text: Option<Text>,
    },
    Watched {
        doc: u8,
        deleted: bool,
    },
    Settings {
        profile: u8,
        disable: Option<u8>,
    },
    Hover {
        doc: u8,
        at: Pos,
    },
    CodeAction {
        doc: u8,
        start: Pos,
        end: Pos,
        fix_all: bool,
    },
    Pull {
        doc: u8,
        previous: Option<u8>,
    },
    WorkspacePull {
        previous: Vec<(u8, u8)>,
    },
    Execute {
        command: String,
    },
    Flush,
    Shutdown,
    Exit,
    Raw(String),
}

fn doc(i: u8) -> &'static str {
    DOCS[i as usize % DOCS.len()]
}

const PROFILES: [&str; 4] = ["baseline", "restricted", "hardened", "paranoid"];

struct Harness {
    server: Server,
    next_id: i64,
    /// The text of each open document, as the client holds it.
    open: HashMap<&'static str, String>,
    disk: HashMap<&'static str, String>,
    /// The server drops notifications before `initialize` (LSP 3.17): the
    /// harness's model of the open documents must too.
    initialized: bool,
}

impl Harness {
    fn send(&mut self, message: String, id: Option<i64>) {
        let out = self.server.handle(&message);
        self.check(&out, id);
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let id = self.next_id;
        let m = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(m.to_string(), Some(id));
    }

    fn notify(&mut self, method: &str, params: Value) {
        let m = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send(m.to_string(), None);
    }

    /// Exactly one response with the request's id (none for a
    /// notification), and sound published ranges.
    fn check(&self, out: &[String], id: Option<i64>) {
        let mut responses = 0;
        for m in out {
            let v: Value = serde_json::from_str(m).expect("the server sends JSON");
            let is_response = v.get("method").is_none();
            if is_response {
                match id {
                    Some(id) => {
                        assert_eq!(v["id"], json!(id), "a response to another request: {m}");
                        responses += 1;
                    }
                    // A notification's bad params are logged, never answered.
                    None => panic!("a response to a notification: {m}"),
                }
            }
            if v["method"] == "textDocument/publishDiagnostics" {
                self.check_published(&v["params"]);
            }
        }
        if id.is_some() {
            assert_eq!(responses, 1, "{out:?}");
        }
    }

    fn check_published(&self, p: &Value) {
        let uri = p["uri"].as_str().expect("uri");
        let Some(key) = DOCS.iter().find(|d| **d == uri) else {
            panic!("published for a document that does not exist: {uri}");
        };
        let text = self.open.get(key).or(self.disk.get(key));
        let Some(text) = text else {
            assert!(
                p["diagnostics"].as_array().is_some_and(Vec::is_empty),
                "diagnostics for a document with no text: {p}"
            );
            return;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let map = SourceMap::new(text);
        for d in p["diagnostics"].as_array().expect("diagnostics") {
            let r: Range = serde_json::from_value(d["range"].clone()).expect("a range");
            assert!(r.start <= r.end, "reversed range {d}");
            for pos in [r.start, r.end] {
                let pos = kubeharden::source::Position {
                    line: pos.line,
                    character: pos.character,
                };
                assert!(
                    map.byte_of_position(pos).is_some(),
                    "{pos:?} outside {uri} ({} bytes): {d}",
                    text.len()
                );
            }
        }
    }

    fn flush(&mut self) {
        let out = self.server.flush();
        self.check(&out, None);
    }
}

fuzz_target!(|msgs: Vec<Msg>| {
    let mut h = Harness {
        server: Server::new(),
        next_id: 0,
        open: HashMap::new(),
        disk: HashMap::new(),
        initialized: false,
    };
    for (i, text) in [FIXTURES[0], FIXTURES[1], FIXTURES[2]].iter().enumerate() {
        h.disk.insert(DOCS[i], text.to_string());
    }
    for m in msgs.iter().take(64) {
        match m {
            Msg::Initialize {
                pull,
                watch,
                profile,
            } => {
                let mut caps = json!({});
                if *pull {
                    caps["textDocument"] = json!({"diagnostic": {}});
                    caps["workspace"] = json!({"diagnostics": {"refreshSupport": true}});
                }
                if *watch {
                    caps["workspace"]["didChangeWatchedFiles"] =
                        json!({"dynamicRegistration": true});
                }
                h.initialized = true;
                h.request(
                    "initialize",
                    json!({"rootUri": ROOT, "capabilities": caps,
                           "initializationOptions": {"profile": PROFILES[*profile as usize % 4]}}),
                );
                // What a host does after initialize: give the workspace's files.
                let disk: Vec<(&str, String)> =
                    h.disk.iter().map(|(k, v)| (*k, v.clone())).collect();
                for (k, v) in disk {
                    h.server.set_disk_file(k, Some(v));
                }
                for key in h.server.take_reads() {
                    let text = DOCS.iter().find(|d| **d == key).and_then(|d| h.disk.get(d));
                    h.server.set_disk_file(&key, text.cloned());
                }
            }
            Msg::Initialized => h.notify("initialized", json!({})),
            Msg::Open { doc: d, text } => {
                let text = text.get();
                if h.initialized {
                    h.open.insert(doc(*d), text.clone());
                }
                h.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": doc(*d), "languageId": "yaml", "version": 1, "text": text}}),
                );
            }
            Msg::Change {
                doc: d,
                start,
                end,
                text: t,
            } => {
                let key = doc(*d);
                let change = TextDocumentContentChangeEvent {
                    range: Some(Range::new(start.lsp(), end.lsp())),
                    range_length: None,
                    text: t.clone(),
                };
                if let Some(current) = h.open.get_mut(key) {
                    text::apply_change(current, &change);
                }
                h.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": key, "version": 2},
                           "contentChanges": [{"range": {"start": start.json(), "end": end.json()}, "text": t}]}),
                );
            }
            Msg::Replace { doc: d, text } => {
                let key = doc(*d);
                let text = text.get();
                if let Some(current) = h.open.get_mut(key) {
                    *current = text.clone();
                }
                h.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": key, "version": 3}, "contentChanges": [{"text": text}]}),
                );
            }
            Msg::Close { doc: d } => {
                if h.initialized {
                    h.open.remove(doc(*d));
                }
                h.notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": doc(*d)}}),
                );
            }
            Msg::Disk { doc: d, text } => {
                let key = doc(*d);
                match text {
                    Some(t) => {
                        h.disk.insert(key, t.get());
                    }
                    None => {
                        h.disk.remove(key);
                    }
                }
                h.server.set_disk_file(key, h.disk.get(key).cloned());
            }
            Msg::Watched { doc: d, deleted } => {
                let typ = if *deleted { 3 } else { 2 };
                h.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": doc(*d), "type": typ}]}),
                );
                for key in h.server.take_reads() {
                    let text = DOCS.iter().find(|d| **d == key).and_then(|d| h.disk.get(d));
                    h.server.set_disk_file(&key, text.cloned());
                }
            }
            Msg::Settings { profile, disable } => {
                let mut s = json!({"profile": PROFILES[*profile as usize % 4]});
                if let Some(r) = disable {
                    let rules = kubeharden::rules::registry();
                    s["disable"] = json!([rules[*r as usize % rules.len()].meta.id]);
                }
                h.notify(
                    "workspace/didChangeConfiguration",
                    json!({"settings": {"kubeharden": s}}),
                );
            }
            Msg::Hover { doc: d, at } => h.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": doc(*d)}, "position": at.json()}),
            ),
            Msg::CodeAction {
                doc: d,
                start,
                end,
                fix_all,
            } => {
                let only = if *fix_all {
                    json!(["source.fixAll.kubeharden"])
                } else {
                    Value::Null
                };
                h.request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": doc(*d)},
                           "range": {"start": start.json(), "end": end.json()},
                           "context": {"diagnostics": [], "only": only}}),
                );
            }
            Msg::Pull { doc: d, previous } => h.request(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": doc(*d)},
                       "previousResultId": previous.map(|p| p.to_string())}),
            ),
            Msg::WorkspacePull { previous } => h.request(
                "workspace/diagnostic",
                json!({"previousResultIds": previous.iter().take(8)
                    .map(|(d, v)| json!({"uri": doc(*d), "value": v.to_string()}))
                    .collect::<Vec<_>>()}),
            ),
            Msg::Execute { command } => h.request(
                "workspace/executeCommand",
                json!({"command": command, "arguments": []}),
            ),
            Msg::Flush => h.flush(),
            Msg::Shutdown => h.request("shutdown", Value::Null),
            Msg::Exit => {
                h.notify("exit", Value::Null);
                // The host stops here.
                return;
            }
            Msg::Raw(s) => {
                // A raw notification could edit a document behind the
                // harness's model of it: only requests and garbage go raw.
                let parsed = serde_json::from_str::<Value>(s).ok();
                if parsed.as_ref().is_some_and(|v| {
                    v.get("method").is_some_and(Value::is_string) && v.get("id").is_none()
                }) {
                    continue;
                }
                // Answered with an error when it is not a message; a
                // well-formed request gets one response, its id echoed.
                let out = h.server.handle(s);
                let id = serde_json::from_str::<Value>(s).ok().and_then(|v| {
                    let o = v.as_object()?;
                    (o.contains_key("method") && o.contains_key("id")).then(|| o["id"].clone())
                });
                let responses: Vec<Value> = out
                    .iter()
                    .map(|m| serde_json::from_str::<Value>(m).expect("JSON out"))
                    .filter(|v| v.get("method").is_none())
                    .collect();
                if let Some(id) = id {
                    assert_eq!(responses.len(), 1, "{s:?} → {out:?}");
                    assert_eq!(responses[0]["id"], id);
                }
            }
        }
    }
    h.flush();
    // Still answering.
    h.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": DOCS[0]}, "position": {"line": 16, "character": 14}}),
    );
});
