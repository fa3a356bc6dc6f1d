//! The table-driven check (`schema_check`) against decoding into
//! k8s-openapi's types (`schema::decode`): the same problems, in the same
//! order, and the same verdict (decodable or not), for every object of the
//! tests, of the rules' examples, of the real corpus
//! (`$KUBEHARDEN_SHARED/corpus/real`) and for mutants of them.
//! `KUBEHARDEN_SCHEMA_MUTANTS=n` sets how many mutants (default below),
//! `KUBEHARDEN_SCHEMA_SEED=n` the seed of their generator.

use std::path::Path as FsPath;

use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::path::Seg;
use crate::model::resource::Object;
use crate::model::schema::{SchemaProblem, decode, get_mut};
use crate::model::schema_check::{Root, Ty, check_object, check_type};
use crate::model::schema_table::{CONTAINER, KINDS, OBJECT_META, POD_SPEC, STRUCTS, TYPES};
use crate::model::value::{Map, Value};

const DEFAULT_MUTANTS: usize = 20_000;

fn show(problems: &[SchemaProblem]) -> Vec<String> {
    problems.iter().map(|p| format!("{p:?}")).collect()
}

static TIMESTAMP_MESSAGES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The problems, with the message of those about a timestamp field
/// (by the table) blanked.
fn timestamps_blanked(problems: &[SchemaProblem], root: u16) -> Vec<String> {
    problems
        .iter()
        .map(|p| match p {
            SchemaProblem::Invalid { path, .. } if type_at(root, &path.0) == Some(Ty::Time) => {
                format!("Invalid {{ path: {path:?}, message: <timestamp> }}")
            }
            other => format!("{other:?}"),
        })
        .collect()
}

/// The leaf type the table gives the value at `path` under struct `root`.
fn type_at(root: u16, path: &[Seg]) -> Option<Ty> {
    let mut ty = TYPES[usize::from(struct_ty(root))];
    for seg in path {
        if let Ty::Option(inner) = ty {
            ty = TYPES[usize::from(inner)];
        }
        let next = match (ty, seg) {
            (Ty::Struct(s), Seg::Key(k)) => {
                STRUCTS[usize::from(s)].fields.iter().find(|f| f.0 == k)?.1
            }
            (Ty::Map(item), Seg::Key(_)) | (Ty::List(item), Seg::Index(_)) => item,
            _ => return None,
        };
        ty = TYPES[usize::from(next)];
    }
    if let Ty::Option(inner) = ty {
        ty = TYPES[usize::from(inner)];
    }
    Some(ty)
}

/// What to check a value as.
#[derive(Clone, Copy, Debug)]
enum Target {
    Kind(&'static str, &'static str),
    Type(Root),
}

impl Target {
    fn root_struct(self) -> u16 {
        match self {
            Target::Kind(a, k) => crate::model::schema_check::kind(a, k).unwrap().2,
            Target::Type(Root::PodSpec) => POD_SPEC,
            Target::Type(Root::ObjectMeta) => OBJECT_META,
            Target::Type(Root::Container) => CONTAINER,
        }
    }
}

/// Both ways; `Err` describes a difference.
fn compare(target: Target, value: &Value) -> Result<(), String> {
    let mut old = Vec::new();
    let mut new = Vec::new();
    let (old_ok, new_ok) = match target {
        Target::Kind(api_version, kind) => {
            let object = Object::decode(api_version, kind, value, &mut old);
            let ok = !matches!(object, Object::Other);
            (ok, check_object(api_version, kind, value, &mut new))
        }
        Target::Type(root) => {
            let ok = match root {
                Root::PodSpec => decode::<PodSpec>(value, &mut old).is_some(),
                Root::ObjectMeta => decode::<ObjectMeta>(value, &mut old).is_some(),
                Root::Container => decode::<Container>(value, &mut old).is_some(),
            };
            (ok, check_type(root, value, &mut new))
        }
    };
    let same = old_ok == new_ok && show(&old) == show(&new);
    // The one intentional difference: the message for a rejected timestamp
    // (jiff's parser messages are not reproduced, see `timestamp.rs`). The
    // problems must still be the same ones, at the same paths, in order.
    if !same && old_ok == new_ok {
        let root = target.root_struct();
        let (o, n) = (
            timestamps_blanked(&old, root),
            timestamps_blanked(&new, root),
        );
        if o == n {
            TIMESTAMP_MESSAGES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(());
        }
    }
    let (old, new) = (show(&old), show(&new));
    if !same {
        return Err(format!(
            "{target:?} {value}\n  decode ({old_ok}): {old:#?}\n  table ({new_ok}): {new:#?}"
        ));
    }
    Ok(())
}

