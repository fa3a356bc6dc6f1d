//! Nothing in the real corpus (../shared/corpus/real) crashes, and every
//! finding there has a range inside its file.

mod common;

use kubeharden::{Options, check};

#[test]
fn real_manifests_are_read_without_input_errors() {
    let Some((_, files)) = common::corpus_files("real corpus") else {
        return;
    };
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
