//! Per-rule finding counts of the cluster-level rules over the real corpus
//! (../shared/corpus/real), pinned. Every finding counted here was read by
//! hand against its manifest (argo-cd, calico, cert-manager, dashboard,
//! flannel, ingress-nginx, kube-state-metrics, kubernetes/examples,
//! metrics-server, prometheus-operator) and is a true positive by the rule's
//! definition; false positives found on the way were fixed in the rules
//! (`serviceaccounts/token` scoped with resourceNames, as calico-node does, is
//! not an escalation; an allow-all peer limited to some ports is low
//! severity). The PersistentVolume / aws-auth escalation (argo-cd's
//! application controller, `*` on `*`) and the five `rbac-network-bypass`
//! findings (argo-cd's controller and server through `*`, calico-kube-
//! controllers' services/status update for LoadBalancer IPAM, tigera-operator's
//! and prometheus-operator's endpoints create/update) were read the same way.
//! When the older escalation grants (pods/exec, RBAC and webhook writes,
//! nodes/proxy, CSR approval...) began to match through `*` as the
//! authorizer does, argo-cd's application controller (`*` on `*` on `*`)
//! kept its one finding on its `*` resources item, now listing the 20
//! permissions it goes through, and argocd-server (delete/get/patch on `*`
//! in `*`) gained one: websocket exec and attach (`get`), nodes/proxy,
//! CSR approval and patching roles, bindings and admission webhooks, all
//! true by the rule's definition (20 -> 21). When escalate, bind and
//! impersonate began to count only on the resources they apply to, each on
//! the resources item that reaches them, tigera-operator's bind and escalate
//! (on roles and clusterroles) moved from its verbs items into its roles and
//! clusterroles findings (21 -> 19, nothing lost; no corpus role names those
//! verbs on other resources). When rbac-secrets-read began to match `*`,
//! argo-cd's application controller (`*` on `*` on `*`) and argocd-server
//! (`get` on `*` in `*`) and prometheus-operator's `*` verbs on configmaps
//! and secrets were reported, each saying which wildcards the read goes
//! through, and cert-manager's webhook Role (get/list/watch scoped to its
//! one named CA Secret with resourceNames, which limits list and watch too)
//! no longer is (22 -> 24), taking its rbac-workload-takeover finding with
//! it (31 -> 30). No corpus manifest carries an
//! aws-auth ConfigMap or the bootstrap cluster-admin binding. A changed
//! count means a rule changed what it reports on real manifests: read the
//! new findings before updating the table.
//!
//! A few workload rules (those added after the PSS table in corpus_pss.rs)
//! are pinned here as well.
//!
//! The corpus has no control-plane manifests, config files, Istio/Linkerd or
//! eksctl files: those rules are pinned at zero here (no false positives on
//! ordinary manifests) and exercised by tests/fixtures/cluster.

mod common;

use std::collections::BTreeMap;

use kubeharden::{Options, check};

