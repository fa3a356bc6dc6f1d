//! An object's JSON as a bundle holds it for the rules: the values and the
//! method names of `serde_json::Value`, in a third of the room.
//!
//! A bundle keeps every resource's JSON until its findings are placed (tens
//! of thousands for a repository, issue 14). `serde_json::Value` keeps each
//! object in a B-tree whose nodes hold eleven entries (about 640 bytes even
//! for `{name: x}`) and each string with its capacity; here an object is one
//! exact-size slice of entries sorted by key (the order serde_json's map
//! iterates in, so every rule sees the same order), a string is a boxed `str`
//! and a value is 24 bytes. The YAML reader builds it directly (`yaml::json`)
//! and typed decoding reads it (`tracked`): building and dropping a
//! `serde_json::Value` first was a seventh of a corpus run.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Box<str>),
    Array(Box<[Value]>),
    Object(Map),
}

/// An object's entries, sorted by key (keys are unique). Also what the
/// rules read a pod's labels and resource maps into (`model::pod::Dict`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Map<T = Value>(Box<[(Box<str>, T)]>);

impl<T> Default for Map<T> {
    fn default() -> Map<T> {
        Map(Box::new([]))
    }
}

impl<T> Map<T> {
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &T)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (&**k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| &**k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// A map of entries already sorted by key, without repeats.
    pub fn from_sorted(entries: Box<[(Box<str>, T)]>) -> Map<T> {
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        Map(entries)
    }

    /// A map of these entries; where a key repeats, its first entry is kept.
    pub fn from_entries(mut entries: Vec<(Box<str>, T)>) -> Map<T> {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        Map(entries.into_boxed_slice())
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        let i = self.0.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(&mut self.0[i].1)
    }

    /// Sets `key` (rare edits: the entries are copied).
    pub fn insert(&mut self, key: Box<str>, value: T) {
        match self.0.binary_search_by(|(k, _)| (**k).cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => {
                let mut entries = std::mem::take(&mut self.0).into_vec();
                entries.insert(i, (key, value));
                self.0 = entries.into_boxed_slice();
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<T> {
        let i = self.0.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        let mut entries = std::mem::take(&mut self.0).into_vec();
        let (_, value) = entries.remove(i);
        self.0 = entries.into_boxed_slice();
        Some(value)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T> IntoIterator for &'a Map<T> {
    type Item = (&'a str, &'a T);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Box<str>, T)>,
        fn(&'a (Box<str>, T)) -> (&'a str, &'a T),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (&**k, v))
    }
}

impl Value {
    /// The value of `key` in an object (`None` for anything else).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_object_mut()?.get_mut(key)
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
}

/// Compact JSON, as `serde_json::Value` prints it.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

/// A value built with serde_json (`json!` literals in tests, values a
/// caller decoded itself).
impl From<serde_json::Value> for Value {
    fn from(value: serde_json::Value) -> Value {
        // Iterative: a value can be as deep as the reader allows, and a
        // conversion must not be what overflows the stack (issue 15).
        enum Frame {
            Array(std::vec::IntoIter<serde_json::Value>, Vec<Value>),
            Object(
                serde_json::map::IntoIter,
                Vec<(Box<str>, Value)>,
                Option<Box<str>>,
            ),
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut next = Some(value);
        loop {
            // Descend into `next`, or finish a leaf.
            let mut done = match next.take() {
                Some(serde_json::Value::Array(items)) => {
                    let n = items.len();
                    stack.push(Frame::Array(items.into_iter(), Vec::with_capacity(n)));
                    None
                }
                Some(serde_json::Value::Object(map)) => {
                    let n = map.len();
                    stack.push(Frame::Object(map.into_iter(), Vec::with_capacity(n), None));
                    None
                }
                Some(leaf) => Some(match leaf {
                    serde_json::Value::Null => Value::Null,
                    serde_json::Value::Bool(b) => Value::Bool(b),
                    serde_json::Value::Number(n) => Value::Number(n),
                    serde_json::Value::String(s) => Value::String(s.into_boxed_str()),
                    serde_json::Value::Array(_) | serde_json::Value::Object(_) => unreachable!(),
                }),
                None => None,
            };
            // Hand finished values to their parents; pick the next child.
            loop {
                let Some(frame) = stack.last_mut() else {
                    return done.unwrap_or_default();
                };
                match frame {
                    Frame::Array(rest, out) => {
                        if let Some(v) = done.take() {
                            out.push(v);
                        }
                        if let Some(child) = rest.next() {
                            next = Some(child);
                            break;
                        }
                        let items = std::mem::take(out).into_boxed_slice();
                        stack.pop();
                        done = Some(Value::Array(items));
                    }
                    Frame::Object(rest, out, key) => {
                        if let (Some(v), Some(k)) = (done.take(), key.take()) {
                            out.push((k, v));
                        }
                        if let Some((k, child)) = rest.next() {
                            *key = Some(k.into_boxed_str());
                            next = Some(child);
                            break;
                        }
                        // serde_json's map iterates in key order already.
                        let entries = std::mem::take(out).into_boxed_slice();
                        stack.pop();
                        done = Some(Value::Object(Map(entries)));
                    }
                }
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(map) => {
                let mut m = s.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_every_kind_of_value_and_keeps_key_order() {
        let json = serde_json::json!({
            "b": [1, -2, 2.5, "s", null, true, {"z": 1, "a": [[]]}],
            "a": {},
            "c": "x",
        });
        let value = Value::from(json.clone());
        assert_eq!(serde_json::to_value(&value).unwrap(), json);
        let keys: Vec<&str> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(value.get("c").and_then(Value::as_str), Some("x"));
        assert_eq!(value.get("d"), None);
        let items = value.get("b").and_then(Value::as_array).unwrap();
        assert_eq!(items[1].as_i64(), Some(-2));
        assert_eq!(items[2].as_f64(), Some(2.5));
        assert!(items[4].is_null());
        assert_eq!(
            items[6].get("a").and_then(Value::as_array).map(<[_]>::len),
            Some(1)
        );
    }

    #[test]
    fn deep_values_convert_without_recursion() {
        let mut json = serde_json::Value::Null;
        for i in 0..100_000 {
            json = if i % 2 == 0 {
                serde_json::Value::Array(vec![json])
            } else {
                let mut map = serde_json::Map::new();
                map.insert("k".into(), json);
                serde_json::Value::Object(map)
            };
        }
        let mut value = Value::from(json);
        let mut depth = 0;
        loop {
            let inner = match &mut value {
                Value::Array(items) => std::mem::take(&mut items[0]),
                Value::Object(map) => std::mem::take(&mut map.0[0].1),
                _ => break,
            };
            value = inner;
            depth += 1;
        }
        assert_eq!(depth, 100_000);
    }
}
