//! A serde `Deserializer` over Kubernetes' JSON that remembers where it is.
//!
//! It reports the fields a type ignores (unknown fields) and puts the path of
//! the innermost failing value on every error. It does in one layer what
//! `serde_ignored` and `serde_path_to_error` do in two: stacked, their
//! wrappers multiplied every k8s-openapi `Deserialize` impl and made the wasm
//! module four times larger (13.9 MB vs 3.0 MB before wasm-bindgen).

use std::cell::RefCell;
use std::fmt;

use crate::model::value::Value;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use crate::model::path::Path;
pub use crate::model::schema_check::Node;

/// A decoding error, boxed: one pointer in every `Result` the decoding code
/// of the ~500 k8s-openapi types moves and checks, as serde_json's own
/// `Error` is (issue 15: the module's size).
#[derive(Debug)]
pub struct Error(Box<ErrorInner>);

#[derive(Debug)]
pub struct ErrorInner {
    pub message: String,
    /// The innermost value the error is about (set on the way out).
    pub path: Option<Path>,
}

impl std::ops::Deref for Error {
    type Target = ErrorInner;

    fn deref(&self) -> &ErrorInner {
        &self.0
    }
}

impl Error {
    #[inline(never)]
    fn at(mut self, node: &Node) -> Error {
        self.locate(node);
        self
    }

    /// Puts `node` on the error unless an inner value's node is on it.
    #[inline(never)]
    fn locate(&mut self, node: &Node) {
        if self.0.path.is_none() {
            self.0.path = Some(node.to_path());
        }
    }

    pub fn into_inner(self) -> ErrorInner {
        *self.0
    }
}

/// Locates the error of a value's result in place: one call, and no move of
/// the value, in each of the ~350 instantiations (`map_err` rebuilt the
/// `Result` around every decoded value).
#[inline(always)]
fn locate<T>(mut result: Result<T, Error>, node: &Node) -> Result<T, Error> {
    if let Err(e) = &mut result {
        e.locate(node);
    }
    result
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(Box::new(ErrorInner {
            message: message.to_string(),
            path: None,
        }))
    }
}

pub struct Deserializer<'de, 'a> {
    pub value: &'de Value,
    pub node: &'a Node<'a>,
    /// Paths of the fields the target types ignored.
    pub unknown: &'a RefCell<Vec<Path>>,
}

impl<'de> de::Deserializer<'de> for Deserializer<'de, '_> {
    type Error = Error;

