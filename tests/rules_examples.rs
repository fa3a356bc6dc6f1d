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
            disable: kubeharden::rules::replaced_by(m.id)
                .iter()
                .map(|r| r.to_string())
                .collect(),
            image_registries: vec!["registry.example.com".into()],
            // Exceptions expire against a fixed day.
            today: kubeharden::exceptions::Date::parse("2026-01-01"),
            ..Options::default()
        };
        // The config's examples are config files, read by the config parser.
        if m.id == "config-invalid" {
            let bad = kubeharden::config::parse_config(".kubeharden.yaml", m.bad_example);
            if !bad.diagnostics.iter().any(|d| d.rule == m.id) {
                problems.push(format!("{}: failing example does not fire", m.id));
            }
            let good = kubeharden::config::parse_config(".kubeharden.yaml", m.good_example);
            if let Some(d) = good.diagnostics.first() {
                problems.push(format!("{}: passing example fires: {}", m.id, d.message));
            }
            continue;
        }
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
        // Examples are input Kubernetes accepts, except where the problem of
        // the input is the rule itself: the snapshots (tests/fixtures.rs)
        // show the example's rule and input problems only, so this says it
        // outright for every example at once.
        let input_problem = |d: &&kubeharden::Diagnostic| {
            d.rule != m.id
                && kubeharden::rules::find(&d.rule).is_some_and(|r| r.meta.category == "input")
        };
        for (kind, report) in [("failing", &bad), ("passing", &good)] {
            if let Some(d) = report.diagnostics.iter().find(input_problem) {
                problems.push(format!(
                    "{}: {kind} example has an input problem: {} {}",
                    m.id, d.rule, d.message
                ));
            }
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
/// rules cite, with their titles, as kube-bench's `cfg/cis-2.0` transcribes
/// them (its PR says every check is the same as v1.12's); section 5 is all of
/// `policies.yaml`.
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
        "5.1.1",
        "Ensure that the cluster-admin role is only used where required",
    ),
    ("5.1.2", "Minimize access to secrets"),
    ("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
    ("5.1.4", "Minimize access to create pods"),
    (
        "5.1.5",
        "Ensure that default service accounts are not actively used",
    ),
    (
        "5.1.6",
        "Ensure that Service Account Tokens are only mounted where necessary",
    ),
    ("5.1.7", "Avoid use of system:masters group"),
    (
        "5.1.8",
        "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster",
    ),
    ("5.1.9", "Minimize access to create persistent volumes"),
    (
        "5.1.10",
        "Minimize access to the proxy sub-resource of nodes",
    ),
    (
        "5.1.11",
        "Minimize access to the approval sub-resource of certificatesigningrequests objects",
    ),
    ("5.1.12", "Minimize access to webhook configuration objects"),
    (
        "5.1.13",
        "Minimize access to the service account token creation",
    ),
    (
        "5.2.1",
        "Ensure that the cluster has at least one active policy control mechanism in place",
    ),
    ("5.2.2", "Minimize the admission of privileged containers"),
    (
        "5.2.3",
        "Minimize the admission of containers wishing to share the host process ID namespace",
    ),
    (
        "5.2.4",
        "Minimize the admission of containers wishing to share the host IPC namespace",
    ),
    (
        "5.2.5",
        "Minimize the admission of containers wishing to share the host network namespace",
    ),
    (
        "5.2.6",
        "Minimize the admission of containers with allowPrivilegeEscalation",
    ),
    ("5.2.7", "Minimize the admission of root containers"),
    (
        "5.2.8",
        "Minimize the admission of containers with the NET_RAW capability",
    ),
    (
        "5.2.9",
        "Minimize the admission of containers with capabilities assigned",
    ),
    (
        "5.2.10",
        "Minimize the admission of Windows HostProcess containers",
    ),
    ("5.2.11", "Minimize the admission of HostPath volumes"),
    (
        "5.2.12",
        "Minimize the admission of containers which use HostPorts",
    ),
    (
        "5.3.1",
        "Ensure that the CNI in use supports NetworkPolicies",
    ),
    (
        "5.3.2",
        "Ensure that all Namespaces have NetworkPolicies defined",
    ),
    (
        "5.4.1",
        "Prefer using Secrets as files over Secrets as environment variables",
    ),
    ("5.4.2", "Consider external secret storage"),
    (
        "5.5.1",
        "Configure Image Provenance using ImagePolicyWebhook admission controller",
    ),
    (
        "5.6.1",
        "Create administrative boundaries between resources using namespaces",
    ),
    (
        "5.6.2",
        "Ensure that the seccomp profile is set to docker/default in your Pod definitions",
    ),
    ("5.6.3", "Apply SecurityContext to your Pods and Containers"),
    ("5.6.4", "The default namespace should not be used"),
];

/// CIS Kubernetes items that more than one rule cites, because each of those
/// rules checks part of the item: the rules listed must be exactly the ones
/// citing it. Any other item is cited by one rule at most.
const CIS_V2_0_SHARED: &[(&str, &[&str])] = &[
    // The Service that the admission plugin would reject, and the plugin.
    ("1.2.3", &["apiserver-external-ips", "service-external-ips"]),
    // Creating pods: in kube-system (as its controllers), and elsewhere (as
    // every ServiceAccount of the namespace).
    (
        "5.1.4",
        &["rbac-privilege-escalation", "rbac-workload-creation"],
    ),
    // Tokens mounted at all, and mounted for a ServiceAccount with a
    // dangerous role.
    (
        "5.1.6",
        &["automount-service-account-token", "rbac-workload-takeover"],
    ),
    // Bindings naming the group, and EKS mappings that put IAM identities in it.
    (
        "5.1.7",
        &[
            "rbac-aws-auth-system-masters",
            "rbac-system-masters-binding",
        ],
    ),
    // Pod Security labels of a namespace, and the admission plugin's defaults.
    (
        "5.2.1",
        &[
            "admission-pod-security-defaults",
            "namespace-pod-security-label",
        ],
    ),
    // Every hostPath volume, and the node paths that are root on the node.
    ("5.2.11", &["container-runtime-socket", "host-path-volumes"]),
    // runAsNonRoot missing, and runAsUser: 0.
    ("5.2.7", &["run-as-non-root", "run-as-user"]),
    // Secrets referenced from env, and credentials written into env.
    ("5.4.1", &["env-secret-literal", "secret-env-vars"]),
    // The baseline and restricted levels of one Pod Security control.
    (
        "5.6.2",
        &["seccomp-profile-baseline", "seccomp-profile-restricted"],
    ),
];