/// The objects of a YAML text, as the checker reads them (List items too).
fn objects(text: &str, out: &mut Vec<Value>) {
    let map = crate::source::SourceMap::new(text);
    let parsed = crate::yaml::parse::parse(&map);
    for doc in &parsed.documents {
        let Some(root) = doc.root else { continue };
        let value = crate::yaml::json::Converter::new(doc).convert(root);
        if let Some(items) = value.get("items").and_then(Value::as_array) {
            out.extend(items.iter().filter(|v| v.is_object()).cloned());
        }
        if value.is_object() {
            out.push(value);
        }
    }
}

fn yaml_files(dir: &FsPath, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The targets a value is checked as: its kind when built in, and the
/// embedded types custom resources are read for.
fn targets(value: &Value) -> Vec<(Target, &Value)> {
    let mut out = Vec::new();
    if let (Some(a), Some(k)) = (
        value.get("apiVersion").and_then(Value::as_str),
        value.get("kind").and_then(Value::as_str),
    ) && let Some(&(a, k, _)) = crate::model::schema_check::kind(a, k)
    {
        out.push((Target::Kind(a, k), value));
    }
    if let Some(m) = value.get("metadata") {
        out.push((Target::Type(Root::ObjectMeta), m));
    }
    for spec in [
        value.get("spec"),
        value
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec")),
    ]
    .into_iter()
    .flatten()
    {
        out.push((Target::Type(Root::PodSpec), spec));
        for c in spec
            .get("containers")
            .and_then(Value::as_array)
            .unwrap_or(&[])
        {
            out.push((Target::Type(Root::Container), c));
        }
    }
    out
}

/// Every object of the tests, the rules' examples and the corpus.
fn inputs() -> Vec<Value> {
    let mut files = Vec::new();
    yaml_files(
        &FsPath::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
        &mut files,
    );
    let shared = std::env::var("KUBEHARDEN_SHARED").unwrap_or_else(|_| "../shared".into());
    let corpus = FsPath::new(&shared).join("corpus/real");
    if corpus.is_dir() {
        yaml_files(&corpus, &mut files);
    } else {
        eprintln!("schema_diff: no corpus at {} (skipped)", corpus.display());
    }
    let mut values = Vec::new();
    for file in files {
        if let Ok(text) = std::fs::read_to_string(&file) {
            objects(&text, &mut values);
        }
    }
    // The rules' examples, read from their source (the model layer does
    // not reach up to the rules).
    let mut sources = Vec::new();
    rust_files(
        &FsPath::new(env!("CARGO_MANIFEST_DIR")).join("src/rules"),
        &mut sources,
    );
    let mut examples = 0;
    for file in sources {
        let text = std::fs::read_to_string(&file).unwrap();
        for example in string_literals_after(&text, "_example: \"") {
            examples += 1;
            objects(&example, &mut values);
        }
    }
    assert!(examples > 50, "only {examples} rule examples");
    values
}

fn rust_files(dir: &FsPath, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The (escaped) string literals that start right after `marker`, unescaped.
fn string_literals_after(text: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(marker) {
        let mut chars = text[at + marker.len()..].chars();
        let mut literal = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => literal.push('\n'),
                    Some('t') => literal.push('\t'),
                    // A line continuation: the break and the next line's indent.
                    Some('\n') => {
                        let rest = chars.as_str().trim_start();
                        chars = rest.chars();
                    }
                    Some(other) => literal.push(other),
                    None => break,
                },
                c => literal.push(c),
            }
        }
        out.push(literal);
    }
    out
}

