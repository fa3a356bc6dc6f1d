//! `check` on any bytes with any options: never a panic, a hang or a stack
//! overflow, and every range it reports points into the text.
#![no_main]

use kubeharden_fuzz::{assert_report_sound, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (options, text) = split(data);
    let report = kubeharden::check(&text, &options);
    assert_report_sound(&text, &options, &report);
    let diagnostics: Vec<_> = report.diagnostics.clone();
    kubeharden::render::sarif::sarif(&[("fuzz.yaml".to_string(), &diagnostics)]);
});
