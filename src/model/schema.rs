//! Typed decoding with every schema problem kept, not just the first.
//!
//! The API server decodes JSON into Go structs: unknown fields are dropped (or
//! refused with strict field validation) and a value of the wrong type fails
//! the request. We decode into k8s-openapi types through our own tracking
//! deserializer (`tracked.rs`), which reports the fields the types do not know
//! and says where a type error sits. After a type error we repair the value (drop the field, or put a
//! default in a missing required one) and decode again, so that one bad value
//! does not hide the others or the rest of the resource.

use std::cell::RefCell;

use crate::model::value::{Map, Value};
#[cfg(test)]
use serde::de::DeserializeOwned;

use crate::model::path::{Path, Seg};
#[cfg(test)]
use crate::model::schema_check::Node;
#[cfg(test)]
use crate::model::tracked::Deserializer;

#[derive(Debug, Clone)]
pub enum SchemaProblem {
    UnknownField { path: Path },
    Invalid { path: Path, message: String },
}

const MAX_REPAIRS: usize = 24;

/// Why one decoding attempt failed: serde's message, and the innermost
/// value it is about (`None`: the root).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub path: Option<Path>,
}

pub(crate) fn get_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut cur = value;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Replacement values tried, in order, for a value that has to be there.
fn candidates() -> [Value; 3] {
    [
        Value::String("".into()),
        Value::Array(Box::new([])),
        Value::Object(Map::default()),
    ]
}

/// Decodes `value` as `T` with k8s-openapi's types, collecting schema
/// problems: what `schema_check` is tested against. Returns `None` only if
/// the value cannot be repaired into a `T` at all.
#[cfg(test)]
pub fn decode<T: DeserializeOwned>(
    original: &Value,
    problems: &mut Vec<SchemaProblem>,
) -> Option<T> {
    let mut decoded = None;
    repair(original, problems, &mut |value, unknown| {
        let d = Deserializer {
            value,
            node: &Node::Root,
            unknown,
        };
        decoded = Some(T::deserialize(d).map_err(|e| {
            let e = e.into_inner();
            Failure {
                message: e.message,
                path: e.path,
            }
        })?);
        Ok(())
    });
    decoded
}

/// One decoding attempt of a value, collecting the paths of unknown fields.
pub type Attempt<'f> = dyn FnMut(&Value, &RefCell<Vec<Path>>) -> Result<(), Failure> + 'f;

/// Tries to `deserialize` (which keeps what it decoded) and repairs the
/// value after each failure. Not generic: one copy of the repair loop for
/// all the types decoded (it was one per type, 46 KB of the wasm module),
/// and the same loop after the table-driven check (`schema_check`).
pub fn repair(
    original: &Value,
    problems: &mut Vec<SchemaProblem>,
    deserialize: &mut Attempt,
) -> Option<()> {
    // Copied only once a repair is needed: most objects decode first time.
    let mut value = std::borrow::Cow::Borrowed(original);
    // Paths we filled in ourselves, with the index of the candidate used.
    let mut filled: Vec<(Path, usize)> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let unknown = RefCell::new(Vec::new());
        match deserialize(value.as_ref(), &unknown) {
            Ok(()) => {
                problems.extend(
                    unknown
                        .into_inner()
                        .into_iter()
                        .map(|path| SchemaProblem::UnknownField { path }),
                );
                return Some(());
            }
            Err(err) => {
                let path = err.path.unwrap_or_default();
                let message = err.message;
                // A required field is missing: the path is the object holding it.
                if let Some(field) = message
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                {
                    let field_path = path.key(field);
                    let target = get_mut(value.to_mut(), &path.0);
                    let Some(Value::Object(obj)) = target else {
                        return None;
                    };
                    obj.insert(field.into(), candidates()[0].clone());
                    filled.push((field_path, 0));
                    problems.push(SchemaProblem::Invalid {
                        path,
                        message: format!("required field `{field}` is missing"),
                    });
                    continue;
                }
                // One of our own fillers has the wrong type: try the next one.
                if let Some(pos) = filled.iter().position(|(p, _)| *p == path) {
                    let next = filled[pos].1 + 1;
                    let candidate = candidates().get(next).cloned()?;
                    *get_mut(value.to_mut(), &path.0)? = candidate;
                    filled[pos].1 = next;
                    continue;
                }
                problems.push(SchemaProblem::Invalid {
                    path: path.clone(),
                    message: clean_message(&message),
                });
                let (last, parent) = path.0.split_last()?;
                match (last, get_mut(value.to_mut(), parent)?) {
                    (Seg::Key(k), Value::Object(obj)) => {
                        obj.remove(k);
                    }
                    (Seg::Index(i), Value::Array(items)) => {
                        // Keep indexes stable for positions: an empty object stands in.
                        *items.get_mut(*i)? = Value::Object(Map::default());
                        filled.push((path.clone(), 2));
                    }
                    _ => return None,
                }
            }
        }
    }
    None
}

/// serde's messages, in Kubernetes' words where they differ.
fn clean_message(message: &str) -> String {
    // The base64 decoder behind Secret `data` speaks of symbols and offsets.
    const BASE64: &[&str] = &[
        "Invalid symbol",
        "Invalid last symbol",
        "Invalid padding",
        "Invalid input length",
    ];
    if BASE64.iter().any(|p| message.starts_with(p)) {
        return format!(
            "not valid base64 ({}); Secret data must be base64-encoded",
            message.trim_end_matches('.')
        );
    }
    message
        .replace("invalid type: ", "wrong type: ")
        .replace("a boolean", "true or false")
        .replace("expected i32", "expected an integer")
        .replace("expected i64", "expected an integer")
}