#[test]
fn table_check_matches_typed_decoding_on_every_input() {
    let values = inputs();
    let mut differences = Vec::new();
    let mut checked = 0;
    for value in &values {
        for (target, v) in targets(value) {
            checked += 1;
            if let Err(e) = compare(target, v) {
                differences.push(e);
            }
        }
    }
    assert!(checked > 1000, "only {checked} values");
    assert!(
        differences.is_empty(),
        "{} differences, the first: {}",
        differences.len(),
        differences[0]
    );
}

/// splitmix64: deterministic mutants without a crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn text(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

fn json(text: &str) -> Value {
    Value::from(serde_json::from_str::<serde_json::Value>(text).unwrap())
}

/// Strings that stress the typed leaves: base64, timestamps, quantities.
fn odd_string(rng: &mut Rng) -> Value {
    const FIXED: &[&str] = &[
        "",
        "x",
        "abc",
        "YWJj",
        "YWJjZA==",
        "YWJjZA=",
        "YWJjZA",
        "YWJjZ===",
        "YW=jZA==",
        "YWJjZB==",
        "YWJjZA==x",
        "Y",
        "!!!!",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00",
        "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-01-01",
        "2024-01-01 10:00:00+02:00",
        "2024-01-01T10:00:00.123456Z",
        "1Gi",
        "500m",
        "1e3",
        "-1",
        "80",
        "http",
        "true",
        "null",
    ];
    if rng.chance(50) {
        return Value::String(rng.text(FIXED).into());
    }
    // Random text over the alphabets of those leaves.
    const ALPHABET: &[u8] = b"AZaz09+/=-:.TtZz ,[]x5";
    let template = rng.text(&[
        "YWJjZA==",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00.5+01:00",
        "1970-01-01T00:00:00Z",
        "dGVzdA==",
        "",
    ]);
    let mut text: Vec<u8> = template.as_bytes().to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(3) {
            0 if !text.is_empty() => {
                let i = rng.below(text.len());
                text[i] = *rng.pick(ALPHABET);
            }
            1 if !text.is_empty() => {
                let i = rng.below(text.len());
                text.remove(i);
            }
            _ => {
                let i = rng.below(text.len() + 1);
                text.insert(i, *rng.pick(ALPHABET));
            }
        }
    }
    Value::String(String::from_utf8(text).unwrap().into())
}

/// Any value, favouring the ones typed fields trip on.
fn odd_value(rng: &mut Rng) -> Value {
    const FIXED: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "1",
        "-1",
        "1.5",
        "-2.5",
        "1.0",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "-9223372036854775808",
        "1e300",
        "[]",
        "[1]",
        "[\"a\"]",
        "[{}]",
        "[null]",
        "{}",
        "{\"zz\": 1}",
        "{\"name\": \"a\"}",
        "[[]]",
    ];
    if rng.chance(35) {
        odd_string(rng)
    } else {
        json(rng.text(FIXED))
    }
}

