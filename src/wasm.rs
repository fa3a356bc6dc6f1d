//! The WebAssembly API: `check(source, options?)`, `checkBundle(sources,
//! options?)`, `fixAll(source, options?)`,
//! `rules()`, `version()`, and the language server for JavaScript hosts
//! (`new LanguageServer()`, the same state machine as `kubeharden lsp`).
//!
//! Results cross to JavaScript as JSON parsed by the engine's own
//! `JSON.parse`: one string copy, no per-field bindings, and exactly the shape
//! the CLI prints.

use wasm_bindgen::prelude::*;

use crate::options::RawOptions;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type Severity = "critical" | "high" | "medium" | "low" | "info";
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface ResourceId { apiVersion: string; kind: string; name: string | null; namespace: string | null }
export interface TextEdit { range: Range; newText: string }
export interface Fix { title: string; applicability: "safe" | "unsafe"; edits: TextEdit[] }
export interface Diagnostic {
  rule: string; severity: Severity; message: string; range: Range;
  resource: ResourceId | null; path: string | null; help: string; docs: string; fix: Fix | null;
  /** Other places a cross-resource finding names (absent when none). */
  related?: { source: string; range: Range; message: string }[];
}
export interface Resource extends ResourceId { range: Range }
export interface CheckResult { diagnostics: Diagnostic[]; resources: Resource[] }
/** One named source of a bundle: a file path, a URI, any name. */
export interface SourceInput { name: string; text: string }
/** One result per source, in the order given. */
export interface BundleResult { files: (CheckResult & { name: string })[] }
export interface CheckOptions {
  profile?: "baseline" | "restricted" | "hardened";
  enable?: string[]; disable?: string[];
  pssVersion?: string; imageRegistries?: string[];
}
/** A fix `fixAll` applied. */
export interface AppliedFix { rule: string; resource: ResourceId | null; path: string | null; title: string }
/**
 * Why a remaining finding's fix was not applied: unsafe (never applied
 * automatically), no-effect / breaks-syntax / breaks-json (applied, then
 * undone), invalid-edit, pass-limit.
 */
export type SkipReason = "unsafe" | "no-effect" | "breaks-syntax" | "breaks-json" | "invalid-edit" | "pass-limit";
export interface SkippedFix extends AppliedFix { reason: SkipReason }
export interface FixAllResult {
  /** The fixed text (the input when nothing applied). */
  text: string; applied: AppliedFix[]; skipped: SkippedFix[];
  /** The diagnostics of `text`. */
  diagnostics: Diagnostic[];
  /** Fixes tried; each re-checks the whole text. */
  passes: number;
}
export interface Reference { source: string; id: string; title: string; url: string }
export interface RuleMeta {
  id: string; title: string; severity: Severity; category: string;
  profiles: ("baseline" | "restricted" | "hardened")[]; references: Reference[];
  rationale: string; remediation: string; help: string; badExample: string; goodExample: string; docs: string;
  /** The restricted rule that takes this baseline rule's place when both are on. */
  replacedBy?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "CheckResult")]
    pub type CheckResult;
    #[wasm_bindgen(typescript_type = "BundleResult")]
    pub type BundleResult;
    #[wasm_bindgen(typescript_type = "SourceInput[]")]
    pub type SourceList;
    #[wasm_bindgen(typescript_type = "FixAllResult")]
    pub type FixAllResult;
    #[wasm_bindgen(typescript_type = "CheckOptions | undefined")]
    pub type CheckOptions;
    #[wasm_bindgen(typescript_type = "RuleMeta[]")]
    pub type RuleList;
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

fn options_of(options: Option<CheckOptions>) -> Result<crate::Options, JsError> {
    let raw: RawOptions = match options.map(JsValue::from) {
        None => RawOptions::default(),
        Some(v) if v.is_undefined() || v.is_null() => RawOptions::default(),
        Some(v) => {
            let text = js_sys::JSON::stringify(&v)
                .map_err(|_| JsError::new("kubeharden: options must be a plain object"))?
                .as_string()
                .unwrap_or_default();
            serde_json::from_str(&text)
                .map_err(|e| JsError::new(&format!("kubeharden: invalid options: {e}")))?
        }
    };
    raw.validate()
        .map_err(|e| JsError::new(&format!("kubeharden: invalid options: {e}")))
}

/// Checks `source` (any text) and returns its diagnostics and resources.
/// Throws only for invalid options.
#[wasm_bindgen]
pub fn check(source: &str, options: Option<CheckOptions>) -> Result<CheckResult, JsError> {
    let options = options_of(options)?;
    let report = crate::check(source, &options);
    let json = serde_json::to_string(&report)
        .unwrap_or_else(|_| "{\"diagnostics\":[],\"resources\":[]}".into());
    Ok(parse_json(&json).unchecked_into())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceInput {
    name: String,
    text: String,
}

#[derive(serde::Serialize)]
struct NamedReport<'a> {
    name: &'a str,
    #[serde(flatten)]
    report: crate::Report,
}

