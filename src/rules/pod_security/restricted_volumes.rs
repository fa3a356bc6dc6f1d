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

/// The sources the restricted level allows.
const ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for w in ctx.workloads {
        for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
            if v.sources.any_of(&ALLOWED) {
                continue;
            }
            // The first source field the volume sets (normally its one).
            // No source: the API server makes it an emptyDir.
            let Some(first) = v.sources.names().next() else {
                continue;
            };
            let path = w.spec_field("volumes").index(i).key(first);
            out.push(Finding::new(
                &RULE.meta,
                w.resource,
                path,
                format!(
                    "volume \"{}\" is a {first} volume{}; the restricted level allows only {} (use a persistentVolumeClaim for storage)",
                    v.name,
                    mounted_by(w, &v.name),
                    ALLOWED.join(", ")
                ),
            ));
        }
    }
}
