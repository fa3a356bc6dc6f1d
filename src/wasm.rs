//! The WebAssembly API: `check(source, options?)`, `checkBundle(sources,
//! options?)`, `fixAll(source, options?)`,
//! `ignoreFix(source, rule, line, character)`, `report(source, format, path,
//! options?)`, `rules()`, `ruleSelection(options?)`, `pssVersions()`,
//! `version()`, and, with the `language-server` feature, the language server
//! for JavaScript hosts (`new LanguageServer()`, the same state machine as
//! `kubeharden lsp`).
//!
//! Results cross to JavaScript as JSON parsed by the engine's own
//! `JSON.parse`: one string copy, no per-field bindings, and exactly the shape
//! the CLI prints.

use wasm_bindgen::prelude::*;

use crate::config::Overrides;
use crate::options::RawOptions;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type Severity = "critical" | "high" | "medium" | "low" | "info";
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface ResourceId { apiVersion: string; kind: string; name: string | null; namespace: string | null }
export interface TextEdit { range: Range; newText: string }
export interface Fix { title: string; applicability: "safe" | "unsafe"; edits: TextEdit[] }
/** Where an exception or the baseline was written, and why it accepts the finding. */
export interface Suppression {
  kind: "annotation" | "comment" | "config" | "baseline";
  reason: string;
  /** YYYY-MM-DD: the last day the exception applies. */
  until?: string;
  location: { file: string; range: Range };
}
export interface Diagnostic {
  rule: string; severity: Severity; message: string; range: Range;
  resource: ResourceId | null; path: string | null; help: string; docs: string; fix: Fix | null;
  /** The fix this finding would have, when no edit could be built (and why). */
  noFix?: { title: string; reason: "flow-style" | "alias" | "unsupported" };
  /** Present when the finding is accepted: it does not count as a failure. */
  suppression?: Suppression;
  /** Other places a cross-resource finding names (absent when none). */
  related?: { source?: string; range: Range; message: string }[];
}
export interface Resource extends ResourceId { range: Range }
export interface CheckResult {
  diagnostics: Diagnostic[]; resources: Resource[];
  /** With `options.config`: the config's problems and its exemptions' findings. */
  config?: Diagnostic[];
}
/** One named source of a bundle: a file path, a URI, any name. */
export interface SourceInput { name: string; text: string }
/** One result per source, in the order given. */
export interface BundleResult {
  files: (CheckResult & { name: string })[];
  /** With `options.config`: the config's problems and its exemptions' findings. */
  config?: Diagnostic[];
}
export type Profile = "baseline" | "restricted" | "hardened";
export interface CheckOptions {
  profile?: Profile;
  enable?: string[]; disable?: string[];
  /** `latest` or `v1.N` (see `pssVersions()`). */
  pssVersion?: string;
  /** Allowed image registries: the `image-registry` rule's parameter. */
  imageRegistries?: string[];
  /** YYYY-MM-DD the exceptions' `until` is compared with (default: today, from Date). */
  today?: string;
  /**
   * The text of a `.kubeharden.yaml`, applied under the other options (which
   * override it, as CLI flags do); its problems come back in `config`.
   */
  config?: string;
}
/** A fix `fixAll` applied. */
export interface AppliedFix { rule: string; resource: ResourceId | null; path: string | null; title: string }
/**
 * Why a remaining finding's fix was not applied: unsafe (never applied
 * automatically), no-effect / breaks-syntax / breaks-json (applied, then
 * undone), invalid-edit, pass-limit; or why no edit could be built at all:
 * flow-style (inside `{...}`/`[...]`), alias (a shared `*name` value),
 * unsupported (another shape of value).
 */
