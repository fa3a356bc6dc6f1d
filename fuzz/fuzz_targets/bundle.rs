//! `check_bundle` on many sources (the text after the option bytes, cut at
//! each 0xFF byte, which UTF-8 never holds): one sound report per source,
//! each finding in the source that holds its resource, and, when every
//! source reads cleanly, the same findings as the sources joined into one.
#![no_main]

use kubeharden::rules::find;
use kubeharden::{Source, check, check_bundle};
use kubeharden_fuzz::{assert_report_sound, findings, split_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (options, rest) = split_bytes(data);
    let texts: Vec<String> = rest
        .split(|&b| b == 0xFF)
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect();
    let names: Vec<String> = (0..texts.len()).map(|i| format!("k8s/{i}.yaml")).collect();
    let sources: Vec<Source> = texts
        .iter()
        .zip(&names)
        .map(|(text, name)| Source { name, text })
        .collect();
    let reports = check_bundle(&sources, &options);
    assert_eq!(reports.len(), sources.len(), "one report per source");
    for (report, text) in reports.iter().zip(&texts) {
        assert_report_sound(text, &options, report);
        for d in &report.diagnostics {
            if let Some(r) = &d.resource {
                assert!(
                    report.resources.iter().any(|s| s.id == *r),
                    "{} on {r:?} is reported in a source that does not hold it",
                    d.rule
                );
            }
        }
    }

    // Joined into one stream, the same resources give the same findings,
    // as long as every source reads cleanly on its own and joined (a syntax
    // error or a directive may run on into the next document).
    let input_rule = |rule: &str| find(rule).is_some_and(|r| r.meta.category == "input");
    let clean =
        |report: &kubeharden::Report| !report.diagnostics.iter().any(|d| input_rule(&d.rule));
    if texts.len() < 2
        || texts
            .iter()
            .any(|t| t.contains('\u{feff}') || t.contains("\n%") || t.starts_with('%'))
        || !reports.iter().all(clean)
    {
        return;
    }
    let joined_text = texts.join("\n---\n");
    let joined = check(&joined_text, &options);
    if !clean(&joined) {
        return;
    }
    assert_eq!(
        findings(joined.diagnostics.iter()),
        findings(reports.iter().flat_map(|r| &r.diagnostics)),
        "the sources joined into one and the bundle differ\n--- joined\n{joined_text}"
    );
});
