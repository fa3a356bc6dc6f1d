//! The real corpus through the `restricted` profile: every Pod Security
//! Standards finding, counted per rule and per file and pinned.
//!
//! Checked by hand: argo-cd, cert-manager, ingress-nginx, kube-state-metrics,
//! metrics-server and prometheus-operator are built to run under the
//! restricted level and get no PSS finding at all. The findings below are all
//! true positives: calico-node, flannel and the archived newrelic/sysdig/
//! flexvolume agents run privileged with host namespaces and hostPath
//! volumes; the dashboard (v2.7.0) runs as UID 1001 but sets neither
//! `runAsNonRoot: true` nor `capabilities.drop: [ALL]`; calico sets a
//! RuntimeDefault seccomp profile (no seccomp finding there); the
//! kubernetes/examples workloads set no security context. A changed count
//! means a rule changed what it reports on real manifests: read the new
//! findings before updating the table.

mod common;

use std::collections::BTreeMap;

use kubeharden::check;
use kubeharden::options::Options;
use kubeharden::rules::{Profile, find};

const PER_RULE: &[(&str, usize)] = &[
    ("capabilities-restricted", 32),
    ("restricted-volumes", 30),
    ("run-as-non-root", 28),
    ("allow-privilege-escalation", 27),
    ("seccomp-profile-restricted", 22),
    ("host-namespaces", 8),
    ("privileged", 8),
    ("host-ports", 1),
];

/// Projects that must get no PSS finding at restricted.
const CLEAN: &[&str] = &[
    "argo-cd/",
    "cert-manager/",
    "ingress-nginx/",
    "kube-state-metrics/",
    "metrics-server/",
    "prometheus-operator/",
];

#[test]
fn pss_findings_on_the_real_corpus_at_restricted() {
    let Some((root, files)) = common::corpus_files("PSS findings on the real corpus") else {
        return;
    };
    let options = Options {
        profile: Profile::Restricted,
        ..Options::default()
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut unclean = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(f).unwrap();
        for d in check(&text, &options).diagnostics {
            let category = find(&d.rule).map(|r| r.meta.category).unwrap_or("");
            if category != "pod-security" {
                continue;
            }
            *counts.entry(d.rule.clone()).or_default() += 1;
            if CLEAN.iter().any(|c| rel.starts_with(c)) {
                unclean.push(format!(
                    "{rel}:{}: {} {}",
                    d.range.start.line + 1,
                    d.rule,
                    d.message
                ));
            }
        }
    }
    assert!(
        unclean.is_empty(),
        "restricted-compliant projects flagged:\n{}",
        unclean.join("\n")
    );
    let expected: BTreeMap<String, usize> =
        PER_RULE.iter().map(|(r, n)| (r.to_string(), *n)).collect();
    assert_eq!(counts, expected);
}
