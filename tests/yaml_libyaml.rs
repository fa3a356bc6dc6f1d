//! Both YAML readers against libyaml itself (through `unsafe-libyaml`, a
//! line-by-line translation of libyaml's C, which go-yaml — and so kubectl
//! and the API server's sigs.k8s.io/yaml — ports): the same pieces accepted
//! and refused, and the same node trees (scalar text, plain or quoted, tags,
//! sequences, mappings, aliases expanded).
//!
//! Where Kubernetes differs from plain libyaml on purpose, the difference
//! is not at this level and is checked elsewhere:
//! - duplicate keys: libyaml's parser accepts them; go-yaml's decoder and
//!   the API server refuse them, and so does kubeharden (`yaml-duplicate-key`,
//!   from the tree compared here);
//! - scalar types: libyaml reports scalar text only; sigs.k8s.io/yaml reads
//!   it with YAML 1.1 rules (`yes`, `0777`, `1_000`), which `yaml::json`
//!   implements and its unit tests pin.
//!
//! `make test` runs the fixtures, the corpus and a bounded number of
//! mutants; `YAML_DIFF_ROUNDS=N` mutates every seed N times.

mod common;

use std::mem::MaybeUninit;

use common::mutate::{Rng, corpus_texts, fixture_texts, mutate, pieces, seed_pieces};
use kubeharden::yaml::fast;
use kubeharden::yaml::parse::{ProblemKind, parse_general};
use kubeharden::yaml::tree::{Document, NodeId, NodeKind, ScalarStyle};
use unsafe_libyaml as unsafe_y;

/// A node as a parser reports it, with aliases expanded.
#[derive(Debug, Clone, PartialEq)]
enum Tree {
    Scalar {
        text: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<Tree>, Option<String>),
    Map(Vec<(Tree, Tree)>, Option<String>),
}

/// Aliases expand to at most this many nodes per document; past it the
/// values are not compared (only acceptance).
const BUDGET: usize = 100_000;

fn full_tag(tag: &str) -> String {
    match tag.strip_prefix("!!") {
        Some(suffix) => format!("tag:yaml.org,2002:{suffix}"),
        None => tag.to_string(),
    }
}

/// libyaml's reading of a piece: its documents, or its error.
fn libyaml(piece: &str) -> Result<Option<Vec<Tree>>, String> {
    unsafe {
        let mut parser = MaybeUninit::<unsafe_y::yaml_parser_t>::uninit();
        assert!(!unsafe_y::yaml_parser_initialize(parser.as_mut_ptr()).fail);
        let parser = parser.as_mut_ptr();
        unsafe_y::yaml_parser_set_input_string(parser, piece.as_ptr(), piece.len() as _);
        let result = read_events(parser);
        unsafe_y::yaml_parser_delete(parser);
        result
    }
}

unsafe fn cstr(p: *const u8) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let s = unsafe { std::ffi::CStr::from_ptr(p.cast()) };
    Some(s.to_string_lossy().into_owned())
}

enum Open {
    Seq(Vec<Tree>, Option<String>, Option<String>),
    Map(
        Vec<(Tree, Tree)>,
        Option<Tree>,
        Option<String>,
        Option<String>,
    ),
}

