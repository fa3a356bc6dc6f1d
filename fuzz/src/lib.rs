//! What the fuzz targets share: how an input becomes options and text, and
//! the properties every check report must have.
//!
//! An input is a fixed-size options header followed by the text (bytes,
//! decoded as UTF-8 lossily, as the CLI does after its diagnostic). A
//! fixed-size header keeps the options stable while libFuzzer mutates the
//! text, and lets `seed.mjs` turn any manifest into a seed by prefixing it.

use std::collections::BTreeMap;

use kubeharden::model::edit::apply_edits;
use kubeharden::options::PssVersion;
use kubeharden::rules::{Profile, registry};
use kubeharden::source::SourceMap;
use kubeharden::{Diagnostic, Options, Report};

/// Bytes of options before the text.
pub const HEADER: usize = 4;

/// Options from the header's four bytes:
/// 0: profile (bits 0-1) and image registry allow-list (bits 2-3);
/// 1: PSS version (0: latest, else `v1.(b-1)`);
/// 2: a rule to disable, 3: a rule to enable (0: none, else a registry index).
pub fn options(header: [u8; HEADER]) -> Options {
    let rules = registry();
    let rule = |b: u8| (b != 0).then(|| rules[(b as usize - 1) % rules.len()].meta.id.to_string());
    let registries: &[&str] = match (header[0] >> 2) & 3 {
        0 => &[],
        1 => &["docker.io"],
        2 => &["registry.k8s.io", ""],
        _ => &["ghcr.io/org/", "quay.io"],
    };
    Options {
        profile: match header[0] & 3 {
            0 => Profile::Baseline,
            1 => Profile::Restricted,
            _ => Profile::Hardened,
        },
        pss_version: match header[1] {
            0 => PssVersion::Latest,
            b => PssVersion::Minor(u32::from(b) - 1),
        },
        disable: rule(header[2]).into_iter().collect(),
        enable: rule(header[3]).into_iter().collect(),
        image_registries: registries.iter().map(|r| r.to_string()).collect(),
        ..Options::default()
    }
}

/// The options of a fuzz input and the bytes after them (a short input is
/// all header).
pub fn split_bytes(data: &[u8]) -> (Options, &[u8]) {
    let mut header = [0u8; HEADER];
    let n = data.len().min(HEADER);
    header[..n].copy_from_slice(&data[..n]);
    (options(header), &data[n..])
}

/// The options and the text of a fuzz input.
pub fn split(data: &[u8]) -> (Options, String) {
    let (options, rest) = split_bytes(data);
    (options, String::from_utf8_lossy(rest).into_owned())
}

/// What a finding is whichever file holds it: rule, resource, path,
/// severity and the message with places made neutral (`line 12` and
/// `line 3 of k8s/1.yaml` both read `line N`), counted.
pub fn findings<'a>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
) -> BTreeMap<(String, String, String, String, String), usize> {
    let mut m = BTreeMap::new();
    for d in diagnostics {
        let resource = d
            .resource
            .as_ref()
            .map(|r| format!("{}/{:?}/{:?}", r.kind, r.namespace, r.name))
            .unwrap_or_default();
        let key = (
            d.rule.clone(),
            resource,
            d.path.clone().unwrap_or_default(),
            d.severity.as_str().to_string(),
            neutral(&d.message),
        );
        *m.entry(key).or_default() += 1;
    }
    m
}

fn neutral(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            out.push_str("line ");
            rest = after;
            continue;
        }
        out.push_str("line N");
        rest = &after[digits..];
        if let Some(tail) = rest.strip_prefix(" of ") {
            let name_len = tail.find([')', ' ', ',', ';']).unwrap_or(tail.len());
            rest = &tail[name_len..];
        }
    }
    out.push_str(rest);
    out
}

/// Every range of a diagnostic and of its fix points into the text (LSP
/// positions an editor can use), its rule is one the options switched on,
/// its fix's edits apply, and the report serializes as the CLI and the wasm
/// API print it.
pub fn assert_report_sound(source: &str, options: &Options, report: &Report) {
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    let map = SourceMap::new(text);
    for d in &report.diagnostics {
        assert_diagnostic_sound(&map, options, d);
    }
    for r in &report.resources {
        assert!(
            r.range.start <= r.range.end,
            "resource range reversed: {r:?}"
        );
        for p in [r.range.start, r.range.end] {
            assert!(
                map.byte_of_position(p).is_some(),
                "resource {r:?}: {p:?} is outside the text"
            );
        }
    }
    assert!(
        report.diagnostics.len() <= kubeharden::check::MAX_DIAGNOSTICS + 1,
        "{} diagnostics",
        report.diagnostics.len()
    );
    serde_json::to_string(report).expect("the report serializes");
}

fn assert_diagnostic_sound(map: &SourceMap, options: &Options, d: &Diagnostic) {
    assert!(
        kubeharden::rules::enabled(options, &d.rule),
        "{} reported while switched off",
        d.rule
    );
    assert!(
        d.range.start <= d.range.end,
        "{}: range reversed: {:?}",
        d.rule,
        d.range
    );
    for p in [d.range.start, d.range.end] {
        assert!(
            map.byte_of_position(p).is_some(),
            "{}: {p:?} is outside the text (or inside a character)",
            d.rule
        );
    }
    if let Some(fix) = &d.fix {
        assert!(!fix.edits.is_empty(), "{}: a fix without edits", d.rule);
        assert!(
            apply_edits(map.text(), &fix.edits).is_some(),
            "{}: the edits of {:?} do not apply: {:?}",
            d.rule,
            fix.title,
            fix.edits
        );
    }
}
