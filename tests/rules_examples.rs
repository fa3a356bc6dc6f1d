//! Every rule's failing example fires that rule; its passing example does
//! not. The examples are the ones the docs and the web page show.

use kubeharden::check;
use kubeharden::options::Options;
use kubeharden::rules::registry;

#[test]
fn every_rule_has_metadata_and_examples_that_behave() {
    let mut problems = Vec::new();
    for rule in registry() {
        let m = &rule.meta;
        for (what, text) in [
            ("title", m.title),
            ("rationale", m.rationale),
            ("remediation", m.remediation),
            ("help", m.help),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("{}: empty {what}", m.id));
            }
        }
        if m.references.is_empty() {
            problems.push(format!("{}: no references", m.id));
        }
        // Examples run with the rule switched on whatever its profiles.
        let options = Options {
            enable: vec![m.id.to_string()],
            // A baseline rule steps aside for its restricted replacement.
            disable: m.replaced_by.iter().map(|r| r.to_string()).collect(),
            image_registries: vec!["registry.example.com".into()],
            ..Options::default()
        };
        let bad = check(m.bad_example, &options);
        if !bad.diagnostics.iter().any(|d| d.rule == m.id) {
            problems.push(format!(
                "{}: failing example does not fire: {:?}",
                m.id, bad.diagnostics
            ));
        }
        let good = check(m.good_example, &options);
        if let Some(d) = good.diagnostics.iter().find(|d| d.rule == m.id) {
            problems.push(format!("{}: passing example fires: {}", m.id, d.message));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_ids_are_unique_and_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for rule in registry() {
        let id = rule.meta.id;
        assert!(seen.insert(id), "duplicate id {id}");
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id} is not kebab-case"
        );
    }
}