export type SkipReason = "unsafe" | "no-effect" | "breaks-syntax" | "breaks-json" | "invalid-edit" | "pass-limit" | "flow-style" | "alias" | "unsupported";
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
/** The options keys rule parameters use (the list grows with the rules that need one). */
export type ParamOption = "imageRegistries";
/** What a rule needs to be told; given, it switches the rule on. */
export interface RuleParam {
  /** Its key in `CheckOptions`, `.kubeharden.yaml` and editor settings. */
  option: ParamOption;
  /** The CLI flag that gives one value (repeatable). */
  flag: string;
  kind: "string-list";
  label: string; help: string; example: string[];
}
export interface RuleMeta {
  id: string; title: string; severity: Severity; category: string;
  profiles: Profile[]; references: Reference[];
  rationale: string; remediation: string; help: string; badExample: string; goodExample: string; docs: string;
  /** The restricted rule that takes this baseline rule's place when both are on. */
  replacedBy?: string;
  /** What the rule needs to be told (absent when nothing). */
  params?: RuleParam[];
}
/** A rule `ruleSelection(options)` switches on, with its findings' severity. */
export interface SelectedRule { rule: string; severity: Severity }
export type ReportFormat = "json" | "sarif";
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
    /// Source text: any JS value crosses, so a non-string is refused here
    /// with a `TypeError` instead of being coerced by the glue code.
    #[wasm_bindgen(typescript_type = "string")]
    pub type Source;
    #[wasm_bindgen(typescript_type = "Fix | null")]
    pub type IgnoreFix;
    #[wasm_bindgen(typescript_type = "SelectedRule[]")]
    pub type SelectionList;
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// The file name a playground or caller's config is reported under.
const CONFIG_NAME: &str = ".kubeharden.yaml";

/// Options, and the config file passed as `options.config` (the text of a
/// `.kubeharden.yaml`): the other keys override the file's, as CLI flags do.
struct Resolved {
    options: crate::Options,
    config: Option<(String, crate::config::ParsedConfig)>,
}

fn options_of(options: Option<CheckOptions>) -> Result<Resolved, JsError> {
    let invalid =
        |e: &dyn std::fmt::Display| JsError::new(&format!("kubeharden: invalid options: {e}"));
    let mut raw: RawOptions = match options.map(JsValue::from) {
        None => RawOptions::default(),
        Some(v) if v.is_undefined() || v.is_null() => RawOptions::default(),
        Some(v) => {
            let text = js_sys::JSON::stringify(&v)
                .map_err(|_| JsError::new("kubeharden: options must be a plain object"))?
                .as_string()
                .unwrap_or_default();
            serde_json::from_str(&text).map_err(|e| {
                // serde's message, without serde_json's position in the
                // stringified options (which the caller never saw).
                let message = e.to_string();
                let at = format!(" at line {} column {}", e.line(), e.column());
                invalid(&message.strip_suffix(&at).unwrap_or(&message))
            })?
        }
    };
    let config_text = raw.config.take();
    let given = Overrides {
        profile: raw
            .profile
            .as_deref()
            .and_then(crate::options::Profile::parse),
        pss_version: raw
            .pss_version
            .as_deref()
            .and_then(crate::options::PssVersion::parse),
        enable: raw.enable.clone(),
        disable: raw.disable.clone(),
        image_registries: raw.image_registries.clone(),
        fail_on: None,
        today: None,
    };
    let mut options = raw.validate(crate::rules::known).map_err(|e| invalid(&e))?;
    let config = config_text.map(|text| {
        let parsed = crate::config::parse_config(CONFIG_NAME, &text);
        options = parsed.config.options(&Overrides {
            today: options.today,
            ..given
        });
        (text, parsed)
    });
    // Exceptions expire against the browser's (or Node's) date unless the
    // caller fixed one; the engine itself never reads a clock.
    if options.today.is_none() {
        options.today = Some(crate::exceptions::Date::from_days_since_epoch(
            host_days_since_epoch(),
        ));
    }
    Ok(Resolved { options, config })
}

/// Today as the host (the browser, Node) tells it, in days since 1970-01-01
/// UTC: what exceptions' `until` dates expire against.
fn host_days_since_epoch() -> i64 {
    (js_sys::Date::now() / 86_400_000.0).floor() as i64
}

