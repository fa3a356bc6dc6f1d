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

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::rules::pod_security::host_path_volumes::mounted_by;
use crate::rules::pod_security::{PssCheck, PssLevel};
use crate::rules::pod_security::{nsa, pss};
use crate::rules::{Context, Finding, PSS_RESTRICTED, Rule, RuleMeta};

use k8s_openapi::api::core::v1::Volume;

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

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
            if allowed(v) {
                continue;
            }
            // The source fields the volume sets (normally one).
            let sources: Vec<String> = match serde_json::to_value(v) {
                Ok(Value::Object(map)) => map
                    .into_iter()
                    .filter(|(k, v)| k != "name" && !v.is_null())
                    .map(|(k, _)| k)
                    .collect(),
                _ => Vec::new(),
            };
            // No source: the API server makes it an emptyDir.
            let Some(first) = sources.first() else {
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