/// A value of type `ty`, mostly valid, sometimes not (`budget` bounds the size).
fn typed_value(rng: &mut Rng, ty: u16, budget: &mut usize) -> Value {
    if rng.chance(8) || *budget == 0 {
        return odd_value(rng);
    }
    *budget -= 1;
    match TYPES[usize::from(ty)] {
        Ty::Option(inner) => {
            if rng.chance(10) {
                Value::Null
            } else {
                typed_value(rng, inner, budget)
            }
        }
        Ty::List(item) => {
            let n = rng.below(3);
            Value::Array((0..n).map(|_| typed_value(rng, item, budget)).collect())
        }
        Ty::Map(item) => {
            let n = rng.below(3);
            let entries = (0..n)
                .map(|i| (format!("k{i}").into(), typed_value(rng, item, budget)))
                .collect();
            Value::Object(Map::from_entries(entries))
        }
        Ty::Struct(s) => {
            let s = &STRUCTS[usize::from(s)];
            let mut entries = Vec::new();
            for (name, ty) in s.fields {
                if rng.chance(25) {
                    entries.push(((*name).into(), typed_value(rng, *ty, budget)));
                }
            }
            Value::Object(Map::from_entries(entries))
        }
        Ty::String => Value::String("s".into()),
        Ty::Bool => Value::Bool(rng.chance(50)),
        Ty::I32 | Ty::I64 | Ty::F64 => json(rng.text(&["0", "7", "-3", "65536"])),
        Ty::IntOrString => json(rng.text(&["8080", "\"http\"", "\"25%\""])),
        Ty::Quantity => json(rng.text(&["\"1Gi\"", "2", "0.5", "\"100m\""])),
        Ty::Time => odd_string(rng),
        Ty::Bytes => odd_string(rng),
        Ty::Any => json(rng.text(&["{\"f:a\": {}}", "1", "null"])),
    }
}