/// Items of the CIS Amazon EKS Benchmark v1.8.0 the eksctl rules cite, as
/// kube-bench's `cfg/eks-1.8.0` transcribes them (controlplane.yaml and
/// managedservices.yaml).
const CIS_EKS_V1_8_0: &[(&str, &str)] = &[
    ("2.1.1", "Enable audit Logs"),
    ("5.4.1", "Restrict Access to the Control Plane Endpoint"),
    (
        "5.4.2",
        "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
    ),
];

/// Checks one source's references: every one names `version`, is an item of
/// `items` under its own title, and is cited by one rule unless `shared`
/// lists exactly the rules citing it.
fn check_cis_edition(
    source: &str,
    version: &str,
    items: &[(&str, &str)],
    shared: &[(&str, &[&str])],
) -> Vec<String> {
    let suffix = format!(" ({version})");
    let items: std::collections::HashMap<&str, &str> = items.iter().copied().collect();
    let mut cited: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    let mut problems = Vec::new();
    for rule in registry() {
        let m = &rule.meta;
        for r in m.references.iter().filter(|r| r.source == source) {
            let Some(id) = r.id.strip_suffix(suffix.as_str()) else {
                problems.push(format!("{}: {source} {} does not name{suffix}", m.id, r.id));
                continue;
            };
            match items.get(id) {
                None => problems.push(format!(
                    "{}: {source} {id} is not an item of {version}",
                    m.id
                )),
                Some(title) if *title != r.title => problems.push(format!(
                    "{}: {source} {id} is \"{title}\" in {version}, not \"{}\"",
                    m.id, r.title
                )),
                Some(_) => {}
            }
            cited.entry(id).or_default().push(m.id);
        }
    }
    for (id, _) in shared {
        if !cited.contains_key(id) {
            problems.push(format!("shared {source} {id} is cited by no rule"));
        }
    }
    for (id, mut rules) in cited {
        rules.sort_unstable();
        let allowed = shared.iter().find(|(s, _)| *s == id).map(|(_, r)| *r);
        match allowed {
            Some(allowed) if allowed != rules.as_slice() => problems.push(format!(
                "{source} {id} is shared by {allowed:?} but cited by {rules:?}"
            )),
            None if rules.len() > 1 => problems.push(format!(
                "{source} {id} cited by more than one rule: {rules:?}"
            )),
            _ => {}
        }
    }
    for (id, _) in shared {
        if !items.contains_key(id) {
            problems.push(format!("shared {source} {id} is not an item of {version}"));
        }
    }
    problems
}

/// Every rule cites one CIS Kubernetes edition, names it on every reference,
/// cites items that exist in it under their own titles, and no two rules
/// claim the same item unless `CIS_V2_0_SHARED` says why (the mixed-edition
/// ids this catches had `apiserver-profiling` and NodeRestriction both at
/// 1.2.15, and HostPath at v1.8's 5.2.12, which is HostPorts in v2.0).
#[test]
fn rules_cite_one_cis_kubernetes_edition() {
    use kubeharden::rules::cluster::CIS_KUBERNETES_VERSION;
    assert_eq!(CIS_KUBERNETES_VERSION, "v2.0", "update CIS_V2_0 with it");
    let problems = check_cis_edition("CIS", CIS_KUBERNETES_VERSION, CIS_V2_0, CIS_V2_0_SHARED);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The managed-cluster rules cite the CIS Amazon EKS Benchmark under a source
/// of its own (its ids clash with the Kubernetes benchmark's: EKS 5.4.1 is
/// the endpoint, Kubernetes 5.4.1 Secrets in env), one edition, real items;
/// and no CIS reference has a source other than these two.
#[test]
fn managed_cluster_rules_cite_one_cis_eks_edition() {
    use kubeharden::rules::cluster::CIS_EKS_VERSION;
    assert_eq!(CIS_EKS_VERSION, "v1.8.0", "update CIS_EKS_V1_8_0 with it");
    let mut problems = check_cis_edition("CIS EKS", CIS_EKS_VERSION, CIS_EKS_V1_8_0, &[]);
    for rule in registry() {
        let m = &rule.meta;
        for r in m.references {
            if r.source.starts_with("CIS") && !matches!(r.source, "CIS" | "CIS EKS") {
                problems.push(format!("{}: unknown CIS source {}", m.id, r.source));
            }
            if m.category == "managed-cluster" && r.source == "CIS" {
                problems.push(format!(
                    "{}: cites the Kubernetes benchmark's {}",
                    m.id, r.id
                ));
            }
        }
    }
    for id in ["api-server-public-endpoint", "control-plane-audit-logging"] {
        let m = &registry().iter().find(|r| r.meta.id == id).unwrap().meta;
        if !m.references.iter().any(|r| r.source == "CIS EKS") {
            problems.push(format!("{id}: cites no CIS EKS item"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
