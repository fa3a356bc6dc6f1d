//! Managed clusters described as files: eksctl `ClusterConfig`
//! (eksctl.io/v1alpha5). eksctl creates the EKS API endpoint public and
//! private-off, and control-plane logging off, unless the file says otherwise.

use crate::diagnostic::Severity;
use crate::model::path::Path;
use crate::rules::cluster::k8s;
use crate::rules::{Context, Finding, HARDENED, Kind, Rule, RuleMeta};

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

fn check_endpoint(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.of_kind(Kind::EKSCTL_CLUSTER_CONFIG) {
        let public = r.field("vpc.clusterEndpoints.publicAccess");
        if public.as_ref().and_then(|p| p.value.as_bool()) == Some(false) {
            continue;
        }
        let cidrs: Vec<(&str, Path)> = r
            .field("vpc.publicAccessCIDRs")
            .map(|c| c.strings().collect())
            .unwrap_or_default();
        let open = cidrs.iter().find(|(c, _)| *c == "0.0.0.0/0");
        if !cidrs.is_empty() && open.is_none() {
            continue;
        }
        let unset = public.is_none();
        let path = match (open, public) {
            (Some((_, at)), _) => at.clone(),
            (None, Some(public)) => public.path,
            (None, None) => Path::parse("kind"),
        };
        out.push(Finding::new(
            &PUBLIC_ENDPOINT.meta,
            ri,
            path,
            format!(
                "the cluster's API endpoint is public{} and open to every address (vpc.publicAccessCIDRs is unset or 0.0.0.0/0); make it private or list the allowed CIDRs",
                if unset { " (eksctl's default)" } else { "" }
            ),
        ));
    }
}

fn check_logging(ctx: &Context, out: &mut Vec<Finding>) {
    for (ri, r) in ctx.of_kind(Kind::EKSCTL_CLUSTER_CONFIG) {
        let enabled = r.field("cloudWatch.clusterLogging.enableTypes");
        let types: Vec<&str> = enabled
            .iter()
            .flat_map(|e| e.strings().map(|(t, _)| t))
            .collect();
        if types.iter().any(|t| matches!(*t, "audit" | "*" | "all")) {
            continue;
        }
        let path = match enabled {
            Some(e) if !types.is_empty() => e.path,
            _ => Path::parse("kind"),
        };
        out.push(Finding::new(&AUDIT_LOGGING.meta, ri, path, "control-plane audit logging is off (cloudWatch.clusterLogging.enableTypes has no audit): API requests leave no record; enable audit".into()));
    }
}
