//! SARIF output: one result per diagnostic, 1-based UTF-16 columns, rule
//! indexes that point at the right rule descriptor.

use kubeharden::render::sarif::sarif;
use kubeharden::render::{ReportFormat, report_text};
use kubeharden::{Options, check};

#[test]
fn sarif_results_match_diagnostics() {
    let src = include_str!("fixtures/core/multi.yaml");
    let report = check(src, &Options::default());
    let log = serde_json::to_value(sarif(&[(
        "multi.yaml".to_string(),
        report.diagnostics.as_slice(),
    )]))
    .unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.diagnostics.len());
    for (r, d) in results.iter().zip(&report.diagnostics) {
        assert_eq!(r["ruleId"], d.rule);
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], d.rule);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d.range.start.line + 1);
        assert_eq!(region["startColumn"], d.range.start.character + 1);
        assert_eq!(region["endColumn"], d.range.end.character + 1);
        let level = r["level"].as_str().unwrap();
        assert!(matches!(level, "error" | "warning" | "note"));
    }
}

/// A cross-resource finding names the other resource as a related
/// location, in the file that holds it.
#[test]
fn sarif_related_locations_point_into_other_files() {
    use kubeharden::{Source, check_bundle};
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  serviceAccountName: app\n  containers:\n  - name: c\n    image: example.com/c:1\n";
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: a\n";
    let sources = [
        Source {
            name: "pod.yaml",
            text: pod,
        },
        Source {
            name: "sa.yaml",
            text: sa,
        },
    ];
    let reports = check_bundle(&sources, &Options::default());
    let files: Vec<(String, &[kubeharden::Diagnostic])> = ["pod.yaml", "sa.yaml"]
        .iter()
        .zip(&reports)
        .map(|(n, r)| (n.to_string(), r.diagnostics.as_slice()))
        .collect();
    let log = serde_json::to_value(sarif(&files)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let automount = results
        .iter()
        .find(|r| r["ruleId"] == "automount-service-account-token")
        .expect("the automount finding");
    let related = &automount["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "sa.yaml"
    );
    // `metadata.name` of the ServiceAccount: line 4, `name: app`.
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 4);
    assert!(
        related["message"]["text"]
            .as_str()
            .unwrap()
            .contains("ServiceAccount \"app\"")
    );
    // Findings without related places carry none.
    assert!(results.iter().any(|r| r.get("relatedLocations").is_none()));
}

/// The CLI writes its reports file by file (`render::PrettyArrayStream`);
/// the bytes must be those of the whole report printed at once.
#[test]
fn streamed_cli_reports_equal_the_whole_report() {
    use kubeharden::{Source, check_bundle};
    use std::process::Command;

    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dirs = ["tests/fixtures/core", "tests/fixtures/workload"];
    let mut paths = Vec::new();
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(root.join(d))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        paths.extend(files);
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let sources: Vec<Source> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| Source { name, text })
        .collect();
    let reports = check_bundle(&sources, &Options::default());

    let run = |format: &str, args: &[String]| {
        let o = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
            .args(["check", "--format", format])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap()
    };

    let files: Vec<(String, &[kubeharden::Diagnostic])> = names
        .iter()
        .zip(&reports)
        .map(|(n, r)| (n.clone(), r.diagnostics.as_slice()))
        .collect();
    let whole = serde_json::to_string_pretty(&sarif(&files)).unwrap() + "\n";
    assert_eq!(whole, report_text(ReportFormat::Sarif, &files));
    assert_eq!(run("sarif", &names), whole);
    // The JSON report, written out here so that the shared renderer is
    // checked too.
    #[derive(serde::Serialize)]
    struct FileReport<'a> {
        path: &'a str,
        diagnostics: &'a [kubeharden::Diagnostic],
    }
    #[derive(serde::Serialize)]
    struct JsonReport<'a> {
        version: &'a str,
        files: Vec<FileReport<'a>>,
    }
    let json = JsonReport {
        version: kubeharden::VERSION,
        files: files
            .iter()
            .map(|(path, diagnostics)| FileReport { path, diagnostics })
            .collect(),
    };
    let json = serde_json::to_string_pretty(&json).unwrap() + "\n";
    assert_eq!(json, report_text(ReportFormat::Json, &files));
    assert_eq!(run("json", &names), json);

    // No input file with diagnostics: the empty arrays print as `[]`.
    let empty = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif_empty.yaml");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let arg = [empty.display().to_string()];
    let (sarif_out, json_out) = (run("sarif", &arg), run("json", &arg));
    std::fs::remove_file(&empty).unwrap();
    assert_eq!(
        sarif_out,
        serde_json::to_string_pretty(&sarif(&[])).unwrap() + "\n"
    );
    assert!(json_out.contains("\"diagnostics\": []"), "{json_out}");
}

/// The forms SARIF 2.1.0 and GitHub code scanning expect: an absolute
/// `helpUri` or none, the object named from its namespace in, the finding's
/// quick fix as a SARIF fix with 1-based regions, the tool's semantic version.
#[test]
fn sarif_names_objects_links_rules_and_carries_fixes() {
    let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: admins\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}\n";
    let report = check(src, &Options::default());
    let log = serde_json::to_value(sarif(&[(
        "pod.yaml".to_string(),
        report.diagnostics.as_slice(),
    )]))
    .unwrap();
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["semanticVersion"],
        kubeharden::VERSION
    );
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        if let Some(uri) = rule.get("helpUri") {
            let uri = uri.as_str().expect("helpUri is a string, never null");
            assert!(
                uri.starts_with("https://") || uri.starts_with("http://"),
                "{uri}"
            );
        }
    }
    let results = run["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(names.contains(&"shop/Pod/web"), "{names:?}");
    assert!(names.contains(&"ClusterRoleBinding/admins"), "{names:?}");
    let ape = results
        .iter()
        .find(|r| r["ruleId"] == "allow-privilege-escalation")
        .unwrap();
    assert_eq!(ape["locations"][0]["logicalLocations"][0]["name"], "web");
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "allow-privilege-escalation")
        .unwrap();
    assert_eq!(
        ape["message"]["text"],
        format!("{} ({})", d.message, d.help)
    );
    let fix = d.fix.as_ref().unwrap();
    let sarif_fix = &ape["fixes"][0];
    assert_eq!(sarif_fix["description"]["text"], fix.title);
    assert_eq!(sarif_fix["properties"]["applicability"], "safe");
    let change = &sarif_fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "pod.yaml");
    let replacements = change["replacements"].as_array().unwrap();
    assert_eq!(replacements.len(), fix.edits.len());
    for (r, e) in replacements.iter().zip(&fix.edits) {
        assert_eq!(r["deletedRegion"]["startLine"], e.range.start.line + 1);
        assert_eq!(
            r["deletedRegion"]["startColumn"],
            e.range.start.character + 1
        );
        assert_eq!(r["deletedRegion"]["endColumn"], e.range.end.character + 1);
        assert_eq!(r["insertedContent"]["text"], e.new_text);
    }
    assert!(
        results
            .iter()
            .all(|r| r.get("fixes").is_none() || r["fixes"].is_array())
    );
}