const PINNED: &[(&str, usize)] = &[
    ("rbac-wildcard", 15),
    ("rbac-cluster-admin-binding", 0),
    ("rbac-anonymous-binding", 0),
    ("rbac-secrets-read", 24),
    ("rbac-privilege-escalation", 19),
    ("rbac-network-bypass", 5),
    ("rbac-system-masters-binding", 0),
    ("rbac-aws-auth-system-masters", 0),
    ("rbac-prefer-namespaced", 2),
    ("rbac-workload-takeover", 30),
    // rbac-workload-creation (10), each ClusterRole read against its rules:
    // argo-cd's application controller (`*` on `*` on `*`: 15 ways, one
    // finding) and argocd-server (patch on `*` in `*`, and create jobs for
    // its resource actions); tigera-operator (create/update pods,
    // deployments, daemonsets, statefulsets, create jobs; its named Job
    // update is not counted, a Job's template being immutable);
    // cert-manager's challenges controller (creates HTTP01 solver pods);
    // prometheus-operator (`*` verbs on statefulsets). No corpus Role
    // creates workloads outside kube-system.
    ("rbac-workload-creation", 10),
    ("network-policy-default-deny", 19),
    ("network-policy-allow-all", 6),
    // Argo CD's seven policies are policyTypes [Ingress] only: egress stays open.
    ("network-policy-coverage", 7),
    ("namespace-pod-security-label", 6),
    ("namespace-resource-policies", 19),
    ("service-node-port", 3),
    ("service-load-balancer", 1),
    ("service-external-ips", 0),
    ("service-external-name-local", 0),
    // No corpus Service or container uses port 22 or a port named ssh.
    ("service-ssh-port", 0),
    ("ingress-tls", 0),
    ("ingress-nginx-snippets", 0),
    ("configmap-secret-data", 0),
    ("service-account-token-secret", 0),
    ("apiserver-anonymous-auth", 0),
    ("apiserver-authorization-mode", 0),
    ("apiserver-admission-plugins", 0),
    ("apiserver-audit-log", 0),
    ("apiserver-profiling", 0),
    ("apiserver-insecure", 0),
    ("apiserver-external-ips", 0),
    ("apiserver-event-rate-limit", 0),
    ("apiserver-always-pull-images", 0),
    ("apiserver-service-account-token-expiration", 0),
    ("etcd-client-cert-auth", 0),
    ("etcd-peer-tls", 0),
    ("etcd-auto-tls", 0),
    ("etcd-unique-ca", 0),
    ("controller-manager-profiling", 0),
    ("controller-manager-service-account-credentials", 0),
    ("controller-manager-bind-address", 0),
    ("controller-manager-keys", 0),
    ("controller-manager-terminated-pod-gc", 0),
    ("scheduler-profiling", 0),
    ("scheduler-bind-address", 0),
    // kubelet-*: the corpus holds no KubeletConfiguration and no container
    // that runs the kubelet, so 0 for every kubelet rule, the three CIS 4.2.5,
    // 4.2.7 and 4.2.8 ones included, now that command lines are read too.
    // Reading command lines first found 12 on prometheus-operator's
    // Deployment, whose first argument `--kubelet-service=kube-system/kubelet`
    // was taken for a `kubelet` binary (a path's last segment): false
    // positives, and the same mistake could name any component; a flag is
    // never a binary now (model/command_line.rs).
    ("kubelet-anonymous-auth", 0),
    ("kubelet-authorization-mode", 0),
    ("kubelet-client-ca-file", 0),
    ("kubelet-read-only-port", 0),
    ("kubelet-protect-kernel-defaults", 0),
    ("kubelet-certificate-rotation", 0),
    ("kubelet-iptables-util-chains", 0),
    ("kubelet-tls-cipher-suites", 0),
    ("kubelet-pod-pids-limit", 0),
    ("kubelet-seccomp-default", 0),
    ("kubelet-streaming-idle-timeout", 0),
    ("kubelet-hostname-override", 0),
    ("kubelet-event-qps", 0),
    ("encryption-provider", 0),
    ("audit-policy", 0),
    ("admission-pod-security-defaults", 0),
    ("api-server-public-endpoint", 0),
    ("control-plane-audit-logging", 0),
    ("mesh-mtls", 0),
    ("mesh-injection-disabled", 0),
    ("mesh-port-skipping", 0),
    ("deprecated-api-version", 5),
    // Workload rules pinned here too. emptydir-size-limit: all 17 are
    // `emptyDir: {}` volumes in pods where no container sets an
    // ephemeral-storage limit and the input has no LimitRange for it:
    // argo-cd (13: repo-server 5, server 2, dex-server 2,
    // applicationset-controller 2, application-controller 2), dashboard
    // (tmp-volume of the dashboard and of the metrics scraper),
    // metrics-server (tmp-dir), prometheus-adapter (certs). The one
    // memory-backed volume (vllm /dev/shm) is not reported. No corpus
    // manifest runs sudo, in its command and args or in a lifecycle hook or
    // exec probe (calico's, ingress-nginx's and cassandra's hooks and probes
    // run calico, /wait-shutdown, nodetool and a probe script).
    ("sudo-in-command", 0),
    // privileged-port: ingress-nginx controller 80 and 443 in both deploys
    // (4; it adds NET_BIND_SERVICE to bind them as UID 101), the archived
    // https-nginx 80 and 443, the archived nfs-server's rpcbind 111 (its 2049
    // and 20048 are not reported), guestbook's php-redis frontend on 80.
    ("privileged-port", 8),
    ("emptydir-size-limit", 17),
    // No corpus manifest runs Tiller; the one Dashboard (v2.7.0's
    // recommended.yaml) passes only --auto-generate-certificates and
    // --namespace, and its metrics scraper is not a Dashboard image.
    ("helm-tiller", 0),
    ("dashboard-insecure-auth", 0),
    // image-pull-policy: 14 explicit IfNotPresent on mutable tags (argo-cd's
    // secret-init on :latest, calico's five and tigera-operator's :master,
    // cert-manager's three, cockroachdb's two, nfs-busybox, metrics-server)
    // and, since the defaulted IfNotPresent counts too, 18 tagged images with
    // no imagePullPolicy and no digest (dashboard's metrics scraper, flannel's
    // three, kube-state-metrics' three layouts, tensorflow-serving, vllm and
    // its prometheus-adapter, https-nginx, nfs-server, the two guestbooks'
    // four, prometheus-operator and its admission webhook). Images pinned by
    // digest (ingress-nginx's controller and certgen) are not reported.
    ("image-pull-policy", 32),
    // env-secret-literal: the archived minio's MINIO_SECRET_KEY "minio123"
    // (its 5-letter MINIO_ACCESS_KEY "minio" is too short to judge), the
    // archived sysdig agent's ACCESS_KEY and mysql-cinder-pd's
    // MYSQL_ROOT_PASSWORD, literal values in the manifest; unchanged when
    // the credential names and placeholders became the ones
    // configmap-secret-data uses (rules/credentials.rs).
    ("env-secret-literal", 3),
    // host-users: every pod spec with neither hostUsers: false nor a host
    // network, PID or IPC namespace (40: argo-cd's 7, cert-manager's 3,
    // ingress-nginx's 3 per deploy, the dashboard's 2, calico-kube-
    // controllers, kube-state-metrics' 3 layouts, metrics-server,
    // prometheus-operator and its webhook, and the kubernetes/examples
    // workloads). calico-node, flannel, tigera-operator and the sysdig and
    // newrelic agents use host namespaces and are skipped. No corpus pod
    // sets hostUsers at all.
    ("host-users", 40),
];

#[test]
fn cluster_rule_counts_over_the_real_corpus() {
    let Some((_, files)) = common::corpus_files("cluster rule counts over the real corpus") else {
        return;
    };
    let mut counts: BTreeMap<&str, usize> = PINNED.iter().map(|(id, _)| (*id, 0)).collect();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for d in check(&text, &Options::default()).diagnostics {
            if let Some(n) = counts.get_mut(d.rule.as_str()) {
                *n += 1;
            }
        }
    }
    let diff: Vec<String> = PINNED
        .iter()
        .filter(|(id, n)| counts[id] != *n)
        .map(|(id, n)| format!("{id}: pinned {n}, now {}", counts[id]))
        .collect();
    assert!(
        diff.is_empty(),
        "cluster rule counts changed over the corpus (read the findings, then update PINNED):\n{}",
        diff.join("\n")
    );
}

#[test]
fn every_cluster_rule_is_pinned() {
    // A new cluster rule gets a row here once its corpus findings are read.
    let ids: Vec<&str> = PINNED.iter().map(|(id, _)| *id).collect();
    for id in ids {
        assert!(kubeharden::rules::find(id).is_some(), "{id} is not a rule");
    }
}
