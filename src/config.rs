//! `.kubeharden.yaml`: a repository's settings, read with the project's own
//! YAML reader so that every problem is a diagnostic at its exact range in
//! the config file (rule `config-invalid`), like a manifest's.
//!
//! The API for every face (CLI, language server, playground):
//! - [`parse_config`]`(name, text)` → [`ParsedConfig`]: the [`Config`] and its
//!   diagnostics (an entry with a problem is left out, never half-applied);
//! - [`Config::options`]`(&Overrides)` → [`Options`]: the file under the
//!   caller's own settings (CLI flags, editor settings), which win;
//! - [`Config::fail_on`]`(&Overrides)` → the exit threshold.
//!
//! The JSON Schema `schema/kubeharden-config.schema.json` describes the same
//! keys; a test checks both name the same keys and values.

use crate::check::input_diagnostic;
use crate::diagnostic::{Diagnostic, Severity};
use crate::exceptions::{Date, Exemption};
use crate::model::suggest::closest;
use crate::options::Profile;
use crate::options::{Options, PssVersion};
use crate::rules::input;
use crate::source::{Range, SourceMap};
use crate::yaml::parse::parse;
use crate::yaml::tree::{Document, NodeId, NodeKind};

/// The file name looked for, walking up from each checked file.
pub const FILE_NAME: &str = ".kubeharden.yaml";

/// Top-level keys, in the order the README lists them.
pub const KEYS: &[&str] = &[
    "profile",
    "pssVersion",
    "enable",
    "disable",
    "failOn",
    "imageRegistries",
    "severity",
    "exclude",
    "exemptions",
];

/// Keys of one `exemptions` entry.
pub const EXEMPTION_KEYS: &[&str] = &["rules", "namespace", "kind", "name", "reason", "until"];

/// What a config file says; `None` / empty where it says nothing.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file's name as diagnostics name it.
    pub name: String,
    pub profile: Option<Profile>,
    pub pss_version: Option<PssVersion>,
    pub enable: Vec<String>,
    pub disable: Vec<String>,
    pub fail_on: Option<Severity>,
    pub image_registries: Option<Vec<String>>,
    /// Per-rule severities, in file order.
    pub severity: Vec<(String, Severity)>,
    /// Path globs (relative to the config's directory) not to check.
    pub exclude: Vec<String>,
    pub exemptions: Vec<Exemption>,
}

pub struct ParsedConfig {
    pub config: Config,
    /// `config-invalid` (and `yaml-syntax`) problems, in the config file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Settings that override the file's (CLI flags, editor settings). `None`
/// and empty lists leave the file's value.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub profile: Option<Profile>,
    pub pss_version: Option<PssVersion>,
    /// Switched on whatever the file says (taken out of its `disable`).
    pub enable: Vec<String>,
    /// Switched off whatever the file says (taken out of its `enable`).
    pub disable: Vec<String>,
    /// Replaces the file's list when not empty.
    pub image_registries: Vec<String>,
    pub fail_on: Option<Severity>,
    pub today: Option<Date>,
}

impl Config {
    /// The options of a run under this file, the overrides winning.
    pub fn options(&self, o: &Overrides) -> Options {
        let mut enable: Vec<String> = self
            .enable
            .iter()
            .filter(|id| !o.disable.contains(id))
            .cloned()
            .collect();
        enable.extend(o.enable.iter().cloned());
        let mut disable: Vec<String> = self
            .disable
            .iter()
            .filter(|id| !o.enable.contains(id))
            .cloned()
            .collect();
        disable.extend(o.disable.iter().cloned());
        Options {
            profile: o.profile.or(self.profile).unwrap_or(Profile::Hardened),
            enable,
            disable,
            pss_version: o
                .pss_version
                .clone()
                .or_else(|| self.pss_version.clone())
                .unwrap_or_default(),
            image_registries: if o.image_registries.is_empty() {
                self.image_registries.clone().unwrap_or_default()
            } else {
                o.image_registries.clone()
            },
            severity: self.severity.clone(),
            exemptions: self.exemptions.clone(),
            today: o.today,
        }
    }

