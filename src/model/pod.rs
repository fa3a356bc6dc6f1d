//! The pod spec as the rules read it: the fields they look at, read from the
//! object's JSON.
//!
//! The field names and shapes are the API's (and k8s-openapi's): `Option`
//! where the API field is optional, `name: String` where it is required. The
//! reading is the API server's less the refusals: a value of the wrong type
//! reads as absent (the schema check reports it as `schema-invalid`), a
//! missing required field as empty, an array item that is not an object as
//! an empty one (so indexes stay those of the input), and the rest of the pod
//! is still checked.
//!
//! These types hold only what rules read. A bundle keeps every workload until
//! its rules have run: k8s-openapi's `PodSpec` with its containers took about
//! 18 KB per workload (a `Container` alone is 2.3 KB inline), a seventh of the
//! memory of a 5,000-file repository (issue 14), and decoding into it was a
//! large part of the WebAssembly module (issue 15).

use crate::yaml::value::Value;

/// A value read from JSON, or `None` where the API server would refuse it.
pub trait Read: Sized {
    fn read(value: &Value) -> Option<Self>;
}

impl Read for bool {
    fn read(value: &Value) -> Option<bool> {
        value.as_bool()
    }
}

/// A string; a number or a boolean where a string belongs (`- 12500` in
/// `args`, refused by the API server and reported as `schema-invalid`) reads
/// as its text, what its author meant.
impl Read for String {
    fn read(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl Read for i32 {
    fn read(value: &Value) -> Option<i32> {
        i32::try_from(value.as_i64()?).ok()
    }
}

impl Read for i64 {
    fn read(value: &Value) -> Option<i64> {
        value.as_i64()
    }
}

/// An array: an item of the wrong type reads as the item's default, so that
/// the others keep their index.
impl<T: Read + Default> Read for Vec<T> {
    fn read(value: &Value) -> Option<Vec<T>> {
        let items = value.as_array()?;
        Some(
            items
                .iter()
                .map(|item| T::read(item).unwrap_or_default())
                .collect(),
        )
    }
}

/// A map with string keys (labels, annotations, resource limits), in key
/// order as the JSON holds them: a sorted slice, looked up by binary search.
/// A B-tree map gave even two labels a node of eleven entries, and its
/// building and sorting code was instantiated for each value type.
pub type Dict<T> = crate::yaml::value::Map<T>;

/// A map with string keys: an entry of the wrong type is left out. The
/// JSON's object is sorted by key, so the entries stay sorted.
impl<T: Read> Read for Dict<T> {
    fn read(value: &Value) -> Option<Dict<T>> {
        let map = value.as_object()?;
        Some(Dict::from_sorted(
            map.iter()
                .filter_map(|(k, v)| Some((Box::from(k), T::read(v)?)))
                .collect(),
        ))
    }
}

/// A port given as a number or as a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl Default for IntOrString {
    fn default() -> IntOrString {
        IntOrString::String(String::new())
    }
}

impl Read for IntOrString {
    fn read(value: &Value) -> Option<IntOrString> {
        match value {
            Value::String(s) => Some(IntOrString::String(s.to_string())),
            _ => i32::read(value).map(IntOrString::Int),
        }
    }
}

/// A resource quantity (`500m`, `1Gi`); the API server also takes a number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quantity(pub String);

impl Read for Quantity {
    fn read(value: &Value) -> Option<Quantity> {
        match value {
            Value::String(s) => Some(Quantity(s.to_string())),
            Value::Number(n) => Some(Quantity(n.to_string())),
            _ => None,
        }
    }
}

/// Declares a struct of API fields and its reading: `required` fields read
/// as their default when missing or of the wrong type, `optional` ones as
/// `None`.
macro_rules! api_struct {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            required { $($req:ident: $req_ty:ty = $req_key:literal,)* }
            optional { $($opt:ident: $opt_ty:ty = $opt_key:literal,)* }
        }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $(pub $req: $req_ty,)*
            $(pub $opt: Option<$opt_ty>,)*
        }

        impl $name {
            /// The API field names read, required then optional.
            #[cfg(test)]
            const FIELDS: &'static [&'static str] = &[$($req_key,)* $($opt_key,)*];
        }

        impl Read for $name {
            fn read(value: &Value) -> Option<$name> {
                let map = value.as_object()?;
                Some($name {
                    $($req: map.get($req_key).and_then(<$req_ty>::read).unwrap_or_default(),)*
                    $($opt: map.get($opt_key).and_then(<$opt_ty>::read),)*
                })
            }
        }
    };
}

