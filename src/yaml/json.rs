//! YAML values as Kubernetes sees them.
//!
//! kubectl and the API server never look at YAML types: `sigs.k8s.io/yaml`
//! decodes the text with its fork of go-yaml v2 into Go values, using YAML 1.1
//! scalar rules, turns those into JSON, and the API types are then decoded from
//! that JSON (case-sensitively, by `sigs.k8s.io/json`). So `privileged: yes` or
//! `privileged: on` *is* `true` for the cluster, `runAsUser: 0o0`/`00` is 0, and
//! a quoted `"true"` is a string (which a boolean field rejects). We convert our
//! tree to `serde_json::Value` with exactly those rules, and remember nothing
//! else: what Kubernetes cannot see, rules must not see either.
//!
//! go-yaml v2 (`resolve.go`) in short:
//! - only plain (unquoted, untagged) scalars are resolved; quoted and block
//!   scalars are strings;
//! - booleans: y Y yes Yes YES true True TRUE on On ON, and n N no No NO false
//!   False FALSE off Off OFF;
//! - null: empty, ~, null, Null, NULL;
//! - integers: `strconv.ParseInt(s without '_', 0, 64)`, i.e. decimal, `0x`,
//!   `0o`, `0b` and C-style octal (`0755`), then unsigned 64-bit;
//! - floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, and
//!   `.inf`/`.nan`, which JSON cannot carry (the conversion fails in Kubernetes);
//! - timestamps stay strings when decoded into `interface{}` (go-yaml v2 keeps
//!   them as text "for backward compatibility");
//! - `<<` merges mappings (explicit keys win, then sources in order).
//!
//! JSON numbers: Go's `json.Marshal` writes integral floats without a
//! fraction (`1e3` -> `1000`), which then decode into integer fields; we do the
//! same. Map keys that resolve to bools or numbers become their decimal text.

use std::borrow::Cow;

use serde_json::Number;

use crate::yaml::value::{Map, Value};

use crate::source::Span;
use crate::yaml::tree::{Document, NodeId, NodeKind, ScalarStyle};

/// Expanded nodes per document: bounds alias bombs ("billion laughs").
pub const MAX_EXPANDED: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str,
}

/// Resolves a plain scalar as go-yaml v2 does.
pub fn resolve_plain(text: &str) -> Scalar {
    // The words below are at most 5 bytes long and start with one of these
    // bytes: most scalars skip the 40 string comparisons (a call each in the
    // size-optimised WebAssembly build).
    let word = text.len() <= 5
        && matches!(
            text.as_bytes().first(),
            None | Some(
                b'~' | b'n'
                    | b'N'
                    | b'y'
                    | b'Y'
                    | b't'
                    | b'T'
                    | b'f'
                    | b'F'
                    | b'o'
                    | b'O'
                    | b'.'
                    | b'+'
                    | b'-'
            )
        );
    match text {
        _ if !word => {}
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Scalar::Str;
    }
    let plain: Cow<str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if let Some(v) = parse_go_int(&plain) {
        return v;
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Scalar::Float(f);
    }
    Scalar::Str
}

/// `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint`.
fn parse_go_int(s: &str) -> Option<Scalar> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r)
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r)
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u64 + 1 {
            return Some(Scalar::Int((magnitude as i128).wrapping_neg() as i64));
        }
        None
    } else if magnitude <= i64::MAX as u64 {
        Some(Scalar::Int(magnitude as i64))
    } else {
        Some(Scalar::UInt(magnitude))
    }
}

fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if int_digits == 0 {
        // `\.[0-9]+`
        if b.get(i) != Some(&b'.') {
            return false;
        }
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == f {
            return false;
        }
    } else if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// How a scalar with this style and tag resolves.
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Scalar {
    match tag {
        Some("!!str") | Some("!!binary") | Some("!!timestamp") => return Scalar::Str,
        Some("!!null") => return Scalar::Null,
        Some("!!bool") | Some("!!int") | Some("!!float") => return resolve_plain(text),
        Some(_) => {}
        None => {}
    }
    if style == ScalarStyle::Plain {
        resolve_plain(text)
    } else {
        Scalar::Str
    }
}

fn format_float_key(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        let s = format!("{f}");
        s
    }
}

/// The JSON object key a scalar key becomes (None: Kubernetes refuses it).
pub fn key_string<'a>(
    text: &'a str,
    style: ScalarStyle,
    tag: Option<&str>,
) -> Option<Cow<'a, str>> {
    Some(match resolve_scalar(text, style, tag) {
        Scalar::Str => Cow::Borrowed(text),
        Scalar::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
        Scalar::Int(i) => Cow::Owned(i.to_string()),
        Scalar::UInt(u) => Cow::Owned(u.to_string()),
        Scalar::Float(f) => Cow::Owned(format_float_key(f)),
        Scalar::Null => return None,
    })
}

