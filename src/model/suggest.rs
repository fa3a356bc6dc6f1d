//! "Did you mean" for unknown fields.
//!
//! The field names of the structs users write most, from the schema table
//! (`schema_table.rs`); for an unknown key we pick the struct whose fields
//! best match the key's known siblings, then the closest field name in it.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The structs whose fields are offered, in this order (ties go to the
/// first), by name in the schema table.
const STRUCTS: &[&str] = &[
    "PodSpec",
    "Container",
    "SecurityContext",
    "PodSecurityContext",
    "Capabilities",
    "SeccompProfile",
    "AppArmorProfile",
    "SELinuxOptions",
    "Volume",
    "VolumeMount",
    "HostPathVolumeSource",
    "EnvVar",
    "EnvVarSource",
    "ResourceRequirements",
    "Probe",
    "ContainerPort",
    "PodTemplateSpec",
    "ServiceSpec",
    "ServicePort",
    "ObjectMeta",
    "LabelSelector",
    "DeploymentSpec",
    "StatefulSetSpec",
    "DaemonSetSpec",
    "JobSpec",
    "CronJobSpec",
    "JobTemplateSpec",
    "PolicyRule",
    "RoleRef",
    "Subject",
    "NetworkPolicySpec",
    "NetworkPolicyIngressRule",
    "NetworkPolicyEgressRule",
    "NetworkPolicyPeer",
];

/// The field names of each struct of `STRUCTS`, in declaration order.
fn field_sets() -> &'static [Vec<&'static str>] {
    static SETS: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    SETS.get_or_init(|| {
        STRUCTS
            .iter()
            .filter_map(|name| crate::model::schema_check::structure(name))
            .map(|s| s.fields.iter().map(|f| f.0).collect())
            .collect()
    })
}

/// The closest known field to `key`, given the other keys of its object.
pub fn suggest(key: &str, siblings: &[&str]) -> Option<&'static str> {
    Suggester::new(siblings.iter().copied().filter(|s| *s != key)).suggest(key)
}

/// The candidate closest to `key` (case-insensitive edit distance within a
/// third of its length), for any "did you mean": config keys, rule ids.
pub fn closest<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    candidates
        .iter()
        .copied()
        // The distance is at least the difference in length: skip those
        // too far apart before paying for it.
        .filter(|c| c.len().abs_diff(key.len()) <= (c.len() / 3).max(1))
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

/// Did-you-mean for the keys of one mapping. How well each known struct
/// matches the mapping's keys is counted once, so a mapping of n unknown
/// keys costs O(n), not O(n²) (every key used to rescan all its siblings).
pub struct Suggester<'a> {
    present: HashSet<&'a str>,
    /// Per field set: how many of the mapping's keys it has.
    scores: Vec<usize>,
}

impl<'a> Suggester<'a> {
    pub fn new(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let present: HashSet<&'a str> = keys.into_iter().collect();
        let scores = field_sets()
            .iter()
            .map(|set| set.iter().filter(|f| present.contains(*f)).count())
            .collect();
        Suggester { present, scores }
    }

    /// The closest known field to `key`, one of the mapping's keys (which
    /// does not count as its own sibling).
    pub fn suggest(&self, key: &str) -> Option<&'static str> {
        let sets = field_sets();
        let own = self.present.contains(key);
        // Structs that hold the most siblings; ties (Container and Volume both
        // have `name` and `image`) all offer their fields.
        let score = |i: usize| self.scores[i] - usize::from(own && sets[i].contains(&key));
        let best = (0..sets.len()).map(score).max().unwrap_or(0);
        // Field names are short: a key much longer than all of them is no
        // typo of one, and its edit distance would cost time and memory.
        if key.len() > MAX_FIELD_LEN * 2 {
            return None;
        }
        let lower = key.to_ascii_lowercase();
        (0..sets.len())
            .filter(|&i| best == 0 || score(i) == best)
            .flat_map(|i| sets[i].iter().copied())
            .filter(|c| c.len().abs_diff(key.len()) <= (c.len() / 3).max(1) && *c != key)
            .map(|c| {
                (
                    strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                    c,
                )
            })
            .filter(|&(d, c)| d <= (c.len() / 3).max(1))
            .min_by_key(|&(d, _)| d)
            .map(|(_, c)| c)
    }
}

/// Longer than every recorded field name (`terminationMessagePolicy` and the
/// like are about 30 characters).
const MAX_FIELD_LEN: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every struct offered is in the table, with the fields k8s-openapi
    /// gives it.
    #[test]
    fn field_sets_are_k8s_openapis() {
        use k8s_openapi::api::core::v1 as core;
        use serde::de::{self, Deserialize, Visitor};
        struct Recorder<'a>(&'a mut Vec<&'static [&'static str]>);
        impl<'de> de::Deserializer<'de> for Recorder<'_> {
            type Error = de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(de::Error::custom("recorded"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0.push(fields);
                Err(de::Error::custom("recorded"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
                unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        assert_eq!(field_sets().len(), STRUCTS.len());
        let mut recorded = Vec::new();
        let _ = core::PodSpec::deserialize(Recorder(&mut recorded));
        let _ = core::Container::deserialize(Recorder(&mut recorded));
        assert_eq!(field_sets()[0], recorded[0]);
        assert_eq!(field_sets()[1], recorded[1]);
    }

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