    /// The exit threshold: the override's, the file's, else `high`.
    pub fn fail_on(&self, o: &Overrides) -> Severity {
        o.fail_on.or(self.fail_on).unwrap_or(Severity::High)
    }
}

struct Reader<'a> {
    doc: &'a Document,
    map: &'a SourceMap<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn range(&self, node: NodeId) -> Range {
        self.map.range(self.doc.node(node).span)
    }

    fn problem(&mut self, node: NodeId, message: String) {
        let range = self.range(node);
        self.diagnostics.push(input_diagnostic(
            &input::CONFIG_INVALID.meta,
            range,
            message,
        ));
    }

    /// A string scalar (any scalar but null; YAML `1.2` reads as text here).
    fn string(&mut self, node: NodeId, what: &str) -> Option<String> {
        match &self.doc.node(self.doc.resolve(node)).kind {
            NodeKind::Scalar { text, .. } if !is_null(self.doc, node) => Some(text.to_string()),
            _ => {
                let found = kind_name(self.doc, node);
                self.problem(node, format!("{what} must be a string, not {found}"));
                None
            }
        }
    }

    /// A list of strings; each bad item is reported and left out.
    fn strings(&mut self, node: NodeId, what: &str) -> Option<Vec<(String, NodeId)>> {
        if !matches!(
            self.doc.node(self.doc.resolve(node)).kind,
            NodeKind::Seq(..)
        ) {
            let found = kind_name(self.doc, node);
            self.problem(node, format!("{what} must be a list, not {found}"));
            return None;
        }
        let items = self.doc.items(node).to_vec();
        Some(
            items
                .into_iter()
                .filter_map(|i| {
                    self.string(i, &format!("each item of {what}"))
                        .map(|s| (s, i))
                })
                .collect(),
        )
    }

    fn rule_ids(&mut self, node: NodeId, what: &str) -> Vec<(String, NodeId)> {
        let Some(ids) = self.strings(node, what) else {
            return Vec::new();
        };
        ids.into_iter()
            .filter(|(id, n)| self.rule_id(id, *n))
            .collect()
    }

    fn rule_id(&mut self, id: &str, node: NodeId) -> bool {
        if crate::rules::find(id).is_some() {
            return true;
        }
        let ids: Vec<&str> = crate::rules::registry().iter().map(|r| r.meta.id).collect();
        let hint = closest(id, &ids)
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
        self.problem(
            node,
            format!("unknown rule id \"{id}\" (see `kubeharden rules`){hint}"),
        );
        false
    }

    fn severity(&mut self, node: NodeId, what: &str) -> Option<Severity> {
        let s = self.string(node, what)?;
        let parsed = Severity::parse(&s);
        if parsed.is_none() {
            self.problem(
                node,
                format!("invalid {what} \"{s}\": expected critical, high, medium, low or info"),
            );
        }
        parsed
    }

    /// The mapping's entries as (key text, key node, value node); a key that
    /// is not one of `keys` is reported with the closest known key.
    fn entries(&mut self, map: NodeId, keys: &[&str], what: &str) -> Vec<(String, NodeId, NodeId)> {
        let mut out = Vec::new();
        for &(k, v) in self.doc.entries(map) {
            let Some(key) = self.doc.scalar(k).map(str::to_string) else {
                self.problem(k, format!("{what} keys must be strings"));
                continue;
            };
            if !keys.contains(&key.as_str()) {
                let hint = closest(&key, keys)
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                self.problem(
                    k,
                    format!(
                        "unknown key \"{key}\" in {what}{hint} (known: {})",
                        keys.join(", ")
                    ),
                );
                continue;
            }
            out.push((key, k, v));
        }
        out
    }
}

