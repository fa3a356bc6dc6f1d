//! One view of every pod spec in the input, wherever it sits.
//!
//! Rules about pods are written once against `Workload` and its container
//! visitor, the way pod-security-admission's `visitContainers` works: a Pod's
//! `spec`, a controller's `spec.template.spec`, a CronJob's
//! `spec.jobTemplate.spec.template.spec`, a PodTemplate's `template.spec`, and
//! any custom resource that embeds a pod template at `spec.template.spec`
//! (Argo Rollouts, many operators).

use crate::model::value::Value;

use crate::model::path::Path;
use crate::model::pod::{Container, PodMeta, PodSpec, Read};
use crate::model::resource::value_at;
use crate::model::schema::SchemaProblem;
use crate::model::schema_check::{Root, check_type};

#[derive(Debug)]
pub struct Workload {
    /// Index of the owning resource in the input.
    pub resource: usize,
    /// Where the pod spec sits inside the resource.
    pub spec_path: Path,
    /// Where the pod's metadata sits (labels, annotations).
    pub meta_path: Path,
    pub spec: PodSpec,
    pub meta: PodMeta,
    /// Ephemeral containers, read as containers (same security fields).
    pub ephemeral: Vec<Container>,
    /// The path of each container `containers()` yields, in its order: built
    /// once, not on each of the many rules' visits (it was a tenth of the
    /// check's time in wasm, issue 15).
    container_paths: Vec<Path>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

impl ContainerKind {
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Container => "containers",
            ContainerKind::Init => "initContainers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Container => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

pub struct ContainerRef<'a> {
    pub kind: ContainerKind,
    pub index: usize,
    /// Path of the container entry within the resource.
    pub path: &'a Path,
    pub container: &'a Container,
}

impl ContainerRef<'_> {
    /// `container "app"` / `init container "setup"`, for messages.
    pub fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.container.name)
    }
}

/// Where pod specs sit in a resource of a given kind.
fn pod_locations(kind: &str, json: &Value) -> Option<(&'static str, &'static str)> {
    match kind {
        "Pod" => Some(("spec", "metadata")),
        "PodTemplate" => Some(("template.spec", "template.metadata")),
        "CronJob" => Some((
            "spec.jobTemplate.spec.template.spec",
            "spec.jobTemplate.spec.template.metadata",
        )),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => Some(("spec.template.spec", "spec.template.metadata")),
        _ => {
            if value_at(json, "spec.template.spec.containers").is_some_and(Value::is_array) {
                Some(("spec.template.spec", "spec.template.metadata"))
            } else if value_at(json, "spec.jobTemplate.spec.template.spec.containers")
                .is_some_and(Value::is_array)
            {
                Some((
                    "spec.jobTemplate.spec.template.spec",
                    "spec.jobTemplate.spec.template.metadata",
                ))
            } else {
                None
            }
        }
    }
}

impl Workload {
    /// The workload of a resource, if it holds a pod spec. Schema problems
    /// of the pod spec are added for kinds not built in (custom resources);
    /// built-in kinds had their whole object checked already.
    pub fn of(
        index: usize,
        kind: &str,
        json: &Value,
        known_kind: bool,
        problems: &mut Vec<SchemaProblem>,
    ) -> Option<Workload> {
        let (spec_at, meta_at) = pod_locations(kind, json)?;
        let spec_json = value_at(json, spec_at)?;
        let spec = PodSpec::read(spec_json)?;
        let meta = value_at(json, meta_at)
            .and_then(PodMeta::read)
            .unwrap_or_default();
        let spec_path = Path::parse(spec_at);
        let ephemeral = spec_json
            .get("ephemeralContainers")
            .and_then(<Vec<Container>>::read)
            .unwrap_or_default();
        // Known kinds had their whole object checked already; a custom
        // resource's pod template is checked here.
        if !known_kind {
            let mut local = Vec::new();
            check_type(Root::PodSpec, spec_json, &mut local);
            problems.extend(local.into_iter().map(|p| match p {
                SchemaProblem::UnknownField { path } => SchemaProblem::UnknownField {
                    path: spec_path.join(&path),
                },
                SchemaProblem::Invalid { path, message } => SchemaProblem::Invalid {
                    path: spec_path.join(&path),
                    message,
                },
            }));
        }
        let counts = [
            (ContainerKind::Container, spec.containers.len()),
            (
                ContainerKind::Init,
                spec.init_containers.as_ref().map_or(0, Vec::len),
            ),
            (ContainerKind::Ephemeral, ephemeral.len()),
        ];
        let container_paths = counts
            .into_iter()
            .flat_map(|(kind, n)| {
                let list = spec_path.key(kind.field());
                (0..n).map(move |i| list.index(i))
            })
            .collect();
        Some(Workload {
            resource: index,
            spec_path,
            meta_path: Path::parse(meta_at),
            spec,
            meta,
            ephemeral,
            container_paths,
        })
    }

    /// Every container: regular, init and ephemeral, in that order.
    pub fn containers(&self) -> impl Iterator<Item = ContainerRef<'_>> {
        let regular = self
            .spec
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| (ContainerKind::Container, i, c));
        let init = self
            .spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| (ContainerKind::Init, i, c));
        let eph = self
            .ephemeral
            .iter()
            .enumerate()
            .map(|(i, c)| (ContainerKind::Ephemeral, i, c));
        regular
            .chain(init)
            .chain(eph)
            .zip(&self.container_paths)
            .map(|((kind, index, container), path)| ContainerRef {
                kind,
                index,
                path,
                container,
            })
    }

    /// `spec.template.spec.<field>` for a pod-level field.
    pub fn spec_field(&self, dotted: &str) -> Path {
        self.spec_path.join(&Path::parse(dotted))
    }

    pub fn is_windows(&self) -> bool {
        self.spec.os.as_ref().is_some_and(|os| os.name == "windows")
    }
}
