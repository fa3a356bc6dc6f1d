//! Nothing in the real corpus (../shared/corpus/real) crashes, and every
//! finding there has a range inside its file.

mod common;

use kubeharden::{Options, check};

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

#[test]
fn real_manifests_are_read_without_input_errors() {
    let Some(shared) = common::shared_dir() else {
        return common::skip("real corpus");
    };
    let mut files = Vec::new();
    walk(&shared.join("corpus/real"), &mut files);
    assert!(files.len() > 20, "corpus has {} files", files.len());
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let report = check(&text, &Options::default());
        let lines = text.lines().count() as u32 + 1;
        for d in &report.diagnostics {
            if d.range.end.line > lines || d.range.start > d.range.end {
                problems.push(format!("{}: bad range {:?}", f.display(), d.range));
            }
            // Real, deployable manifests: the reader must not invent input errors.
            if matches!(
                d.rule.as_str(),
                "yaml-syntax"
                    | "yaml-duplicate-key"
                    | "schema-invalid"
                    | "schema-unknown-field"
                    | "input-limit"
                    | "helm-unrendered"
            ) {
                problems.push(format!(
                    "{}:{}: {} {}",
                    f.display(),
                    d.range.start.line + 1,
                    d.rule,
                    d.message
                ));
            }
        }
    }
    eprintln!("checked {} corpus files", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