/// The config's diagnostics: its own problems, then its exemptions'
/// findings (from its report in the bundle), in position order.
fn config_diagnostics(
    parsed: &crate::config::ParsedConfig,
    report: Option<crate::Report>,
) -> Vec<crate::Diagnostic> {
    let mut all = parsed.diagnostics.clone();
    for d in report.map(|r| r.diagnostics).unwrap_or_default() {
        if !all.contains(&d) {
            all.push(d);
        }
    }
    crate::diagnostic::sort_by_start(&mut all);
    all
}

fn source_of(source: Source, function: &str) -> Result<String, JsValue> {
    JsValue::from(source).as_string().ok_or_else(|| {
        js_sys::TypeError::new(&format!(
            "kubeharden: {function}(source): source must be a string"
        ))
        .into()
    })
}

/// Checks `source` (any text) and returns its diagnostics and resources.
/// Throws only for invalid options (`Error`) or a source that is not a
/// string (`TypeError`).
#[wasm_bindgen]
pub fn check(source: Source, options: Option<CheckOptions>) -> Result<CheckResult, JsValue> {
    let source = source_of(source, "check")?;
    let source = source.as_str();
    let Resolved { options, config } = options_of(options)?;
    let json = match &config {
        None => serde_json::to_string(&crate::check(source, &options)),
        Some((text, parsed)) => {
            let mut reports = crate::check_bundle(
                &[
                    crate::Source {
                        name: "",
                        text: source,
                    },
                    crate::Source {
                        name: CONFIG_NAME,
                        text,
                    },
                ],
                &options,
            )
            .into_iter();
            let report = reports.next().expect("one report per source");
            serde_json::to_string(&WithConfig {
                config: Some(config_diagnostics(parsed, reports.next())),
                result: report,
            })
        }
    }
    .unwrap_or_else(|_| "{\"diagnostics\":[],\"resources\":[]}".into());
    Ok(parse_json(&json).unchecked_into())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceInput {
    name: String,
    text: String,
}

/// A result and, with `options.config`, the config's diagnostics, under a
/// `config` key before the result's own (where a `serde_json::Value` map
/// used to sort it).
#[derive(serde::Serialize)]
struct WithConfig<T> {
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<Vec<crate::Diagnostic>>,
    #[serde(flatten)]
    result: T,
}

#[derive(serde::Serialize)]
struct Files<'a> {
    files: Vec<NamedReport<'a>>,
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
    let Resolved { options, config } = options_of(options).map_err(JsValue::from)?;
    let mut sources: Vec<crate::Source> = inputs
        .iter()
        .map(|s| crate::Source {
            name: &s.name,
            text: &s.text,
        })
        .collect();
    if let Some((text, _)) = &config {
        sources.push(crate::Source {
            name: CONFIG_NAME,
            text,
        });
    }
    let mut reports = crate::check_bundle(&sources, &options).into_iter();
    let files: Vec<NamedReport> = reports
        .by_ref()
        .zip(&inputs)
        .map(|(report, s)| NamedReport {
            name: &s.name,
            report,
        })
        .collect();
    let result = WithConfig {
        config: config
            .as_ref()
            .map(|(_, parsed)| config_diagnostics(parsed, reports.next())),
        result: Files { files },
    };
    let json = serde_json::to_string(&result).unwrap_or_else(|_| "{\"files\":[]}".into());
    Ok(parse_json(&json).unchecked_into())
}

