//! Managed clusters described as files: eksctl `ClusterConfig`
//! (eksctl.io/v1alpha5). eksctl creates the EKS API endpoint public and
//! private-off, and control-plane logging off, unless the file says otherwise.

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::model::resource::value_at;
use crate::rules::cluster::{k8s, strings};
use crate::rules::{Context, Finding, HARDENED, Rule, RuleMeta};

const EKSCTL_VPC: &str = "https://eksctl.io/usage/vpc-cluster-access/";
const EKSCTL_LOGGING: &str = "https://eksctl.io/usage/cloudwatch-cluster-logging/";

pub static PUBLIC_ENDPOINT: Rule = Rule {
    meta: RuleMeta {
        id: "api-server-public-endpoint",
        title: "Cluster API endpoint open to the internet",
        severity: Severity::High,
        category: "managed-cluster",
        profiles: HARDENED,
        references: &[
            k8s(
                "Cluster endpoint access",
                "eksctl: cluster access",
                EKSCTL_VPC,
            ),
            cis_eks!("5.4.1", "Restrict Access to the Control Plane Endpoint"),
        ],
        rationale: "A public API endpoint without `publicAccessCIDRs` is reachable from the whole internet: every authentication bug, leaked kubeconfig or credential-stuffing attempt is one request away.",
        remediation: "Set `vpc.clusterEndpoints.privateAccess: true` and `publicAccess: false`, or limit `vpc.publicAccessCIDRs` to your networks.",
        help: "make the endpoint private or set vpc.publicAccessCIDRs",
        bad_example: "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  region: eu-west-1\n",
        good_example: "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  region: eu-west-1\nvpc:\n  clusterEndpoints:\n    privateAccess: true\n    publicAccess: false\n",
        pss: None,
        params: &[],
    },
    check: Some(check_endpoint),
};

pub static AUDIT_LOGGING: Rule = Rule {
    meta: RuleMeta {
        id: "control-plane-audit-logging",
        title: "Managed control-plane audit logging off",
        severity: Severity::Medium,
        category: "managed-cluster",
        profiles: HARDENED,
        references: &[
            k8s(
                "CloudWatch logging",
                "eksctl: CloudWatch logging",
                EKSCTL_LOGGING,
            ),
            cis_eks!("2.1.1", "Enable audit Logs"),
        ],
        rationale: "On a managed cluster the provider's audit log is the only record of API requests; eksctl leaves every control-plane log type off unless `cloudWatch.clusterLogging` enables it.",
        remediation: "Add `audit` (and `authenticator`) to `cloudWatch.clusterLogging.enableTypes`, with a retention period.",
        help: "add audit to cloudWatch.clusterLogging.enableTypes",
        bad_example: "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  region: eu-west-1\ncloudWatch:\n  clusterLogging:\n    enableTypes: [api]\n",
        good_example: "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  region: eu-west-1\ncloudWatch:\n  clusterLogging:\n    enableTypes: [audit, authenticator, api]\n    logRetentionInDays: 90\n",
        pss: None,
        params: &[],
    },
    check: Some(check_logging),
};

fn clusters<'a>(
    ctx: &'a Context,
) -> impl Iterator<Item = (usize, &'a crate::model::resource::Resource)> {
    ctx.resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is("ClusterConfig") && r.id.api_version.starts_with("eksctl.io/"))
}

fn check_endpoint(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in clusters(ctx) {
        let public = value_at(&r.json, "vpc.clusterEndpoints.publicAccess");
        if public.and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let cidrs = strings(value_at(&r.json, "vpc.publicAccessCIDRs"));
        if !cidrs.is_empty() && !cidrs.iter().any(|(_, c)| *c == "0.0.0.0/0") {
            continue;
        }
        let path = if let Some((i, _)) = cidrs.iter().find(|(_, c)| *c == "0.0.0.0/0") {
            Path::parse("vpc.publicAccessCIDRs").index(*i)
        } else if public.is_some() {
            Path::parse("vpc.clusterEndpoints.publicAccess")
        } else {
            Path::parse("kind")
        };
        out.push(Finding::new(
            &PUBLIC_ENDPOINT.meta,
            ri,
            path,
            format!(
                "the cluster's API endpoint is public{} and open to every address (vpc.publicAccessCIDRs is unset or 0.0.0.0/0); make it private or list the allowed CIDRs",
                if public.is_none() { " (eksctl's default)" } else { "" }
            ),
        ));
    }
}

fn check_logging(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in clusters(ctx) {
        let types = strings(value_at(&r.json, "cloudWatch.clusterLogging.enableTypes"));
        if types
            .iter()
            .any(|(_, t)| matches!(*t, "audit" | "*" | "all"))
        {
            continue;
        }
        let path = if types.is_empty() {
            Path::parse("kind")
        } else {
            Path::parse("cloudWatch.clusterLogging.enableTypes")
        };
        out.push(Finding::new(&AUDIT_LOGGING.meta, ri, path, "control-plane audit logging is off (cloudWatch.clusterLogging.enableTypes has no audit): API requests leave no record; enable audit".into()));
    }
}