fn number(s: Scalar) -> Result<Value, &'static str> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::Number(i.into()),
        Scalar::UInt(u) => Value::Number(u.into()),
        Scalar::Float(f) => {
            if !f.is_finite() {
                return Err(
                    "infinity and NaN cannot be represented in JSON; Kubernetes rejects this value",
                );
            }
            if f.fract() == 0.0 && f.abs() < 1e21 {
                if f >= i64::MIN as f64 && f <= i64::MAX as f64 {
                    Value::Number((f as i64).into())
                } else {
                    Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
            } else {
                Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
        }
        Scalar::Str => unreachable!("strings are handled by the caller"),
    })
}

#[derive(Debug, Clone)]
pub struct ConvertProblem {
    pub span: Span,
    pub message: String,
    /// A reader limit (alias expansion) rather than a bad value.
    pub limit: bool,
}

pub struct Converter<'d> {
    doc: &'d Document,
    budget: usize,
    pub problems: Vec<ConvertProblem>,
}

impl<'d> Converter<'d> {
    pub fn new(doc: &'d Document) -> Self {
        Converter {
            doc,
            budget: MAX_EXPANDED,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, span: Span, message: impl Into<String>) {
        if self.problems.len() < 100 {
            self.problems.push(ConvertProblem {
                span,
                message: message.into(),
                limit: false,
            });
        }
    }

    fn limit(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(ConvertProblem {
            span,
            message: message.into(),
            limit: true,
        });
    }

    pub fn convert(&mut self, id: NodeId) -> Value {
        self.value(id, 0)
    }

    fn value(&mut self, id: NodeId, depth: usize) -> Value {
        if self.budget == 0 {
            return Value::Null;
        }
        self.budget -= 1;
        if self.budget == 0 {
            let span = self.doc.node(id).span;
            self.limit(span, format!(
                "aliases expand this document beyond {MAX_EXPANDED} nodes (an alias bomb?); the rest is not read"
            ));
            return Value::Null;
        }
        if depth > crate::yaml::parse::MAX_DEPTH {
            let span = self.doc.node(id).span;
            self.limit(
                span,
                "aliases nest this document too deeply; the rest is not read",
            );
            self.budget = 0;
            return Value::Null;
        }
        // The document outlives the converter: its nodes are read while
        // `self` converts their children, without copying child lists.
        let doc = self.doc;
        let node = doc.node(id);
        match &node.kind {
            NodeKind::Alias(target) => {
                let t = *target;
                if t >= id {
                    return Value::Null;
                }
                self.value(t, depth + 1)
            }
            NodeKind::Scalar { text, style } => {
                match resolve_scalar(text, *style, self.doc.tag(id)) {
                    Scalar::Str => Value::String(text.clone()),
                    other => match number(other) {
                        Ok(v) => v,
                        Err(msg) => {
                            self.problem(node.span, msg);
                            Value::Null
                        }
                    },
                }
            }
            NodeKind::Seq(items, _) => {
                Value::Array(items.iter().map(|&i| self.value(i, depth + 1)).collect())
            }
            NodeKind::Map(..) => {
                let mut out = Vec::new();
                self.merge_into(id, &mut out, depth, true);
                Value::Object(Map::from_entries(out))
            }
        }
    }

    /// Fills `out` from a mapping: explicit keys override keys that merges
    /// bring in. `out` lists entries by precedence: where a key repeats, its
    /// first entry is the one kept (`Map::from_entries`).
    fn merge_into(
        &mut self,
        id: NodeId,
        out: &mut Vec<(Box<str>, Value)>,
        depth: usize,
        explicit: bool,
    ) {
        // Each merged source costs budget too: a chain of lists that merge
        // the same anchors again and again has no values of its own and
        // would otherwise expand exponentially for free.
        if !explicit {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
        }
        if depth > crate::yaml::parse::MAX_DEPTH {
            let span = self.doc.node(id).span;
            self.limit(
                span,
                "merges (<<) nest this document too deeply; the rest is not read",
            );
            self.budget = 0;
            return;
        }
        let doc = self.doc;
        let id = doc.resolve(id);
        let entries = doc.entries(id);
        let mut merges = Vec::new();
        let mut own: Vec<(Box<str>, Value)> = Vec::with_capacity(entries.len());
        for &(k, v) in entries {
            let kid = self.doc.resolve(k);
            let kn = self.doc.node(kid);
            match &kn.kind {
                NodeKind::Scalar { text, style } => {
                    let tag = self.doc.tag(kid);
                    if *style == ScalarStyle::Plain && &**text == "<<" && tag.is_none() {
                        merges.push(v);
                        continue;
                    }
                    match key_string(text, *style, tag) {
                        Some(key) => {
                            let key = key.into_owned().into_boxed_str();
                            let value = self.value(v, depth + 1);
                            own.push((key, value));
                        }
                        None => self.problem(
                            kn.span,
                            "a null mapping key cannot be a JSON key; Kubernetes rejects it",
                        ),
                    }
                }
                _ => self.problem(
                    kn.span,
                    "complex mapping keys are not allowed in Kubernetes objects",
                ),
            }
        }
        // A mapping's own keys: the last of a repeated key wins (the value
        // Kubernetes keeps). A merged mapping's keys: only where no key of
        // higher precedence is set, the first of a repeated key winning.
        if explicit {
            out.extend(own.into_iter().rev());
        } else {
            out.extend(own);
        }
        for m in merges {
            let m = self.doc.resolve(m);
            let sources: Vec<NodeId> = match &self.doc.node(m).kind {
                NodeKind::Seq(items, _) => items.to_vec(),
                NodeKind::Map(..) => vec![m],
                _ => {
                    let span = self.doc.node(m).span;
                    self.problem(
                        span,
                        "a merge key (<<) needs a mapping or a list of mappings",
                    );
                    continue;
                }
            };
            for s in sources {
                if self.doc.is_map(s) {
                    self.merge_into(s, out, depth + 1, false);
                } else {
                    let span = self.doc.node(s).span;
                    self.problem(
                        span,
                        "a merge key (<<) needs a mapping or a list of mappings",
                    );
                }
            }
        }
    }
}

/// Duplicate keys in every mapping of a document (Kubernetes' strict decoding
/// refuses them: "duplicate field"). Returns (first key, repeated key, key).
pub fn duplicate_keys(doc: &Document) -> Vec<(Span, Span, String)> {
    let mut out = Vec::new();
    for node in &doc.nodes {
        let NodeKind::Map(entries, _) = &node.kind else {
            continue;
        };
        if entries.len() < 2 {
            continue;
        }
        let mut seen: Vec<(Cow<str>, Span)> = Vec::with_capacity(entries.len());
        let mut index = std::collections::HashMap::new();
        let big = entries.len() > 16;
        for &(k, _) in entries {
            let kid = doc.resolve(k);
            let NodeKind::Scalar { text, style } = &doc.node(kid).kind else {
                continue;
            };
            if *style == ScalarStyle::Plain && &**text == "<<" {
                continue;
            }
            let Some(key) = key_string(text, *style, doc.tag(kid)) else {
                continue;
            };
            let first = if big {
                index.get(&key).copied()
            } else {
                seen.iter().find(|(s, _)| *s == key).map(|(_, sp)| *sp)
            };
            let span = doc.node(k).span;
            if let Some(first) = first {
                out.push((first, span, key.into_owned()));
                if out.len() >= 100 {
                    return out;
                }
            } else if big {
                index.insert(key, span);
            } else {
                seen.push((key, span));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(resolve_plain(t), Scalar::Bool(true), "{t}");
        }
        for t in ["n", "N", "no", "NO", "off", "Off", "false", "FALSE"] {
            assert_eq!(resolve_plain(t), Scalar::Bool(false), "{t}");
        }
        assert_eq!(resolve_plain("yES"), Scalar::Str);
        assert_eq!(resolve_plain("tRue"), Scalar::Str);
    }

    #[test]
    fn go_integers() {
        assert_eq!(resolve_plain("0755"), Scalar::Int(493));
        assert_eq!(resolve_plain("0o17"), Scalar::Int(15));
        assert_eq!(resolve_plain("0x1F"), Scalar::Int(31));
        assert_eq!(resolve_plain("-0b101"), Scalar::Int(-5));
        assert_eq!(resolve_plain("1_000"), Scalar::Int(1000));
        assert_eq!(resolve_plain("+7"), Scalar::Int(7));
        assert_eq!(
            resolve_plain("18446744073709551615"),
            Scalar::UInt(u64::MAX)
        );
        // Not octal: falls through to the float pattern, like Go.
        assert_eq!(resolve_plain("08"), Scalar::Float(8.0));
        assert_eq!(resolve_plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(resolve_plain(".5"), Scalar::Float(0.5));
        assert_eq!(resolve_plain("1.2.3"), Scalar::Str);
        assert_eq!(resolve_plain("12:30"), Scalar::Str);
        assert_eq!(resolve_plain("2001-12-14"), Scalar::Str);
        assert_eq!(resolve_plain("-"), Scalar::Str);
    }

    #[test]
    fn integral_floats_become_integers() {
        assert_eq!(
            number(Scalar::Float(1000.0)).unwrap(),
            Value::from(serde_json::json!(1000))
        );
        assert!(number(Scalar::Float(f64::INFINITY)).is_err());
    }
}
