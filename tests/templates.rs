//! Template text of other tools (Kyverno, Prometheus, Argo CD notifications)
//! inside scalars is content: those manifests are read and checked. Helm
//! chart templates get one `helm-unrendered` finding and nothing else.

use kubeharden::{Options, check};

fn data(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/template_data")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn rules(source: &str) -> Vec<String> {
    check(source, &Options::default())
        .diagnostics
        .into_iter()
        .map(|d| d.rule)
        .collect()
}

#[test]
fn other_tools_templates_are_content() {
    for (file, kind) in [
        ("kyverno-policy.yaml", "ClusterPolicy"),
        ("prometheus-rule.yaml", "PrometheusRule"),
        ("argocd-notifications.yaml", "ConfigMap"),
    ] {
        let report = check(&data(file), &Options::default());
        let input_errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| {
                matches!(
                    d.rule.as_str(),
                    "helm-unrendered" | "yaml-syntax" | "schema-invalid" | "schema-unknown-field"
                )
            })
            .map(|d| format!("{} {}", d.rule, d.message))
            .collect();
        assert!(input_errors.is_empty(), "{file}: {input_errors:?}");
        // The document is read as a resource, so the rules see it.
        assert_eq!(report.resources.len(), 1, "{file}");
        assert_eq!(report.resources[0].id.kind, kind, "{file}");
    }
}

#[test]
fn a_workload_with_template_text_in_an_annotation_is_checked() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    alert/description: |\n      {{ $labels.instance }} is down\n    kyverno/message: >-\n      {{ request.object.kind }} denied\nspec:\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      privileged: true\n";
    let got = rules(src);
    assert!(!got.iter().any(|r| r == "helm-unrendered"), "{got:?}");
    assert!(got.iter().any(|r| r == "privileged"), "{got:?}");
}

#[test]
fn helm_chart_templates_get_one_finding() {
    for file in ["helm-deployment.yaml", "helm-no-builtins.yaml"] {
        let text = data(file);
        let report = check(&text, &Options::default());
        let got: Vec<_> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(got, ["helm-unrendered"], "{file}");
        // At the first action that makes it a template.
        let line = report.diagnostics[0].range.start.line as usize;
        assert!(text.lines().nth(line).unwrap().contains("{{"), "{file}");
    }
}

#[test]
fn a_syntax_error_beside_other_tools_templates_stays_a_syntax_error() {
    // The break is not the template's: removing the actions does not mend it.
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"{{ $labels.x }}\n  b: [1, 2\n";
    let got = rules(src);
    assert!(got.iter().any(|r| r == "yaml-syntax"), "{got:?}");
    assert!(!got.iter().any(|r| r == "helm-unrendered"), "{got:?}");
}
