//! The schema check of built-in kinds, read off a table of their types.
//!
//! `schema_table.rs` says, for every type reachable from the built-in kinds,
//! which fields it has, of which type, and which are required; it is written
//! from k8s-openapi's own decoding code (`schema_gen.rs`). One walker reads
//! a value against it as k8s-openapi's `Deserialize` impls would decode it
//! through our tracking deserializer: in the same order (an object's keys
//! are sorted), stopping at the same first error with serde's words for it.
//! The repair loop of `schema.rs` then does what it does after a failed
//! decode. Decoding into the typed structs did the same work with a copy of
//! the decoding code per type: most of the WebAssembly module.

use std::cell::RefCell;

use serde::de::{self, Error as _, Unexpected};

use crate::model::path::{Path, Seg};
use crate::model::schema::{Failure, SchemaProblem, repair};
use crate::model::schema_table::{CONTAINER, KINDS, OBJECT_META, POD_SPEC, STRUCTS, TYPES};
use crate::model::value::Value;

/// A type of the table. Leaves decode as the k8s-openapi type named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    F64,
    IntOrString,
    Quantity,
    /// `Time` and `MicroTime` (an RFC 3339 timestamp).
    Time,
    /// `ByteString` (base64; null reads as empty).
    Bytes,
    /// `FieldsV1`: any JSON.
    Any,
    Option(u16),
    List(u16),
    Map(u16),
    Struct(u16),
}

/// A struct of the table: its name (what its decoder expects), its fields
/// in declaration order with their type, and the fields it cannot do
/// without, in the order it checks them.
#[derive(Debug)]
pub struct Struct {
    pub name: &'static str,
    pub fields: &'static [(&'static str, u16)],
    pub required: &'static [&'static str],
    /// A resource's apiVersion and kind, which its decoder insists on
    /// (the kinds, and resources embedded in them: a StatefulSet's
    /// PersistentVolumeClaim templates).
    pub resource: Option<(&'static str, &'static str)>,
}

/// A built-in kind: apiVersion, kind and its struct.
pub type Kind = (&'static str, &'static str, u16);

/// A type the checks of custom resources read on their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    PodSpec,
    ObjectMeta,
    Container,
}

/// The built-in kind at `api_version`, if it is one.
pub fn kind(api_version: &str, kind: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.0 == api_version && k.1 == kind)
}

/// The API version of a built-in kind (the first that has it).
pub fn api_version_of(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|k| k.1 == kind).map(|k| k.0)
}

/// The struct of the table named `name`.
pub fn structure(name: &str) -> Option<&'static Struct> {
    STRUCTS.iter().find(|s| s.name == name)
}

/// Checks an object of a built-in kind, adding its schema problems as
/// decoding it (`Object::decode`) would. `false` (and nothing added) when
/// the kind is not built in at that apiVersion; `false` too, with the
/// problems found, when even repaired it cannot be decoded (where
/// `Object::decode` gives `Object::Other`).
pub fn check_object(
    api_version: &str,
    kind_name: &str,
    value: &Value,
    problems: &mut Vec<SchemaProblem>,
) -> bool {
    let Some(&(_, _, s)) = kind(api_version, kind_name) else {
        return false;
    };
    check_struct(s, value, problems)
}

/// Checks a value of one of the types custom resources embed, adding its
/// schema problems. `false` where it cannot be read as that type even
/// repaired (decoding it fails).
pub fn check_type(root: Root, value: &Value, problems: &mut Vec<SchemaProblem>) -> bool {
    let s = match root {
        Root::PodSpec => POD_SPEC,
        Root::ObjectMeta => OBJECT_META,
        Root::Container => CONTAINER,
    };
    check_struct(s, value, problems)
}

/// Checks `value` as struct `s`, repairing it after each failure as
/// decoding does; `false` where even repaired it cannot be read.
fn check_struct(s: u16, value: &Value, problems: &mut Vec<SchemaProblem>) -> bool {
    repair(value, problems, &mut |value, unknown| {
        Walker { unknown }.structure(value, s, &Node::Root)
    })
    .is_some()
}

