//! Which documents are Kubernetes objects, and what they are.
//!
//! An object needs `apiVersion` and `kind`. YAML without them is not
//! Kubernetes (CI workflows, compose files, Helm values) and gets nothing. But
//! a document that is plainly meant as an object — it has `metadata` or
//! `spec`, or `apiVersion`/`kind` spelled another way (`apiversion`, `Kind`,
//! `api_version`) — would be refused by kubectl: it gets `schema-invalid`,
//! and is checked as far as it can be read (a misspelled `Kind: Pod` is read
//! as `kind: Pod`; a built-in kind without `apiVersion` gets its version).

use crate::model::value::Value;

use crate::model::schema_check;
use crate::source::Span;
use crate::yaml::tree::{Document, NodeId};

pub struct Identity {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    /// Why kubectl would refuse the object, where.
    pub problems: Vec<(Span, String)>,
}

/// Top-level keys of a kustomization file, which may omit `apiVersion` and
/// `kind` (kustomize defaults them) and still carry `metadata`.
const KUSTOMIZATION_KEYS: &[&str] = &[
    "resources",
    "bases",
    "components",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "namePrefix",
    "nameSuffix",
    "commonLabels",
    "commonAnnotations",
    "configMapGenerator",
    "secretGenerator",
    "images",
];

/// `apiVersion` or `kind` when `key` is one of them spelled another way
/// (case, `_`/`-` separators, one typo in `apiVersion`).
fn misspelling_of(key: &str) -> Option<&'static str> {
    let normal: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if normal == "kind" && key != "kind" {
        Some("kind")
    } else if key != "apiVersion"
        && (normal == "apiversion" || strsim::damerau_levenshtein(&normal, "apiversion") == 1)
    {
        Some("apiVersion")
    } else {
        None
    }
}

/// The object's identity; `None` when the document is not meant as a
/// Kubernetes object. May rename misspelled keys in `json` so that the
/// object decodes as Kubernetes would read it once corrected.
pub fn identify(doc: &Document, node: NodeId, json: &mut Value) -> Option<Identity> {
    let obj = json.as_object()?;
    let api_version = obj.get("apiVersion").and_then(Value::as_str);
    let kind = obj.get("kind").and_then(Value::as_str);
    if let (Some(a), Some(k)) = (api_version, kind) {
        return Some(Identity {
            api_version: Some(a.to_string()),
            kind: Some(k.to_string()),
            problems: Vec::new(),
        });
    }
    // A value that is not a string (or was not read: an alias past the
    // expansion budget, reported as such) says nothing more.
    if ["apiVersion", "kind"]
        .iter()
        .any(|k| obj.get(k).is_some_and(|v| !v.is_string()))
    {
        return None;
    }
    // Misspelled keys, with their key node for the range.
    let mut misspelled: Vec<(NodeId, String, &'static str)> = Vec::new();
    for &(k, _) in doc.entries(node) {
        if let Some(key) = doc.scalar(k)
            && let Some(meant) = misspelling_of(key)
            && !obj.contains_key(meant)
            && !misspelled.iter().any(|m| m.2 == meant)
        {
            misspelled.push((k, key.to_string(), meant));
        }
    }
    let shaped = obj.contains_key("metadata") || obj.contains_key("spec");
    let kustomization =
        !obj.contains_key("spec") && KUSTOMIZATION_KEYS.iter().any(|k| obj.contains_key(k));
    if misspelled.is_empty() && (!shaped || kustomization) {
        return None;
    }

    let mut problems = Vec::new();
    let mut identity = Identity {
        api_version: api_version.map(str::to_string),
        kind: kind.map(str::to_string),
        problems: Vec::new(),
    };
    let obj = json.as_object_mut()?;
    for (k, key, meant) in &misspelled {
        problems.push((
            doc.node(*k).span,
            format!(
                "unknown field \"{key}\" at the top of a Kubernetes object: did you mean \"{meant}\"? Field names are case-sensitive, and kubectl refuses an object without \"{meant}\""
            ),
        ));
        // Read on as the author meant it.
        if let Some(value) = obj.remove(key.as_str()) {
            let text = value.as_str().map(str::to_string);
            obj.insert((*meant).into(), value);
            match *meant {
                "kind" => identity.kind = text,
                _ => identity.api_version = text,
            }
        }
    }
    // Fields missing outright (not merely misspelled), reported at the first key.
    let at = doc
        .entries(node)
        .first()
        .map_or(doc.node(node).span, |&(k, _)| doc.node(k).span);
    for (field, known) in [
        ("apiVersion", identity.api_version.is_some()),
        ("kind", identity.kind.is_some()),
    ] {
        if known || misspelled.iter().any(|m| m.2 == field) {
            continue;
        }
        problems.push((
            at,
            format!(
                "this looks like a Kubernetes object but has no \"{field}\"; kubectl refuses it"
            ),
        ));
    }
    // A built-in kind without apiVersion: its one version, so it is checked.
    if identity.api_version.is_none()
        && let Some(version) = identity
            .kind
            .as_deref()
            .and_then(schema_check::api_version_of)
    {
        identity.api_version = Some(version.to_string());
        obj.insert("apiVersion".into(), Value::String(version.into()));
    }
    identity.problems = problems;
    Some(identity)
}

#[cfg(test)]
mod tests {
    use super::misspelling_of;

    #[test]
    fn spellings() {
        for (key, meant) in [
            ("apiversion", Some("apiVersion")),
            ("api_version", Some("apiVersion")),
            ("ApiVersion", Some("apiVersion")),
            ("apiVerison", Some("apiVersion")),
            ("Kind", Some("kind")),
            ("KIND", Some("kind")),
            ("kind", None),
            ("apiVersion", None),
            ("kinds", None),
            ("metadata", None),
            ("version", None),
        ] {
            assert_eq!(misspelling_of(key), meant, "{key}");
        }
    }
}
