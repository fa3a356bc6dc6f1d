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
//!   implements and its unit tests pin;
//! - an alias to an anchor that does not exist: libyaml's parser leaves it
//!   to the composer, and go-yaml's refuses it; the libyaml side here
//!   refuses it as go-yaml does.
//!
//! Every other difference fails the test, but for the few listed in
//! `KNOWN` with their reason. `make test` runs the fixtures, the corpus and
//! a bounded number of mutants; `YAML_DIFF_ROUNDS=N` mutates every seed N
//! times (a longer fuzzing run, as strict), `YAML_DIFF_DUMP=file` writes
//! the differences found.

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
                // libyaml's parser leaves aliases to the composer; go-yaml's
                // (and so Kubernetes') refuses one with no anchor before it.
                let Some((_, target)) = anchors.iter().rev().find(|(a, _)| *a == name) else {
                    unsafe_y::yaml_event_delete(event);
                    return Err(format!("unknown anchor '{name}' referenced (go-yaml)"));
                };
                let tree = target.clone();
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
    let tag = doc.tag(id).map(full_tag);
    Some(match &node.kind {
        NodeKind::Scalar { text, style } => Tree::Scalar {
            text: text.to_string(),
            plain: *style == ScalarStyle::Plain,
            tag,
        },
        NodeKind::Seq(items, _) => Tree::Seq(
            items
                .iter()
                .map(|&i| ours(doc, i, budget))
                .collect::<Option<_>>()?,
            tag,
        ),
        NodeKind::Map(entries, _) => Tree::Map(
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
        if piece.contains(['\u{2028}', '\u{2029}'])
            && separators_as_spaces(&got) == separators_as_spaces(want)
        {
            return Err(format!(
                "{SEPARATOR_VALUES}:\n  libyaml {want:?}\n  ours    {got:?}"
            ));
        }
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

/// The differences between libyaml and the general reader that are known
/// and kept, each with its reason; every other difference fails the test.
/// None of them concerns a real manifest: each needs a character or a
/// layout that the corpus and fixtures never have.
const KNOWN: &[(&str, &str)] = &[
    (
        SEPARATOR_VALUES,
        "U+2028 and U+2029 are line breaks for libyaml (YAML 1.1) and for us, so both accept \
         and refuse the same documents; where libyaml keeps such a break in a value (a \
         literal block, a plain or quoted scalar folding at it) it keeps the character, we \
         keep a line feed or fold it to a space: `g\u{2028}]`, `|\n l\u{2028}`",
    ),
    (
        "plain scalar cannot start with '-' followed by ,[]{}",
        "a lone `-` before a flow indicator (`{-}`, `[-]`) is plain text for libyaml; YAML \
         1.2 (saphyr-parser's scanner) refuses it, and only a patched scanner could accept it",
    ),
    (
        "invalid indentation",
        "a flow collection that opens at the end of a line inside another one, with its next \
         line left of the block's indentation (`- {[\n]}`): saphyr-parser refuses the line \
         before it reports the collection, so the reader cannot tell where to re-indent",
    ),
];

/// The class name of values that differ only at U+2028/U+2029.
const SEPARATOR_VALUES: &str = "values differ only at U+2028/U+2029";

fn separators_as_spaces(trees: &[Tree]) -> Vec<Tree> {
    fn walk(t: &Tree) -> Tree {
        match t {
            Tree::Scalar { text, plain, tag } => Tree::Scalar {
                text: text.replace(['\u{2028}', '\u{2029}', '\n'], " "),
                plain: *plain,
                tag: tag.clone(),
            },
            Tree::Seq(items, tag) => Tree::Seq(items.iter().map(walk).collect(), tag.clone()),
            Tree::Map(entries, tag) => Tree::Map(
                entries.iter().map(|(k, v)| (walk(k), walk(v))).collect(),
                tag.clone(),
            ),
        }
    }
    trees.iter().map(walk).collect()
}

/// Which known difference `why` (from `differ`) is, if any.
fn known_class(why: &str) -> Option<&'static str> {
    if why.contains("fast path") {
        return None;
    }
    KNOWN.iter().map(|&(class, _)| class).find(|class| {
        why.starts_with(class)
            || why.starts_with(&format!(
                "libyaml accepts, the general reader refuses: {class:?}"
            ))
    })
}

/// Reads every piece with all three; fails on any difference that is not
/// one of the `KNOWN` ones (and on any at all in the fast path).
fn check_all<'a>(what: &str, pieces: impl IntoIterator<Item = (String, &'a str)>) {
    let mut failures = Vec::new();
    let mut known = std::collections::BTreeMap::<&str, usize>::new();
    let mut total = 0;
    for (origin, piece) in pieces {
        total += 1;
        if let Err(why) = differ(piece) {
            match known_class(&why) {
                Some(class) => *known.entry(class).or_default() += 1,
                None => failures.push(format!("{origin}: {why}\n--- piece:\n{piece}\n---")),
            }
        }
    }
    println!(
        "{what}: {total} pieces, {} differ from libyaml unexplained, known: {known:?}",
        failures.len(),
    );
    // `YAML_DIFF_DUMP=file`: every unexplained difference, for study.
    if let Ok(path) = std::env::var("YAML_DIFF_DUMP") {
        std::fs::write(path, failures.join("\n\n")).unwrap();
    }
    assert!(
        failures.is_empty(),
        "{what}: {} of {total} pieces read differently from libyaml; first ones:\n{}",
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
        "- p: \"\n\"\n",
        "a: \"x\r  y\"\n",
    ];
    check_all("quoted", cases.iter().map(|c| ("case".to_string(), *c)));
}