/// Where a walker (or a deserializer) is: a linked list through the call
/// stack, made a path only for an error or an unknown field.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    Root,
    Key(&'a Node<'a>, &'a str),
    Index(&'a Node<'a>, usize),
}

impl Node<'_> {
    pub fn to_path(&self) -> Path {
        let mut segs = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                Node::Root => break,
                Node::Key(parent, key) => {
                    segs.push(Seg::Key((*key).to_string()));
                    cur = parent;
                }
                Node::Index(parent, i) => {
                    segs.push(Seg::Index(*i));
                    cur = parent;
                }
            }
        }
        segs.reverse();
        Path(segs)
    }
}

/// A failure at `node`, in serde's words.
#[cold]
fn fail(node: &Node, message: String) -> Failure {
    Failure {
        message,
        path: Some(node.to_path()),
    }
}

/// serde's name for a value a visitor does not take, as our deserializer
/// hands values to visitors (a number as the first of u64, i64, f64 it fits).
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Unexpected::Signed(i)
            } else {
                Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

#[cold]
fn wrong_type(value: &Value, expected: &str, node: &Node) -> Failure {
    let e = de::value::Error::invalid_type(unexpected(value), &expected);
    fail(node, e.to_string())
}

#[cold]
fn wrong_value(unexpected: Unexpected, expected: &str, node: &Node) -> Failure {
    let e = de::value::Error::invalid_value(unexpected, &expected);
    fail(node, e.to_string())
}

struct Walker<'u> {
    unknown: &'u RefCell<Vec<Path>>,
}

impl Walker<'_> {
    /// Reads `value` as type `ty`. Recursion follows the table's types,
    /// which do not contain themselves (`schema_gen` checks), so its depth
    /// is bounded by the table, not by the input.
    fn value(&self, value: &Value, ty: u16, node: &Node) -> Result<(), Failure> {
        match TYPES[usize::from(ty)] {
            Ty::Option(inner) => match value {
                Value::Null => Ok(()),
                _ => self.value(value, inner, node),
            },
            Ty::Struct(s) => self.structure(value, s, node),
            Ty::List(item) => match value {
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.value(v, item, &Node::Index(node, i))?;
                    }
                    Ok(())
                }
                _ => Err(wrong_type(value, "a sequence", node)),
            },
            Ty::Map(item) => match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        self.value(v, item, &Node::Key(node, k))?;
                    }
                    Ok(())
                }
                _ => Err(wrong_type(value, "a map", node)),
            },
            Ty::String => match value {
                Value::String(_) => Ok(()),
                _ => Err(wrong_type(value, "a string", node)),
            },
            Ty::Bool => match value {
                Value::Bool(_) => Ok(()),
                _ => Err(wrong_type(value, "a boolean", node)),
            },
            Ty::I32 => integer(value, i64::from(i32::MIN), i64::from(i32::MAX), "i32", node),
            Ty::I64 => integer(value, i64::MIN, i64::MAX, "i64", node),
            Ty::F64 => match value {
                Value::Number(_) => Ok(()),
                _ => Err(wrong_type(value, "f64", node)),
            },
            Ty::IntOrString => match value {
                Value::String(_) => Ok(()),
                Value::Number(n) if n.is_f64() => Err(wrong_type(value, "IntOrString", node)),
                Value::Number(_) => integer(
                    value,
                    i64::from(i32::MIN),
                    i64::from(i32::MAX),
                    "a 32-bit integer",
                    node,
                ),
                _ => Err(wrong_type(value, "IntOrString", node)),
            },
            Ty::Quantity => match value {
                Value::String(_) | Value::Number(_) => Ok(()),
                _ => Err(wrong_type(value, "Quantity", node)),
            },
            Ty::Time => match value {
                Value::String(s) => {
                    crate::model::timestamp::check(s).map_err(|message| fail(node, message))
                }
                _ => Err(wrong_type(value, "a timestamp string", node)),
            },
            Ty::Bytes => match value {
                Value::Null => Ok(()),
                Value::String(s) => base64(s.as_bytes()).map_err(|message| fail(node, message)),
                _ => Err(wrong_type(value, "a base64-encoded string", node)),
            },
            Ty::Any => Ok(()),
        }
    }

    /// Reads `value` as struct `s`.
    fn structure(&self, value: &Value, s: u16, node: &Node) -> Result<(), Failure> {
        let s = &STRUCTS[usize::from(s)];
        let Value::Object(map) = value else {
            return Err(wrong_type(value, s.name, node));
        };
        for (key, v) in map {
            let Some(&(_, ty)) = s.fields.iter().find(|(name, _)| *name == key) else {
                self.unknown
                    .borrow_mut()
                    .push(Node::Key(node, key).to_path());
                continue;
            };
            self.value(v, ty, &Node::Key(node, key))?;
            if let Some((api_version, kind)) = s.resource {
                let expected = match key {
                    "apiVersion" => api_version,
                    "kind" => kind,
                    _ => continue,
                };
                if let Value::String(got) = v
                    && **got != *expected
                {
                    return Err(wrong_value(Unexpected::Str(got), expected, node));
                }
            }
        }
        match s.required.iter().find(|r| !map.contains_key(r)) {
            Some(field) => Err(fail(
                node,
                de::value::Error::missing_field(field).to_string(),
            )),
            None => Ok(()),
        }
    }
}

