//! The language server, written once for every host: a state machine that
//! takes JSON-RPC messages and returns JSON-RPC messages, with no I/O and no
//! clock of its own.
//!
//! A host (the native `kubeharden lsp`, the npm package's `LanguageServer`)
//! frames messages, feeds them to [`Server::handle`], writes what it returns,
//! and does the rest of the world for it:
//! - after `initialize`, it reads the YAML files under [`Server::roots`] and
//!   gives them with [`Server::set_disk_file`] (open documents override them);
//! - it reads the files [`Server::take_reads`] names (watched-file events);
//! - it drives time: while [`Server::has_pending`] is true it calls
//!   [`Server::flush`] once the client has been quiet for [`DEBOUNCE_MS`], so a
//!   burst of keystrokes costs one check. Requests that need fresh results
//!   (code actions, hover, pull diagnostics) flush first themselves.
//!
//! The workspace's YAML files are grouped by the `.kubeharden.yaml` nearest
//! above each (`config::nearest`, `config::group`: the CLI's own grouping),
//! and each group is one bundle (`check_bundle`) under its config, with the
//! client's settings filling what the file leaves unset; so an edit to one
//! file republishes the others whose findings changed. A config's problems
//! are published on the config file itself; the files under it are checked
//! with the config's valid part, as the CLI does.

pub mod text;
pub mod uri;

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use lsp_types as lsp;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{self, Overrides, ParsedConfig, parse_config};
use crate::diagnostic::{Applicability, Severity};
use crate::exceptions::{Date, SuppressionKind};
use crate::options::{Options, RawOptions};
use crate::{Diagnostic, Source, check_bundle, fix_all};

/// How long a host waits after the last message before it flushes.
pub const DEBOUNCE_MS: u32 = 30;
/// The code action kind of "Fix all safe", so `editor.codeActionsOnSave`
/// style settings can ask for it.
pub const FIX_ALL_KIND: &str = "source.fixAll.kubeharden";
/// Where `codeDescription` links point by default: the playground's rule
/// catalog as `make serve` serves it (the project has no public site).
pub const DEFAULT_DOCS_BASE: &str = "http://127.0.0.1:8080/";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;

/// Settings a client sends (`initializationOptions`, or
/// `workspace/didChangeConfiguration` as `{kubeharden: {...}}` or flat).
/// Unknown keys are ignored: clients send their own.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "camelCase", default)]
struct Settings {
    profile: Option<String>,
    pss_version: Option<String>,
    enable: Vec<String>,
    disable: Vec<String>,
    image_registries: Vec<String>,
    docs_base_url: Option<String>,
}

impl Settings {
    fn from_value(v: &Value) -> Result<Settings, String> {
        let v = v.get("kubeharden").unwrap_or(v);
        if v.is_null() {
            return Ok(Settings::default());
        }
        Settings::deserialize(v).map_err(|e| format!("kubeharden settings: {e}"))
    }

    /// The settings as what fills in under a config file: a profile or
    /// version the client left unset stays unset (the file's or the default
    /// applies).
    fn overrides(&self) -> Result<Overrides, String> {
        let o = RawOptions {
            profile: self.profile.clone(),
            enable: self.enable.clone(),
            disable: self.disable.clone(),
            pss_version: self.pss_version.clone(),
            image_registries: self.image_registries.clone(),
            today: None,
            config: None,
        }
        .validate(crate::rules::known)?;
        Ok(Overrides {
            profile: self.profile.as_ref().map(|_| o.profile),
            pss_version: self.pss_version.as_ref().map(|_| o.pss_version),
            enable: o.enable,
            disable: o.disable,
            image_registries: o.image_registries,
            fail_on: None,
            today: None,
        })
    }
}

#[derive(Default)]
struct File {
    /// What the host read from disk, if the file is in the workspace.
    disk: Option<String>,
    /// The editor's text and version while the document is open.
    open: Option<(String, i32)>,
}

impl File {
    fn text(&self) -> Option<&str> {
        self.open
            .as_ref()
            .map(|(t, _)| t.as_str())
            .or(self.disk.as_deref())
    }
}

/// The findings of one file at the last check.
struct Checked {
    /// Every finding, suppressed ones included (hover shows why they are
    /// not published).
    findings: Vec<Diagnostic>,
    /// Each finding as published; `None` for a suppressed one.
    shown: Vec<Option<lsp::Diagnostic>>,
    /// What is published: the unsuppressed findings.
    diagnostics: Vec<lsp::Diagnostic>,
    /// Changes whenever `diagnostics` does (pull diagnostics' `resultId`).
    result_id: u64,
    /// The group (config) the file was checked in.
    group: usize,
}

