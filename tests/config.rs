//! `.kubeharden.yaml`: every wrong form gets a `config-invalid` diagnostic at
//! its exact range; a right one becomes the run's options under the caller's
//! overrides; the JSON Schema names the same keys as the parser.

use kubeharden::config::{EXEMPTION_KEYS, KEYS, Overrides, parse_config};
use kubeharden::rules::Profile;
use kubeharden::{Diagnostic, Severity};

/// `rule line:col-line:col message` for each diagnostic (1-based).
fn show(ds: &[Diagnostic]) -> Vec<String> {
    ds.iter()
        .map(|d| {
            let r = d.range;
            format!(
                "{} {}:{}-{}:{} {}",
                d.rule,
                r.start.line + 1,
                r.start.character + 1,
                r.end.line + 1,
                r.end.character + 1,
                d.message
            )
        })
        .collect()
}

#[test]
fn a_valid_config_becomes_options_under_overrides() {
    let text = "\
profile: restricted
pssVersion: v1.30
enable: [image-registry]
disable: [image-tag, image-digest]
failOn: medium
imageRegistries: [registry.example.com]
severity:
  resource-limits: low
exclude: [\"vendor/**\"]
exemptions:
  - rules: [privileged]
    kind: DaemonSet
    namespace: falco
    name: falco-*
    reason: Falco reads kernel events
    until: 2030-01-31
";
    let parsed = parse_config(".kubeharden.yaml", text);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}",
        show(&parsed.diagnostics)
    );
    let c = &parsed.config;
    assert_eq!(c.exclude, vec!["vendor/**"]);
    assert_eq!(c.exemptions.len(), 1);
    let e = &c.exemptions[0];
    assert_eq!(e.rules[0].0, "privileged");
    assert_eq!(e.name.as_deref(), Some("falco-*"));
    assert_eq!(e.until.unwrap().0.to_string(), "2030-01-31");
    assert_eq!(e.range.start.line, 10);

    let o = c.options(&Overrides::default());
    assert_eq!(o.profile, Profile::Restricted);
    assert!(!o.pss_version.at_least(31) && o.pss_version.at_least(30));
    assert!(
        !kubeharden::rules::enabled(&o, "image-tag")
            && kubeharden::rules::enabled(&o, "image-registry")
    );
    assert_eq!(o.image_registries, vec!["registry.example.com"]);
    assert_eq!(
        o.severity_of("resource-limits", Severity::Medium),
        Severity::Low
    );
    assert_eq!(c.fail_on(&Overrides::default()), Severity::Medium);

    // Every flag wins over the file.
    let flags = Overrides {
        profile: Some(Profile::Hardened),
        enable: vec!["image-tag".into()],
        disable: vec!["image-registry".into()],
        image_registries: vec!["ghcr.io".into()],
        fail_on: Some(Severity::Critical),
        ..Overrides::default()
    };
    let o = c.options(&flags);
    assert_eq!(o.profile, Profile::Hardened);
    assert!(
        kubeharden::rules::enabled(&o, "image-tag")
            && !kubeharden::rules::enabled(&o, "image-registry")
    );
    assert!(!kubeharden::rules::enabled(&o, "image-digest"));
    assert_eq!(o.image_registries, vec!["ghcr.io"]);
    assert_eq!(c.fail_on(&flags), Severity::Critical);
}

#[test]
fn no_config_means_todays_defaults() {
    let parsed = parse_config(".kubeharden.yaml", "");
    assert!(parsed.diagnostics.is_empty());
    let o = parsed.config.options(&Overrides::default());
    let d = kubeharden::Options::default();
    assert_eq!(o.profile, d.profile);
    assert_eq!(o.pss_version, d.pss_version);
    assert!(o.enable.is_empty() && o.disable.is_empty() && o.exemptions.is_empty());
    assert_eq!(parsed.config.fail_on(&Overrides::default()), Severity::High);
    // Comments only: still empty.
    assert!(parse_config("c", "# nothing yet\n").diagnostics.is_empty());
}

