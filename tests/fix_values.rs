//! Fixes never change a value they do not target. For every fix (safe and
//! unsafe) of every finding in the rule examples, the fixtures and
//! generated pods (deterministic pseudo-random: key order, indentation,
//! block scalars of every style, final newline or not, CRLF), the document
//! is read before and after the fix as Kubernetes reads it (the JSON
//! conversion), and every scalar value that is not under the fix's path must
//! be the same; new values appear only under that path.

use std::collections::BTreeMap;

use kubeharden::diagnostic::Diagnostic;
use kubeharden::model::edit::apply_edits;
use kubeharden::model::value::Value;
use kubeharden::rules::registry;
use kubeharden::source::SourceMap;
use kubeharden::yaml::json::Converter;
use kubeharden::yaml::parse::parse;
use kubeharden::{Options, check, fix_all};

/// Every scalar of every document: `"<doc>:<path>"` → value.
fn leaves(text: &str) -> BTreeMap<String, Value> {
    fn walk(prefix: String, v: &Value, out: &mut BTreeMap<String, Value>) {
        // Values nest as deep as the parser allows (200): a loop with its own
        // stack, like the engine's walks.
        let mut stack = vec![(prefix, v)];
        while let Some((p, v)) = stack.pop() {
            match v {
                Value::Object(m) => {
                    if m.is_empty() {
                        out.insert(p.clone(), Value::Object(Default::default()));
                    }
                    for (k, v) in m {
                        let sep = if p.ends_with(':') { "" } else { "." };
                        stack.push((format!("{p}{sep}{k}"), v));
                    }
                }
                Value::Array(a) => {
                    if a.is_empty() {
                        out.insert(p.clone(), Value::Array(Box::new([])));
                    }
                    for (i, v) in a.iter().enumerate() {
                        stack.push((format!("{p}[{i}]"), v));
                    }
                }
                _ => {
                    out.insert(p, v.clone());
                }
            }
        }
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let map = SourceMap::new(text);
    let mut out = BTreeMap::new();
    for (i, doc) in parse(&map).documents.iter().enumerate() {
        if let Some(root) = doc.root {
            walk(
                format!("{i}:"),
                &Converter::new(doc).convert(root),
                &mut out,
            );
        }
    }
    out
}

/// Whether leaf `leaf` (`"<doc>:<path>"`) lies at or under `target`.
fn under(leaf: &str, target: &str) -> bool {
    let path = leaf.split_once(':').map_or(leaf, |(_, p)| p);
    path == target
        || path
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Leaves changed, removed or added outside `targets`.
fn changed_outside(before: &str, after: &str, targets: &[&str]) -> Vec<String> {
    let (b, a) = (leaves(before), leaves(after));
    let outside = |k: &str| !targets.iter().any(|t| under(k, t));
    let mut out = Vec::new();
    for (k, v) in &b {
        if outside(k) && a.get(k) != Some(v) {
            out.push(format!("{k}: {v} -> {:?}", a.get(k)));
        }
    }
    // A fix that renames its target (`serviceAccount` → `serviceAccountName`)
    // moves the target's values: they may reappear elsewhere.
    let moved: Vec<&Value> = b
        .iter()
        .filter(|(k, _)| !outside(k))
        .map(|(_, v)| v)
        .collect();
    for (k, v) in &a {
        if outside(k) && !b.contains_key(k) && !moved.contains(&v) {
            out.push(format!("{k}: added {v}"));
        }
    }
    out
}

fn target(d: &Diagnostic) -> &str {
    d.path.as_deref().unwrap_or("")
}

/// Every fix of every finding of `source`, one at a time, and `fix_all`.
fn assert_fixes_keep_values(source: &str, what: &str, fixes: &mut usize) {
    let options = Options {
        image_registries: vec!["registry.example.com".into()],
        ..Options::default()
    };
    let report = check(source, &options);
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let Some(after) = apply_edits(text, &fix.edits) else {
            continue;
        };
        *fixes += 1;
        let changed = changed_outside(text, &after, &[target(d)]);
        assert!(
            changed.is_empty(),
            "{what}: fix {:?} of {} at {} changed other values: {changed:?}\n--- before\n{text}\n--- after\n{after}",
            fix.title,
            d.rule,
            target(d)
        );
    }
    let all = fix_all(source, &options);
    let paths: Vec<&str> = all
        .applied
        .iter()
        .map(|a| a.path.as_deref().unwrap_or(""))
        .collect();
    let changed = changed_outside(source, &all.text, &paths);
    assert!(
        changed.is_empty(),
        "{what}: fix_all changed other values: {changed:?}\n--- after\n{}",
        all.text
    );
}

/// xorshift64*: deterministic, no crate needed for a few choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const BLOCK_HEADERS: &[&str] = &["|", ">", "|-", "|+", ">-", ">+", "|2", "|2-", "|+2"];

/// A block scalar item or value at indentation `indent`, last in its pod
/// or not.
fn block_scalar(rng: &mut Rng, indent: usize) -> String {
    let header = rng.pick(BLOCK_HEADERS);
    let pad = " ".repeat(indent + 2);
    let mut s = format!("{header}\n");
    for line in 0..1 + rng.below(3) {
        s.push_str(&format!("{pad}echo line{line}\n"));
    }
    if rng.chance(20) {
        s.push('\n');
    }
    s
}

/// A pod in one of many shapes.
fn generated_pod(rng: &mut Rng) -> String {
    let i = if rng.chance(50) { 2 } else { 4 };
    let pad = |n: usize| " ".repeat(n * i);
    let seq_indent = rng.chance(50);
    let item = |level: usize| {
        if seq_indent {
            format!("{}- ", pad(level + 1))
        } else {
            format!("{}- ", pad(level))
        }
    };
    let in_item = |level: usize| {
        if seq_indent {
            format!("{}  ", pad(level + 1))
        } else {
            format!("{}  ", pad(level))
        }
    };
    let mut s = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n");
    s.push_str(&format!("{}name: gen\n", pad(1)));
    if rng.chance(40) {
        s.push_str(&format!("{}annotations:\n{}note: ", pad(1), pad(2)));
        s.push_str(&block_scalar(rng, 2 * i));
    }
    s.push_str("spec:\n");
    let mut spec_fields: Vec<String> = Vec::new();
    if rng.chance(30) {
        spec_fields.push(format!("{}hostNetwork: true\n", pad(1)));
    }
    if rng.chance(30) {
        spec_fields.push(format!(
            "{}securityContext:\n{}runAsUser: 0\n",
            pad(1),
            pad(2)
        ));
    }
    let mut containers = format!("{}containers:\n", pad(1));
    for c in 0..1 + rng.below(2) {
        let ii = in_item(1);
        let mut fields: Vec<String> = vec![
            format!("name: c{c}\n"),
            format!(
                "image: {}\n",
                rng.pick(&["nginx:1.27", "k8s.gcr.io/pause:3.9", "busybox"])
            ),
        ];
        if rng.chance(60) {
            let mut f = String::from("command:\n");
            for _ in 0..1 + rng.below(2) {
                f.push_str(&format!("{ii}- "));
                if rng.chance(60) {
                    f.push_str(&block_scalar(rng, ii.len()));
                } else {
                    f.push_str("sh\n");
                }
            }
            fields.push(f);
        }
        if rng.chance(40) {
            fields.push("args: [\"-c\", 'echo hi']\n".to_string());
        }
        if rng.chance(40) {
            fields.push(format!(
                "securityContext:\n{ii}{}privileged: true\n",
                " ".repeat(i)
            ));
        }
        if rng.chance(30) {
            fields.push(format!("env:\n{ii}- name: A\n{ii}  value: "));
            let last = fields.last_mut().unwrap();
            last.push_str(&block_scalar(rng, ii.len() + 2));
        }
        // Key order.
        for k in (1..fields.len()).rev() {
            fields.swap(k, rng.below(k + 1));
        }
        for (n, f) in fields.iter().enumerate() {
            if n == 0 {
                containers.push_str(&item(1));
            } else {
                containers.push_str(&ii);
            }
            containers.push_str(f);
        }
    }
    spec_fields.push(containers);
    for k in (1..spec_fields.len()).rev() {
        spec_fields.swap(k, rng.below(k + 1));
    }
    for f in spec_fields {
        s.push_str(&f);
    }
    // The text ends without a final newline, or in a comment, or CRLF.
    match rng.below(4) {
        0 => {
            while s.ends_with('\n') {
                s.pop();
            }
        }
        1 => s = s.replace('\n', "\r\n"),
        _ => {}
    }
    s
}

#[test]
fn block_scalars_at_the_end_keep_their_value() {
    let mut fixes = 0;
    for header in BLOCK_HEADERS {
        for ending in ["", "\n", "\n\n", "\r\n"] {
            let mut source = format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    command:\n    - {header}\n      echo hi{ending}"
            );
            if ending == "\r\n" {
                source = source.replace('\n', "\r\n").replace("\r\r\n", "\r\n");
            }
            let before = leaves(&source);
            assert_fixes_keep_values(&source, &format!("{header} {ending:?}"), &mut fixes);
            let fixed = fix_all(&source, &Options::default());
            assert!(!fixed.applied.is_empty(), "{source}");
            let after = leaves(&fixed.text);
            assert_eq!(
                after.get("0:spec.containers[0].command[0]"),
                before.get("0:spec.containers[0].command[0]"),
                "{header} {ending:?}:\n{}",
                fixed.text
            );
        }
    }
    assert!(fixes > 0);
}

#[test]
fn fixes_of_rule_examples_and_fixtures_keep_other_values() {
    let mut fixes = 0;
    for rule in registry() {
        for (what, text) in [
            ("bad", rule.meta.bad_example),
            ("good", rule.meta.good_example),
        ] {
            assert_fixes_keep_values(
                text,
                &format!("{} {what} example", rule.meta.id),
                &mut fixes,
            );
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut dirs = vec![root.join("fixtures"), root.join("fix_data")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_fixes_keep_values(&text, &path.display().to_string(), &mut fixes);
            }
        }
    }
    assert!(fixes > 50, "{fixes} fixes tried");
}

#[test]
fn fixes_of_generated_pods_keep_other_values() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut fixes = 0;
    for n in 0..150 {
        let pod = generated_pod(&mut rng);
        assert!(
            check(&pod, &Options::default())
                .diagnostics
                .iter()
                .all(|d| d.rule != "yaml-syntax"),
            "generated pod {n} is not valid YAML:\n{pod}"
        );
        assert_fixes_keep_values(&pod, &format!("generated pod {n}"), &mut fixes);
    }
    assert!(fixes > 150, "{fixes} fixes tried");
}