api_struct! {
    /// `spec` of a Pod, `spec.template.spec` of a controller.
    pub struct PodSpec {
        required {
            containers: Vec<Container> = "containers",
        }
        optional {
            automount_service_account_token: bool = "automountServiceAccountToken",
            host_aliases: Vec<HostAlias> = "hostAliases",
            host_ipc: bool = "hostIPC",
            host_network: bool = "hostNetwork",
            host_pid: bool = "hostPID",
            host_users: bool = "hostUsers",
            init_containers: Vec<Container> = "initContainers",
            os: PodOS = "os",
            runtime_class_name: String = "runtimeClassName",
            security_context: PodSecurityContext = "securityContext",
            service_account: String = "serviceAccount",
            service_account_name: String = "serviceAccountName",
            share_process_namespace: bool = "shareProcessNamespace",
            volumes: Vec<Volume> = "volumes",
        }
    }
}

api_struct! {
    /// The labels and annotations of a pod (its template's metadata).
    pub struct PodMeta {
        required {}
        optional {
            annotations: Dict<String> = "annotations",
            labels: Dict<String> = "labels",
        }
    }
}

api_struct! {
    /// A container, an init container or an ephemeral container.
    pub struct Container {
        required {
            name: String = "name",
        }
        optional {
            args: Vec<String> = "args",
            command: Vec<String> = "command",
            env: Vec<EnvVar> = "env",
            env_from: Vec<EnvFromSource> = "envFrom",
            image: String = "image",
            image_pull_policy: String = "imagePullPolicy",
            lifecycle: Lifecycle = "lifecycle",
            liveness_probe: Probe = "livenessProbe",
            ports: Vec<ContainerPort> = "ports",
            readiness_probe: Probe = "readinessProbe",
            resources: ResourceRequirements = "resources",
            security_context: SecurityContext = "securityContext",
            startup_probe: Probe = "startupProbe",
            volume_mounts: Vec<VolumeMount> = "volumeMounts",
        }
    }
}

api_struct! {
    pub struct SecurityContext {
        required {}
        optional {
            allow_privilege_escalation: bool = "allowPrivilegeEscalation",
            app_armor_profile: AppArmorProfile = "appArmorProfile",
            capabilities: Capabilities = "capabilities",
            privileged: bool = "privileged",
            proc_mount: String = "procMount",
            read_only_root_filesystem: bool = "readOnlyRootFilesystem",
            run_as_group: i64 = "runAsGroup",
            run_as_non_root: bool = "runAsNonRoot",
            run_as_user: i64 = "runAsUser",
            se_linux_options: SELinuxOptions = "seLinuxOptions",
            seccomp_profile: SeccompProfile = "seccompProfile",
            windows_options: WindowsSecurityContextOptions = "windowsOptions",
        }
    }
}

api_struct! {
    pub struct PodSecurityContext {
        required {}
        optional {
            app_armor_profile: AppArmorProfile = "appArmorProfile",
            fs_group: i64 = "fsGroup",
            run_as_group: i64 = "runAsGroup",
            run_as_non_root: bool = "runAsNonRoot",
            run_as_user: i64 = "runAsUser",
            se_linux_options: SELinuxOptions = "seLinuxOptions",
            seccomp_profile: SeccompProfile = "seccompProfile",
            supplemental_groups: Vec<i64> = "supplementalGroups",
            sysctls: Vec<Sysctl> = "sysctls",
            windows_options: WindowsSecurityContextOptions = "windowsOptions",
        }
    }
}

api_struct! {
    pub struct Capabilities {
        required {}
        optional {
            add: Vec<String> = "add",
            drop: Vec<String> = "drop",
        }
    }
}

api_struct! {
    pub struct SeccompProfile {
        required {
            type_: String = "type",
        }
        optional {
            localhost_profile: String = "localhostProfile",
        }
    }
}

