//! Pod Security semantics beyond the fixtures: policy versions (option and
//! Namespace label), Windows and user-namespace exemptions, restricted
//! checks replacing their baseline counterparts, effective-value messages.

mod common;

use kubeharden::check;
use kubeharden::diagnostic::Applicability;
use kubeharden::options::{Options, PssVersion};
use kubeharden::rules::Profile;

fn opts(profile: Profile, version: &str) -> Options {
    Options {
        profile,
        pss_version: PssVersion::parse(version).expect("version"),
        ..Default::default()
    }
}

fn rules(src: &str, options: &Options) -> Vec<String> {
    let mut r: Vec<String> = check(src, options)
        .diagnostics
        .into_iter()
        .map(|d| d.rule)
        .collect();
    r.sort();
    r.dedup();
    r
}

/// A restricted-compliant pod, with `extra_pod` / `extra_sc` spliced in.
fn pod(extra_pod: &str, extra_sc: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: team\nspec:\n{extra_pod}  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: x\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n{extra_sc}"
    )
}

#[test]
fn restricted_pod_is_clean_at_every_version() {
    for v in ["v1.0", "v1.19", "v1.25", "v1.35", "latest"] {
        assert_eq!(
            rules(&pod("", ""), &opts(Profile::Restricted, v)),
            Vec::<String>::new(),
            "{v}"
        );
    }
}

#[test]
fn namespace_enforce_version_label_overrides_the_option() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce-version: v1.18\n---\n";
    // seccomp annotations are checked before v1.19 only, and seccomp-profile-restricted does not exist yet.
    let src = format!(
        "{ns}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: team\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata:\n      labels: {{a: b}}\n      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: unconfined\n    spec:\n      securityContext: {{runAsNonRoot: true}}\n      containers:\n      - name: app\n        image: x\n        securityContext: {{allowPrivilegeEscalation: false}}\n"
    );
    assert_eq!(
        rules(&src, &opts(Profile::Restricted, "latest")),
        vec!["seccomp-profile-baseline"]
    );
    // Another namespace: the option's version applies.
    let other = src.replace("namespace: team", "namespace: other");
    assert_eq!(
        rules(&other, &opts(Profile::Restricted, "latest")),
        vec!["capabilities-restricted", "seccomp-profile-restricted"]
    );
}

#[test]
fn windows_pods_exempt_from_linux_only_restricted_checks_from_1_25() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - {name: app, image: x}\n";
    assert_eq!(
        rules(src, &opts(Profile::Restricted, "v1.25")),
        Vec::<String>::new()
    );
    assert_eq!(
        rules(src, &opts(Profile::Restricted, "v1.24")),
        vec![
            "allow-privilege-escalation",
            "capabilities-restricted",
            "seccomp-profile-restricted"
        ]
    );
}

#[test]
fn host_users_false_relaxes_run_as_checks_and_baseline_proc_mount_from_1_35() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec:\n  hostUsers: false\n  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: app\n    image: x\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}\n";
    assert_eq!(
        rules(src, &opts(Profile::Restricted, "v1.35")),
        vec!["proc-mount-restricted"]
    );
    assert_eq!(
        rules(src, &opts(Profile::Baseline, "v1.35")),
        Vec::<String>::new()
    );
    assert_eq!(
        rules(src, &opts(Profile::Restricted, "v1.34")),
        vec!["proc-mount", "run-as-non-root", "run-as-user"]
    );
}

#[test]
fn selinux_container_engine_t_allowed_from_1_31() {
    let src = pod("", "      seLinuxOptions: {type: container_engine_t}\n");
    assert_eq!(
        rules(&src, &opts(Profile::Baseline, "v1.30")),
        vec!["selinux-options"]
    );
    assert!(rules(&src, &opts(Profile::Baseline, "v1.31")).is_empty());
}

#[test]
fn baseline_counterpart_reports_when_the_restricted_rule_is_off() {
    let src = pod("", "        add: [SYS_ADMIN]\n");
    let restricted = opts(Profile::Restricted, "latest");
    assert_eq!(rules(&src, &restricted), vec!["capabilities-restricted"]);
    let without = Options {
        disable: vec!["capabilities-restricted".into()],
        ..restricted
    };
    assert_eq!(rules(&src, &without), vec!["capabilities-baseline"]);
    // Before capabilities_restricted existed (v1.22), the baseline check runs.
    assert_eq!(
        rules(&src, &opts(Profile::Restricted, "v1.21")),
        vec!["capabilities-baseline"]
    );
}

