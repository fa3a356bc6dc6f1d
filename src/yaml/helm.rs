//! Telling an unrendered Helm chart template from YAML that carries template
//! text for another tool.
//!
//! `{{ ... }}` is everywhere in GitOps repositories: Kyverno messages
//! (`{{ request.object.kind }}`, JMESPath), PrometheusRule annotations
//! (`{{ $labels.instance }}`), Argo CD notification templates
//! (`{{range .app.status.conditions}}`). In a scalar's content it is text the
//! other tool fills in, and the manifest is valid as it stands. A file is an
//! unrendered chart template only when its actions
//! - use Helm's own names: the built-in objects (`.Values`, `.Release`,
//!   `.Chart`, `.Capabilities`, `.Files`, `.Template`, `.Subcharts`) or the
//!   functions Helm adds to Go templates (`include`, `tpl`, `toYaml`,
//!   `required`, `lookup`, ...) or its named templates (`define`,
//!   `template`); or
//! - break the YAML: the text is not a manifest until something renders it.

use crate::yaml::fast;
use crate::yaml::parse::{parse_general, split_documents};

/// Helm's built-in objects, as `.Name` (or `$.Name`) at the start of a field chain.
const OBJECTS: &[&str] = &[
    "Values",
    "Release",
    "Chart",
    "Capabilities",
    "Files",
    "Template",
    "Subcharts",
];

/// Functions and actions only Helm charts use (Helm's additions to Go
/// templates and Sprig, and named templates).
const FUNCTIONS: &[&str] = &[
    "include",
    "tpl",
    "toYaml",
    "fromYaml",
    "fromYamlArray",
    "toToml",
    "fromToml",
    "required",
    "lookup",
    "define",
    "template",
];

/// Byte offset of the action that makes `text` an unrendered Helm template,
/// or `None` when it is not one (no action, or only other tools' template
/// text inside scalars of valid YAML).
pub fn unrendered_at(text: &str) -> Option<usize> {
    actions(text).next()?;
    if let Some((at, _)) = actions(text).find(|(_, action)| is_helm(action)) {
        return Some(at);
    }
    // No Helm name: a template only if its actions break the YAML, that is
    // the document does not parse as written but does once they are gone.
    // Each piece on its own (on every core for a large stream).
    let pieces = split_documents(text);
    let large = text.len() >= crate::yaml::parse::PARALLEL_BYTES;
    crate::par::map(&pieces, large, |&(start, end)| {
        let piece = &text[start..end];
        let action = piece.find("{{")?;
        (!parses(piece) && parses(&without_actions(piece))).then_some(start + action)
    })
    .into_iter()
    .flatten()
    .next()
}

fn parses(piece: &str) -> bool {
    fast::parse(piece, 0).is_some() || parse_general(piece).problems.is_empty()
}

/// The piece with lines that hold only actions emptied and other actions
/// replaced by `x`s of the same length (line breaks kept): what a rendering
/// would roughly leave.
fn without_actions(piece: &str) -> String {
    let mut out = String::with_capacity(piece.len());
    for line in piece.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let mut outside = trimmed;
        let mut only_actions = trimmed.starts_with("{{");
        while only_actions && let Some(rest) = outside.trim_start().strip_prefix("{{") {
            match rest.find("}}") {
                Some(c) => outside = &rest[c + 2..],
                None => only_actions = false,
            }
        }
        only_actions &= outside.trim().is_empty();
        if only_actions {
            out.push_str(&line[body.len()..]);
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("{{") {
            out.push_str(&rest[..at]);
            let len = rest[at..].find("}}").map_or(rest.len() - at, |c| c + 2);
            for c in rest[at..at + len].chars() {
                out.push(if c == '\n' { '\n' } else { 'x' });
            }
            rest = &rest[at + len..];
        }
        out.push_str(rest);
    }
    out
}

/// Every `{{ ... }}` action with its byte offset (an unclosed one runs to the end).
fn actions(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + memchr::memmem::find(text.get(from..)?.as_bytes(), b"{{")?;
        let close = memchr::memmem::find(&text.as_bytes()[at + 2..], b"}}")
            .map_or(text.len(), |c| at + 2 + c + 2);
        from = at + 2;
        Some((at, &text[at..close]))
    })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether one action uses Helm's names. Words are matched whole:
/// `.Values` starts a field chain (not `request.object.Values`), and a
/// function name is a word on its own (not `.include` or `myinclude`).
fn is_helm(action: &str) -> bool {
    let s = action.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if !is_ident(s[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < s.len() && is_ident(s[i]) {
            i += 1;
        }
        let word = &action[start..i];
        let before = start.checked_sub(1).map(|b| s[b]);
        if before == Some(b'.') {
            // `.Values`, `$.Values`: the dot starts the chain.
            let chain_start = start
                .checked_sub(2)
                .map(|b| s[b])
                .is_none_or(|c| !is_ident(c) && c != b')' && c != b'.');
            if chain_start && OBJECTS.contains(&word) {
                return true;
            }
        } else if before != Some(b'$') && FUNCTIONS.contains(&word) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_names_make_a_template() {
        for action in [
            "{{ .Values.image }}",
            "{{- $.Values.x }}",
            "{{ include \"chart.labels\" . | nindent 4 }}",
            "{{ .Release.Name }}",
            "{{- toYaml .Values.resources | nindent 12 }}",
            "{{ required \"x\" .Values.y }}",
            "{{- define \"chart.name\" -}}",
            "{{ tpl .Values.extra . }}",
            "{{ (.Files.Get \"a\") }}",
            "{{ .Capabilities.KubeVersion }}",
        ] {
            assert!(is_helm(action), "{action}");
        }
    }

    #[test]
    fn other_tools_names_are_not_helm() {
        for action in [
            "{{ request.object.kind }}",
            "{{ request.object.metadata.Values }}",
            "{{ $labels.instance }}",
            "{{ $value | humanizePercentage }}",
            "{{range $i, $c := .app.status.conditions}}",
            "{{.app.metadata.name}}",
            "{{ .context.argocdUrl }}",
            "{{ $include }}",
            "{{ element.include }}",
            "{{end}}",
        ] {
            assert!(!is_helm(action), "{action}");
        }
    }

    #[test]
    fn actions_that_break_the_yaml_make_a_template() {
        let text = "apiVersion: v1\nkind: ConfigMap\n{{ if eq .env \"prod\" }}\ndata:\n  a: b\n{{ end }}\n";
        assert_eq!(unrendered_at(text), Some(text.find("{{").unwrap()));
    }

    #[test]
    fn actions_in_scalar_content_are_content() {
        let text = "kind: X\nspec:\n  message: >-\n    {{ request.object.kind }} must set a label\n  body: |\n    {{range .items}}\n    - {{.name}}\n    {{end}}\n";
        assert_eq!(unrendered_at(text), None);
        assert_eq!(unrendered_at("a: b\n"), None);
    }
}