fn is_null(doc: &Document, node: NodeId) -> bool {
    match &doc.node(doc.resolve(node)).kind {
        NodeKind::Scalar { text, style } => {
            *style == crate::yaml::tree::ScalarStyle::Plain
                && matches!(&**text, "" | "~" | "null" | "Null" | "NULL")
        }
        _ => false,
    }
}

fn kind_name(doc: &Document, node: NodeId) -> &'static str {
    if is_null(doc, node) {
        return "empty";
    }
    match doc.node(doc.resolve(node)).kind {
        NodeKind::Scalar { .. } => "a single value",
        NodeKind::Seq(..) => "a list",
        NodeKind::Map(..) => "a mapping",
        NodeKind::Alias(_) => "an alias",
    }
}

/// Reads a config file. Never fails: what cannot be read is a diagnostic.
pub fn parse_config(name: &str, text: &str) -> ParsedConfig {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let map = SourceMap::new(text);
    let parsed = parse(&map);
    let mut config = Config {
        name: name.to_string(),
        ..Config::default()
    };
    let mut diagnostics: Vec<Diagnostic> = parsed
        .problems
        .iter()
        .map(|p| {
            input_diagnostic(
                &input::YAML_SYNTAX.meta,
                map.range(p.span),
                format!("YAML syntax error: {}", p.message),
            )
        })
        .collect();
    let docs: Vec<&Document> = parsed
        .documents
        .iter()
        .filter(|d| d.root.is_some())
        .collect();
    if docs.len() > 1 {
        let second = docs[1];
        diagnostics.push(input_diagnostic(
            &input::CONFIG_INVALID.meta,
            map.range(second.span),
            "a config file holds one document; this one is ignored: merge it into the first".into(),
        ));
    }
    let Some(doc) = docs.first() else {
        return ParsedConfig {
            config,
            diagnostics,
        };
    };
    let root = doc.root.expect("filtered");
    let mut r = Reader {
        doc,
        map: &map,
        diagnostics: Vec::new(),
    };
    if is_null(doc, root) {
        // An empty file: defaults.
    } else if !doc.is_map(root) {
        let found = kind_name(doc, root);
        r.problem(
            root,
            format!("a config file is a mapping of settings, not {found}"),
        );
    } else {
        read_root(&mut r, root, &mut config);
    }
    diagnostics.extend(r.diagnostics);
    crate::diagnostic::sort_by_start(&mut diagnostics);
    ParsedConfig {
        config,
        diagnostics,
    }
}

fn read_root(r: &mut Reader, root: NodeId, c: &mut Config) {
    for (key, _, v) in r.entries(root, KEYS, "the config") {
        match key.as_str() {
            "profile" => {
                if let Some(s) = r.string(v, "profile") {
                    c.profile = Profile::parse(&s);
                    if c.profile.is_none() {
                        r.problem(
                            v,
                            format!(
                                "unknown profile \"{s}\": expected baseline, restricted or hardened"
                            ),
                        );
                    }
                }
            }
            "pssVersion" => {
                if let Some(s) = r.string(v, "pssVersion") {
                    c.pss_version = PssVersion::parse(&s);
                    if c.pss_version.is_none() {
                        r.problem(
                            v,
                            format!("invalid pssVersion \"{s}\": expected latest or v1.N"),
                        );
                    }
                }
            }
            "enable" => c.enable = ids(r.rule_ids(v, "enable")),
            "disable" => c.disable = ids(r.rule_ids(v, "disable")),
            "failOn" => c.fail_on = r.severity(v, "failOn"),
            "imageRegistries" => {
                c.image_registries = r.strings(v, "imageRegistries").map(ids);
            }
            "severity" => {
                if !r.doc.is_map(v) {
                    let found = kind_name(r.doc, v);
                    r.problem(
                        v,
                        format!("severity must be a mapping of rule id to severity, not {found}"),
                    );
                    continue;
                }
                for &(k, sv) in r.doc.entries(v) {
                    let Some(id) = r.string(k, "a severity key") else {
                        continue;
                    };
                    if !r.rule_id(&id, k) {
                        continue;
                    }
                    if let Some(s) = r.severity(sv, &format!("severity of {id}")) {
                        c.severity.push((id, s));
                    }
                }
            }
            "exclude" => {
                for (glob, node) in r.strings(v, "exclude").unwrap_or_default() {
                    if let Err(e) = check_glob(&glob) {
                        r.problem(node, format!("invalid glob \"{glob}\" in exclude: {e}"));
                    } else {
                        c.exclude.push(glob);
                    }
                }
            }
            "exemptions" => {
                if !matches!(r.doc.node(r.doc.resolve(v)).kind, NodeKind::Seq(..)) {
                    let found = kind_name(r.doc, v);
                    r.problem(v, format!("exemptions must be a list, not {found}"));
                    continue;
                }
                for &item in r.doc.items(v).to_vec().iter() {
                    if let Some(e) = read_exemption(r, item, &c.name) {
                        c.exemptions.push(e);
                    }
                }
            }
            _ => unreachable!("entries() keeps known keys only"),
        }
    }
}