/// Applies every safe fix to `source` in passes, re-checking after each; returns the fixed text, what was applied and skipped, and the
/// diagnostics of the fixed text. Throws only for invalid options (`Error`)
/// or a source that is not a string (`TypeError`).
#[wasm_bindgen(js_name = fixAll)]
pub fn fix_all(source: Source, options: Option<CheckOptions>) -> Result<FixAllResult, JsValue> {
    let source = source_of(source, "fixAll")?;
    let source = source.as_str();
    let options = options_of(options)?.options;
    let result = crate::fix_all(source, &options);
    let json = serde_json::to_string(&result).unwrap_or_else(|_| {
        let text = serde_json::to_string(source).unwrap_or_else(|_| "\"\"".into());
        format!(r#"{{"applied":[],"diagnostics":[],"passes":0,"skipped":[],"text":{text}}}"#)
    });
    Ok(parse_json(&json).unchecked_into())
}

/// The quick fix "Ignore with a reason" for the finding of `rule` at
/// `position` (a diagnostic's `range.start`): inserts or extends the
/// resource's `kubeharden.dev/ignore` annotation with a `TODO: reason`
/// placeholder, reported until replaced. `null` outside a resource, when the
/// rule is already ignored, or when the annotations cannot be edited in place.
#[wasm_bindgen(js_name = ignoreFix)]
pub fn ignore_fix(source: &str, rule: &str, line: u32, character: u32) -> IgnoreFix {
    let fix = crate::ignore_fix(source, rule, crate::source::Position { line, character });
    let json = serde_json::to_string(&fix).unwrap_or_else(|_| "null".into());
    parse_json(&json).unchecked_into()
}

/// The rule catalog.
#[wasm_bindgen]
pub fn rules() -> RuleList {
    parse_json(&crate::rules::catalog_json()).unchecked_into()
}

/// The report `kubeharden check --format json|sarif` prints for `source`
/// saved as `path`, byte for byte (the playground's downloads). With
/// `options.config`, the config's problems follow as the file
/// `.kubeharden.yaml`, as the CLI reports them. Throws for an unknown
/// format or invalid options (`Error`), a source that is not a string
/// (`TypeError`).
#[wasm_bindgen]
pub fn report(
    source: Source,
    #[wasm_bindgen(unchecked_param_type = "ReportFormat")] format: &str,
    path: &str,
    options: Option<CheckOptions>,
) -> Result<String, JsValue> {
    let source = source_of(source, "report")?;
    let format = crate::render::ReportFormat::parse(format).ok_or_else(|| {
        JsError::new(&format!(
            "kubeharden: unknown report format {format:?}: expected json or sarif"
        ))
    })?;
    let Resolved { options, config } = options_of(options)?;
    let mut sources = vec![crate::Source {
        name: path,
        text: &source,
    }];
    if let Some((text, _)) = &config {
        sources.push(crate::Source {
            name: CONFIG_NAME,
            text,
        });
    }
    let mut reports = crate::check_bundle(&sources, &options).into_iter();
    let file = reports.next().map(|r| r.diagnostics).unwrap_or_default();
    let config = config.map(|(_, parsed)| config_diagnostics(&parsed, reports.next()));
    let mut files = vec![(path.to_string(), file.as_slice())];
    if let Some(c) = config.as_deref().filter(|c| !c.is_empty()) {
        files.push((CONFIG_NAME.to_string(), c));
    }
    Ok(crate::render::report_text(format, &files))
}

/// The rules `options` switch on (profile, `enable`/`disable`, rule
/// parameters, a config's `severity`), in catalog order, with the severity
/// their findings get. Throws only for invalid options.
#[wasm_bindgen(js_name = ruleSelection)]
pub fn rule_selection(options: Option<CheckOptions>) -> Result<SelectionList, JsValue> {
    let options = options_of(options)?.options;
    let json =
        serde_json::to_string(&crate::rules::selection(&options)).unwrap_or_else(|_| "[]".into());
    Ok(parse_json(&json).unchecked_into())
}

/// The Pod Security Standards versions `pssVersion` takes, newest first:
/// `latest`, then `v1.N` down to `v1.0`.
#[wasm_bindgen(js_name = pssVersions)]
pub fn pss_versions() -> Vec<String> {
    crate::options::PssVersion::supported()
}

#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// The language server, only in the module built with the
/// `language-server` feature (`pkg/lsp/`): the checker module that the
/// playground and the docs' live examples download is 46 KB (brotli) smaller
/// without it.
#[cfg(feature = "language-server")]
mod language_server {
    use wasm_bindgen::prelude::*;

    use super::parse_json;

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
            // Exceptions' `until` against the host's date (the engine has no clock).
            self.inner.set_today(super::host_days_since_epoch());
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
}