/// The path and type of every node of `value` (the type where the table
/// knows it; `None`: an unknown field or a mistyped value).
fn typed_nodes(
    value: &Value,
    ty: Option<u16>,
    path: &mut Vec<Seg>,
    out: &mut Vec<(Vec<Seg>, Option<u16>)>,
) {
    out.push((path.clone(), ty));
    let shape = ty.map(|t| match TYPES[usize::from(t)] {
        Ty::Option(inner) => TYPES[usize::from(inner)],
        other => other,
    });
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child_ty = match shape {
                    Some(Ty::Struct(s)) => STRUCTS[usize::from(s)]
                        .fields
                        .iter()
                        .find(|f| f.0 == k)
                        .map(|f| f.1),
                    Some(Ty::Map(item)) => Some(item),
                    _ => None,
                };
                path.push(Seg::Key(k.to_string()));
                typed_nodes(v, child_ty, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            let item_ty = match shape {
                Some(Ty::List(item)) => Some(item),
                _ => None,
            };
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                typed_nodes(item, item_ty, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The type index of struct `s` (as a `Ty::Struct`).
fn struct_ty(s: u16) -> u16 {
    TYPES.iter().position(|t| *t == Ty::Struct(s)).unwrap() as u16
}

/// One to four mutations of `value`, typed as struct `root`.
fn mutate(rng: &mut Rng, value: &mut Value, root: u16) {
    for _ in 0..=rng.below(4) {
        let mut nodes = Vec::new();
        typed_nodes(value, Some(struct_ty(root)), &mut Vec::new(), &mut nodes);
        let (path, ty) = rng.pick(&nodes).clone();
        let Some(node) = get_mut(value, &path) else {
            continue;
        };
        let mut budget = 40;
        match rng.below(8) {
            // Another value in its place.
            0 | 1 => *node = odd_value(rng),
            // A value of its type (deep values where the input had none).
            2 => {
                if let Some(ty) = ty {
                    *node = typed_value(rng, ty, &mut budget);
                }
            }
            // A field added: known or not, at any depth.
            3 | 4 => {
                if let Value::Object(map) = node {
                    let shape = ty.map(|t| match TYPES[usize::from(t)] {
                        Ty::Option(inner) => TYPES[usize::from(inner)],
                        other => other,
                    });
                    let (key, v): (Box<str>, Value) = match shape {
                        Some(Ty::Struct(s)) if rng.chance(70) => {
                            let (name, fty) = *rng.pick(STRUCTS[usize::from(s)].fields);
                            (name.into(), typed_value(rng, fty, &mut budget))
                        }
                        _ => (
                            rng.text(&["aUnknown", "zzUnknown", "name", "Spec", "image"])
                                .into(),
                            odd_value(rng),
                        ),
                    };
                    map.insert(key, v);
                }
            }
            // A field dropped.
            5 => {
                if let Value::Object(map) = node
                    && !map.is_empty()
                {
                    let k: Box<str> = map.keys().nth(rng.below(map.len())).unwrap().into();
                    map.remove(&k);
                }
            }
            // An item of the wrong kind, or the value wrapped.
            6 => match node {
                Value::Array(items) => {
                    let mut v = items.to_vec();
                    v.insert(rng.below(v.len() + 1), odd_value(rng));
                    *items = v.into_boxed_slice();
                }
                other => {
                    let inner = std::mem::take(other);
                    *other = if rng.chance(50) {
                        Value::Array(Box::new([inner]))
                    } else {
                        Value::Object(Map::from_entries(vec![("k".into(), inner)]))
                    };
                }
            },
            _ => *node = odd_string(rng),
        }
    }
}

#[test]
fn table_check_matches_typed_decoding_on_mutants() {
    let count = std::env::var("KUBEHARDEN_SCHEMA_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_MUTANTS);
    let values = inputs();
    let mut seeds: Vec<(Target, Value)> = Vec::new();
    for value in &values {
        for (target, v) in targets(value) {
            seeds.push((target, v.clone()));
        }
    }
    // Seeds for every kind and root even without inputs: empty objects.
    for &(a, k, _) in &KINDS {
        seeds.push((
            Target::Kind(a, k),
            json(&format!("{{\"apiVersion\": \"{a}\", \"kind\": \"{k}\"}}")),
        ));
    }
    for root in [Root::PodSpec, Root::ObjectMeta, Root::Container] {
        seeds.push((Target::Type(root), json("{}")));
    }
    let seed = std::env::var("KUBEHARDEN_SCHEMA_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed_cafe);
    let mut rng = Rng(seed);
    let mut differences = Vec::new();
    let start = std::time::Instant::now();
    for _ in 0..count {
        let (target, seed) = rng.pick(&seeds);
        let mut value = seed.clone();
        mutate(&mut rng, &mut value, target.root_struct());
        if let Err(e) = compare(*target, &value) {
            differences.push(e);
        }
    }
    if let Ok(file) = std::env::var("SCHEMA_DIFF_DUMP") {
        std::fs::write(file, differences.join("\n\n")).unwrap();
    }
    eprintln!(
        "schema_diff: {count} mutants of {} seeds in {:?}; {} differ only in a timestamp's message",
        seeds.len(),
        start.elapsed(),
        TIMESTAMP_MESSAGES.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert!(
        differences.is_empty(),
        "{} differences of {count}, the first: {}",
        differences.len(),
        differences[0]
    );
}

/// Time of both ways over every input (`cargo test --release --lib
/// schema_speed -- --ignored --nocapture`).
#[test]
#[ignore]
fn schema_speed() {
    let values = inputs();
    let targets: Vec<(Target, &Value)> = values.iter().flat_map(targets).collect();
    let time = |f: &dyn Fn(Target, &Value)| {
        let start = std::time::Instant::now();
        for _ in 0..20 {
            for &(t, v) in &targets {
                f(t, v);
            }
        }
        start.elapsed() / 20
    };
    let decoded = time(&|t, v| {
        let mut p = Vec::new();
        match t {
            Target::Kind(a, k) => drop(Object::decode(a, k, v, &mut p)),
            Target::Type(Root::PodSpec) => drop(decode::<PodSpec>(v, &mut p)),
            Target::Type(Root::ObjectMeta) => drop(decode::<ObjectMeta>(v, &mut p)),
            Target::Type(Root::Container) => drop(decode::<Container>(v, &mut p)),
        }
        std::hint::black_box(p);
    });
    let checked = time(&|t, v| {
        let mut p = Vec::new();
        match t {
            Target::Kind(a, k) => drop(check_object(a, k, v, &mut p)),
            Target::Type(root) => drop(check_type(root, v, &mut p)),
        }
        std::hint::black_box(p);
    });
    eprintln!(
        "schema_speed: {} values: decode {decoded:?}, table {checked:?}",
        targets.len()
    );
}