impl Checked {
    /// The published findings with their diagnostics.
    fn published(&self) -> impl Iterator<Item = (&Diagnostic, &lsp::Diagnostic)> {
        self.findings
            .iter()
            .zip(&self.shown)
            .filter_map(|(f, d)| Some((f, d.as_ref()?)))
    }
}

/// The files checked under one config (or none) at the last check.
struct Group {
    /// The config's key (URI), if one applies.
    config: Option<String>,
    /// Its problems count, for hover.
    config_problems: usize,
    options: Options,
    files: Vec<String>,
}

pub struct Server {
    settings: Settings,
    /// The client's settings, applied under each config file.
    client: Overrides,
    /// The date exceptions expire against (the host's clock).
    today: Option<Date>,
    groups: Vec<Group>,
    /// Last result id handed out.
    generation: u64,
    /// Register file watchers once `initialized` arrives.
    watch: bool,
    /// The client pulls the whole workspace's diagnostics too.
    workspace_pull: bool,
    initialized: bool,
    shutdown: bool,
    exit: Option<i32>,
    roots: Vec<String>,
    files: BTreeMap<String, File>,
    checked: HashMap<String, Checked>,
    published: HashMap<String, Vec<lsp::Diagnostic>>,
    dirty: bool,
    reads: Vec<String>,
    /// The client pulls diagnostics (LSP 3.17): answer those, push nothing.
    pull: bool,
    refresh: bool,
    next_id: u64,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

fn response(id: Value, result: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string()
}

fn error(id: Value, code: i64, message: impl Into<String>) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message.into()}})
        .to_string()
}

fn notification(method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string()
}

fn params<T: for<'de> Deserialize<'de>>(p: Value) -> Result<T, String> {
    serde_json::from_value(p).map_err(|e| format!("invalid params: {e}"))
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => lsp::DiagnosticSeverity::ERROR,
        Severity::Medium => lsp::DiagnosticSeverity::WARNING,
        Severity::Low => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Info => lsp::DiagnosticSeverity::HINT,
    }
}

/// A quick fix for the diagnostic `d`: the fix's edits in the document `uri`.
fn quick_fix(
    title: String,
    d: &lsp::Diagnostic,
    uri: &lsp::Uri,
    fix: &crate::Fix,
    preferred: bool,
) -> lsp::CodeAction {
    let edits = fix
        .edits
        .iter()
        .map(|e| lsp::TextEdit::new(range(e.range), e.new_text.clone()))
        .collect();
    lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(lsp::WorkspaceEdit::new(
            [(uri.clone(), edits)].into_iter().collect(),
        )),
        is_preferred: Some(preferred),
        ..Default::default()
    }
}

fn range(r: crate::source::Range) -> lsp::Range {
    lsp::Range::new(
        lsp::Position::new(r.start.line, r.start.character),
        lsp::Position::new(r.end.line, r.end.character),
    )
}

fn overlaps(a: &lsp::Range, b: &lsp::Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Whether the client's `only` filter admits an action kind.
fn wanted(only: &Option<Vec<lsp::CodeActionKind>>, kind: &str) -> bool {
    only.as_ref().is_none_or(|only| {
        only.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
        })
    })
}

impl Server {
    pub fn new() -> Server {
        Server {
            settings: Settings::default(),
            client: Overrides::default(),
            today: None,
            groups: Vec::new(),
            generation: 0,
            watch: false,
            workspace_pull: false,
            initialized: false,
            shutdown: false,
            exit: None,
            roots: Vec::new(),
            files: BTreeMap::new(),
            checked: HashMap::new(),
            published: HashMap::new(),
            dirty: false,
            reads: Vec::new(),
            pull: false,
            refresh: false,
            next_id: 0,
        }
    }

    /// The workspace folders (`file:` URIs) the host should read after
    /// `initialize`.
    pub fn roots(&self) -> &[String] {
        &self.roots
    }

    /// A workspace file's contents on disk (`None`: it was deleted).
    pub fn set_disk_file(&mut self, uri: &str, text: Option<String>) {
        let key = uri::normalize(uri);
        match text {
            Some(t) => {
                let f = self.files.entry(key).or_default();
                if f.disk.as_deref() != Some(t.as_str()) {
                    f.disk = Some(t);
                    self.dirty = true;
                }
            }
            None => {
                if let Some(f) = self.files.get_mut(&key) {
                    f.disk = None;
                    if f.open.is_none() {
                        self.files.remove(&key);
                    }
                    self.dirty = true;
                }
            }
        }
    }