fn ids(v: Vec<(String, NodeId)>) -> Vec<String> {
    v.into_iter().map(|(s, _)| s).collect()
}

/// One exemption; `None` when it has a problem the config reports (wrong
/// types, a bad date): such an entry suppresses nothing. A missing reason and
/// unknown rule ids are left to the exceptions stage, which reports them for
/// every form alike (`exception-invalid`).
fn read_exemption(r: &mut Reader, item: NodeId, file: &str) -> Option<Exemption> {
    if !r.doc.is_map(item) {
        let found = kind_name(r.doc, item);
        r.problem(
            item,
            format!("each exemption is a mapping (rules, kind, namespace, name, reason, until), not {found}"),
        );
        return None;
    }
    let mut e = Exemption {
        file: file.to_string(),
        range: r.range(item),
        ..Exemption::default()
    };
    let before = r.diagnostics.len();
    let mut has_rules = false;
    for (key, _, v) in r.entries(item, EXEMPTION_KEYS, "an exemption") {
        match key.as_str() {
            "rules" => {
                has_rules = true;
                if let Some(list) = r.strings(v, "rules") {
                    e.rules = list.into_iter().map(|(s, n)| (s, r.range(n))).collect();
                }
            }
            "namespace" => e.namespace = r.string(v, "namespace"),
            "kind" => e.kind = r.string(v, "kind"),
            "name" => e.name = r.string(v, "name"),
            "reason" => {
                // An empty reason is no reason: the exceptions stage says so.
                if !is_null(r.doc, v) {
                    e.reason = r
                        .string(v, "reason")
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                }
            }
            "until" => {
                if let Some(s) = r.string(v, "until") {
                    match Date::parse(&s) {
                        Some(d) => e.until = Some((d, r.range(v))),
                        None => r.problem(v, format!("invalid date \"{s}\": expected YYYY-MM-DD")),
                    }
                }
            }
            _ => unreachable!("entries() keeps known keys only"),
        }
    }
    if !has_rules {
        r.problem(
            item,
            "this exemption has no `rules`: list the rule ids it accepts".into(),
        );
    }
    (r.diagnostics.len() == before).then_some(e)
}

/// Globs are `fast-glob`'s (the CLI and the WebAssembly language server
/// match them alike): `*` and `?` stay within a path segment, `**` crosses
/// segments, `[...]`, `{a,b}`, a leading `!` negates.
fn check_glob(glob: &str) -> Result<(), String> {
    fast_glob::validate(glob).map_err(|e| e.to_string())
}

// Which config applies to which file, and what it leaves out: one
// implementation for the CLI (paths) and the language server (URIs), with no
// I/O of its own (the caller says which config files exist). Names are
// `/`-separated: an absolute path or a URI.