/// Layouts where YAML 1.2 (saphyr-parser) and libyaml part, as real
/// manifests have them, and their neighbours.
#[test]
fn readers_match_libyaml_on_layout_edge_cases() {
    let cases = [
        // Flow collections with lines at (or left of) the key's column.
        "spec:\n  args: [\n  \"--a\",\n  \"--b\"\n  ]\n",
        "spec:\n  args: [\n\"--a\"\n]\n",
        "a:\n  b: {\n  c: d,\n  e: [f,\n  g]}\n",
        "a:\n  b: [\n...\n  ]\n",
        "a:\n  b: [ # [\n  'x]'\n  ]\n",
        // Tabs: after `:`, in blank lines, after block indicators.
        "a:\tb\nc:\t\td\n",
        "a: 1\n\t\nb: 2\n",
        "a: 1\n  \t\nb: 2\n",
        "a: \"1\"\n  \t\nb: 2\n",
        "a: |\n  x\n\t\nb: 2\n",
        "a:\n  - x\n  -\ty\n",
        "- \tx\n",
        "a: 1 \t# c\n",
        "a: [1,\n\t2]\n",
        // Block scalars at the end of the text, no last line break.
        "a: |\n  x",
        "a: |+\n  x",
        "a: |+\n  x\n  ",
        "a: |-\n  x",
        "a: >\n  x\n  y",
        "a: |\n  x\n\n  ",
        "|\n:",
        // A `:` before a flow indicator inside a flow plain scalar.
        "{r:?}\n",
        "{port:?  80}\n",
        "a: [x:?y, z]\n",
        "a: [x:y, z]\n",
        "a: {k: &x !!str v:?w}\n",
        "a: [!!str x:y, z]\n",
        "a: [&a x, *a]\n",
        // Keys.
        ": v\n",
        "a: 1\n: v\n",
        "?\n: v\n",
        "? # c\n: v\n",
        "{a\n: b}\n",
        "{? a\n: b}\n",
        "[a\n: b]\n",
        "{:t}\n",
        "[s:]\n",
        "{e:}\n",
        "{\"e\":}\n",
        "[a:b]\n",
        // Anchors and aliases.
        "&:\n",
        "a: &x.y 1\n",
        "a: &x-1 [b, *x-1]\n",
        "*a\n",
        "|\n",
        "d: {y:\n2}\n",
        "[|]\n",
        "[]#c\n",
        // YAML 1.1 line breaks.
        "a: x\u{85}b: y\n",
        "a: x\r\u{85}b: y\n",
        "a: 'x\u{85}y'\n",
        "# c\u{2028}a: b\n",
    ];
    check_all("layouts", cases.iter().map(|c| ("case".to_string(), *c)));
}

/// `rounds` mutants of every seed piece; `YAML_DIFF_ROUNDS=N` runs N
/// rounds instead (a longer fuzzing run, as strict).
fn mutants(texts: Vec<(String, String)>, rounds: usize, seed: u64, what: &str) {
    let rounds = std::env::var("YAML_DIFF_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(rounds);
    let seeds = seed_pieces(texts);
    let mut rng = Rng(seed);
    let mut all = Vec::new();
    for round in 0..rounds {
        for (name, seed) in &seeds {
            all.push((format!("{name} (round {round})"), mutate(seed, &mut rng)));
        }
    }
    check_all(what, all.iter().map(|(n, p)| (n.clone(), p.as_str())));
}

/// Both readers must read every mutant as libyaml does, but for the
/// `KNOWN` differences.
#[test]
fn readers_match_libyaml_on_mutations() {
    mutants(
        fixture_texts(),
        ROUNDS,
        0x51_7cc1_b727_220a,
        "fixture mutants",
    );
}

/// Mutants of every fixture piece in `make test`: 60 rounds, about 11,600
/// documents.
const ROUNDS: usize = 60;

#[test]
fn readers_match_libyaml_on_corpus_mutations() {
    let Some(texts) = corpus_texts("libyaml differential test on corpus mutants") else {
        return;
    };
    mutants(texts, 4, 0x6a09_e667_f3bc_c908, "corpus mutants");
}