/// A number as serde's integer visitors read it: one that fits, or serde's
/// error for one that does not (`expected` is the visitor's word for the
/// type: `i32`, `a 32-bit integer`).
fn integer(value: &Value, min: i64, max: i64, expected: &str, node: &Node) -> Result<(), Failure> {
    let Value::Number(n) = value else {
        return Err(wrong_type(value, expected, node));
    };
    if let Some(u) = n.as_u64() {
        if u <= max as u64 {
            return Ok(());
        }
        return Err(wrong_value(Unexpected::Unsigned(u), expected, node));
    }
    if let Some(i) = n.as_i64() {
        if (min..=max).contains(&i) {
            return Ok(());
        }
        return Err(wrong_value(Unexpected::Signed(i), expected, node));
    }
    Err(wrong_type(value, expected, node))
}

/// Standard base64 with canonical padding, as k8s-openapi's `ByteString`
/// decodes it (the `base64` crate's general-purpose engine), failing with
/// that decoder's message for the first problem it finds.
fn base64(input: &[u8]) -> Result<(), String> {
    fn symbol(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
    }
    let invalid = |i: usize, b: u8| Err(format!("Invalid symbol {b}, offset {i}."));
    let rem = input.len() % 4;
    if rem == 1 {
        let last = input[input.len() - 1];
        if last != b'=' && !symbol(last) {
            return invalid(input.len() - 1, last);
        }
    }
    // Every quad but the last is decoded as it is; the last on its own.
    let quads = input
        .len()
        .saturating_sub(rem)
        .saturating_sub(usize::from(rem == 0) * 4);
    if let Some(i) = input[..quads].iter().position(|&b| !symbol(b)) {
        return invalid(i, input[i]);
    }
    let mut morsels = 0;
    let mut padding = 0;
    let mut first_padding = 0;
    let mut last = 0u8;
    let mut values = [0u8; 4];
    for (j, &b) in input[quads..].iter().enumerate() {
        if b == b'=' {
            if j < 2 {
                return invalid(quads + j, b);
            }
            if padding == 0 {
                first_padding = j;
            }
            padding += 1;
            continue;
        }
        if padding > 0 {
            return invalid(quads + first_padding, b'=');
        }
        last = b;
        if !symbol(b) {
            return invalid(quads + j, b);
        }
        values[morsels] = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        morsels += 1;
    }
    if !input.is_empty() && morsels < 2 {
        return Err(format!("Invalid input length: {}", quads + morsels));
    }
    if (padding + morsels) % 4 != 0 {
        return Err("Invalid padding".into());
    }
    let bits = (u32::from(values[0]) << 26)
        | (u32::from(values[1]) << 20)
        | (u32::from(values[2]) << 14)
        | (u32::from(values[3]) << 8);
    let mask = !0u32 >> (morsels * 6 / 8 * 8);
    if bits & mask != 0 {
        return Err(format!(
            "Invalid last symbol {last}, offset {}.",
            quads + morsels - 1
        ));
    }
    Ok(())
}