    /// Today's date from the host's clock (days since 1970-01-01), which
    /// exceptions' `until` is compared with; without it none expires.
    pub fn set_today(&mut self, days_since_epoch: i64) {
        let today = Some(Date::from_days_since_epoch(days_since_epoch));
        if self.today != today {
            self.today = today;
            self.client.today = today;
            self.dirty = true;
        }
    }

    /// Files the host should (re)read from disk and give back with
    /// [`Server::set_disk_file`].
    pub fn take_reads(&mut self) -> Vec<String> {
        std::mem::take(&mut self.reads)
    }

    /// Whether a check is due (the host flushes after [`DEBOUNCE_MS`]).
    pub fn has_pending(&self) -> bool {
        self.dirty && self.initialized
    }

    /// `Some(code)` once the client sent `exit`: the host stops with it.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit
    }

    /// One message in (a JSON-RPC text), messages out (JSON-RPC texts).
    pub fn handle(&mut self, message: &str) -> Vec<String> {
        match serde_json::from_str::<Value>(message) {
            Ok(v) => self.handle_value(v),
            Err(e) => vec![error(Value::Null, PARSE_ERROR, format!("parse error: {e}"))],
        }
    }

    fn handle_value(&mut self, mut v: Value) -> Vec<String> {
        let Some(obj) = v.as_object_mut() else {
            return vec![error(
                Value::Null,
                INVALID_REQUEST,
                "invalid request: not an object",
            )];
        };
        let id = obj.remove("id");
        let method = obj.get("method").and_then(Value::as_str).map(str::to_owned);
        let p = obj.remove("params").unwrap_or(Value::Null);
        match (id, method) {
            (Some(id), Some(method)) => self.request(id, &method, p),
            (None, Some(method)) => self.notification(&method, p),
            // A response to one of our requests (a refresh): nothing to do.
            (Some(_), None) if obj.contains_key("result") || obj.contains_key("error") => {
                Vec::new()
            }
            (id, None) => vec![error(
                id.unwrap_or(Value::Null),
                INVALID_REQUEST,
                "invalid request: no method",
            )],
        }
    }

    fn request(&mut self, id: Value, method: &str, p: Value) -> Vec<String> {
        if method == "initialize" {
            return match p {
                Value::Object(_) => self.initialize(id, p),
                _ => vec![error(
                    id,
                    INVALID_PARAMS,
                    "invalid params: expected an object",
                )],
            };
        }
        if !self.initialized {
            return vec![error(id, SERVER_NOT_INITIALIZED, "not initialized")];
        }
        if self.shutdown {
            return vec![error(id, INVALID_REQUEST, "the server is shutting down")];
        }
        if method == "shutdown" {
            self.shutdown = true;
            return vec![response(id, Value::Null)];
        }
        // Requests read the latest text: check first, publishing on the way.
        let mut out = if matches!(
            method,
            "textDocument/codeAction"
                | "textDocument/hover"
                | "textDocument/diagnostic"
                | "workspace/diagnostic"
        ) {
            self.flush()
        } else {
            Vec::new()
        };
        let result = match method {
            "textDocument/codeAction" => params(p).map(|p| self.code_actions(p)),
            "textDocument/hover" => params(p).map(|p| self.hover(p)),
            "textDocument/diagnostic" => params(p).map(|p| self.pull_diagnostics(p)),
            "workspace/diagnostic" => params(p).map(|p| self.workspace_diagnostics(p)),
            _ => {
                out.push(error(
                    id,
                    METHOD_NOT_FOUND,
                    format!("method not found: {method}"),
                ));
                return out;
            }
        };
        out.push(match result {
            Ok(r) => response(id, r),
            Err(e) => error(id, INVALID_PARAMS, e),
        });
        out
    }

    /// Reads only the fields the server uses: deserializing the whole of
    /// `InitializeParams` (every client capability) costs ~300 KB of wasm.
    fn initialize(&mut self, id: Value, p: Value) -> Vec<String> {
        let mut out = Vec::new();
        let folders: Vec<String> = p
            .get("workspaceFolders")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("uri").and_then(Value::as_str))
            .map(uri::normalize)
            .collect();
        self.roots = if !folders.is_empty() {
            folders
        } else if let Some(root) = p.get("rootUri").and_then(Value::as_str) {
            vec![uri::normalize(root)]
        } else if let Some(path) = p.get("rootPath").and_then(Value::as_str) {
            vec![uri::from_path(path)]
        } else {
            Vec::new()
        };
        if let Some(o) = p.get("initializationOptions") {
            out.extend(self.configure(o));
        }
        let caps = p.get("capabilities");
        self.pull = caps
            .and_then(|c| c.pointer("/textDocument/diagnostic"))
            .is_some_and(|d| !d.is_null());
        // LSP 3.17 spells it `workspace.diagnostics`; early drafts (and some
        // clients) `workspace.diagnostic`.
        self.refresh = caps.is_some_and(|c| {
            [
                "/workspace/diagnostics/refreshSupport",
                "/workspace/diagnostic/refreshSupport",
            ]
            .iter()
            .any(|p| c.pointer(p).and_then(Value::as_bool) == Some(true))
        });
        // Workspace pull is the server's offer to a pulling client: it then
        // gets every file's diagnostics, open or not (config files too).
        self.workspace_pull = self.pull;
        self.watch = caps
            .and_then(|c| c.pointer("/workspace/didChangeWatchedFiles/dynamicRegistration"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        // Config files above the workspace folders apply too (the CLI walks
        // up to the root): the host reads them like a watched file.
        for root in &self.roots {
            let probe = format!("{}/_", root.trim_end_matches('/'));
            self.reads.extend(config::candidates(&probe));
        }
        self.initialized = true;
        self.dirty = true;
        let mut capabilities = json!({
            "textDocumentSync": {"openClose": true, "change": 2},
            "codeActionProvider": {"codeActionKinds": ["quickfix", FIX_ALL_KIND]},
            "hoverProvider": true,
        });
        if self.pull {
            capabilities["diagnosticProvider"] = json!({
                "identifier": "kubeharden",
                "interFileDependencies": true,
                "workspaceDiagnostics": self.workspace_pull,
            });
        }
        out.insert(
            0,
            response(
                id,
                json!({
                    "capabilities": capabilities,
                    "serverInfo": {"name": "kubeharden", "version": crate::VERSION},
                }),
            ),
        );
        out
    }

    /// New settings: valid ones replace the old and recheck everything; bad
    /// ones are shown to the user and the old ones stay.
    fn configure(&mut self, v: &Value) -> Vec<String> {
        match Settings::from_value(v).and_then(|s| s.overrides().map(|o| (s, o))) {
            Ok((s, o)) => {
                self.settings = s;
                self.client = Overrides {
                    today: self.today,
                    ..o
                };
                self.dirty = true;
                // Links change with the base URL: republish everything.
                self.published.clear();
                Vec::new()
            }
            Err(e) => vec![notification(
                "window/showMessage",
                json!({"type": 1, "message": format!("kubeharden: {e}")}),
            )],
        }
    }

    fn notification(&mut self, method: &str, p: Value) -> Vec<String> {
        match method {
            "exit" => {
                self.exit = Some(if self.shutdown { 0 } else { 1 });
                return Vec::new();
            }
            "initialized" => return self.register_watchers(),
            _ => {}
        }
        if !self.initialized {
            return Vec::new();
        }
        let r = match method {
            "textDocument/didOpen" => params(p).map(|p: lsp::DidOpenTextDocumentParams| {
                let f = self
                    .files
                    .entry(uri::normalize(p.text_document.uri.as_str()))
                    .or_default();
                f.open = Some((p.text_document.text, p.text_document.version));
                self.dirty = true;
                Vec::new()
            }),
            "textDocument/didChange" => params(p).map(|p: lsp::DidChangeTextDocumentParams| {
                let key = uri::normalize(p.text_document.uri.as_str());
                if let Some((text, version)) =
                    self.files.get_mut(&key).and_then(|f| f.open.as_mut())
                {
                    for c in &p.content_changes {
                        text::apply_change(text, c);
                    }
                    *version = p.text_document.version;
                    self.dirty = true;
                }
                Vec::new()
            }),
            "textDocument/didClose" => params(p).map(|p: lsp::DidCloseTextDocumentParams| {
                let key = uri::normalize(p.text_document.uri.as_str());
                if let Some(f) = self.files.get_mut(&key) {
                    f.open = None;
                    if f.disk.is_none() {
                        self.files.remove(&key);
                    }
                    self.dirty = true;
                }
                Vec::new()
            }),
            "workspace/didChangeConfiguration" => {
                params(p).map(|p: lsp::DidChangeConfigurationParams| self.configure(&p.settings))
            }
            "workspace/didChangeWatchedFiles" => {
                params(p).map(|p: lsp::DidChangeWatchedFilesParams| {
                    for c in p.changes {
                        let key = uri::normalize(c.uri.as_str());
                        if c.typ == lsp::FileChangeType::DELETED {
                            self.set_disk_file(&key, None);
                        } else if is_yaml(&key) || config::is_config(&key) {
                            self.reads.push(key);
                        }
                    }
                    Vec::new()
                })
            }
            _ => Ok(Vec::new()),
        };
        // A notification gets no response; bad params are logged instead.
        r.unwrap_or_else(|e| {
            vec![notification(
                "window/logMessage",
                json!({"type": 1, "message": format!("kubeharden: {method}: {e}")}),
            )]
        })
    }

    /// A name for messages ("line 12 of rbac.yaml"): the path under its
    /// workspace folder, else the URI.
    fn display_name(&self, key: &str) -> String {
        for root in &self.roots {
            let root = root.trim_end_matches('/');
            if let Some(rest) = key.strip_prefix(root).and_then(|r| r.strip_prefix('/')) {
                return uri::to_path(&format!("file:///{rest}"))
                    .map_or_else(|| rest.to_string(), |p| p[1..].to_string());
            }
        }
        uri::to_path(key).unwrap_or_else(|| key.to_string())
    }

    /// `keys` maps the bundle's source names back to their URIs, for
    /// related information.
    /// `hrefs` keeps each rule's parsed docs link: a workspace has thousands
    /// of findings and a few dozen rules.
    fn to_lsp(
        &self,
        d: &Diagnostic,
        key: &str,
        keys: &HashMap<&str, &str>,
        hrefs: &mut HashMap<String, Option<lsp::Uri>>,
    ) -> lsp::Diagnostic {
        let href = hrefs
            .entry(d.docs.clone())
            .or_insert_with(|| {
                let base = self
                    .settings
                    .docs_base_url
                    .as_deref()
                    .unwrap_or(DEFAULT_DOCS_BASE);
                let sep = if base.ends_with('/') { "" } else { "/" };
                lsp::Uri::from_str(&format!("{base}{sep}{}", d.docs)).ok()
            })
            .clone();
        lsp::Diagnostic {
            range: range(d.range),
            severity: Some(severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.rule.clone())),
            code_description: href.map(|href| lsp::CodeDescription { href }),
            source: Some("kubeharden".into()),
            message: d.message.clone(),
            related_information: Some(
                d.related
                    .iter()
                    .filter_map(|r| {
                        Some(lsp::DiagnosticRelatedInformation {
                            location: lsp::Location::new(
                                lsp::Uri::from_str(match &r.source {
                                    Some(name) => keys.get(name.as_str())?,
                                    None => key,
                                })
                                .ok()?,
                                range(r.range),
                            ),
                            message: r.message.clone(),
                        })
                    })
                    .collect::<Vec<_>>(),
            )
            .filter(|r| !r.is_empty()),
            tags: None,
            data: None,
        }
    }

    /// Asks the client to tell us about YAML and config files changed by
    /// other programs (when it can register watchers dynamically; clients
    /// that cannot are configured to send them, as VS Code's `fileEvents`).
    fn register_watchers(&mut self) -> Vec<String> {
        if !self.watch || !self.initialized {
            return Vec::new();
        }
        self.watch = false;
        self.next_id += 1;
        vec![
            json!({"jsonrpc": "2.0", "id": format!("kubeharden-{}", self.next_id),
            "method": "client/registerCapability",
            "params": {"registrations": [{
                "id": "kubeharden-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": [
                    {"globPattern": format!("**/{}", config::FILE_NAME)},
                    {"globPattern": "**/*.{yaml,yml}"},
                ]},
            }]}})
            .to_string(),
        ]
    }

    /// Checks the whole workspace again: each config's files as one bundle.
    fn recheck(&mut self) {
        self.dirty = false;
        let with_text: Vec<&String> = self
            .files
            .iter()
            .filter(|(_, f)| f.text().is_some())
            .map(|(k, _)| k)
            .collect();
        let configs: Vec<&String> = with_text
            .iter()
            .copied()
            .filter(|k| config::is_config(k))
            .collect();
        let manifests: Vec<&String> = with_text
            .into_iter()
            .filter(|k| !config::is_config(k))
            .collect();
        let mut grouped = config::group(
            manifests,
            |k| k.as_str(),
            |k| config::nearest(k, |c| configs.iter().any(|x| x.as_str() == c)),
        );
        // A config with no file under it still gets its problems published.
        for c in &configs {
            if !grouped
                .iter()
                .any(|(k, _)| k.as_deref() == Some(c.as_str()))
            {
                grouped.push((Some((*c).clone()), Vec::new()));
            }
        }
        let mut old = std::mem::take(&mut self.checked);
        let mut checked = HashMap::new();
        let mut groups = Vec::with_capacity(grouped.len());
        let mut hrefs = HashMap::new();
        for (config_key, keys) in grouped {
            let group = groups.len();
            let parsed: Option<(String, ParsedConfig)> = config_key.as_ref().map(|c| {
                let name = self.display_name(c);
                let text = self.files[c].text().unwrap_or_default();
                let parsed = parse_config(&name, text);
                (name, parsed)
            });
            let options = match &parsed {
                Some((_, p)) => p.config.options_under(&self.client),
                None => config::Config::default().options_under(&self.client),
            };
            // Files the config excludes are not checked (nothing published).
            let keys: Vec<&String> = keys
                .into_iter()
                .filter(|k| {
                    !matches!((&parsed, &config_key),
                        (Some((_, p)), Some(c)) if p.config.excludes(c, k))
                })
                .collect();
            let mut names: Vec<String> = keys.iter().map(|k| self.display_name(k)).collect();
            let mut sources: Vec<Source> = keys
                .iter()
                .zip(&names)
                .map(|(k, name)| Source {
                    name,
                    text: self.files[*k].text().unwrap_or_default(),
                })
                .collect();
            // The config is the bundle's last source: it holds no resources,
            // and the findings about its exemptions land in it.
            if let (Some((name, _)), Some(c)) = (&parsed, &config_key) {
                sources.push(Source {
                    name,
                    text: self.files[c].text().unwrap_or_default(),
                });
            }
            let mut reports = check_bundle(&sources, &options);
            let config_report = (reports.len() > keys.len())
                .then(|| reports.pop())
                .flatten();
            if let Some((name, _)) = &parsed {
                names.push(name.clone());
            }
            let mut all_keys: Vec<&String> = keys.clone();
            if let Some(c) = &config_key {
                all_keys.push(c);
            }
            let by_name: HashMap<&str, &str> = names
                .iter()
                .zip(&all_keys)
                .map(|(n, k)| (n.as_str(), k.as_str()))
                .collect();
            let mut results: Vec<(String, Vec<Diagnostic>)> = keys
                .iter()
                .zip(reports)
                .map(|(k, r)| ((*k).clone(), r.diagnostics))
                .collect();
            if let (Some((_, p)), Some(c)) = (&parsed, &config_key) {
                let mut all = p.diagnostics.clone();
                for d in config_report.map(|r| r.diagnostics).unwrap_or_default() {
                    // The reader's own YAML problems are among the config's already.
                    if !all.contains(&d) {
                        all.push(d);
                    }
                }
                crate::diagnostic::sort_by_start(&mut all);
                results.push((c.clone(), all));
            }
            for (key, findings) in results {
                let shown: Vec<Option<lsp::Diagnostic>> = findings
                    .iter()
                    .map(|d| {
                        d.suppression
                            .is_none()
                            .then(|| self.to_lsp(d, &key, &by_name, &mut hrefs))
                    })
                    .collect();
                let diagnostics: Vec<lsp::Diagnostic> = shown.iter().flatten().cloned().collect();
                let result_id = match old.remove(&key) {
                    Some(o) if o.diagnostics == diagnostics => o.result_id,
                    _ => {
                        self.generation += 1;
                        self.generation
                    }
                };
                checked.insert(
                    key,
                    Checked {
                        findings,
                        shown,
                        diagnostics,
                        result_id,
                        group,
                    },
                );
            }
            groups.push(Group {
                config_problems: parsed.as_ref().map_or(0, |(_, p)| p.diagnostics.len()),
                config: config_key,
                options,
                files: keys.into_iter().cloned().collect(),
            });
        }
        self.checked = checked;
        self.groups = groups;
    }

    /// Checks if a check is due, then publishes every file whose
    /// diagnostics changed (push), or asks the client to pull again.
    pub fn flush(&mut self) -> Vec<String> {
        if !self.has_pending() {
            return Vec::new();
        }
        self.recheck();
        let mut out = Vec::new();
        let mut changed = Vec::new();
        for (key, c) in &self.checked {
            if self
                .published
                .get(key)
                .map_or(!c.diagnostics.is_empty(), |p| *p != c.diagnostics)
            {
                changed.push(key.clone());
            }
        }
        for key in self.published.keys() {
            if !self.checked.contains_key(key) {
                changed.push(key.clone());
            }
        }
        changed.sort();
        if self.pull {
            for key in &changed {
                let d = self.checked.get(key).map(|c| c.diagnostics.clone());
                self.published.insert(key.clone(), d.unwrap_or_default());
            }
            // The client pulls open documents itself on their changes; the
            // others' findings (cross-file rules, a config's) need a refresh.
            if self.refresh && !changed.is_empty() {
                self.next_id += 1;
                out.push(
                    json!({"jsonrpc": "2.0", "id": format!("kubeharden-{}", self.next_id),
                           "method": "workspace/diagnostic/refresh"})
                    .to_string(),
                );
            }
            return out;
        }
        for key in changed {
            let diagnostics = self
                .checked
                .get(&key)
                .map(|c| c.diagnostics.clone())
                .unwrap_or_default();
            let version = self
                .files
                .get(&key)
                .and_then(|f| f.open.as_ref())
                .map(|(_, v)| *v);
            out.push(notification(
                "textDocument/publishDiagnostics",
                json!({"uri": key, "version": version, "diagnostics": diagnostics}),
            ));
            self.published.insert(key, diagnostics);
        }
        out
    }

    /// One file's report for a pull: `unchanged` when the client holds
    /// this result already. A file that is not checked (excluded, not
    /// YAML, gone) has no findings.
    fn report(&self, key: &str, previous: Option<&str>) -> Value {
        let (id, items) = match self.checked.get(key) {
            Some(c) => (c.result_id.to_string(), c.diagnostics.as_slice()),
            None => ("0".to_string(), &[][..]),
        };
        if previous == Some(id.as_str()) {
            json!({"kind": "unchanged", "resultId": id})
        } else {
            json!({"kind": "full", "resultId": id, "items": items})
        }
    }

    fn pull_diagnostics(&mut self, p: lsp::DocumentDiagnosticParams) -> Value {
        let key = uri::normalize(p.text_document.uri.as_str());
        self.report(&key, p.previous_result_id.as_deref())
    }

    /// `workspace/diagnostic`: every checked file (and every file the client
    /// holds a result for that is gone now, with no findings).
    fn workspace_diagnostics(&mut self, p: lsp::WorkspaceDiagnosticParams) -> Value {
        let previous: HashMap<String, String> = p
            .previous_result_ids
            .into_iter()
            .map(|r| (uri::normalize(r.uri.as_str()), r.value))
            .collect();
        let mut keys: Vec<&String> = self.checked.keys().collect();
        keys.extend(previous.keys().filter(|k| !self.checked.contains_key(*k)));
        keys.sort();
        keys.dedup();
        let items: Vec<Value> = keys
            .into_iter()
            .map(|key| {
                let mut r = self.report(key, previous.get(key).map(String::as_str));
                r["uri"] = json!(key);
                r["version"] = json!(
                    self.files
                        .get(key)
                        .and_then(|f| f.open.as_ref())
                        .map(|(_, v)| *v)
                );
                r
            })
            .collect();
        json!({ "items": items })
    }

    fn code_actions(&mut self, p: lsp::CodeActionParams) -> Value {
        let key = uri::normalize(p.text_document.uri.as_str());
        let uri = p.text_document.uri;
        let Some(c) = self.checked.get(&key) else {
            return Value::Null;
        };
        let only = &p.context.only;
        let mut actions = Vec::new();
        if wanted(only, "quickfix") {
            for (f, d) in c.published() {
                let Some(fix) = &f.fix else { continue };
                if !overlaps(&d.range, &p.range) {
                    continue;
                }
                let title = match fix.applicability {
                    Applicability::Safe => fix.title.clone(),
                    Applicability::Unsafe => {
                        format!("{} (review: may stop the workload)", fix.title)
                    }
                };
                let safe = fix.applicability == Applicability::Safe;
                actions.push(quick_fix(title, d, &uri, fix, safe));
            }
        }
        // "Ignore with a reason": an annotation on the resource, never
        // preferred (accepting a risk is a decision).
        if wanted(only, "quickfix")
            && let Some(text) = self.files.get(&key).and_then(File::text)
        {
            for (f, d) in c.published() {
                if f.resource.is_none() || f.suppression.is_some() || !overlaps(&d.range, &p.range)
                {
                    continue;
                }
                let at = crate::source::Position {
                    line: f.range.start.line,
                    character: f.range.start.character,
                };
                let Some(fix) = crate::check::ignore_fix(text, &f.rule, at) else {
                    continue;
                };
                let title = format!("Ignore {} with a reason", f.rule);
                actions.push(quick_fix(title, d, &uri, &fix, false));
            }
        }
        // Fix-all re-checks the text once per fix: only when asked for it,
        // or when a safe fix exists to offer.
        let any_safe = c.findings.iter().any(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applicability == Applicability::Safe)
        });
        let asked = only.as_ref().is_some_and(|_| wanted(only, FIX_ALL_KIND));
        if (asked || (only.is_none() && any_safe))
            && let Some(text) = self.files.get(&key).and_then(File::text)
        {
            let fixed = fix_all(text, &self.groups[c.group].options);
            if !fixed.applied.is_empty() {
                let whole = lsp::Range::new(lsp::Position::new(0, 0), text::end_position(text));
                actions.push(lsp::CodeAction {
                    title: format!("Fix all safe ({})", fixed.applied.len()),
                    kind: Some(lsp::CodeActionKind::from(FIX_ALL_KIND)),
                    edit: Some(lsp::WorkspaceEdit::new(
                        [(uri, vec![lsp::TextEdit::new(whole, fixed.text)])]
                            .into_iter()
                            .collect(),
                    )),
                    ..Default::default()
                });
            }
        }
        serde_json::to_value(actions).unwrap_or(Value::Null)
    }

    fn hover(&mut self, p: lsp::HoverParams) -> Value {
        let pp = p.text_document_position_params;
        let key = uri::normalize(pp.text_document.uri.as_str());
        let at = lsp::Range::new(pp.position, pp.position);
        let Some(c) = self.checked.get(&key) else {
            return Value::Null;
        };
        let group = &self.groups[c.group];
        let mut parts = Vec::new();
        let mut span: Option<lsp::Range> = None;
        for (f, d) in c.findings.iter().zip(&c.shown) {
            let r = range(f.range);
            if !overlaps(&r, &at) {
                continue;
            }
            let Some(rule) = crate::rules::find(&f.rule) else {
                continue;
            };
            let m = &rule.meta;
            let mut s = format!(
                "**{}** `{}` ({})\n\n{}\n\n**Why it matters:** {}\n\n**How to fix:** {}",
                m.title,
                m.id,
                f.severity.as_str(),
                f.message,
                m.rationale,
                m.remediation
            );
            if let Some(path) = &f.path {
                s.push_str(&format!("\n\n**Path:** `{path}`"));
            }
            if let Some(e) = self.explain(&key, group, f) {
                s.push_str(&format!(
                    "\n\n**Effective value:** `{}` is `{}`: {}",
                    e.setting, e.value, e.origin
                ));
            }
            if let Some(sup) = &f.suppression {
                let how = match sup.kind {
                    SuppressionKind::Annotation => "an annotation",
                    SuppressionKind::Comment => "a comment",
                    SuppressionKind::Config => "the config file",
                    SuppressionKind::Baseline => "the baseline",
                };
                let until = sup
                    .until
                    .as_deref()
                    .map(|u| format!(" until {u}"))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "\n\n**Accepted** (not reported) by {how} at {}:{}{until}: {}",
                    sup.location.file,
                    sup.location.range.start.line + 1,
                    sup.reason
                ));
            }
            if let Some(d) = d.as_ref().and_then(|d| d.code_description.as_ref()) {
                s.push_str(&format!("\n\n[Rule documentation]({})", d.href.as_str()));
            }
            parts.push(s);
            span = Some(span.map_or(r, |x| {
                lsp::Range::new(x.start.min(r.start), x.end.max(r.end))
            }));
        }
        if parts.is_empty() {
            return Value::Null;
        }
        // Where the settings come from, so a surprising profile is traced.
        let profile = match group.options.profile {
            crate::rules::Profile::Baseline => "baseline",
            crate::rules::Profile::Restricted => "restricted",
            crate::rules::Profile::Hardened => "hardened",
        };
        let settings = match &group.config {
            Some(c) if group.config_problems > 0 => format!(
                "{} (its {} problem(s) are reported there; its valid settings apply), then the editor's",
                self.display_name(c),
                group.config_problems
            ),
            Some(c) => format!("{}, then the editor's", self.display_name(c)),
            None => "the editor's (no .kubeharden.yaml above this file)".to_string(),
        };
        parts.push(format!("_Settings: {settings}; profile {profile}._"));
        json!({
            "contents": {"kind": "markdown", "value": parts.join("\n\n---\n\n")},
            "range": span,
        })
    }

    /// The effective value of the setting a finding judges, read from the
    /// engine's model of the file (and of its group, for a ServiceAccount in
    /// another file).
    fn explain(
        &self,
        key: &str,
        group: &Group,
        f: &Diagnostic,
    ) -> Option<crate::explain::Explanation> {
        let text = self.files.get(key)?.text()?;
        let name = self.display_name(key);
        if !crate::explain::needs_bundle(&f.rule) {
            let own = Source { name: &name, text };
            return crate::explain::explain(&[own], 0, f, &group.options);
        }
        let names: Vec<String> = group.files.iter().map(|k| self.display_name(k)).collect();
        let sources: Vec<Source> = group
            .files
            .iter()
            .zip(&names)
            .filter_map(|(k, n)| {
                Some(Source {
                    name: n,
                    text: self.files.get(k)?.text()?,
                })
            })
            .collect();
        let index = group.files.iter().position(|k| k == key)?;
        crate::explain::explain(&sources, index, f, &group.options)
    }
}

/// The workspace files that are part of the bundle.
pub fn is_yaml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}