#[test]
fn messages_explain_where_the_effective_value_comes_from() {
    let src = pod("", "      seccompProfile: {type: Unconfined}\n");
    let report = check(&src, &opts(Profile::Restricted, "latest"));
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "seccomp-profile-restricted")
        .expect("finding");
    assert!(
        d.message
            .contains("overriding the pod's RuntimeDefault (line 10)"),
        "{}",
        d.message
    );
    assert_eq!(
        d.path.as_deref(),
        Some("spec.containers[0].securityContext.seccompProfile.type")
    );
    assert_eq!((d.range.start.line, d.range.start.character), (17, 23));

    let src = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: false}\n  containers:\n  - {name: a, image: x}\n  - {name: b, image: x, securityContext: {runAsNonRoot: true}}\n";
    let report = check(src, &opts(Profile::Restricted, "latest"));
    let msgs: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "run-as-non-root")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("container \"a\" inherits it"),
        "{}",
        msgs[0]
    );
}

#[test]
fn quick_fixes_for_seccomp_and_capabilities() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: x\n    securityContext:\n      runAsNonRoot: true\n";
    let report = check(src, &opts(Profile::Restricted, "latest"));
    let seccomp = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "seccomp-profile-restricted")
        .and_then(|d| d.fix.clone())
        .expect("seccomp fix");
    assert_eq!(seccomp.applicability, Applicability::Safe);
    assert_eq!(
        seccomp.edits[0].new_text,
        "\n      seccompProfile:\n        type: RuntimeDefault"
    );
    let caps = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "capabilities-restricted")
        .and_then(|d| d.fix.clone())
        .expect("capabilities fix");
    assert_eq!(
        caps.edits[0].new_text,
        "\n      capabilities:\n        drop: [ALL]"
    );
}

/// Verdicts that flip between the two copied policy versions (corpus README).
#[test]
fn fixture_verdicts_flip_across_versions() {
    let Some(shared) = common::shared_dir() else {
        common::skip("PSS version flips");
        return;
    };
    let dir = shared.join("corpus/pss");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect(f);
    let cases: &[(&str, Profile, &str, &[&str])] = &[
        (
            "baseline/v1.0/fail/procmount0.yaml",
            Profile::Baseline,
            "v1.37",
            &[],
        ),
        (
            "baseline/v1.0/fail/procmount0.yaml",
            Profile::Restricted,
            "v1.37",
            &[
                "allow-privilege-escalation",
                "capabilities-restricted",
                "proc-mount-restricted",
                "seccomp-profile-restricted",
            ],
        ),
        (
            "baseline/v1.0/fail/seccompprofile_baseline0.yaml",
            Profile::Baseline,
            "v1.37",
            &[],
        ),
        (
            "baseline/v1.37/fail/seccompprofile_baseline1.yaml",
            Profile::Baseline,
            "v1.0",
            &[],
        ),
        (
            "baseline/v1.37/fail/hostprobesandhostlifecycle0.yaml",
            Profile::Baseline,
            "v1.33",
            &[],
        ),
        (
            "baseline/v1.37/pass/sysctls1.yaml",
            Profile::Baseline,
            "v1.36",
            &["sysctls"],
        ),
        (
            "baseline/v1.37/pass/procmount1.yaml",
            Profile::Baseline,
            "v1.34",
            &["proc-mount"],
        ),
        (
            "restricted/v1.37/fail/runasuser0.yaml",
            Profile::Restricted,
            "v1.0",
            &[],
        ),
        (
            "restricted/v1.37/fail/capabilities_restricted0.yaml",
            Profile::Restricted,
            "v1.0",
            &[],
        ),
        (
            "restricted/v1.0/pass/base.yaml",
            Profile::Restricted,
            "v1.37",
            &[
                "allow-privilege-escalation",
                "capabilities-restricted",
                "seccomp-profile-restricted",
            ],
        ),
    ];
    for (file, profile, version, want) in cases {
        let got = rules(&read(file), &opts(*profile, version));
        assert_eq!(got, *want, "{file} at {profile:?} {version}");
    }
}
