//! A serde `Deserializer` over Kubernetes' JSON that remembers where it is.
//!
//! It reports the fields a type ignores (unknown fields) and puts the path of
//! the innermost failing value on every error. It does in one layer what
//! `serde_ignored` and `serde_path_to_error` do in two: stacked, their
//! wrappers multiplied every k8s-openapi `Deserialize` impl and made the wasm
//! module four times larger (13.9 MB vs 3.0 MB before wasm-bindgen).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::model::path::{Path, Seg};

/// Where a deserializer is: a linked list through the call stack.
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

#[derive(Debug)]
pub struct Error {
    pub message: String,
    /// The innermost value the error is about (set on the way out).
    pub path: Option<Path>,
}

impl Error {
    fn at(mut self, node: &Node) -> Error {
        if self.path.is_none() {
            self.path = Some(node.to_path());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error {
            message: message.to_string(),
            path: None,
        }
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

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.node;
        let result = match self.value {
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
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                index: 0,
                node,
                unknown: self.unknown,
            }),
            Value::Object(map) => visitor.visit_map(Entries {
                iter: map.iter(),
                value: None,
                node,
                unknown: self.unknown,
            }),
        };
        result.map_err(|e| e.at(node))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => {
                let node = self.node;
                visitor.visit_some(self).map_err(|e| e.at(node))
            }
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let node = self.node;
        visitor.visit_newtype_struct(self).map_err(|e| e.at(node))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // Kubernetes enums are strings (unit variants).
        let result = match self.value {
            Value::String(s) => {
                let de: de::value::StrDeserializer<Error> = s.as_str().into_deserializer();
                visitor.visit_enum(de)
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"a string")),
        };
        result.map_err(|e| e.at(self.node))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.unknown.borrow_mut().push(self.node.to_path());
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
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
        seed.deserialize(Deserializer {
            value,
            node: &node,
            unknown: self.unknown,
        })
        .map(Some)
        .map_err(|e| e.at(&node))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'de, 'a> {
    iter: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
    node: &'a Node<'a>,
    unknown: &'a RefCell<Vec<Path>>,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some((key.as_str(), value));
        let de: de::value::BorrowedStrDeserializer<'de, Error> =
            de::value::BorrowedStrDeserializer::new(key);
        seed.deserialize(de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("value requested before key"));
        };
        let node = Node::Key(self.node, key);
        seed.deserialize(Deserializer {
            value,
            node: &node,
            unknown: self.unknown,
        })
        .map_err(|e| e.at(&node))
    }
}
