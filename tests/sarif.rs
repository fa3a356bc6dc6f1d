//! SARIF output: one result per diagnostic, 1-based UTF-16 columns, rule
//! indexes that point at the right rule descriptor.

use kubeharden::render::sarif::sarif;
use kubeharden::{Options, check};

#[test]
fn sarif_results_match_diagnostics() {
    let src = include_str!("fixtures/core/multi.yaml");
    let report = check(src, &Options::default());
    let log = sarif(&[("multi.yaml".to_string(), report.diagnostics.as_slice())]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.diagnostics.len());
    for (r, d) in results.iter().zip(&report.diagnostics) {
        assert_eq!(r["ruleId"], d.rule);
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], d.rule);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d.range.start.line + 1);
        assert_eq!(region["startColumn"], d.range.start.character + 1);
        assert_eq!(region["endColumn"], d.range.end.character + 1);
        let level = r["level"].as_str().unwrap();
        assert!(matches!(level, "error" | "warning" | "note"));
    }
}

/// The CLI writes its reports file by file (`render::PrettyArrayStream`);
/// the bytes must be those of the whole report printed at once.
#[test]
fn streamed_cli_reports_equal_the_whole_report() {
    use kubeharden::{Source, check_bundle};
    use std::process::Command;

    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dirs = ["tests/fixtures/core", "tests/fixtures/workload"];
    let mut paths = Vec::new();
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(root.join(d))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        paths.extend(files);
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let sources: Vec<Source> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| Source { name, text })
        .collect();
    let reports = check_bundle(&sources, &Options::default());

    let run = |format: &str, args: &[String]| {
        let o = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
            .args(["check", "--format", format])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap()
    };

    let files: Vec<(String, &[kubeharden::Diagnostic])> = names
        .iter()
        .zip(&reports)
        .map(|(n, r)| (n.clone(), r.diagnostics.as_slice()))
        .collect();
    let whole = serde_json::to_string_pretty(&sarif(&files)).unwrap() + "\n";
    assert_eq!(run("sarif", &names), whole);

    #[derive(serde::Serialize)]
    struct FileReport<'a> {
        path: &'a str,
        diagnostics: &'a [kubeharden::Diagnostic],
    }
    #[derive(serde::Serialize)]
    struct JsonReport<'a> {
        version: &'a str,
        files: Vec<FileReport<'a>>,
    }
    let json = JsonReport {
        version: kubeharden::VERSION,
        files: files
            .iter()
            .map(|(path, diagnostics)| FileReport { path, diagnostics })
            .collect(),
    };
    assert_eq!(
        run("json", &names),
        serde_json::to_string_pretty(&json).unwrap() + "\n"
    );

    // No input file with diagnostics: the empty arrays print as `[]`.
    let empty = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif_empty.yaml");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let arg = [empty.display().to_string()];
    let (sarif_out, json_out) = (run("sarif", &arg), run("json", &arg));
    std::fs::remove_file(&empty).unwrap();
    assert_eq!(
        sarif_out,
        serde_json::to_string_pretty(&sarif(&[])).unwrap() + "\n"
    );
    assert!(json_out.contains("\"diagnostics\": []"), "{json_out}");
}