#[test]
fn every_wrong_form_is_reported_at_its_range() {
    let text = "\
profile: strict
pssVersion: 1.30
disabel: [image-tag]
enable: image-tag
disable: [imagetag, 3, image-digest]
failOn: urgent
imageRegistries: {a: b}
severity:
  image-tag: lowest
  no-rule: low
exclude: [\"vendor/[\"]
exemptions:
  - rules: [privileged]
    reason: [not, text]
    until: 2030-02-30
    nmae: x
  - kind: Pod
    reason: no rules here
  - just a string
";
    let parsed = parse_config(".kubeharden.yaml", text);
    insta::assert_snapshot!(show(&parsed.diagnostics).join("\n"), @r###"
    config-invalid 1:10-1:16 unknown profile "strict": expected baseline, restricted or hardened
    config-invalid 2:13-2:17 invalid pssVersion "1.30": expected latest or v1.N
    config-invalid 3:1-3:8 unknown key "disabel" in the config; did you mean "disable"? (known: profile, pssVersion, enable, disable, failOn, imageRegistries, severity, exclude, exemptions)
    config-invalid 4:9-4:18 enable must be a list, not a single value
    config-invalid 5:11-5:19 unknown rule id "imagetag" (see `kubeharden rules`); did you mean "image-tag"?
    config-invalid 5:21-5:22 unknown rule id "3" (see `kubeharden rules`)
    config-invalid 6:9-6:15 invalid failOn "urgent": expected critical, high, medium, low or info
    config-invalid 7:18-7:24 imageRegistries must be a list, not a mapping
    config-invalid 9:14-9:20 invalid severity of image-tag "lowest": expected critical, high, medium, low or info
    config-invalid 10:3-10:10 unknown rule id "no-rule" (see `kubeharden rules`)
    config-invalid 11:11-11:21 invalid glob "vendor/[" in exclude: unclosed character class at byte 7; missing ']' (to match a literal '[', escape it as '\[' or '[[]')
    config-invalid 14:13-14:24 reason must be a string, not a list
    config-invalid 15:12-15:22 invalid date "2030-02-30": expected YYYY-MM-DD
    config-invalid 16:5-16:9 unknown key "nmae" in an exemption; did you mean "name"? (known: rules, namespace, kind, name, reason, until)
    config-invalid 17:5-18:26 this exemption has no `rules`: list the rule ids it accepts
    config-invalid 19:5-19:18 each exemption is a mapping (rules, kind, namespace, name, reason, until), not a single value
    "###);
    // Entries with problems are left out, never half-applied.
    assert!(parsed.config.exemptions.is_empty());
    assert!(parsed.config.profile.is_none());
    assert_eq!(parsed.config.disable, vec!["image-digest"]);
}

#[test]
fn a_config_that_is_not_a_mapping_or_not_yaml_is_reported() {
    let list = parse_config("c", "- profile: baseline\n");
    assert_eq!(
        show(&list.diagnostics),
        vec!["config-invalid 1:1-1:20 a config file is a mapping of settings, not a list"]
    );
    let broken = parse_config("c", "profile: [baseline\n");
    assert_eq!(broken.diagnostics[0].rule, "yaml-syntax");
    let two = parse_config("c", "profile: baseline\n---\nfailOn: low\n");
    assert_eq!(two.diagnostics.len(), 1);
    assert_eq!(two.diagnostics[0].range.start.line, 1);
}

/// The schema and the parser name the same keys, the same profiles and
/// severities, and the schema knows every rule id, so they cannot drift.
#[test]
fn the_json_schema_matches_the_parser() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema/kubeharden-config.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let sorted = |v: &[&str]| -> Vec<String> {
        let mut k: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    assert_eq!(keys(&schema), sorted(KEYS));
    assert_eq!(schema["additionalProperties"], false);
    let exemption = &schema["$defs"]["exemption"];
    assert_eq!(keys(exemption), sorted(EXEMPTION_KEYS));
    assert_eq!(exemption["additionalProperties"], false);

    let ids: Vec<&str> = schema["$defs"]["ruleId"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let registry: Vec<&str> = kubeharden::rules::registry()
        .iter()
        .map(|r| r.meta.id)
        .collect();
    assert_eq!(ids, registry, "regenerate the ruleId enum of the schema");
    assert_eq!(
        schema["properties"]["profile"]["enum"],
        serde_json::json!(["baseline", "restricted", "hardened"])
    );
    assert_eq!(
        schema["$defs"]["severity"]["enum"],
        serde_json::json!(["critical", "high", "medium", "low", "info"])
    );
    // Each value the schema accepts, the parser accepts: the schema's example.
    let example = serde_json::to_string(&schema["examples"][0]).unwrap();
    let parsed = parse_config("example.json", &example);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}",
        show(&parsed.diagnostics)
    );
}

mod cli {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:latest
";

    fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("kh-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        root
    }

    fn run(dir: &Path, args: &[&str]) -> (Output, serde_json::Value) {
        let out = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
            .current_dir(dir)
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out, json)
    }

    /// `(file, rule)` of every unsuppressed diagnostic.
    fn rules(json: &serde_json::Value) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for f in json["files"].as_array().unwrap() {
            for d in f["diagnostics"].as_array().unwrap() {
                if d.get("suppression").is_none() {
                    v.push((
                        f["path"].as_str().unwrap().to_string(),
                        d["rule"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
        v
    }

    #[test]
    fn the_nearest_config_applies_and_each_config_is_its_own_bundle() {
        let root = tree(
            "nearest",
            &[
                (".kubeharden.yaml", "disable: [image-tag]\n"),
                ("a/deploy.yaml", DEPLOYMENT),
                ("b/.kubeharden.yaml", "profile: baseline\n"),
                ("b/deploy.yaml", DEPLOYMENT),
                ("vendor/x.yaml", DEPLOYMENT),
                ("c/.kubeharden.yaml", "exclude: [\"skip/**\"]\n"),
                ("c/skip/deploy.yaml", DEPLOYMENT),
            ],
        );
        let (out, json) = run(&root, &["a", "b", "c"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let found = rules(&json);
        let in_a: Vec<&str> = found
            .iter()
            .filter(|(f, _)| f.starts_with("a/"))
            .map(|(_, r)| r.as_str())
            .collect();
        // The root config: image-tag off, the rest of hardened on.
        assert!(!in_a.contains(&"image-tag") && in_a.contains(&"image-digest"));
        // b's own config (nearest): baseline only, so no restricted rule.
        let in_b: Vec<&str> = found
            .iter()
            .filter(|(f, _)| f.starts_with("b/"))
            .map(|(_, r)| r.as_str())
            .collect();
        assert!(in_b.is_empty(), "{in_b:?}");
        // c's exclude leaves its only file out.
        assert!(!found.iter().any(|(f, _)| f.starts_with("c/")));
        assert!(String::from_utf8_lossy(&out.stderr).contains("1 file(s) excluded"));

        // --config replaces the discovery for every input.
        std::fs::write(root.join("other.yaml"), "profile: baseline\n").unwrap();
        let (out, json) = run(&root, &["--config", "other.yaml", "a"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(rules(&json).is_empty());
        // A flag overrides the file.
        let (_, json) = run(&root, &["--enable", "image-tag", "a"]);
        assert!(rules(&json).iter().any(|(_, r)| r == "image-tag"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_wrong_config_is_reported_in_the_output_and_exits_2() {
        let root = tree(
            "wrong",
            &[
                (".kubeharden.yaml", "profile: hardened\nfailon: low\n"),
                ("deploy.yaml", DEPLOYMENT),
            ],
        );
        let (out, json) = run(&root, &["deploy.yaml"]);
        assert_eq!(out.status.code(), Some(2));
        let config = json["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == ".kubeharden.yaml")
            .expect("the config's report");
        let d = &config["diagnostics"][0];
        assert_eq!(d["rule"], "config-invalid");
        assert_eq!(d["range"]["start"]["line"], 1);
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("did you mean \"failOn\"")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn without_a_config_the_run_is_unchanged() {
        let root = tree("none", &[("deploy.yaml", DEPLOYMENT)]);
        // Nothing above a temporary directory is expected to hold a config.
        let (out, json) = run(&root, &["deploy.yaml"]);
        assert_eq!(out.status.code(), Some(1));
        let report = kubeharden::check(DEPLOYMENT, &kubeharden::Options::default());
        let expected: Vec<String> = report.diagnostics.iter().map(|d| d.rule.clone()).collect();
        let got: Vec<String> = rules(&json).into_iter().map(|(_, r)| r).collect();
        assert_eq!(got, expected);
        assert_eq!(json["files"].as_array().unwrap().len(), 1);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn fix_follows_the_nearest_config_and_refuses_a_wrong_one() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";
        let root = tree(
            "fix",
            &[
                ("plain/pod.yaml", pod),
                ("base/.kubeharden.yaml", "profile: baseline\n"),
                ("base/pod.yaml", pod),
                ("bad/.kubeharden.yaml", "profle: baseline\n"),
                ("bad/pod.yaml", pod),
            ],
        );
        let fix = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_kubeharden"))
                .current_dir(&root)
                .arg("fix")
                .args(args)
                .output()
                .unwrap()
        };
        // Hardened (no config): restricted fixes apply; baseline (its config): none do.
        // Exit 1: findings without a safe fix remain in plain/.
        let out = fix(&["plain", "base"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::read_to_string(root.join("plain/pod.yaml"))
                .unwrap()
                .contains("allowPrivilegeEscalation: false")
        );
        assert_eq!(
            std::fs::read_to_string(root.join("base/pod.yaml")).unwrap(),
            pod
        );
        // A wrong config: exit 2, its problem named, nothing written.
        let out = fix(&["bad"]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("bad/.kubeharden.yaml:1:1: unknown key \"profle\""),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("bad/pod.yaml")).unwrap(),
            pod
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}

/// The registry allow-list (the rule's declared parameter) turns the opt-in
/// `image-registry` on; `disable` still wins.
#[test]
fn the_allow_list_turns_the_rule_on() {
    use kubeharden::options::Options;
    let src = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n";
    let fired = |options: &Options| {
        kubeharden::check(src, options)
            .diagnostics
            .iter()
            .any(|d| d.rule == "image-registry")
    };
    assert!(!fired(&Options::default()));
    let allow = Options {
        image_registries: vec!["ghcr.io".into()],
        ..Default::default()
    };
    assert!(fired(&allow));
    let off = Options {
        disable: vec!["image-registry".into()],
        ..allow.clone()
    };
    assert!(!fired(&off));
}