/// Checks many named sources as one bundle: rules that join resources
/// (NetworkPolicies, ServiceAccounts, RBAC, namespaces) see every source.
/// Throws a `TypeError` when `sources` is not an array of `{name, text}`
/// strings, an `Error` for invalid options.
#[wasm_bindgen(js_name = checkBundle)]
pub fn check_bundle(
    sources: SourceList,
    options: Option<CheckOptions>,
) -> Result<BundleResult, JsValue> {
    let value = JsValue::from(sources);
    let type_error = || -> JsValue {
        js_sys::TypeError::new(
            "kubeharden: checkBundle expects an array of {name: string, text: string}",
        )
        .into()
    };
    if !js_sys::Array::is_array(&value) {
        return Err(type_error());
    }
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(type_error)?;
    let inputs: Vec<SourceInput> = serde_json::from_str(&text).map_err(|_| type_error())?;
    let options = options_of(options).map_err(JsValue::from)?;
    let sources: Vec<crate::Source> = inputs
        .iter()
        .map(|s| crate::Source {
            name: &s.name,
            text: &s.text,
        })
        .collect();
    let files: Vec<NamedReport> = crate::check_bundle(&sources, &options)
        .into_iter()
        .zip(&inputs)
        .map(|(report, s)| NamedReport {
            name: &s.name,
            report,
        })
        .collect();
    let json = serde_json::to_string(&serde_json::json!({ "files": files }))
        .unwrap_or_else(|_| "{\"files\":[]}".into());
    Ok(parse_json(&json).unchecked_into())
}

/// Applies every safe fix to `source` in passes, re-checking after each; returns the fixed text, what was applied and skipped, and the
/// diagnostics of the fixed text. Throws only for invalid options.
#[wasm_bindgen(js_name = fixAll)]
pub fn fix_all(source: &str, options: Option<CheckOptions>) -> Result<FixAllResult, JsError> {
    let options = options_of(options)?;
    let result = crate::fix_all(source, &options);
    let json = serde_json::to_string(&result).unwrap_or_else(|_| {
        serde_json::json!({"text": source, "applied": [], "skipped": [], "diagnostics": [], "passes": 0})
            .to_string()
    });
    Ok(parse_json(&json).unchecked_into())
}

/// The rule catalog.
#[wasm_bindgen]
pub fn rules() -> RuleList {
    parse_json(&crate::rules::catalog_json()).unchecked_into()
}

#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// The language server (`kubeharden::lsp::Server`) for JavaScript hosts: a
/// message in, messages out. The host frames messages, gives the workspace's
/// files, and calls `flush()` once the client has been quiet for
/// `debounceMs()` while `hasPending()` (see `kubeharden-lsp` for Node).
#[wasm_bindgen]
pub struct LanguageServer {
    inner: crate::lsp::Server,
}

fn messages(out: Vec<String>) -> js_sys::Array {
    out.iter().map(|m| parse_json(m)).collect()
}

impl Default for LanguageServer {
    fn default() -> Self {
        LanguageServer::new()
    }
}

#[wasm_bindgen]
impl LanguageServer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> LanguageServer {
        LanguageServer {
            inner: crate::lsp::Server::new(),
        }
    }

    /// One JSON-RPC message (its text, or the parsed object); returns the
    /// messages to send back, as objects. Never throws: a malformed message
    /// is answered with a JSON-RPC error.
    pub fn handle(&mut self, message: JsValue) -> js_sys::Array {
        let text = match message.as_string() {
            Some(s) => s,
            None => js_sys::JSON::stringify(&message)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default(),
        };
        messages(self.inner.handle(&text))
    }

    /// Runs the pending check and returns the diagnostics to publish.
    pub fn flush(&mut self) -> js_sys::Array {
        messages(self.inner.flush())
    }

    #[wasm_bindgen(js_name = hasPending)]
    pub fn has_pending(&self) -> bool {
        self.inner.has_pending()
    }

    /// The workspace folders (`file:` URIs) to read after `initialize`.
    pub fn roots(&self) -> Vec<String> {
        self.inner.roots().to_vec()
    }

    /// A workspace file's text on disk; `null` when it was deleted.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(&mut self, uri: &str, text: Option<String>) {
        self.inner.set_disk_file(uri, text);
    }

    /// Files to (re)read from disk and give back with `setFile`.
    #[wasm_bindgen(js_name = takeReads)]
    pub fn take_reads(&mut self) -> Vec<String> {
        self.inner.take_reads()
    }

    /// The exit code once the client sent `exit` (0 after `shutdown`).
    #[wasm_bindgen(js_name = exitCode)]
    pub fn exit_code(&self) -> Option<i32> {
        self.inner.exit_code()
    }
}

/// How long a host waits after the last message before `flush()`.
#[wasm_bindgen(js_name = debounceMs)]
pub fn debounce_ms() -> u32 {
    crate::lsp::DEBOUNCE_MS
}
