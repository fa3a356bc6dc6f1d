//! Diagnostics about the input itself: what the reader could not read the way
//! Kubernetes would. They are in the registry so that they have docs, a
//! severity and an id to switch off, like every rule.

use crate::diagnostic::Severity;
use crate::rules::{ALWAYS, Reference, Rule, RuleMeta};

const K8S_YAML: Reference = Reference {
    source: "Kubernetes",
    id: "sigs.k8s.io/yaml",
    title: "How Kubernetes reads YAML",
    url: "https://github.com/kubernetes-sigs/yaml",
};

/// The input problems an edit of a readable text can bring in: text that
/// no longer parses, a key written twice, a field Kubernetes refuses or
/// ignores. Fix-all switches these on for its own checks whatever the
/// options say, and undoes a fix after which one of them counts more.
pub static BROKEN_BY_AN_EDIT: &[&Rule] = &[
    &YAML_SYNTAX,
    &YAML_DUPLICATE_KEY,
    &SCHEMA_INVALID,
    &SCHEMA_UNKNOWN_FIELD,
];

pub static YAML_SYNTAX: Rule = Rule {
    meta: RuleMeta {
        id: "yaml-syntax",
        title: "YAML syntax error",
        severity: Severity::High,
        category: "input",
        profiles: ALWAYS,
        references: &[K8S_YAML],
        rationale: "A document that does not parse is refused by kubectl and the API server, and nothing in it can be checked. The other documents of the file are still checked.",
        remediation: "Fix the YAML at the reported position (indentation, a missing colon, an unclosed quote or bracket).",
        help: "fix the YAML syntax at this position",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: \"nginx:1.27\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: \"nginx:1.27\"\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static YAML_DUPLICATE_KEY: Rule = Rule {
    meta: RuleMeta {
        id: "yaml-duplicate-key",
        title: "Duplicate key",
        severity: Severity::High,
        category: "input",
        profiles: ALWAYS,
        references: &[K8S_YAML],
        rationale: "The API server's strict field validation (kubectl's default) refuses duplicate fields; tools that keep the first or the last occurrence silently disagree about which setting applies, so a security setting can vanish.",
        remediation: "Keep one occurrence of the key, with the value you mean.",
        help: "remove one of the duplicate keys",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: false\n      privileged: true\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: false\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static HELM_UNRENDERED: Rule = Rule {
    meta: RuleMeta {
        id: "helm-unrendered",
        title: "Unrendered Helm template",
        severity: Severity::High,
        category: "input",
        profiles: ALWAYS,
        references: &[Reference {
            source: "Helm",
            id: "helm template",
            title: "helm template",
            url: "https://helm.sh/docs/helm/helm_template/",
        }],
        rationale: "A Helm chart's templates are not Kubernetes manifests until they are rendered: their values, conditionals and loops decide what is deployed. Checking the template text would be guesswork.",
        remediation: "Render the chart first (`helm template my-release ./chart > rendered.yaml`) and check the rendered output.",
        help: "render the chart with `helm template` and check the output",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  containers:\n  - name: app\n    image: {{ .Values.image }}\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: release-web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false\n      runAsNonRoot: true\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static INPUT_LIMIT: Rule = Rule {
    meta: RuleMeta {
        id: "input-limit",
        title: "Input beyond the reader's limits",
        severity: Severity::High,
        category: "input",
        profiles: ALWAYS,
        references: &[K8S_YAML],
        rationale: "Alias bombs, nesting thousands of levels deep and oversized files are how hostile input exhausts a parser. kubeharden reads within fixed bounds and says where it stopped instead of hanging or crashing; what lies beyond is not checked.",
        remediation: "Remove the excessive aliasing or nesting; split very large files.",
        help: "reduce the nesting, aliasing or size of this input",
        bad_example: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n",
        good_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  key: value\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static SCHEMA_UNKNOWN_FIELD: Rule = Rule {
    meta: RuleMeta {
        id: "schema-unknown-field",
        title: "Unknown field",
        severity: Severity::Medium,
        category: "input",
        profiles: ALWAYS,
        references: &[Reference {
            source: "Kubernetes",
            id: "field-validation",
            title: "Field validation",
            url: "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
        }],
        rationale: "Kubernetes drops fields it does not know (or refuses them under strict validation). A typo such as `securityContex` silently drops every setting under it, and the pod runs without them.",
        remediation: "Correct the field name (the message suggests the closest known field) or remove it.",
        help: "correct or remove the unknown field",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContex:\n      runAsNonRoot: true\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      runAsNonRoot: true\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static SCHEMA_INVALID: Rule = Rule {
    meta: RuleMeta {
        id: "schema-invalid",
        title: "Invalid value for the field's type",
        severity: Severity::High,
        category: "input",
        profiles: ALWAYS,
        references: &[Reference {
            source: "Kubernetes",
            id: "api-conventions",
            title: "API conventions",
            url: "https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md",
        }],
        rationale: "The API server refuses an object whose values have the wrong type or that misses a required field; a quoted \"true\" is a string, not a boolean. What is deployed is not what the file says.",
        remediation: "Give the field a value of the expected type (unquoted true/false for booleans, numbers for integers), and add required fields.",
        help: "use a value of the field's type",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      runAsNonRoot: \"true\"\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      runAsNonRoot: true\n",
        pss: None,
        params: &[],
    },
    check: None,
};

const KH_CONFIG: Reference = Reference {
    source: "kubeharden",
    id: "configuration",
    title: "Configuration file and exceptions",
    url: "README.md#configuration",
};

/// One id for every problem of `.kubeharden.yaml` (unknown key, wrong type,
/// unknown rule id, bad profile, version, severity, glob or date): they all
/// mean "the file does not say what you think", exit status 2 in the CLI, and
/// the message says which. Exceptions get their own ids below because their
/// problems are findings about the repository's risk decisions, not typos.
pub static CONFIG_INVALID: Rule = Rule {
    meta: RuleMeta {
        id: "config-invalid",
        title: "Invalid configuration file",
        severity: Severity::High,
        category: "input",
        profiles: ALWAYS,
        references: &[KH_CONFIG],
        rationale: "A configuration key that is misspelt or has the wrong type would otherwise be ignored, and the run would check something else than the repository decided (a rule thought disabled still fails, a profile thought strict is not).",
        remediation: "Correct the key or value at the reported position; the message names the expected keys and values.",
        help: "correct this entry of .kubeharden.yaml",
        bad_example: "profile: strict\ndisabel: [image-tag]\n",
        good_example: "profile: restricted\ndisable: [image-tag]\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static EXCEPTION_INVALID: Rule = Rule {
    meta: RuleMeta {
        id: "exception-invalid",
        title: "Exception without a reason, or naming an unknown rule",
        severity: Severity::Medium,
        category: "exceptions",
        profiles: ALWAYS,
        references: &[KH_CONFIG],
        rationale: "An accepted risk needs a written reason, or nobody can later tell whether it still holds. An exception without a reason (or with the `TODO` placeholder) does not apply, and one naming a rule that does not exist suppresses nothing.",
        remediation: "Write the exception as `<rule>[, <rule>...]: <reason>` with a real reason and existing rule ids (`kubeharden rules`).",
        help: "give the exception a reason and existing rule ids",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: falco\n  annotations:\n    kubeharden.dev/ignore: privileged\nspec:\n  containers:\n  - name: falco\n    image: falcosecurity/falco:0.39.0\n    securityContext:\n      privileged: true\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: falco\n  annotations:\n    kubeharden.dev/ignore: \"privileged: Falco reads kernel events\"\nspec:\n  containers:\n  - name: falco\n    image: falcosecurity/falco:0.39.0\n    securityContext:\n      privileged: true\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static EXCEPTION_EXPIRED: Rule = Rule {
    meta: RuleMeta {
        id: "exception-expired",
        title: "Expired exception",
        severity: Severity::Medium,
        category: "exceptions",
        profiles: ALWAYS,
        references: &[KH_CONFIG],
        rationale: "An exception with `until` was accepted for a time; past that date it no longer applies, its findings are reported again, and the exception itself is reported so it is renewed with a new reason or removed.",
        remediation: "Fix the findings and remove the exception, or renew it with a new date and an up-to-date reason.",
        help: "renew the exception with a new reason and date, or remove it",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    # kubeharden-ignore image-tag: the release job pins it until 2020-01-01\n    image: nginx:latest\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    # kubeharden-ignore image-tag: the release job pins it until 2099-01-01\n    image: nginx:latest\n",
        pss: None,
        params: &[],
    },
    check: None,
};

pub static EXCEPTION_UNUSED: Rule = Rule {
    meta: RuleMeta {
        id: "exception-unused",
        title: "Exception that suppresses nothing",
        severity: Severity::Low,
        category: "exceptions",
        profiles: ALWAYS,
        references: &[KH_CONFIG],
        rationale: "An exception whose finding was fixed (or that never matched) hides nothing today but would silently hide the same problem if it came back; dead exceptions should be removed.",
        remediation: "Remove the rule from the exception, or the whole exception.",
        help: "remove this exception: it suppresses nothing",
        bad_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    kubeharden.dev/ignore: \"privileged: not a pod\"\n",
        good_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
        pss: None,
        params: &[],
    },
    check: None,
};
