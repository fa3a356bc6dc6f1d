//! `rbac-secrets-read`: read access to Secrets.

use super::*;

pub static SECRETS_READ: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-secrets-read",
        title: "Read access to Secrets",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            cis_k8s!("5.1.2", "Minimize access to secrets"),
            good_practices("Listing secrets"),
            NSA_RBAC,
        ],
        rationale: "Reading Secrets reads every credential in scope, including ServiceAccount tokens of more privileged accounts. `list` and `watch` return the contents too, not just names. Matched as the authorizer reads the rule, like `rbac-privilege-escalation`: `*` in verbs, apiGroups (the core group) or resources grants the reads too, and the finding then says which wildcards it goes through. A rule with resourceNames is not reported, whatever its read verbs: it reads only the named Secrets (a list or watch is then authorized only with a `metadata.name` field selector naming one of them).",
        remediation: "Drop get/list/watch on secrets, or restrict the reads to the named Secrets the workload needs with `resourceNames`.",
        help: "restrict access to named secrets with resourceNames and `get` only",
        bad_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"get\", \"list\"]\n",
        good_example: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  resourceNames: [\"app-tls\"]\n  verbs: [\"get\"]\n",
        pss: None,
        params: &[],
    },
    check: Some(check_secrets),
};

const READ: &[&str] = &["get", "list", "watch"];
pub(super) const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

/// get, list or watch on Secrets, matched like the escalation grants
/// (`*` in verbs, apiGroups or resources grants them too). resourceNames
/// scopes all three to the named Secrets (a list or watch is then only
/// authorized with a `metadata.name` field selector naming one of them), the
/// narrow, recommended form: not reported.
pub(super) fn secrets(r: &Resource) -> Vec<Grant> {
    let mut out = Vec::new();
    for rule in rules(r) {
        if rule.resource_names > 0 {
            continue;
        }
        let named: Vec<&str> = rule
            .verbs
            .iter()
            .map(|(_, v)| *v)
            .filter(|v| READ.contains(v))
            .collect();
        let star = rule.verbs.iter().any(|(_, v)| *v == "*");
        let reads = if star { READ.to_vec() } else { named.clone() };
        let mut hits = rule.grants("", "secrets", READ);
        // `["list", "*"]`: get and watch still come through the `*`.
        if star && named.len() < READ.len() {
            for (_, through) in &mut hits {
                let verbs = "\"*\" in verbs".to_string();
                if !through.contains(&verbs) {
                    let at = usize::from(through.first().is_some_and(|t| t.ends_with("apiGroups")));
                    through.insert(at, verbs);
                }
            }
        }
        add(
            &mut out,
            &rule,
            hits,
            &format!("{} on secrets", reads.join("/")),
        );
    }
    out
}

fn check_secrets(ctx: &Context, out: &mut Vec<Finding>) {
    report_grants(
        ctx,
        out,
        &SECRETS_READ.meta,
        secrets,
        "reads of secrets",
        ": it reads every credential in scope; restrict to `get` with resourceNames",
    );
}