api_struct! {
    pub struct AppArmorProfile {
        required {
            type_: String = "type",
        }
        optional {
            localhost_profile: String = "localhostProfile",
        }
    }
}

api_struct! {
    pub struct SELinuxOptions {
        required {}
        optional {
            level: String = "level",
            role: String = "role",
            type_: String = "type",
            user: String = "user",
        }
    }
}

api_struct! {
    pub struct WindowsSecurityContextOptions {
        required {}
        optional {
            host_process: bool = "hostProcess",
            run_as_user_name: String = "runAsUserName",
        }
    }
}

api_struct! {
    pub struct Sysctl {
        required {
            name: String = "name",
            value: String = "value",
        }
        optional {}
    }
}

api_struct! {
    pub struct PodOS {
        required {
            name: String = "name",
        }
        optional {}
    }
}

api_struct! {
    pub struct HostAlias {
        required {
            ip: String = "ip",
        }
        optional {
            hostnames: Vec<String> = "hostnames",
        }
    }
}

/// The API's volume sources, by name, in the API's (alphabetical) order.
pub const VOLUME_SOURCES: [&str; 30] = [
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
];

/// Which of [`VOLUME_SOURCES`] a volume sets to an object, a bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VolumeSources(u32);

impl VolumeSources {
    /// The names of the sources set, in [`VOLUME_SOURCES`] order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        VOLUME_SOURCES
            .into_iter()
            .enumerate()
            .filter(move |&(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, name)| name)
    }

    /// Whether one of the sources set is among `names`.
    pub fn any_of(self, names: &[&str]) -> bool {
        self.names().any(|n| names.contains(&n))
    }
}

impl Read for VolumeSources {
    fn read(value: &Value) -> Option<VolumeSources> {
        let map = value.as_object()?;
        let set = VOLUME_SOURCES
            .into_iter()
            .enumerate()
            .filter(|&(_, name)| map.get(name).is_some_and(Value::is_object))
            .fold(0, |bits, (i, _)| bits | 1 << i);
        Some(VolumeSources(set))
    }
}

/// A volume: its name, the sources rules read, and which sources it sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Volume {
    pub name: String,
    pub empty_dir: Option<EmptyDirVolumeSource>,
    pub host_path: Option<HostPathVolumeSource>,
    pub sources: VolumeSources,
}

impl Read for Volume {
    fn read(value: &Value) -> Option<Volume> {
        let map = value.as_object()?;
        Some(Volume {
            name: map.get("name").and_then(String::read).unwrap_or_default(),
            empty_dir: map.get("emptyDir").and_then(Read::read),
            host_path: map.get("hostPath").and_then(Read::read),
            sources: VolumeSources::read(value)?,
        })
    }
}

api_struct! {
    pub struct HostPathVolumeSource {
        required {
            path: String = "path",
        }
        optional {
            type_: String = "type",
        }
    }
}

api_struct! {
    pub struct EmptyDirVolumeSource {
        required {}
        optional {
            medium: String = "medium",
            size_limit: Quantity = "sizeLimit",
        }
    }
}

api_struct! {
    pub struct VolumeMount {
        required {
            mount_path: String = "mountPath",
            name: String = "name",
        }
        optional {
            mount_propagation: String = "mountPropagation",
            read_only: bool = "readOnly",
            sub_path: String = "subPath",
        }
    }
}

api_struct! {
    pub struct EnvVar {
        required {
            name: String = "name",
        }
        optional {
            value: String = "value",
            value_from: EnvVarSource = "valueFrom",
        }
    }
}

api_struct! {
    pub struct EnvVarSource {
        required {}
        optional {
            config_map_key_ref: KeySelector = "configMapKeyRef",
            secret_key_ref: KeySelector = "secretKeyRef",
        }
    }
}

api_struct! {
    /// A `secretKeyRef` or `configMapKeyRef`.
    pub struct KeySelector {
        required {
            key: String = "key",
            name: String = "name",
        }
        optional {
            optional: bool = "optional",
        }
    }
}

api_struct! {
    pub struct EnvFromSource {
        required {}
        optional {
            config_map_ref: NameRef = "configMapRef",
            prefix: String = "prefix",
            secret_ref: NameRef = "secretRef",
        }
    }
}

