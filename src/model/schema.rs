//! Typed decoding with every schema problem kept, not just the first.
//!
//! The API server decodes JSON into Go structs: unknown fields are dropped (or
//! refused with strict field validation) and a value of the wrong type fails
//! the request. We decode into k8s-openapi types; `serde_ignored` reports the
//! fields the types do not know, `serde_path_to_error` says where a type error
//! sits. After a type error we repair the value (drop the field, or put a
//! default in a missing required one) and decode again, so that one bad value
//! does not hide the others or the rest of the resource.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::model::path::{Path, Seg};

#[derive(Debug, Clone)]
pub enum SchemaProblem {
    UnknownField { path: Path },
    Invalid { path: Path, message: String },
}

const MAX_REPAIRS: usize = 24;

fn from_ignored(p: &serde_ignored::Path) -> Path {
    let mut segs = Vec::new();
    let mut cur = p;
    loop {
        match cur {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                segs.push(Seg::Index(*index));
                cur = parent;
            }
            serde_ignored::Path::Map { parent, key } => {
                segs.push(Seg::Key(key.clone()));
                cur = parent;
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => cur = parent,
        }
    }
    segs.reverse();
    Path(segs)
}

fn from_tracked(p: &serde_path_to_error::Path) -> Path {
    Path(
        p.iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                _ => None,
            })
            .collect(),
    )
}

fn get_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
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
        Value::String(String::new()),
        Value::Array(Vec::new()),
        Value::Object(Map::new()),
    ]
}

/// Decodes `value` as `T`, collecting schema problems. Returns `None` only if
/// the value cannot be repaired into a `T` at all.
pub fn decode<T: DeserializeOwned>(
    original: &Value,
    problems: &mut Vec<SchemaProblem>,
) -> Option<T> {
    // Copied only once a repair is needed: most objects decode first time.
    let mut value = std::borrow::Cow::Borrowed(original);
    // Paths we filled in ourselves, with the index of the candidate used.
    let mut filled: Vec<(Path, usize)> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let mut unknown = Vec::new();
        let mut track = serde_path_to_error::Track::new();
        let result = {
            let mut callback = |p: serde_ignored::Path| unknown.push(from_ignored(&p));
            let de = serde_ignored::Deserializer::new(value.as_ref(), &mut callback);
            T::deserialize(serde_path_to_error::Deserializer::new(de, &mut track))
        };
        match result {
            Ok(t) => {
                problems.extend(
                    unknown
                        .into_iter()
                        .map(|path| SchemaProblem::UnknownField { path }),
                );
                return Some(t);
            }
            Err(err) => {
                let path = from_tracked(&track.path());
                let message = err.to_string();
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
                    obj.insert(field.to_string(), candidates()[0].clone());
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
                        items[*i] = Value::Object(Map::new());
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
    message
        .replace("invalid type: ", "wrong type: ")
        .replace("a boolean", "true or false")
        .replace("expected i32", "expected an integer")
        .replace("expected i64", "expected an integer")
}
