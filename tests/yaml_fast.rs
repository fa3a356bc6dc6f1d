//! The fast YAML path (`src/yaml/fast.rs`) must build exactly the tree the
//! general reader builds, or give up. Checked on the project's fixtures, on
//! the real corpus (when ../shared is present), and on thousands of mutated
//! documents, where an accepted mutation must also be accepted, identically,
//! by the general reader.

mod common;

use common::mutate::{Rng, corpus_texts, fixture_texts, mutate, pieces, seed_pieces};
use kubeharden::yaml::fast;
use kubeharden::yaml::parse::parse_general;

/// `Some(true)`: the fast path read the piece (identically); `Some(false)`: it
/// gave up. Panics with both trees on a difference.
fn compare(piece: &str, origin: &str) -> bool {
    let Some(doc) = fast::parse(piece, 0) else {
        return false;
    };
    let general = parse_general(piece);
    assert!(
        general.problems.is_empty() && general.documents.len() == 1,
        "{origin}: the fast path accepted a piece the general reader refuses ({:?}):\n{piece}",
        general.problems
    );
    let (a, b) = (format!("{doc:#?}"), format!("{:#?}", general.documents[0]));
    if a != b {
        let diff: Vec<String> = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .filter(|(_, (x, y))| x != y)
            .take(8)
            .map(|(i, (x, y))| format!("line {i}: fast {x:?} general {y:?}"))
            .collect();
        panic!(
            "{origin}: trees differ:\n{}\n--- piece:\n{piece}",
            diff.join("\n")
        );
    }
    true
}

#[test]
fn fast_path_matches_on_fixtures() {
    let (mut accepted, mut total) = (0, 0);
    for (name, text) in fixture_texts() {
        for piece in pieces(&text) {
            total += 1;
            accepted += compare(piece, &name) as usize;
        }
    }
    println!("fixtures: fast path read {accepted} of {total} pieces");
    assert!(
        accepted * 2 > total,
        "the fast path should read most fixtures"
    );
}

#[test]
fn fast_path_matches_on_corpus() {
    let Some((_, files)) = common::corpus_files("fast-path corpus comparison") else {
        return;
    };
    let (mut accepted, mut total) = (0, 0);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for piece in pieces(&text) {
            total += 1;
            accepted += compare(piece, &path.display().to_string()) as usize;
        }
    }
    println!("corpus: fast path read {accepted} of {total} pieces");
    assert!(
        accepted * 2 > total,
        "the fast path should read most of the corpus"
    );
}

#[test]
fn fast_path_matches_on_mutations() {
    mutations(fixture_texts(), 30, 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn fast_path_matches_on_corpus_mutations() {
    let Some(texts) = corpus_texts("fast-path corpus mutations") else {
        return;
    };
    mutations(texts, 3, 0x2545_f491_4f6c_dd1d);
}

/// Mutates every piece below 20 KB `rounds` times (`FAST_ROUNDS` overrides).
fn mutations(texts: Vec<(String, String)>, rounds: usize, seed: u64) {
    let seeds = seed_pieces(texts);
    let mut rng = Rng(seed);
    let (mut accepted, mut total) = (0, 0);
    let rounds = std::env::var("FAST_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(rounds);
    for round in 0..rounds {
        for (name, seed) in &seeds {
            let mutated = mutate(seed, &mut rng);
            total += 1;
            accepted += compare(&mutated, &format!("{name} (mutation round {round})")) as usize;
        }
    }
    println!("mutations: fast path read {accepted} of {total}");
    assert!(accepted > total / 10);
}

/// Quoted values over several lines (CRDs' long descriptions) and plain
/// ones whose continuation lines start with an indicator: the fast path
/// reads the common forms, identically, and gives up on the rest. Then the
/// same pieces mutated.
#[test]
fn fast_path_reads_multi_line_values_as_the_general_reader_does() {
    let read = [
        "a: 'one\n  two'\n",
        "a: \"one\n  two\"\n",
        "a: 'one   \n    two  \n  three'\nb: c\n",
        "a: \"one\n\n  two\n\n\n  three\"\n",
        "a: 'it''s\n  ''quoted'''\n",
        "a: \"tab\\t\n  and \\\"quote\\\"\\n\n  end\"\n",
        "m:\n  k: 'x\n    y'\n  l: z\n",
        "s:\n- 'one\n  two'\n- \"three\n  four\"\n",
        "a:\n  'own\n   line'\n",
        "a: \"\n  leading\"\n",
        "a: \"trailing\n  \"\n",
        "a: 'x\n  y' # comment\n",
        "a: \"keeps\n  \\ a space\"\n",
        "a: \"no-break\u{a0}space\n  \u{a0}here\"\n",
        "d: plain text\n  - not a list\n  [not flow] *not alias 'not quoted\n",
        "d: plain\n  \"quote\" and {brace}\n  :colon-word\n",
    ];
    for piece in read {
        assert!(
            compare(piece, "multi-line"),
            "the fast path gave up on:\n{piece}"
        );
    }
    let given_up = [
        // At the key's indentation: libyaml reads it, YAML 1.2 does not.
        "a: 'one\ntwo'\n",
        "m:\n  k: 'x\n  y'\n",
        // An escaped line break, a comment line, an unterminated quote.
        "a: \"one\\\n  two\"\n",
        "d: plain\n  # comment\n  more\n",
        "a: 'never closed\n  still open\n",
    ];
    for piece in given_up {
        assert!(
            !compare(piece, "multi-line"),
            "the fast path read:\n{piece}"
        );
    }
    let seeds: Vec<(String, String)> = read
        .iter()
        .chain(&given_up)
        .map(|p| ("multi-line".to_string(), p.to_string()))
        .collect();
    mutations(seeds, 300, 0x51f1_5e3d_0b7a_c6e1);
}
