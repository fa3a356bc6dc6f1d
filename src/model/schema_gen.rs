//! Writes `schema_table.rs` from k8s-openapi's `Deserialize` impls, and
//! fails when the committed table differs (`UPDATE_SCHEMA_TABLE=1 cargo test
//! -q --lib schema_gen` writes it).
//!
//! Each type is learnt by driving its `Deserialize` impl with a probing
//! deserializer: at a struct it hands the visitor one key (the next field of
//! the path being probed), through options, lists and maps it hands one
//! value, and at the end of the path it records which `deserialize_*` method
//! the value's impl called and what its visitor expects. So the table holds
//! what the decoding code does, not what the OpenAPI documents say it does.

use std::collections::VecDeque;
use std::fmt::{self, Write as _};

use k8s_openapi::api::{
    admissionregistration::v1 as admission, apps::v1 as apps, batch::v1 as batch, core::v1 as core,
    networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// What the probe met on its way, outermost first.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Option,
    Seq(String),
    Map(String),
    Newtype(&'static str),
    Struct {
        name: &'static str,
        fields: &'static [&'static str],
        expecting: String,
        /// The error of the visitor given the keys of `Probe::present`
        /// (valid values), when asked for.
        outcome: Option<Result<(), String>>,
    },
    /// A leaf: the `deserialize_*` method called and what its visitor expects.
    Leaf(&'static str, String),
}

#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Stop {}
impl de::Error for Stop {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Stop(message.to_string())
    }
}

fn expecting<'de, V: Visitor<'de>>(visitor: &V) -> String {
    format!("{}", visitor as &dyn de::Expected)
}

struct Probe<'a> {
    /// Field names still to walk into.
    path: &'a [&'static str],
    /// At the end of the path, the struct is given these keys with valid
    /// values (to learn its required fields), when `Some`.
    present: Option<&'a [&'static str]>,
    steps: &'a std::cell::RefCell<Vec<Step>>,
}

impl Probe<'_> {
    fn push(&self, step: Step) {
        self.steps.borrow_mut().push(step);
    }

    fn leaf<'de, V: Visitor<'de>>(self, method: &'static str, v: V) -> Result<V::Value, Stop> {
        self.push(Step::Leaf(method, expecting(&v)));
        Err(Stop("leaf".into()))
    }
}