    // Errors get their path where a value's deserializer is made (the root,
    // `next_value_seed`, `next_element_seed`), for the node it is made with:
    // the methods below return them as they are, and being generic over the
    // visitor they stay small (issue 15).
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(self.seq(items)),
            Value::Object(map) => visitor.visit_map(self.entries(map)),
        }
    }

    // Structs, maps and lists: every k8s-openapi struct visitor, and serde's
    // `Vec` and `BTreeMap` visitors, accept only a map (a list), so only that
    // visitor method is called, and any other value gets the error the
    // visitor's default methods give (`wrong_type`). Through
    // `deserialize_any` each of the ~360 visitor types would instantiate all
    // eight visitor methods: most of the module's decoding code (issue 15).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(map) => visitor.visit_map(self.entries(map)),
            other => Err(wrong_type(other, &visitor, self.node)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => visitor.visit_seq(self.seq(items)),
            other => Err(wrong_type(other, &visitor, self.node)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // Kubernetes enums are strings (unit variants).
        match self.value {
            Value::String(s) => {
                let de: de::value::StrDeserializer<Error> = (**s).into_deserializer();
                visitor.visit_enum(de)
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.unknown.borrow_mut().push(self.node.to_path());
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct tuple tuple_struct identifier
    }
}

impl<'de, 'a> Deserializer<'de, 'a> {
    fn seq(&self, items: &'de [Value]) -> Seq<'de, 'a> {
        Seq {
            items: items.iter(),
            index: 0,
            node: self.node,
            unknown: self.unknown,
        }
    }

    fn entries(&self, map: &'de crate::model::value::Map) -> Entries<'de, 'a> {
        Entries {
            iter: map.into_iter(),
            value: None,
            node: self.node,
            unknown: self.unknown,
        }
    }
}

/// The error a visitor's default method gives for a value it does not take
/// (`invalid type: string "x", expected struct Foo`), built outside the
/// generic code: `expected` is the visitor as `&dyn Expected`.
#[inline(never)]
fn wrong_type(value: &Value, expected: &dyn de::Expected, node: &Node) -> Error {
    let unexpected = match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                de::Unexpected::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                de::Unexpected::Signed(i)
            } else {
                de::Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    };
    <Error as de::Error>::invalid_type(unexpected, expected).at(node)
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => n
            .as_f64()
            .map_or(de::Unexpected::Other("number"), de::Unexpected::Float),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// `seed` over an item's or entry's `value` at `node`, an error placed
/// there.
fn child<'de, T: DeserializeSeed<'de>>(
    seed: T,
    value: &'de Value,
    node: &Node,
    unknown: &RefCell<Vec<Path>>,
) -> Result<T::Value, Error> {
    locate(
        seed.deserialize(Deserializer {
            value,
            node,
            unknown,
        }),
        node,
    )
}

struct Seq<'de, 'a> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    node: &'a Node<'a>,
    unknown: &'a RefCell<Vec<Path>>,
}

impl<'de> SeqAccess<'de> for Seq<'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let node = Node::Index(self.node, self.index);
        self.index += 1;
        child(seed, value, &node, self.unknown).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'de, 'a> {
    iter: <&'de crate::model::value::Map as IntoIterator>::IntoIter,
    value: Option<(&'de str, &'de Value)>,
    node: &'a Node<'a>,
    unknown: &'a RefCell<Vec<Path>>,
}

impl<'de> Entries<'de, '_> {
    // The seed-independent halves of `next_key_seed` and `next_value_seed`,
    // kept out of their ~200 instantiations each.
    #[inline(never)]
    fn next_key(&mut self) -> Option<&'de str> {
        let (key, value) = self.iter.next()?;
        self.value = Some((key, value));
        Some(key)
    }

    #[inline(never)]
    fn take_value(&mut self) -> Result<(&'de str, &'de Value), Error> {
        self.value
            .take()
            .ok_or_else(|| de::Error::custom("value requested before key"))
    }
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(key) = self.next_key() else {
            return Ok(None);
        };
        let de: de::value::BorrowedStrDeserializer<'de, Error> =
            de::value::BorrowedStrDeserializer::new(key);
        seed.deserialize(de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, value) = self.take_value()?;
        let node = Node::Key(self.node, key);
        child(seed, value, &node, self.unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};
    use serde::de::DeserializeOwned;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn tracked<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, Error> {
        let unknown = RefCell::new(Vec::new());
        T::deserialize(Deserializer {
            value: &Value::from(value.clone()),
            node: &Node::Root,
            unknown: &unknown,
        })
    }

    /// A struct, a list or a map given another kind of value fails with the
    /// message a visitor's default methods give, as serde_json's own
    /// `Value` deserializer words it, except that serde_json calls a null
    /// `null` where serde's `Unexpected::Unit` says `unit value` (the direct
    /// `visit_map`/`visit_seq` dispatch must not change what users read).
    #[test]
    fn wrong_kinds_of_value_read_as_serde_says() {
        let values = [
            json!(null),
            json!(true),
            json!(3),
            json!(-3),
            json!(1.5),
            json!("x"),
            json!([1]),
            json!({"a": 1}),
        ];
        fn same<T: DeserializeOwned + fmt::Debug>(v: &serde_json::Value) {
            let ours = tracked::<T>(v).map_err(|e| e.into_inner().message);
            let theirs = serde_json::from_value::<T>(v.clone())
                .map_err(|e| e.to_string().replace("type: null", "type: unit value"));
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{v}");
            if let (Err(ours), Err(theirs)) = (ours, theirs) {
                assert_eq!(ours, theirs, "{v}");
            }
        }
        for v in &values {
            same::<PodSpec>(v);
            same::<Vec<Container>>(v);
            same::<BTreeMap<String, String>>(v);
        }
        let err = tracked::<PodSpec>(&json!({"containers": [{"name": "a"}, 5]})).unwrap_err();
        assert_eq!(err.message, "invalid type: integer `5`, expected Container");
        assert_eq!(err.into_inner().path.unwrap().to_string(), "containers[1]");
    }
}
