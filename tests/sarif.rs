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