/// Items of the CIS Kubernetes Benchmark v2.0 (v2.0.1) in the sections the
/// control-plane and node configuration rules cite, with their titles, as
/// kube-bench's `cfg/cis-2.0` transcribes them (its PR says every check is
/// the same as v1.12's).
const CIS_V2_0: &[(&str, &str)] = &[
    (
        "1.2.1",
        "Ensure that the --anonymous-auth argument is set to false",
    ),
    (
        "1.2.2",
        "Ensure that the --token-auth-file parameter is not set",
    ),
    ("1.2.3", "Ensure that the --DenyServiceExternalIPs is set"),
    (
        "1.2.4",
        "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate",
    ),
    (
        "1.2.5",
        "Ensure that the --kubelet-certificate-authority argument is set as appropriate",
    ),
    (
        "1.2.6",
        "Ensure that the --authorization-mode argument is not set to AlwaysAllow",
    ),
    (
        "1.2.7",
        "Ensure that the --authorization-mode argument includes Node",
    ),
    (
        "1.2.8",
        "Ensure that the --authorization-mode argument includes RBAC",
    ),
    (
        "1.2.9",
        "Ensure that the admission control plugin EventRateLimit is set",
    ),
    (
        "1.2.10",
        "Ensure that the admission control plugin AlwaysAdmit is not set",
    ),
    (
        "1.2.11",
        "Ensure that the admission control plugin AlwaysPullImages is set",
    ),
    (
        "1.2.12",
        "Ensure that the admission control plugin ServiceAccount is set",
    ),
    (
        "1.2.13",
        "Ensure that the admission control plugin NamespaceLifecycle is set",
    ),
    (
        "1.2.14",
        "Ensure that the admission control plugin NodeRestriction is set",
    ),
    (
        "1.2.15",
        "Ensure that the --profiling argument is set to false",
    ),
    ("1.2.16", "Ensure that the --audit-log-path argument is set"),
    (
        "1.2.17",
        "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate",
    ),
    (
        "1.2.18",
        "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate",
    ),
    (
        "1.2.19",
        "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate",
    ),
    (
        "1.2.20",
        "Ensure that the --request-timeout argument is set as appropriate",
    ),
    (
        "1.2.21",
        "Ensure that the --service-account-lookup argument is set to true",
    ),
    (
        "1.2.22",
        "Ensure that the --service-account-key-file argument is set as appropriate",
    ),
    (
        "1.2.23",
        "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate",
    ),
    (
        "1.2.24",
        "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate",
    ),
    (
        "1.2.25",
        "Ensure that the --client-ca-file argument is set as appropriate",
    ),
    (
        "1.2.26",
        "Ensure that the --etcd-cafile argument is set as appropriate",
    ),
    (
        "1.2.27",
        "Ensure that the --encryption-provider-config argument is set as appropriate",
    ),
    (
        "1.2.28",
        "Ensure that encryption providers are appropriately configured",
    ),
    (
        "1.2.29",
        "Ensure that the API Server only makes use of Strong Cryptographic Ciphers",
    ),
    (
        "1.2.30",
        "Ensure that the --service-account-extend-token-expiration parameter is set to false",
    ),
    (
        "1.3.1",
        "Ensure that the --terminated-pod-gc-threshold argument is set as appropriate",
    ),
    (
        "1.3.2",
        "Ensure that the --profiling argument is set to false",
    ),
    (
        "1.3.3",
        "Ensure that the --use-service-account-credentials argument is set to true",
    ),
    (
        "1.3.4",
        "Ensure that the --service-account-private-key-file argument is set as appropriate",
    ),
    (
        "1.3.5",
        "Ensure that the --root-ca-file argument is set as appropriate",
    ),
    (
        "1.3.6",
        "Ensure that the RotateKubeletServerCertificate argument is set to true",
    ),
    (
        "1.3.7",
        "Ensure that the --bind-address argument is set to 127.0.0.1",
    ),
    (
        "1.4.1",
        "Ensure that the --profiling argument is set to false",
    ),
    (
        "1.4.2",
        "Ensure that the --bind-address argument is set to 127.0.0.1",
    ),
    (
        "2.1",
        "Ensure that the --cert-file and --key-file arguments are set as appropriate",
    ),
    (
        "2.2",
        "Ensure that the --client-cert-auth argument is set to true",
    ),
    (
        "2.3",
        "Ensure that the --auto-tls argument is not set to true",
    ),
    (
        "2.4",
        "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate",
    ),
    (
        "2.5",
        "Ensure that the --peer-client-cert-auth argument is set to true",
    ),
    (
        "2.6",
        "Ensure that the --peer-auto-tls argument is not set to true",
    ),
    (
        "2.7",
        "Ensure that a unique Certificate Authority is used for etcd",
    ),
    ("3.2.1", "Ensure that a minimal audit policy is created"),
    (
        "3.2.2",
        "Ensure that the audit policy covers key security concerns",
    ),
    (
        "4.2.1",
        "Ensure that the --anonymous-auth argument is set to false",
    ),
    (
        "4.2.2",
        "Ensure that the --authorization-mode argument is not set to AlwaysAllow",
    ),
    (
        "4.2.3",
        "Ensure that the --client-ca-file argument is set as appropriate",
    ),
    (
        "4.2.4",
        "Verify that if defined, the --read-only-port argument is set to 0",
    ),
    (
        "4.2.5",
        "Ensure that the --streaming-connection-idle-timeout argument is not set to 0",
    ),
    (
        "4.2.6",
        "Ensure that the --make-iptables-util-chains argument is set to true",
    ),
    (
        "4.2.7",
        "Ensure that the --hostname-override argument is not set",
    ),
    (
        "4.2.8",
        "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture",
    ),
    (
        "4.2.9",
        "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate",
    ),
    (
        "4.2.10",
        "Ensure that the --rotate-certificates argument is not set to false",
    ),
    (
        "4.2.11",
        "Verify that the RotateKubeletServerCertificate argument is set to true",
    ),
    (
        "4.2.12",
        "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers",
    ),
    ("4.2.13", "Ensure that a limit is set on pod PIDs"),
    (
        "4.2.14",
        "Ensure that the --seccomp-default parameter is set to true",
    ),
    (
        "5.2.1",
        "Ensure that the cluster has at least one active policy control mechanism in place",
    ),
];

/// Control-plane and node rules cite one CIS edition, name it on every
/// reference, cite items that exist in it under their own titles, and no two
/// rules claim the same item (the mixed-edition ids this catches had
/// `apiserver-profiling` and NodeRestriction both at 1.2.15).
#[test]
fn control_plane_and_node_rules_cite_one_cis_edition() {
    use kubeharden::rules::cluster::CIS_KUBERNETES_VERSION;
    assert_eq!(CIS_KUBERNETES_VERSION, "v2.0", "update CIS_V2_0 with it");
    let suffix = format!(" ({CIS_KUBERNETES_VERSION})");
    let items: std::collections::HashMap<&str, &str> = CIS_V2_0.iter().copied().collect();
    let mut cited: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for rule in registry() {
        let m = &rule.meta;
        if !matches!(m.category, "control-plane" | "node-config") {
            continue;
        }
        for r in m.references.iter().filter(|r| r.source == "CIS") {
            let Some(id) = r.id.strip_suffix(suffix.as_str()) else {
                problems.push(format!("{}: CIS {} does not name{suffix}", m.id, r.id));
                continue;
            };
            match items.get(id) {
                None => problems.push(format!("{}: CIS {id} is not an item of v2.0", m.id)),
                Some(title) if *title != r.title => problems.push(format!(
                    "{}: CIS {id} is \"{title}\" in v2.0, not \"{}\"",
                    m.id, r.title
                )),
                Some(_) => {}
            }
            if let Some(other) = cited.insert(id, m.id) {
                problems.push(format!("CIS {id} cited by both {other} and {}", m.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
