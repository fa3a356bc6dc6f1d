//! Volume Types (restricted, since v1.0; `restrictedVolumes`).
//!
//! > The Restricted policy only permits the following volume types.
//! > Restricted fields: `spec.volumes[*]`. Allowed values: every item in the
//! > `spec.volumes[*]` list must set one of the following fields to a
//! > non-null value: `spec.volumes[*].configMap`, `.csi`, `.downwardAPI`,
//! > `.emptyDir`, `.ephemeral`, `.image`, `.persistentVolumeClaim`,
//! > `.projected`, `.secret`.
//!
//! A volume with no source at all is an emptyDir (the API server defaults it
//! so; fixture `restricted/v1.37/pass/restrictedvolumes0`, volume `volume0`).
//! Overrides `host-path-volumes` at every version.

use crate::diagnostic::Severity;
use crate::rules::pod_security::host_path_volumes::mounted_by;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

use crate::model::pod::Volume;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "restricted-volumes",
        title: "Volume type outside the restricted set",
        severity: Severity::Medium,
        category: "pod-security",
        profiles: PSS_RESTRICTED,
        references: &[
            pss("restrictedVolumes", "Restricted: Volume Types"),
            nsa("Pod security", "Kubernetes Pod security"),
        ],
        rationale: "Volume types other than the ephemeral and API-backed ones mount node paths (hostPath) or connect the node to storage servers on the pod author's behalf (nfs, iscsi, rbd, gitRepo, flexVolume...), with node credentials and kernel drivers in play. Persistent storage belongs behind a PersistentVolumeClaim, where cluster administrators control it.",
        remediation: "Use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; reach network storage through a PersistentVolumeClaim.",
        help: "use an allowed volume type (a persistentVolumeClaim for storage)",
        bad_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n  volumes:\n  - name: shared\n    nfs:\n      server: nfs.example.com\n      path: /exports/web\n",
        good_example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n  volumes:\n  - name: shared\n    persistentVolumeClaim:\n      claimName: web-data\n",
        pss: Some(
            PssCheck::new("restrictedVolumes", PssLevel::Restricted)
                .overriding("host-path-volumes", 0),
        ),
        params: &[],
    },
    check: Some(check),
};

const ALLOWED: &str = "configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret";

fn allowed(v: &Volume) -> bool {
    v.config_map.is_some()
        || v.csi.is_some()
        || v.downward_api.is_some()
        || v.empty_dir.is_some()
        || v.ephemeral.is_some()
        || v.image.is_some()
        || v.persistent_volume_claim.is_some()
        || v.projected.is_some()
        || v.secret.is_some()
}

/// The volume's source fields that are set, by their JSON names in
/// alphabetical order (the order of `Volume`'s fields). Listed here rather
/// than found by serialising the volume: `Volume`'s `Serialize` pulls the
/// serialisers of every volume source, and jiff's timestamp formatter,
/// into the WebAssembly module (issue 15).
fn set_sources(v: &Volume) -> Vec<&'static str> {
    [
        ("awsElasticBlockStore", v.aws_elastic_block_store.is_some()),
        ("azureDisk", v.azure_disk.is_some()),
        ("azureFile", v.azure_file.is_some()),
        ("cephfs", v.cephfs.is_some()),
        ("cinder", v.cinder.is_some()),
        ("configMap", v.config_map.is_some()),
        ("csi", v.csi.is_some()),
        ("downwardAPI", v.downward_api.is_some()),
        ("emptyDir", v.empty_dir.is_some()),
        ("ephemeral", v.ephemeral.is_some()),
        ("fc", v.fc.is_some()),
        ("flexVolume", v.flex_volume.is_some()),
        ("flocker", v.flocker.is_some()),
        ("gcePersistentDisk", v.gce_persistent_disk.is_some()),
        ("gitRepo", v.git_repo.is_some()),
        ("glusterfs", v.glusterfs.is_some()),
        ("hostPath", v.host_path.is_some()),
        ("image", v.image.is_some()),
        ("iscsi", v.iscsi.is_some()),
        ("nfs", v.nfs.is_some()),
        ("persistentVolumeClaim", v.persistent_volume_claim.is_some()),
        ("photonPersistentDisk", v.photon_persistent_disk.is_some()),
        ("portworxVolume", v.portworx_volume.is_some()),
        ("projected", v.projected.is_some()),
        ("quobyte", v.quobyte.is_some()),
        ("rbd", v.rbd.is_some()),
        ("scaleIO", v.scale_io.is_some()),
        ("secret", v.secret.is_some()),
        ("storageos", v.storageos.is_some()),
        ("vsphereVolume", v.vsphere_volume.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect()
}

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
            if allowed(v) {
                continue;
            }
            // The source fields the volume sets (normally one), by JSON name.
            let sources = set_sources(v);
            // No source: the API server makes it an emptyDir.
            let Some(&first) = sources.first() else {
                continue;
            };
            let path = w.spec_field("volumes").index(i).key(first);
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "volume \"{}\" is a {first} volume{}; the restricted level allows only {ALLOWED} (use a persistentVolumeClaim for storage)",
                    v.name,
                    mounted_by(w, &v.name)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pod::Read;
    use serde_json::{Value, json};

    /// Our reading of a volume names the sources k8s-openapi's `Volume`
    /// (the API's own field list) has, each by its API name.
    #[test]
    fn sources_are_named_as_the_api_names_them() {
        // The API's names: k8s-openapi's serialisation of a volume that
        // has every source set.
        let api_names = |value: &Value| -> Vec<String> {
            let mut problems = Vec::new();
            let v: k8s_openapi::api::core::v1::Volume =
                crate::model::schema::decode(&value.clone().into(), &mut problems)
                    .expect("repaired into a Volume");
            assert!(
                !problems
                    .iter()
                    .any(|p| matches!(p, crate::model::schema::SchemaProblem::UnknownField { .. })),
                "{value}"
            );
            match serde_json::to_value(v).unwrap() {
                Value::Object(map) => map
                    .into_iter()
                    .map(|(k, _)| k)
                    .filter(|k| k != "name")
                    .collect(),
                _ => unreachable!(),
            }
        };
        let read = |value: &Value| Volume::read(&value.clone().into()).expect("a volume");
        let mut all = serde_json::Map::new();
        all.insert("name".into(), json!("v"));
        for name in [
            "awsElasticBlockStore",
            "azureDisk",
            "azureFile",
            "cephfs",
            "cinder",
            "configMap",
            "csi",
            "downwardAPI",
            "emptyDir",
            "ephemeral",
            "fc",
            "flexVolume",
            "flocker",
            "gcePersistentDisk",
            "gitRepo",
            "glusterfs",
            "hostPath",
            "image",
            "iscsi",
            "nfs",
            "persistentVolumeClaim",
            "photonPersistentDisk",
            "portworxVolume",
            "projected",
            "quobyte",
            "rbd",
            "scaleIO",
            "secret",
            "storageos",
            "vsphereVolume",
        ] {
            all.insert(name.into(), json!({}));
        }
        let every = Value::Object(all);
        assert_eq!(set_sources(&read(&every)), api_names(&every));
        assert_eq!(set_sources(&read(&every)).len(), 30);
        for name in set_sources(&read(&every)) {
            let one = json!({"name": "v", name: {}});
            assert_eq!(set_sources(&read(&one)), vec![name]);
            assert_eq!(api_names(&one), vec![name]);
        }
        assert!(set_sources(&read(&json!({"name": "v"}))).is_empty());
    }
}