api_struct! {
    /// A `secretRef` or `configMapRef` of `envFrom`.
    pub struct NameRef {
        required {
            name: String = "name",
        }
        optional {
            optional: bool = "optional",
        }
    }
}

api_struct! {
    pub struct ContainerPort {
        required {
            container_port: i32 = "containerPort",
        }
        optional {
            host_ip: String = "hostIP",
            host_port: i32 = "hostPort",
            name: String = "name",
            protocol: String = "protocol",
        }
    }
}

api_struct! {
    pub struct Lifecycle {
        required {}
        optional {
            post_start: LifecycleHandler = "postStart",
            pre_stop: LifecycleHandler = "preStop",
        }
    }
}

/// A probe as rules read it: its handler (the API's `Probe` adds timings and
/// gRPC, which no rule reads).
pub type Probe = LifecycleHandler;

api_struct! {
    pub struct LifecycleHandler {
        required {}
        optional {
            exec: ExecAction = "exec",
            http_get: HTTPGetAction = "httpGet",
            tcp_socket: TCPSocketAction = "tcpSocket",
        }
    }
}

api_struct! {
    pub struct ExecAction {
        required {}
        optional {
            command: Vec<String> = "command",
        }
    }
}

api_struct! {
    pub struct HTTPGetAction {
        required {
            port: IntOrString = "port",
        }
        optional {
            host: String = "host",
            path: String = "path",
            scheme: String = "scheme",
        }
    }
}

api_struct! {
    pub struct TCPSocketAction {
        required {
            port: IntOrString = "port",
        }
        optional {
            host: String = "host",
        }
    }
}