unsafe fn read_events(parser: *mut unsafe_y::yaml_parser_t) -> Result<Option<Vec<Tree>>, String> {
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<(String, Tree)> = Vec::new();
    let mut size = 0usize;
    let mut over_budget = false;
    loop {
        let mut event = MaybeUninit::<unsafe_y::yaml_event_t>::uninit();
        if unsafe { unsafe_y::yaml_parser_parse(parser, event.as_mut_ptr()) }.fail {
            let problem = unsafe { cstr((&*parser).problem.cast()) }.unwrap_or_default();
            return Err(problem);
        }
        let event = unsafe { event.assume_init_mut() };
        let mut done: Option<(Tree, Option<String>)> = None;
        let mut end = false;
        match event.type_ {
            unsafe_y::YAML_STREAM_END_EVENT => end = true,
            unsafe_y::YAML_DOCUMENT_START_EVENT => anchors.clear(),
            unsafe_y::YAML_SCALAR_EVENT => unsafe {
                let s = &event.data.scalar;
                let bytes = std::slice::from_raw_parts(s.value, s.length as usize);
                done = Some((
                    Tree::Scalar {
                        text: String::from_utf8_lossy(bytes).into_owned(),
                        plain: s.style == unsafe_y::YAML_PLAIN_SCALAR_STYLE,
                        tag: cstr(s.tag).map(|t| full_tag(&t)),
                    },
                    cstr(s.anchor),
                ));
            },
            unsafe_y::YAML_ALIAS_EVENT => unsafe {
                let name = cstr(event.data.alias.anchor).unwrap_or_default();
                let target = anchors.iter().rev().find(|(a, _)| *a == name);
                let tree = target.map(|(_, t)| t.clone()).unwrap_or(Tree::Scalar {
                    text: String::new(),
                    plain: true,
                    tag: None,
                });
                size += count(&tree);
                done = Some((tree, None));
            },
            unsafe_y::YAML_SEQUENCE_START_EVENT => unsafe {
                let s = &event.data.sequence_start;
                stack.push(Open::Seq(
                    Vec::new(),
                    cstr(s.anchor),
                    cstr(s.tag).map(|t| full_tag(&t)),
                ));
            },
            unsafe_y::YAML_MAPPING_START_EVENT => unsafe {
                let s = &event.data.mapping_start;
                stack.push(Open::Map(
                    Vec::new(),
                    None,
                    cstr(s.anchor),
                    cstr(s.tag).map(|t| full_tag(&t)),
                ));
            },
            unsafe_y::YAML_SEQUENCE_END_EVENT | unsafe_y::YAML_MAPPING_END_EVENT => match stack
                .pop()
            {
                Some(Open::Seq(items, anchor, tag)) => done = Some((Tree::Seq(items, tag), anchor)),
                Some(Open::Map(entries, _, anchor, tag)) => {
                    done = Some((Tree::Map(entries, tag), anchor))
                }
                None => {}
            },
            _ => {}
        }
        unsafe { unsafe_y::yaml_event_delete(event) };
        if let Some((tree, anchor)) = done {
            size += 1;
            if size > BUDGET {
                over_budget = true;
            }
            let tree = if over_budget {
                Tree::Seq(Vec::new(), None)
            } else {
                tree
            };
            if let Some(a) = anchor {
                anchors.push((a, tree.clone()));
            }
            match stack.last_mut() {
                None => docs.push(tree),
                Some(Open::Seq(items, ..)) => items.push(tree),
                Some(Open::Map(entries, pending, ..)) => match pending.take() {
                    None => *pending = Some(tree),
                    Some(k) => entries.push((k, tree)),
                },
            }
        }
        if end {
            return Ok((!over_budget).then_some(docs));
        }
    }
}

fn count(t: &Tree) -> usize {
    match t {
        Tree::Scalar { .. } => 1,
        Tree::Seq(items, _) => 1 + items.iter().map(count).sum::<usize>(),
        Tree::Map(entries, _) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
    }
}

/// One of our documents as a tree, aliases expanded within the budget.
fn ours(doc: &Document, id: NodeId, budget: &mut usize) -> Option<Tree> {
    *budget = budget.checked_sub(1)?;
    let node = doc.node(id);
    let tag = node.tag.as_deref().map(full_tag);
    Some(match &node.kind {
        NodeKind::Scalar { text, style } => Tree::Scalar {
            text: text.clone(),
            plain: *style == ScalarStyle::Plain,
            tag,
        },
        NodeKind::Seq(items) => Tree::Seq(
            items
                .iter()
                .map(|&i| ours(doc, i, budget))
                .collect::<Option<_>>()?,
            tag,
        ),
        NodeKind::Map(entries) => Tree::Map(
            entries
                .iter()
                .map(|&(k, v)| Some((ours(doc, k, budget)?, ours(doc, v, budget)?)))
                .collect::<Option<_>>()?,
            tag,
        ),
        NodeKind::Alias(target) => ours(doc, *target, budget)?,
    })
}

fn trees(docs: &[Document]) -> Option<Vec<Tree>> {
    let mut budget = BUDGET;
    docs.iter()
        .filter_map(|d| d.root.map(|r| (d, r)))
        .map(|(d, r)| ours(d, r, &mut budget))
        .collect()
}

/// Compares both readers with libyaml on one piece; `Err` says how they differ.
fn differ(piece: &str) -> Result<(), String> {
    let expected = libyaml(piece);
    let general = parse_general(piece);
    // Our own limits (nesting, node count) are not libyaml's business.
    if general
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::Limit)
    {
        return Ok(());
    }
    let accepted = general.problems.is_empty();
    match (&expected, accepted) {
        (Err(e), true) => return Err(format!("libyaml refuses ({e}), the general reader accepts")),
        (Ok(_), false) => {
            return Err(format!(
                "libyaml accepts, the general reader refuses: {:?}",
                general.problems[0].message
            ));
        }
        _ => {}
    }
    if let Ok(Some(want)) = &expected
        && let Some(got) = trees(&general.documents)
        && &got != want
    {
        return Err(format!(
            "values differ (general reader):\n  libyaml {want:?}\n  ours    {got:?}"
        ));
    }
    if let Some(doc) = fast::parse(piece, 0) {
        match &expected {
            Err(e) => return Err(format!("libyaml refuses ({e}), the fast path accepts")),
            Ok(Some(want)) => {
                if let Some(got) = trees(std::slice::from_ref(&doc))
                    && &got != want
                {
                    return Err(format!(
                        "values differ (fast path):\n  libyaml {want:?}\n  ours    {got:?}"
                    ));
                }
            }
            Ok(None) => {}
        }
    }
    Ok(())
}

