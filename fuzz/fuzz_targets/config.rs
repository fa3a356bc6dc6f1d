//! `.kubeharden.yaml` (`config::parse_config`) on any bytes: never a panic,
//! every diagnostic's range points into the config text, and the options it
//! gives check a manifest with the same soundness as any options.
#![no_main]

use kubeharden::config::{Overrides, parse_config};
use kubeharden::source::SourceMap;
use kubeharden_fuzz::assert_report_sound;
use libfuzzer_sys::fuzz_target;

const MANIFEST: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = parse_config("repo/.kubeharden.yaml", &text);
    let map = SourceMap::new(text.strip_prefix('\u{feff}').unwrap_or(&text));
    for d in &parsed.diagnostics {
        assert!(d.range.start <= d.range.end, "{}: range reversed", d.rule);
        for p in [d.range.start, d.range.end] {
            assert!(
                map.byte_of_position(p).is_some(),
                "{}: {p:?} is outside the config",
                d.rule
            );
        }
    }
    let overrides = Overrides::default();
    let options = parsed.config.options(&overrides);
    let _ = parsed.config.fail_on(&overrides);
    let report = kubeharden::check(MANIFEST, &options);
    assert_report_sound(MANIFEST, &options, &report);
});
