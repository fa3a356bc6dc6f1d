//! Documents meant as Kubernetes objects but lacking `apiVersion` or `kind`
//! are errors, and are still checked; YAML that is not Kubernetes gets nothing.

use kubeharden::{Options, check};

fn diags(source: &str) -> Vec<(String, u32, String)> {
    check(source, &Options::default())
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.range.start.line, d.message))
        .collect()
}

fn has(got: &[(String, u32, String)], rule: &str, line: u32, text: &str) -> bool {
    got.iter()
        .any(|(r, l, m)| r == rule && *l == line && m.contains(text))
}

const PRIVILEGED_SPEC: &str = "spec:\n  containers:\n  - name: app\n    image: registry.example.com/app:1.0\n    securityContext:\n      privileged: true\n";

#[test]
fn misspelled_kind_is_reported_and_the_pod_still_checked() {
    let src = format!("apiVersion: v1\nKind: Pod\nmetadata:\n  name: web\n{PRIVILEGED_SPEC}");
    let got = diags(&src);
    assert!(
        has(&got, "schema-invalid", 1, "did you mean \"kind\""),
        "{got:?}"
    );
    assert!(got.iter().any(|(r, ..)| r == "privileged"), "{got:?}");
    // The misspelled key is reported once, not again as an unknown field.
    assert!(
        !got.iter().any(|(r, ..)| r == "schema-unknown-field"),
        "{got:?}"
    );
}

#[test]
fn misspelled_api_version_is_reported_and_the_pod_still_checked() {
    for key in ["apiversion", "api_version", "ApiVersion", "apiVerison"] {
        let src = format!("{key}: v1\nkind: Pod\nmetadata:\n  name: web\n{PRIVILEGED_SPEC}");
        let got = diags(&src);
        assert!(
            has(&got, "schema-invalid", 0, "did you mean \"apiVersion\""),
            "{key}: {got:?}"
        );
        assert!(
            got.iter().any(|(r, ..)| r == "privileged"),
            "{key}: {got:?}"
        );
    }
}

#[test]
fn missing_kind_or_api_version_is_reported() {
    let got = diags(&format!(
        "apiVersion: v1\nmetadata:\n  name: web\n{PRIVILEGED_SPEC}"
    ));
    assert!(has(&got, "schema-invalid", 0, "has no \"kind\""), "{got:?}");

    // A built-in kind without apiVersion gets its version, and is checked.
    let got = diags(&format!(
        "kind: Pod\nmetadata:\n  name: web\n{PRIVILEGED_SPEC}"
    ));
    assert!(
        has(&got, "schema-invalid", 0, "has no \"apiVersion\""),
        "{got:?}"
    );
    assert!(got.iter().any(|(r, ..)| r == "privileged"), "{got:?}");

    // Neither: one error for each.
    let got = diags(&format!("metadata:\n  name: web\n{PRIVILEGED_SPEC}"));
    let errors = got.iter().filter(|(r, ..)| r == "schema-invalid").count();
    assert_eq!(errors, 2, "{got:?}");

    // In a List, each item is an object.
    let got =
        diags("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: a}\n");
    assert!(has(&got, "schema-invalid", 3, "has no \"kind\""), "{got:?}");
}

#[test]
fn yaml_that_is_not_kubernetes_gets_nothing() {
    let texts = [
        // A GitHub Actions workflow.
        "name: CI\non:\n  push:\n    branches: [main]\n  pull_request: {}\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: actions/checkout@v4\n    - run: cargo test --locked\n      env:\n        RUST_BACKTRACE: 1\n",
        // A docker-compose file.
        "services:\n  web:\n    image: nginx:1.25\n    ports:\n    - \"8080:80\"\n    depends_on: [db]\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n    volumes:\n    - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data: {}\n",
        // A Helm chart's values.yaml.
        "replicaCount: 2\nimage:\n  repository: registry.example.com/web\n  tag: \"\"\n  pullPolicy: IfNotPresent\nserviceAccount:\n  create: true\n  name: \"\"\npodAnnotations: {}\nsecurityContext:\n  runAsNonRoot: true\nservice:\n  type: ClusterIP\n  port: 80\nresources:\n  limits: {cpu: 500m, memory: 256Mi}\n",
        // A Helm Chart.yaml (apiVersion, no kind: Helm's own format).
        "apiVersion: v2\nname: web\ndescription: A web application\ntype: application\nversion: 0.1.0\nappVersion: \"1.16.0\"\n",
        // A kustomization with its apiVersion and kind.
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: web\nresources:\n- deployment.yaml\n- service.yaml\nimages:\n- name: web\n  newTag: 1.2.3\n",
        // A kustomization without them (kustomize defaults them), with metadata.
        "metadata:\n  name: web\nresources:\n- deployment.yaml\ncommonLabels:\n  app: web\n",
        // CloudFormation: Metadata is not metadata.
        "AWSTemplateFormatVersion: \"2010-09-09\"\nMetadata:\n  Author: ops\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    ];
    for text in texts {
        let got = diags(text);
        assert!(got.is_empty(), "{got:?}\n{text}");
    }
}