/// The directory part of a name (`a/b/c.yaml` → `a/b`; `c.yaml` → ``).
pub fn dir_of(name: &str) -> &str {
    name.rfind('/').map_or("", |i| &name[..i])
}

/// The config files that could apply to `file`, nearest first: the config
/// name in each directory from the file's up to the root (for a URI, up to
/// its authority: `file:///a/b.yaml` → `file:///a/.kubeharden.yaml`,
/// `file:///.kubeharden.yaml`).
pub fn candidates(file: &str) -> Vec<String> {
    // `scheme://authority` is never a directory of its own.
    let floor = file.find("://").map_or(0, |i| {
        let rest = &file[i + 3..];
        i + 3 + rest.find('/').unwrap_or(rest.len())
    });
    let absolute = file.starts_with('/');
    let mut out = Vec::new();
    let mut dir = Some(dir_of(file));
    while let Some(d) = dir {
        out.push(if d.is_empty() && !absolute {
            FILE_NAME.to_string()
        } else {
            format!("{d}/{FILE_NAME}")
        });
        dir = (d.len() > floor && !d.is_empty()).then(|| dir_of(d));
    }
    out
}

/// The nearest config file above `file` among those `exists` admits.
pub fn nearest(file: &str, mut exists: impl FnMut(&str) -> bool) -> Option<String> {
    candidates(file).into_iter().find(|c| exists(c))
}

/// Whether `file` is a config file (by its name).
pub fn is_config(name: &str) -> bool {
    name == FILE_NAME || name.ends_with(&format!("/{FILE_NAME}"))
}

impl Config {
    /// Whether the config's `exclude` leaves `file` out; `config_path` is
    /// where the config is (globs are relative to its directory).
    pub fn excludes(&self, config_path: &str, file: &str) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let dir = dir_of(config_path);
        let rel = if dir.is_empty() {
            file
        } else {
            match file.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) {
                Some(rel) => rel,
                // Not below the config: nothing of it to exclude.
                None => return false,
            }
        };
        // Invalid globs were reported by the parser and left out.
        self.exclude.iter().any(|g| fast_glob::glob_match(g, rel))
    }

    /// The options of a file under this config when the caller's settings
    /// only fill in what the file leaves unset (an editor's settings: the
    /// repository's file wins, unlike CLI flags, see [`Config::options`]).
    pub fn options_under(&self, client: &Overrides) -> Options {
        let mut enable: Vec<String> = client
            .enable
            .iter()
            .filter(|id| !self.disable.contains(id))
            .cloned()
            .collect();
        enable.extend(self.enable.iter().cloned());
        let mut disable: Vec<String> = client
            .disable
            .iter()
            .filter(|id| !self.enable.contains(id))
            .cloned()
            .collect();
        disable.extend(self.disable.iter().cloned());
        Options {
            profile: self.profile.or(client.profile).unwrap_or(Profile::Hardened),
            enable,
            disable,
            pss_version: self
                .pss_version
                .clone()
                .or_else(|| client.pss_version.clone())
                .unwrap_or_default(),
            image_registries: match &self.image_registries {
                Some(r) => r.clone(),
                None => client.image_registries.clone(),
            },
            severity: self.severity.clone(),
            exemptions: self.exemptions.clone(),
            today: client.today,
        }
    }
}

/// Groups items by the config that applies to each (`config_of` gives its
/// path, or `None`), groups and items in the order the items came.
pub fn group<T>(
    items: Vec<T>,
    name: impl Fn(&T) -> &str,
    mut config_of: impl FnMut(&str) -> Option<String>,
) -> Vec<(Option<String>, Vec<T>)> {
    let mut out: Vec<(Option<String>, Vec<T>)> = Vec::new();
    let mut at: std::collections::HashMap<Option<String>, usize> = Default::default();
    for item in items {
        let key = config_of(name(&item));
        let i = *at.entry(key.clone()).or_insert_with(|| {
            out.push((key, Vec::new()));
            out.len() - 1
        });
        out[i].1.push(item);
    }
    out
}
