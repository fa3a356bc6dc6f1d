//! "Did you mean" for unknown fields.
//!
//! k8s-openapi's `Deserialize` impls announce their field names through
//! `deserialize_struct(name, FIELDS, ..)`. A recording deserializer collects
//! those lists once; for an unknown key we pick the struct whose fields best
//! match the key's known siblings, then the closest field name in it.

use std::sync::OnceLock;

use k8s_openapi::api::{
    apps::v1 as apps, batch::v1 as batch, core::v1 as core, networking::v1 as net, rbac::v1 as rbac,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde::de::{self, Deserialize, Visitor};

#[derive(Debug)]
struct Recorded;

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("recorded")
    }
}
impl std::error::Error for Recorded {}
impl de::Error for Recorded {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Recorded
    }
}

struct FieldRecorder<'a>(&'a mut Vec<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for FieldRecorder<'_> {
    type Error = Recorded;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Recorded> {
        Err(Recorded)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Recorded> {
        self.0.push(fields);
        Err(Recorded)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

fn record<T: for<'de> Deserialize<'de>>(out: &mut Vec<&'static [&'static str]>) {
    let _ = T::deserialize(FieldRecorder(out));
}

fn field_sets() -> &'static [&'static [&'static str]] {
    static SETS: OnceLock<Vec<&'static [&'static str]>> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut v = Vec::new();
        record::<core::PodSpec>(&mut v);
        record::<core::Container>(&mut v);
        record::<core::SecurityContext>(&mut v);
        record::<core::PodSecurityContext>(&mut v);
        record::<core::Capabilities>(&mut v);
        record::<core::SeccompProfile>(&mut v);
        record::<core::AppArmorProfile>(&mut v);
        record::<core::SELinuxOptions>(&mut v);
        record::<core::Volume>(&mut v);
        record::<core::VolumeMount>(&mut v);
        record::<core::HostPathVolumeSource>(&mut v);
        record::<core::EnvVar>(&mut v);
        record::<core::EnvVarSource>(&mut v);
        record::<core::ResourceRequirements>(&mut v);
        record::<core::Probe>(&mut v);
        record::<core::ContainerPort>(&mut v);
        record::<core::PodTemplateSpec>(&mut v);
        record::<core::ServiceSpec>(&mut v);
        record::<core::ServicePort>(&mut v);
        record::<meta::ObjectMeta>(&mut v);
        record::<meta::LabelSelector>(&mut v);
        record::<apps::DeploymentSpec>(&mut v);
        record::<apps::StatefulSetSpec>(&mut v);
        record::<apps::DaemonSetSpec>(&mut v);
        record::<batch::JobSpec>(&mut v);
        record::<batch::CronJobSpec>(&mut v);
        record::<batch::JobTemplateSpec>(&mut v);
        record::<rbac::PolicyRule>(&mut v);
        record::<rbac::RoleRef>(&mut v);
        record::<rbac::Subject>(&mut v);
        record::<net::NetworkPolicySpec>(&mut v);
        record::<net::NetworkPolicyIngressRule>(&mut v);
        record::<net::NetworkPolicyEgressRule>(&mut v);
        record::<net::NetworkPolicyPeer>(&mut v);
        v
    })
}

/// The closest known field to `key`, given the other keys of its object.
pub fn suggest(key: &str, siblings: &[&str]) -> Option<&'static str> {
    let sets = field_sets();
    // Structs that hold the most siblings; ties (Container and Volume both
    // have `name` and `image`) all offer their fields.
    let score = |set: &&[&str]| siblings.iter().filter(|s| set.contains(s)).count();
    let best = sets.iter().map(score).max().unwrap_or(0);
    let candidates: Vec<&'static str> = sets
        .iter()
        .filter(|set| best == 0 || score(set) == best)
        .flat_map(|set| set.iter().copied())
        .collect();
    closest(key, &candidates)
}

/// The candidate closest to `key` (case-insensitive edit distance within a
/// third of its length), for any "did you mean": config keys, rule ids.
pub fn closest<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    candidates
        .iter()
        .copied()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|&(d, c)| d <= (c.len() / 3).max(1) && c != key)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_field_of_the_right_struct() {
        assert_eq!(
            suggest("securityContex", &["name", "image"]),
            Some("securityContext")
        );
        assert_eq!(suggest("privilegd", &["runAsNonRoot"]), Some("privileged"));
        assert_eq!(
            suggest("runasnonroot", &["privileged"]),
            Some("runAsNonRoot")
        );
        assert_eq!(suggest("zzzzzzzz", &["name"]), None);
    }
}
