//! Inputs for the YAML reader tests: the project's YAML, the corpus, and
//! deterministic mutations of them.

use kubeharden::yaml::parse::split_documents;

/// The pieces (documents) of a stream, as the readers get them.
pub fn pieces(text: &str) -> Vec<&str> {
    split_documents(text)
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .collect()
}

/// The project's own YAML: fixtures and benchmark data.
pub fn fixture_texts() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    ["tests/fixtures", "tests/template_data", "benches/data"]
        .iter()
        .flat_map(|dir| super::manifest_files(&root.join(dir)))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn mutate(text: &str, rng: &mut Rng) -> String {
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

/// Every piece below 20 KB of `texts`, named by its file.
pub fn seed_pieces(texts: Vec<(String, String)>) -> Vec<(String, String)> {
    texts
        .into_iter()
        .flat_map(|(name, text)| {
            pieces(&text)
                .into_iter()
                .filter(|p| p.len() < 20_000)
                .map(|p| (name.clone(), p.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The corpus files' texts, or `None` (after saying so) without ../shared.
pub fn corpus_texts(what: &str) -> Option<Vec<(String, String)>> {
    let (_, files) = super::corpus_files(what)?;
    Some(
        files
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
            .collect(),
    )
}
