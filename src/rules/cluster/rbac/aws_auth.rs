//! EKS aws-auth mappings of IAM identities into `system:masters`.

use super::*;

pub static AWS_AUTH_MASTERS: Rule = Rule {
    meta: RuleMeta {
        id: "rbac-aws-auth-system-masters",
        title: "EKS aws-auth maps an IAM identity to system:masters",
        severity: Severity::High,
        category: "rbac",
        profiles: HARDENED,
        references: &[
            Reference {
                source: "AWS EKS",
                id: "aws-auth",
                title: "Grant IAM users and roles access with the aws-auth ConfigMap",
                url: "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html",
            },
            Reference {
                source: "AWS EKS",
                id: "Best practices: identity and access management",
                title: "Controlling access to EKS clusters",
                url: "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html",
            },
            good_practices("Least privilege"),
            cis_k8s!("5.1.7", "Avoid use of system:masters group"),
        ],
        rationale: "On EKS the `mapRoles` and `mapUsers` entries of the kube-system/aws-auth ConfigMap turn IAM roles and users into Kubernetes users and groups. An entry whose `groups` include `system:masters` makes whoever can assume that IAM role (or holds that user's keys) a superuser that the API server admits before RBAC is consulted: no binding grants it, so none can limit or revoke it, and the audit trail shows only the mapped username. Node-instance roles mapped to `system:bootstrappers` and `system:nodes` are the normal form and are not reported. The embedded YAML text of both keys is read; AWS deprecates aws-auth in favour of EKS access entries. It is not `rbac-system-masters-binding`: that rule is about RoleBindings, which cannot grant the group anything; this mapping puts people in it (Trivy KSV-0115 and the EKS best-practices guide).",
        remediation: "Map the IAM role or user to a dedicated group and bind that group to a least-privilege role, or move to EKS access entries with a scoped access policy; keep cluster-admin access for a break-glass role.",
        help: "map the IAM identity to a dedicated group bound to a least-privilege role",
        bad_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups:\n      - system:masters\n",
        good_example: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/eks-node\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n      - system:bootstrappers\n      - system:nodes\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups:\n      - ops-viewers\n",
        pss: None,
        params: &[],
    },
    check: Some(check_aws_auth),
};

/// Where a one-line span of a literal block scalar's text (`mapRoles: |`)
/// sits in the source: each content line of a `|` block is a source line
/// with the block's indentation removed. `None` when the text cannot be
/// mapped back exactly (another style, an indentation indicator, a span
/// over several lines); the finding then sits on the data key.
fn block_span(map: &SourceMap, doc: &Document, value: NodeId, inner: Span) -> Option<Span> {
    let node = doc.node(value);
    let NodeKind::Scalar {
        text,
        style: ScalarStyle::Literal,
    } = &node.kind
    else {
        return None;
    };
    // The value's span starts on its first content line (or, in other
    // readers, on its `|` header): find the header line either way.
    let is_header = |line: usize| {
        let t = map.line_text(line).trim_end();
        let indicator = t.rsplit(' ').next().unwrap_or("");
        indicator.starts_with('|')
            && indicator[1..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
    };
    // Leading blank lines are part of a literal's text.
    let mut header = map.line_index(node.span.start);
    if !is_header(header) {
        header = header.checked_sub(1)?;
        while header > 0 && map.line_text(header).trim().is_empty() {
            header -= 1;
        }
        if !is_header(header) {
            return None;
        }
    }
    let before: String = text.chars().take(inner.start as usize).collect();
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().unwrap_or("").chars().count();
    let inner_line = text.split('\n').nth(line)?;
    let width = (inner.end - inner.start) as usize;
    if col + width > inner_line.chars().count() {
        return None;
    }
    let source = map.line_text(header + 1 + line);
    let indent = source.strip_suffix(inner_line)?;
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let start = map.line_start(header + 1 + line) as usize + indent.chars().count() + col;
    Some(Span::new(start, start + width))
}

fn check_aws_auth(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.named(Kind::CONFIG_MAP, "aws-auth") {
        // aws-auth is only read in kube-system; a manifest without a
        // namespace is applied there.
        if r.namespace().is_some_and(|n| n != "kube-system") {
            continue;
        }
        let doc = ctx.document(ri);
        let map = &ctx.file(ri).map;
        for (key, arn, noun, who) in [
            ("mapRoles", "rolearn", "IAM role", "can assume it"),
            ("mapUsers", "userarn", "IAM user", "holds its keys"),
        ] {
            let path = Path::parse("data").key(key);
            let Some(text) = r
                .json
                .get("data")
                .and_then(|d| d.get(key))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let located = crate::model::locate::locate(&doc, r.node, &path);
            // The embedded YAML, positions counted in `text`.
            let parsed = crate::yaml::parse::parse_general(text);
            let Some(inner) = parsed.documents.first() else {
                continue;
            };
            let Some(root) = inner.root else { continue };
            for &entry in inner.items(root) {
                let Some((_, groups)) = inner.get(entry, "groups") else {
                    continue;
                };
                let Some(&masters) = inner
                    .items(groups)
                    .iter()
                    .find(|&&g| inner.scalar(g) == Some("system:masters"))
                else {
                    continue;
                };
                let field = |k: &str| inner.get(entry, k).and_then(|(_, v)| inner.scalar(v));
                let id = field(arn).unwrap_or("(no ARN)");
                let user = field("username")
                    .map(|u| format!(" (username {u})"))
                    .unwrap_or_default();
                let mut f = Finding::new(
                    &AWS_AUTH_MASTERS.meta,
                    ri,
                    path.clone(),
                    format!(
                        "{} maps {noun} {id}{user} to group system:masters in {key}: whoever {who} is a cluster superuser admitted before RBAC, which no binding can limit or revoke; map it to a group bound to a least-privilege role",
                        describe(r),
                    ),
                );
                if located.exact {
                    f.span = block_span(map, &doc, located.node, inner.node(masters).span);
                }
                out.push(f);
            }
        }
    }
}
