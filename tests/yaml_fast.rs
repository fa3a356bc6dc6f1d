//! The fast YAML path (`src/yaml/fast.rs`) must build exactly the tree the
//! general reader builds, or give up. Checked on the project's fixtures, on
//! the real corpus (when ../shared is present), and on thousands of mutated
//! documents, where an accepted mutation must also be accepted, identically,
//! by the general reader.

mod common;

use kubeharden::yaml::fast;
use kubeharden::yaml::parse::{parse_general, split_documents};

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

fn pieces(text: &str) -> Vec<&str> {
    split_documents(text)
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .collect()
}

/// The project's own YAML: fixtures and benchmark data.
fn fixture_texts() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    ["tests/fixtures", "benches/data"]
        .iter()
        .flat_map(|dir| common::manifest_files(&root.join(dir)))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
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

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    const INSERTS: &[&str] = &[
        " ",
        "  ",
        ":",
        ": ",
        "-",
        "- ",
        "#",
        " #",
        "\n",
        "\n  ",
        "\"",
        "'",
        "|",
        ">",
        "|-",
        "[",
        "]",
        "{",
        "}",
        "a",
        "\\",
        "...",
        "---",
        "&a ",
        "*a",
        "!t ",
        "? ",
        ",",
        "\n-",
        "\n\n",
        "''",
        "x: y",
        "é",
        "ü: ",
        "😀",
        "\u{a0}",
        "\u{85}",
        "\u{2028}",
        "\t",
        "\r",
        "\\n",
        "\\x41",
        "{a: [b]}",
        "[\"a\", b]",
    ];
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(3) {
        if s.is_empty() {
            break;
        }
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(5) {
            0 => {
                let mut end = (at + 1 + rng.below(4)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            1 | 2 => s.insert_str(at, INSERTS[rng.below(INSERTS.len())]),
            3 => {
                // Re-indent one line.
                let line = s[..at].rfind('\n').map_or(0, |n| n + 1);
                if rng.below(2) == 0 {
                    s.insert_str(line, if rng.below(2) == 0 { " " } else { "  " });
                } else if s[line..].starts_with(' ') {
                    s.remove(line);
                }
            }
            _ => {
                // Duplicate a line.
                let line = s[..at].rfind('\n').map_or(0, |n| n + 1);
                let end = s[line..].find('\n').map_or(s.len(), |n| line + n + 1);
                let copy = s[line..end].to_string();
                s.insert_str(end, &copy);
            }
        }
    }
    s
}

#[test]
fn fast_path_matches_on_mutations() {
    mutations(fixture_texts(), 30, 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn fast_path_matches_on_corpus_mutations() {
    let Some((_, files)) = common::corpus_files("fast-path corpus mutations") else {
        return;
    };
    let texts = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    mutations(texts, 3, 0x2545_f491_4f6c_dd1d);
}

/// Mutates every piece below 20 KB `rounds` times (`FAST_ROUNDS` overrides).
fn mutations(texts: Vec<(String, String)>, rounds: usize, seed: u64) {
    let seeds: Vec<(String, String)> = texts
        .into_iter()
        .flat_map(|(name, text)| {
            pieces(&text)
                .into_iter()
                .filter(|p| p.len() < 20_000)
                .map(|p| (name.clone(), p.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
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
