//! Kinds as the rules ask for them, and fields read with their path.
//!
//! A [`Kind`] is a kind name and the API groups that serve it, declared
//! once here: every rule that asks for the resources of a kind
//! (`Context::of_kind`) gets the same answer, whatever apiVersion it would
//! have checked by hand. A group is matched at any of its versions (the
//! core group has only `v1`): a removed version is read like the current
//! one and reported by `deprecated-api-version`.
//!
//! A [`Field`] is a value of a resource together with the [`Path`] it was
//! read at, so a finding reports by construction the path it read.

use crate::model::value::Value;

use crate::model::path::Path;
use crate::model::resource::Resource;

/// A kind and the API groups that serve it (`""` is the core group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub name: &'static str,
    pub groups: &'static [&'static str],
}

const CORE: &[&str] = &[""];
const RBAC: &[&str] = &["rbac.authorization.k8s.io"];
const APISERVER_CONFIG: &[&str] = &["apiserver.config.k8s.io"];

impl Kind {
    pub const NAMESPACE: Kind = Kind::core("Namespace");
    pub const SERVICE: Kind = Kind::core("Service");
    pub const CONFIG_MAP: Kind = Kind::core("ConfigMap");
    pub const SECRET: Kind = Kind::core("Secret");
    pub const SERVICE_ACCOUNT: Kind = Kind::core("ServiceAccount");
    pub const LIMIT_RANGE: Kind = Kind::core("LimitRange");
    pub const RESOURCE_QUOTA: Kind = Kind::core("ResourceQuota");
    pub const POD: Kind = Kind::core("Pod");
    pub const NETWORK_POLICY: Kind = Kind::new("NetworkPolicy", &["networking.k8s.io"]);
    /// `extensions/v1beta1` served Ingress until Kubernetes 1.22.
    pub const INGRESS: Kind = Kind::new("Ingress", &["networking.k8s.io", "extensions"]);
    pub const ROLE: Kind = Kind::new("Role", RBAC);
    pub const CLUSTER_ROLE: Kind = Kind::new("ClusterRole", RBAC);
    pub const ROLE_BINDING: Kind = Kind::new("RoleBinding", RBAC);
    pub const CLUSTER_ROLE_BINDING: Kind = Kind::new("ClusterRoleBinding", RBAC);
    pub const CUSTOM_RESOURCE_DEFINITION: Kind =
        Kind::new("CustomResourceDefinition", &["apiextensions.k8s.io"]);
    /// The API server's `--encryption-provider-config` file.
    pub const ENCRYPTION_CONFIGURATION: Kind =
        Kind::new("EncryptionConfiguration", APISERVER_CONFIG);
    /// The API server's `--admission-control-config-file`.
    pub const ADMISSION_CONFIGURATION: Kind = Kind::new("AdmissionConfiguration", APISERVER_CONFIG);
    /// The PodSecurity plugin's configuration inside an AdmissionConfiguration.
    pub const POD_SECURITY_CONFIGURATION: Kind = Kind::new(
        "PodSecurityConfiguration",
        &["pod-security.admission.config.k8s.io"],
    );
    /// The API server's `--audit-policy-file`.
    pub const AUDIT_POLICY: Kind = Kind::new("Policy", &["audit.k8s.io"]);
    pub const KUBELET_CONFIGURATION: Kind =
        Kind::new("KubeletConfiguration", &["kubelet.config.k8s.io"]);
    pub const PEER_AUTHENTICATION: Kind = Kind::new("PeerAuthentication", &["security.istio.io"]);
    pub const DESTINATION_RULE: Kind = Kind::new("DestinationRule", &["networking.istio.io"]);
    /// eksctl's cluster file.
    pub const EKSCTL_CLUSTER_CONFIG: Kind = Kind::new("ClusterConfig", &["eksctl.io"]);

    const fn new(name: &'static str, groups: &'static [&'static str]) -> Kind {
        Kind { name, groups }
    }

    const fn core(name: &'static str) -> Kind {
        Kind::new(name, CORE)
    }

    /// Whether an object of `api_version` and `kind` is of this kind.
    pub fn matches(&self, api_version: &str, kind: &str) -> bool {
        kind == self.name && self.groups.contains(&group_of(api_version))
    }

    /// Whether a resource is of this kind.
    pub fn is(&self, r: &Resource) -> bool {
        self.matches(&r.id.api_version, &r.id.kind)
    }
}

/// The API group of an apiVersion: `""` for the core group's `v1`, the part
/// before the slash otherwise. Another slashless apiVersion names no group
/// (`"?"`), so no kind matches it.
pub fn group_of(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None if api_version == "v1" => "",
        None => "?",
    }
}

/// A value read from a resource, with the path it was read at.
#[derive(Clone, Debug)]
pub struct Field<'a> {
    pub value: &'a Value,
    pub path: Path,
}

impl<'a> Field<'a> {
    /// A resource's whole object, at the root path.
    pub fn of(r: &'a Resource) -> Field<'a> {
        Field {
            value: &r.json,
            path: Path::root(),
        }
    }

    /// The value at `key`, if the object has it.
    pub fn key(&self, key: &str) -> Option<Field<'a>> {
        Some(Field {
            value: self.value.get(key)?,
            path: self.path.key(key),
        })
    }

    /// The value at a dotted path of keys (`spec.type`).
    pub fn at(&self, dotted: &str) -> Option<Field<'a>> {
        dotted
            .split('.')
            .filter(|k| !k.is_empty())
            .try_fold(self.clone(), |f, k| f.key(k))
    }

    pub fn str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// The items of an array, each at its index (none when not an array).
    pub fn items(&self) -> impl Iterator<Item = Field<'a>> + '_ {
        self.value
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, value)| Field {
                value,
                path: self.path.index(i),
            })
    }

    /// The string items of an array, each at its index (other items are skipped).
    pub fn strings(&self) -> impl Iterator<Item = (&'a str, Path)> + '_ {
        self.items()
            .filter_map(|f| Some((f.value.as_str()?, f.path)))
    }

    /// The entries of an object, each at its key (none when not an object).
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, Field<'a>)> + '_ {
        self.value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, value)| {
                (
                    k,
                    Field {
                        value,
                        path: self.path.key(k),
                    },
                )
            })
    }
}

impl Resource {
    /// The value at a dotted path of keys of the object, with its path.
    pub fn field(&self, dotted: &str) -> Option<Field<'_>> {
        Field::of(self).at(dotted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_match_their_groups_at_any_version_and_core_at_v1_only() {
        assert!(Kind::SERVICE.matches("v1", "Service"));
        assert!(!Kind::SERVICE.matches("v2", "Service"));
        assert!(!Kind::SERVICE.matches("serving.knative.dev/v1", "Service"));
        assert!(Kind::NETWORK_POLICY.matches("networking.k8s.io/v1", "NetworkPolicy"));
        assert!(!Kind::NETWORK_POLICY.matches("crd.projectcalico.org/v1", "NetworkPolicy"));
        assert!(Kind::INGRESS.matches("extensions/v1beta1", "Ingress"));
        assert!(Kind::ROLE.matches("rbac.authorization.k8s.io/v1beta1", "Role"));
        // A group that only begins like the RBAC group is another group.
        assert!(!Kind::ROLE.matches("rbac.authorization.k8s.io.example.com/v1", "Role"));
        assert!(!Kind::ROLE.matches("rbac.authorization.k8s.io/v1", "ClusterRole"));
    }
}