api_struct! {
    pub struct ResourceRequirements {
        required {}
        optional {
            limits: Dict<Quantity> = "limits",
            requests: Dict<Quantity> = "requests",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: serde_json::Value) -> Value {
        json.into()
    }

    #[test]
    fn wrong_types_read_as_absent_and_keep_the_rest() {
        let spec = PodSpec::read(&value(serde_json::json!({
            "hostPID": "yes",
            "runtimeClassName": ["x"],
            "hostNetwork": true,
            "containers": [
                "not a container",
                {"name": "app", "command": ["sh", 1, {}], "securityContext": {"privileged": 1, "runAsUser": 0}},
            ],
            "volumes": [{"name": "v", "nfs": {}, "hostPath": "/x"}],
        })))
        .unwrap();
        assert_eq!((spec.host_pid, spec.runtime_class_name), (None, None));
        assert_eq!(spec.host_network, Some(true));
        assert_eq!(spec.containers.len(), 2);
        assert_eq!(spec.containers[0], Container::default());
        let app = &spec.containers[1];
        assert_eq!(app.name, "app");
        assert_eq!(
            app.command.as_deref(),
            Some(&["sh".to_string(), "1".into(), String::new()][..])
        );
        let sc = app.security_context.as_ref().unwrap();
        assert_eq!((sc.privileged, sc.run_as_user), (None, Some(0)));
        let v = &spec.volumes.as_ref().unwrap()[0];
        assert_eq!(v.sources.names().collect::<Vec<_>>(), ["nfs"]);
        assert!(v.host_path.is_none());
    }

    #[test]
    fn ports_and_quantities_take_both_forms() {
        let probe = Probe::read(&value(serde_json::json!({
            "httpGet": {"port": "http", "host": "10.0.0.1"},
            "tcpSocket": {"port": 8080},
        })))
        .unwrap();
        assert_eq!(
            probe.http_get.unwrap().port,
            IntOrString::String("http".into())
        );
        assert_eq!(probe.tcp_socket.unwrap().port, IntOrString::Int(8080));
        let res = ResourceRequirements::read(&value(serde_json::json!({
            "limits": {"cpu": 1, "memory": "1Gi", "bad": [1]},
        })))
        .unwrap();
        let limits = res.limits.unwrap();
        assert_eq!(limits.keys().collect::<Vec<_>>(), ["cpu", "memory"]);
    }

    /// Our reading of a volume names the sources the API's `Volume` has
    /// (the schema table, generated from k8s-openapi), each by its name.
    #[test]
    fn sources_are_named_as_the_api_names_them() {
        let api: Vec<&str> = crate::model::schema_check::structure("Volume")
            .expect("Volume in the schema table")
            .fields
            .iter()
            .map(|&(name, _)| name)
            .filter(|&name| name != "name")
            .collect();
        let read = |v: &serde_json::Value| Volume::read(&value(v.clone())).expect("a volume");
        let mut all = serde_json::Map::new();
        all.insert("name".into(), serde_json::json!("v"));
        for name in &api {
            all.insert((*name).into(), serde_json::json!({}));
        }
        let every = read(&serde_json::Value::Object(all));
        assert_eq!(every.sources.names().collect::<Vec<_>>(), api);
        assert_eq!(api.len(), 30);
        for name in api {
            let one = read(&serde_json::json!({"name": "v", name: {}}));
            assert_eq!(one.sources.names().collect::<Vec<_>>(), vec![name]);
        }
        assert_eq!(
            read(&serde_json::json!({"name": "v"}))
                .sources
                .names()
                .count(),
            0
        );
        // A source that is not an object is not a source (the schema check
        // reports it).
        assert_eq!(
            read(&serde_json::json!({"name": "v", "nfs": "x"}))
                .sources
                .names()
                .count(),
            0
        );
    }

    /// Every field read is a field of the API type it stands for (the
    /// schema table, generated from k8s-openapi): a misspelt key would read
    /// as absent and pass what it should flag.
    #[test]
    fn fields_are_the_apis() {
        let ours: [(&[&str], &[&str]); 29] = [
            (PodSpec::FIELDS, &["PodSpec"]),
            (PodMeta::FIELDS, &["ObjectMeta"]),
            (Container::FIELDS, &["Container", "EphemeralContainer"]),
            (SecurityContext::FIELDS, &["SecurityContext"]),
            (PodSecurityContext::FIELDS, &["PodSecurityContext"]),
            (Capabilities::FIELDS, &["Capabilities"]),
            (SeccompProfile::FIELDS, &["SeccompProfile"]),
            (AppArmorProfile::FIELDS, &["AppArmorProfile"]),
            (SELinuxOptions::FIELDS, &["SELinuxOptions"]),
            (
                WindowsSecurityContextOptions::FIELDS,
                &["WindowsSecurityContextOptions"],
            ),
            (Sysctl::FIELDS, &["Sysctl"]),
            (PodOS::FIELDS, &["PodOS"]),
            (HostAlias::FIELDS, &["HostAlias"]),
            (HostPathVolumeSource::FIELDS, &["HostPathVolumeSource"]),
            (EmptyDirVolumeSource::FIELDS, &["EmptyDirVolumeSource"]),
            (VolumeMount::FIELDS, &["VolumeMount"]),
            (EnvVar::FIELDS, &["EnvVar"]),
            (EnvVarSource::FIELDS, &["EnvVarSource"]),
            (
                KeySelector::FIELDS,
                &["ConfigMapKeySelector", "SecretKeySelector"],
            ),
            (EnvFromSource::FIELDS, &["EnvFromSource"]),
            (NameRef::FIELDS, &["ConfigMapEnvSource", "SecretEnvSource"]),
            (ContainerPort::FIELDS, &["ContainerPort"]),
            (Lifecycle::FIELDS, &["Lifecycle"]),
            (LifecycleHandler::FIELDS, &["LifecycleHandler", "Probe"]),
            (ExecAction::FIELDS, &["ExecAction"]),
            (HTTPGetAction::FIELDS, &["HTTPGetAction"]),
            (TCPSocketAction::FIELDS, &["TCPSocketAction"]),
            (ResourceRequirements::FIELDS, &["ResourceRequirements"]),
            (&["name", "emptyDir", "hostPath"], &["Volume"]),
        ];
        for (fields, api) in ours {
            for name in api {
                let s = crate::model::schema_check::structure(name)
                    .unwrap_or_else(|| panic!("{name} not in the schema table"));
                for field in fields {
                    assert!(
                        s.fields.iter().any(|(f, _)| f == field),
                        "{name} has no field {field}"
                    );
                }
            }
        }
    }
}