macro_rules! leaves {
    ($($method:ident => $name:literal),*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
            self.leaf($name, v)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    leaves! {
        deserialize_any => "any", deserialize_bool => "bool", deserialize_i8 => "i8",
        deserialize_i16 => "i16", deserialize_i32 => "i32", deserialize_i64 => "i64",
        deserialize_u8 => "u8", deserialize_u16 => "u16", deserialize_u32 => "u32",
        deserialize_u64 => "u64", deserialize_f32 => "f32", deserialize_f64 => "f64",
        deserialize_char => "char", deserialize_str => "str", deserialize_string => "string",
        deserialize_bytes => "bytes", deserialize_byte_buf => "byte_buf", deserialize_unit => "unit",
        deserialize_identifier => "identifier", deserialize_ignored_any => "ignored_any"
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        if expecting(&v) == "a base64-encoded string" {
            return self.leaf("option", v);
        }
        self.push(Step::Option);
        v.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.push(Step::Seq(expecting(&v)));
        v.visit_seq(One(Some(self)))
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.push(Step::Map(expecting(&v)));
        v.visit_map(Entries {
            keys: vec!["key"],
            value: Some(self),
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        let exp = expecting(&v);
        if let Some((first, rest)) = self.path.split_first() {
            assert!(fields.contains(first), "{name} has no field {first}");
            self.push(Step::Struct {
                name,
                fields,
                expecting: exp,
                outcome: None,
            });
            return v.visit_map(Entries {
                keys: vec![first],
                value: Some(Probe { path: rest, ..self }),
            });
        }
        let outcome = self.present.map(|present| {
            v.visit_map(Valid::entries(present))
                .map(drop)
                .map_err(|e| e.0)
        });
        self.push(Step::Struct {
            name,
            fields,
            expecting: exp,
            outcome,
        });
        Err(Stop("struct".into()))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        self.push(Step::Newtype(name));
        v.visit_newtype_struct(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        self.leaf("unit_struct", v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, Stop> {
        self.leaf("tuple", v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        v: V,
    ) -> Result<V::Value, Stop> {
        self.leaf("tuple_struct", v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        self.leaf("enum", v)
    }
}

/// A list of one item.
struct One<'a>(Option<Probe<'a>>);

impl<'de> SeqAccess<'de> for One<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        match self.0.take() {
            Some(p) => seed.deserialize(p).map(Some),
            None => Ok(None),
        }
    }
}

/// The given keys, the last one with the probe as its value.
struct Entries<'a> {
    keys: Vec<&'static str>,
    value: Option<Probe<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        if self.keys.is_empty() {
            return Ok(None);
        }
        let key = self.keys.remove(0);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let p = self.value.take().expect("one value");
        seed.deserialize(p)
    }
}

/// A value every leaf type takes: the probe's way to fill required fields.
struct Valid;

impl Valid {
    fn entries(keys: &[&'static str]) -> ValidEntries {
        ValidEntries(keys.to_vec())
    }
}

struct ValidEntries(Vec<&'static str>);

impl<'de> MapAccess<'de> for ValidEntries {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        if self.0.is_empty() {
            return Ok(None);
        }
        let key = self.0.remove(0);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        seed.deserialize(Valid)
    }
}

const VALID_TEXT: &str = "1970-01-01T00:00:00Z";

impl<'de> de::Deserializer<'de> for Valid {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_borrowed_str(VALID_TEXT)
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_none()
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_bool(false)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_i64(0)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_i64(0)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_f64(0.0)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_seq(de::value::SeqDeserializer::<
            std::iter::Empty<de::value::UnitDeserializer<Stop>>,
            Stop,
        >::new(std::iter::empty()))
    }
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_map(ValidEntries(Vec::new()))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        v.visit_map(ValidEntries(Vec::new()))
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        v.visit_newtype_struct(self)
    }
    serde::forward_to_deserialize_any! {
        i8 i16 i128 u8 u16 u32 u64 u128 f32 char str string bytes byte_buf unit
        unit_struct tuple tuple_struct enum identifier ignored_any
    }
}

/// Runs one probe of `T` along `path`.
fn probe<T: DeserializeOwned>(
    path: &[&'static str],
    present: Option<&[&'static str]>,
) -> Vec<Step> {
    let steps = std::cell::RefCell::new(Vec::new());
    let _ = T::deserialize(Probe {
        path,
        present,
        steps: &steps,
    });
    steps.into_inner()
}

type ProbeFn = fn(&[&'static str], Option<&[&'static str]>) -> Vec<Step>;

/// A type as the table writes it (see `schema_check::Ty`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Ty {
    Leaf(&'static str),
    Option(usize),
    List(usize),
    Map(usize),
    Struct(usize),
}

struct Struct {
    name: &'static str,
    expecting: String,
    /// Declaration order, with the type of each.
    fields: Vec<(&'static str, usize)>,
    /// Fields whose absence fails the decoding, in the order it checks them.
    required: Vec<&'static str>,
    /// The apiVersion and kind a resource's decoder insists on.
    resource: Option<(String, String)>,
    /// How to reach it: a root and a path of field names.
    root: ProbeFn,
    path: Vec<&'static str>,
}

#[derive(Default)]
struct Table {
    types: Vec<Ty>,
    structs: Vec<Struct>,
    queue: VecDeque<usize>,
}

impl Table {
    fn intern(&mut self, ty: Ty) -> usize {
        if let Some(i) = self.types.iter().position(|t| *t == ty) {
            return i;
        }
        self.types.push(ty);
        self.types.len() - 1
    }

    /// The type of the value the steps describe (the steps past the last
    /// struct walked into).
    fn ty(&mut self, steps: &[Step], root: ProbeFn, path: &[&'static str]) -> usize {
        let (first, rest) = steps.split_first().expect("a probe ends somewhere");
        let ty = match (first, rest) {
            (Step::Option, _) => Ty::Option(self.ty(rest, root, path)),
            (Step::Seq(e), _) if e == "a sequence" => Ty::List(self.ty(rest, root, path)),
            (Step::Map(e), _) if e == "a map" => Ty::Map(self.ty(rest, root, path)),
            (
                Step::Struct {
                    name,
                    fields,
                    expecting,
                    ..
                },
                [],
            ) => Ty::Struct(self.structure(name, fields, expecting, root, path)),
            (Step::Leaf(method, e), []) => Ty::Leaf(match (*method, e.as_str()) {
                ("string", "a string") => "String",
                ("bool", "a boolean") => "Bool",
                ("i32", "i32") => "I32",
                ("i64", "i64") => "I64",
                ("f64", "f64") => "F64",
                ("any", "IntOrString") => "IntOrString",
                ("option", "a base64-encoded string") => "Bytes",
                other => panic!("unknown leaf {other:?} at {path:?}"),
            }),
            (Step::Newtype(name), [Step::Leaf(method, e)]) => {
                Ty::Leaf(match (*name, *method, e.as_str()) {
                    ("Quantity", "any", "Quantity") => "Quantity",
                    ("Time" | "MicroTime", "str", "a timestamp string") => "Time",
                    (_, "any", "any valid JSON value") => "Any",
                    other => panic!("unknown newtype {other:?} at {path:?}"),
                })
            }
            other => panic!("unknown steps {other:?} at {path:?}"),
        };
        self.intern(ty)
    }

    fn structure(
        &mut self,
        name: &'static str,
        fields: &'static [&'static str],
        expecting: &str,
        root: ProbeFn,
        path: &[&'static str],
    ) -> usize {
        if let Some(i) = self.structs.iter().position(|s| s.name == name) {
            assert_eq!(
                self.structs[i]
                    .fields
                    .iter()
                    .map(|f| f.0)
                    .collect::<Vec<_>>(),
                fields,
                "two structs named {name}"
            );
            return i;
        }
        self.structs.push(Struct {
            name,
            expecting: expecting.to_string(),
            fields: fields.iter().map(|f| (*f, usize::MAX)).collect(),
            required: Vec::new(),
            resource: None,
            root,
            path: path.to_vec(),
        });
        self.queue.push_back(self.structs.len() - 1);
        self.structs.len() - 1
    }

    fn root(&mut self, root: ProbeFn) -> usize {
        let i = self.ty(&root(&[], None), root, &[]);
        match self.types[i] {
            Ty::Struct(s) => s,
            ref other => panic!("root is {other:?}"),
        }
    }

    /// The type inside options, lists and maps.
    fn innermost(&self, mut ty: usize) -> usize {
        while let Ty::Option(t) | Ty::List(t) | Ty::Map(t) = self.types[ty] {
            ty = t;
        }
        ty
    }

    /// No struct contains itself: the walker's recursion is bounded by
    /// the table.
    fn check_acyclic(&self) {
        fn visit(table: &Table, s: usize, stack: &mut Vec<usize>) {
            assert!(!stack.contains(&s), "recursive types: {stack:?} {s}");
            stack.push(s);
            for (_, ty) in &table.structs[s].fields {
                if let Ty::Struct(inner) = table.types[table.innermost(*ty)] {
                    visit(table, inner, stack);
                }
            }
            stack.pop();
        }
        for s in 0..self.structs.len() {
            visit(self, s, &mut Vec::new());
        }
    }

    /// Learns the fields of the queued structs (and of the structs they
    /// lead to).
    fn fill(&mut self) {
        while let Some(s) = self.queue.pop_front() {
            let root = self.structs[s].root;
            let path = self.structs[s].path.clone();
            let depth = path.len();
            for f in 0..self.structs[s].fields.len() {
                let mut field_path = path.clone();
                field_path.push(self.structs[s].fields[f].0);
                let steps = root(&field_path, None);
                // Skip the structs walked through to get here.
                let walked = steps
                    .iter()
                    .enumerate()
                    .filter(|(_, st)| matches!(st, Step::Struct { .. }))
                    .nth(depth)
                    .map(|(i, _)| i)
                    .expect("the struct itself");
                let ty = self.ty(&steps[walked + 1..], root, &field_path);
                self.structs[s].fields[f].1 = ty;
            }
            // Required fields: what the visitor says of a map without them.
            let mut present: Vec<&'static str> = Vec::new();
            loop {
                let steps = root(&path, Some(&present));
                let Some(Step::Struct {
                    outcome: Some(outcome),
                    ..
                }) = steps.last()
                else {
                    panic!("no outcome for {path:?}");
                };
                match outcome {
                    Ok(()) => break,
                    Err(message) => {
                        let field = message
                            .strip_prefix("missing field `")
                            .and_then(|r| r.strip_suffix('`'))
                            .unwrap_or_else(|| panic!("{path:?}: {message}"));
                        let field = *self.structs[s]
                            .fields
                            .iter()
                            .map(|f| &f.0)
                            .find(|f| **f == field)
                            .expect("a required field is a field");
                        assert!(!present.contains(&field));
                        present.push(field);
                    }
                }
            }
            self.structs[s].required = present;
            // A resource's decoder refuses another apiVersion and kind.
            let refused = |field: &'static str| {
                let steps = root(&path, Some(&[field]));
                let Some(Step::Struct {
                    outcome: Some(outcome),
                    ..
                }) = steps.last()
                else {
                    panic!("no outcome for {path:?}");
                };
                let prefix = format!("invalid value: string {VALID_TEXT:?}, expected ");
                match outcome {
                    Ok(()) => None,
                    Err(m) => Some(
                        m.strip_prefix(&prefix)
                            .unwrap_or_else(|| panic!("{path:?}: {m}"))
                            .to_string(),
                    ),
                }
            };
            let fields = &self.structs[s].fields;
            if fields.iter().any(|f| f.0 == "apiVersion") && fields.iter().any(|f| f.0 == "kind") {
                match (refused("apiVersion"), refused("kind")) {
                    (Some(a), Some(k)) => self.structs[s].resource = Some((a, k)),
                    (None, None) => {}
                    other => panic!("{path:?}: {other:?}"),
                }
            }
        }
    }
}

macro_rules! kinds {
    ($($ty:ty),* $(,)?) => {
        fn kinds() -> Vec<(&'static str, &'static str, ProbeFn)> {
            vec![$((
                <$ty as k8s_openapi::Resource>::API_VERSION,
                <$ty as k8s_openapi::Resource>::KIND,
                probe::<$ty> as ProbeFn,
            )),*]
        }
    };
}

// The kinds of `resource.rs`, in its order.
kinds! {
    core::Pod, core::PodTemplate, core::ReplicationController, core::Namespace,
    core::ServiceAccount, core::Service, core::Secret, core::ConfigMap, core::LimitRange,
    core::ResourceQuota, apps::Deployment, apps::StatefulSet, apps::DaemonSet, apps::ReplicaSet,
    batch::Job, batch::CronJob, rbac::Role, rbac::ClusterRole, rbac::RoleBinding,
    rbac::ClusterRoleBinding, net::NetworkPolicy, net::Ingress, net::IngressClass,
    policy::PodDisruptionBudget, admission::ValidatingWebhookConfiguration,
    admission::MutatingWebhookConfiguration,
}

/// The table's Rust source.
pub fn generate() -> String {
    let mut table = Table::default();
    let kinds: Vec<(&str, &str, usize)> = kinds()
        .into_iter()
        .map(|(api_version, kind, root)| (api_version, kind, table.root(root)))
        .collect();
    let pod_spec = table.root(probe::<core::PodSpec>);
    let object_meta = table.root(probe::<meta::ObjectMeta>);
    let container = table.root(probe::<core::Container>);
    table.fill();
    table.check_acyclic();
    for (api_version, kind, s) in &kinds {
        assert_eq!(
            table.structs[*s].resource,
            Some((api_version.to_string(), kind.to_string()))
        );
    }
    // Names are unique (checked in `structure`); keys of resources are in
    // no struct but the resource's own.
    let field_count: usize = table.structs.iter().map(|s| s.fields.len()).sum();

    let mut out = String::new();
    let w = &mut out;
    writeln!(
        w,
        "//! Generated by `schema_gen.rs` from k8s-openapi's `Deserialize` impls:"
    )
    .unwrap();
    writeln!(
        w,
        "//! `UPDATE_SCHEMA_TABLE=1 cargo test -q --lib schema_gen`. Do not edit."
    )
    .unwrap();
    writeln!(
        w,
        "//! {} types, {} structs, {} fields.",
        table.types.len(),
        table.structs.len(),
        field_count
    )
    .unwrap();
    writeln!(w).unwrap();
    writeln!(w, "use super::schema_check::{{Kind, Struct, Ty}};").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "pub const POD_SPEC: u16 = {pod_spec};").unwrap();
    writeln!(w, "pub const OBJECT_META: u16 = {object_meta};").unwrap();
    writeln!(w, "pub const CONTAINER: u16 = {container};").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// The built-in kinds: apiVersion, kind, struct.").unwrap();
    writeln!(w, "pub static KINDS: [Kind; {}] = [", kinds.len()).unwrap();
    for (api_version, kind, s) in &kinds {
        writeln!(w, "    ({api_version:?}, {kind:?}, {s}),").unwrap();
    }
    writeln!(w, "];").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "pub static TYPES: [Ty; {}] = [", table.types.len()).unwrap();
    for ty in &table.types {
        let text = match ty {
            Ty::Leaf(name) => format!("Ty::{name}"),
            Ty::Option(t) => format!("Ty::Option({t})"),
            Ty::List(t) => format!("Ty::List({t})"),
            Ty::Map(t) => format!("Ty::Map({t})"),
            Ty::Struct(s) => format!("Ty::Struct({s})"),
        };
        writeln!(w, "    {text},").unwrap();
    }
    writeln!(w, "];").unwrap();
    writeln!(w).unwrap();
    writeln!(
        w,
        "pub static STRUCTS: [Struct; {}] = [",
        table.structs.len()
    )
    .unwrap();
    for s in &table.structs {
        writeln!(w, "    Struct {{").unwrap();
        writeln!(w, "        name: {:?},", s.name).unwrap();
        if s.expecting != s.name {
            panic!("{} expects {}", s.name, s.expecting);
        }
        write!(w, "        fields: &[").unwrap();
        for (name, ty) in &s.fields {
            write!(w, "({name:?}, {ty}), ").unwrap();
        }
        writeln!(w, "],").unwrap();
        writeln!(w, "        required: &{:?},", s.required).unwrap();
        writeln!(w, "        resource: {:?},", s.resource).unwrap();
        writeln!(w, "    }},").unwrap();
    }
    writeln!(w, "];").unwrap();
    out
}

#[test]
fn schema_table_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/schema_table.rs");
    let generated = generate();
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("UPDATE_SCHEMA_TABLE").is_some() {
            std::fs::write(path, &generated).unwrap();
            return;
        }
        panic!(
            "src/model/schema_table.rs is not what k8s-openapi's types give: \
             run `UPDATE_SCHEMA_TABLE=1 cargo test -q --lib schema_gen` (then `cargo fmt`) \
             and commit it"
        );
    }
}