/// Reads every piece with all three; fails on any difference, except that
/// `known_general` differences of the general reader are tolerated (see
/// `readers_match_libyaml_on_mutations`).
fn check_all<'a>(
    what: &str,
    pieces: impl IntoIterator<Item = (String, &'a str)>,
    known_general: usize,
) {
    let mut failures = Vec::new();
    let mut total = 0;
    for (origin, piece) in pieces {
        total += 1;
        if let Err(why) = differ(piece) {
            failures.push(format!("{origin}: {why}\n--- piece:\n{piece}\n---"));
        }
    }
    let fast: Vec<&String> = failures
        .iter()
        .filter(|f| f.contains("fast path"))
        .collect();
    println!(
        "{what}: {total} pieces, {} differ from libyaml ({} in the fast path)",
        failures.len(),
        fast.len()
    );
    // `YAML_DIFF_DUMP=file`: every difference, for study.
    if let Ok(path) = std::env::var("YAML_DIFF_DUMP") {
        std::fs::write(path, failures.join("\n\n")).unwrap();
    }
    assert!(
        fast.is_empty(),
        "{what}: the fast path reads {} pieces differently from libyaml; first ones:\n{}",
        fast.len(),
        fast.iter()
            .take(5)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        failures.len() <= known_general,
        "{what}: {} of {total} pieces read differently from libyaml (known: {known_general}); first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn readers_match_libyaml_on_fixtures() {
    let texts = fixture_texts();
    check_all(
        "fixtures",
        texts
            .iter()
            .flat_map(|(name, text)| pieces(text).into_iter().map(move |p| (name.clone(), p))),
        0,
    );
}

#[test]
fn readers_match_libyaml_on_corpus() {
    let Some(texts) = corpus_texts("libyaml differential test on the corpus") else {
        return;
    };
    check_all(
        "corpus",
        texts
            .iter()
            .flat_map(|(name, text)| pieces(text).into_iter().map(move |p| (name.clone(), p))),
        0,
    );
}

#[test]
fn readers_match_libyaml_on_neighbours_of_quoted_continuations() {
    let cases = [
        "a:\n  value: 'a long text\n  onto the next line'\n",
        "a:\n  value: 'a long text\nonto the next line'\n",
        "a:\n  value: \"a long text\n  onto the next line\"\n  b: c\n",
        "- 'one\ntwo'\n- x\n",
        "a:\n  b: 'one\n\n  two'\n",
        "a:\n  b: 'one\n---\n  two'\n",
        "a: 'x\nb: y'\n",
    ];
    check_all("quoted", cases.iter().map(|c| ("case".to_string(), *c)), 0);
}

/// `rounds` mutants of every seed piece (`YAML_DIFF_ROUNDS` overrides, and
/// then only the fast path must match exactly).
fn mutants(texts: Vec<(String, String)>, rounds: usize, seed: u64, what: &str, known: usize) {
    let set = std::env::var("YAML_DIFF_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok());
    let known = if set.is_some() { usize::MAX } else { known };
    let rounds = set.unwrap_or(rounds);
    let seeds = seed_pieces(texts);
    let mut rng = Rng(seed);
    let mut all = Vec::new();
    for round in 0..rounds {
        for (name, seed) in &seeds {
            all.push((format!("{name} (round {round})"), mutate(seed, &mut rng)));
        }
    }
    check_all(
        what,
        all.iter().map(|(n, p)| (n.clone(), p.as_str())),
        known,
    );
}

/// The fast path must read every mutant exactly as libyaml does. The
/// general reader (saphyr-parser, a YAML 1.2 parser) still differs on about
/// 3% of these deliberately broken mutants, none of them valid manifests:
/// mostly it accepts what libyaml refuses (a plain key with no `:`
/// continuing a mapping, `key: value: more` in some positions), and YAML 1.1
/// line breaks (U+0085, U+2028, U+2029) that libyaml folds and YAML 1.2 keeps
/// as characters. Their number may only go down; `YAML_DIFF_DUMP=file` lists
/// them.
#[test]
fn readers_match_libyaml_on_mutations() {
    mutants(
        fixture_texts(),
        40,
        0x51_7cc1_b727_220a,
        "fixture mutants",
        KNOWN,
    );
}

const KNOWN: usize = 203;

#[test]
fn readers_match_libyaml_on_corpus_mutations() {
    let Some(texts) = corpus_texts("libyaml differential test on corpus mutants") else {
        return;
    };
    // Fast path strictly; the general reader as above.
    mutants(
        texts,
        2,
        0x6a09_e667_f3bc_c908,
        "corpus mutants",
        usize::MAX,
    );
}
