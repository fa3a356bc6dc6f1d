//! Kubernetes objects found in the input: their identity, JSON and place.
//! (In tests, also the typed k8s-openapi objects the schema check is held
//! to.)

use crate::model::value::Value;
#[cfg(test)]
use k8s_openapi::api::{
    admissionregistration::v1 as admission, apps::v1 as apps, batch::v1 as batch, core::v1 as core,
    networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
};
use serde::Serialize;

use crate::model::path::Path;
#[cfg(test)]
use crate::model::schema::{SchemaProblem, decode};
use crate::source::Range;
use crate::yaml::tree::NodeId;

#[cfg(test)]
macro_rules! objects {
    ($($variant:ident => $ty:ty),* $(,)?) => {
        /// A known built-in kind, decoded with k8s-openapi (newest API
        /// version): what the table-driven schema check (`schema_check`)
        /// is tested against (`schema_diff`), kept out of the build.
        #[derive(Debug)]
        pub enum Object {
            $($variant(Box<$ty>),)*
            /// Not a built-in kind (a custom resource, an old API version) or
            /// not decodable: rules read the JSON.
            Other,
        }

        impl Object {
            pub fn decode(api_version: &str, kind: &str, value: &Value, problems: &mut Vec<SchemaProblem>) -> Object {
                $(
                    if kind == <$ty as k8s_openapi::Resource>::KIND
                        && api_version == <$ty as k8s_openapi::Resource>::API_VERSION
                    {
                        return decode::<$ty>(value, problems).map_or(Object::Other, |v| Object::$variant(Box::new(v)));
                    }
                )*
                Object::Other
            }
        }
    };
}

#[cfg(test)]
objects! {
    Pod => core::Pod,
    PodTemplate => core::PodTemplate,
    ReplicationController => core::ReplicationController,
    Namespace => core::Namespace,
    ServiceAccount => core::ServiceAccount,
    Service => core::Service,
    Secret => core::Secret,
    ConfigMap => core::ConfigMap,
    LimitRange => core::LimitRange,
    ResourceQuota => core::ResourceQuota,
    Deployment => apps::Deployment,
    StatefulSet => apps::StatefulSet,
    DaemonSet => apps::DaemonSet,
    ReplicaSet => apps::ReplicaSet,
    Job => batch::Job,
    CronJob => batch::CronJob,
    Role => rbac::Role,
    ClusterRole => rbac::ClusterRole,
    RoleBinding => rbac::RoleBinding,
    ClusterRoleBinding => rbac::ClusterRoleBinding,
    NetworkPolicy => net::NetworkPolicy,
    Ingress => net::Ingress,
    IngressClass => net::IngressClass,
    PodDisruptionBudget => policy::PodDisruptionBudget,
    ValidatingWebhookConfiguration => admission::ValidatingWebhookConfiguration,
    MutatingWebhookConfiguration => admission::MutatingWebhookConfiguration,
}

/// Identity of a resource, as diagnostics show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceId {
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

#[derive(Debug)]
pub struct Resource {
    pub id: ResourceId,
    /// Index of the source (file) in the bundle.
    pub source: usize,
    /// Index of the document in its source.
    pub doc: usize,
    /// The object's node (an item's node for `kind: List`).
    pub node: NodeId,
    /// Where the object sits in its document (`items[2]` in a List).
    pub base: Path,
    /// The object as Kubernetes reads it.
    pub json: Value,
    pub range: Range,
}

impl Resource {
    /// The namespace the object names (`metadata.namespace`), or `None`
    /// when it names none: such an object lands in whatever namespace it is
    /// applied to (`kubectl apply -n`, the context's default), so rules
    /// treat it as matching any namespace rather than assume `default`.
    pub fn namespace(&self) -> Option<&str> {
        self.id.namespace.as_deref()
    }

    pub fn is(&self, kind: &str) -> bool {
        self.id.kind == kind
    }
}

pub fn str_at<'v>(value: &'v Value, dotted: &str) -> Option<&'v str> {
    value_at(value, dotted)?.as_str()
}

pub fn value_at<'v>(value: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted.split('.').try_fold(value, |v, k| v.get(k))
}

/// The strings of a JSON array (other items are skipped), with their index.
pub fn strings(v: Option<&Value>) -> Vec<(usize, &str)> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, s)| Some((i, s.as_str()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// `(index, item)` of a JSON array at a dotted path.
pub fn items<'v>(v: &'v Value, dotted: &str) -> Vec<(usize, &'v Value)> {
    value_at(v, dotted)
        .and_then(Value::as_array)
        .map(|a| a.iter().enumerate().collect())
        .unwrap_or_default()
}
