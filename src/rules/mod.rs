//! Rules, their metadata, and the registry every face reads.
//!
//! A rule's metadata (id, title, severity, references, rationale, remediation,
//! examples) lives next to its check and is the single source for the CLI's
//! `rules` command, the wasm `rules()` call, the README table and the docs.

// First and `#[macro_use]`: its `cis_k8s!` is used by the modules below.
#[macro_use]
pub mod cluster;
pub mod credentials;
pub mod input;
pub mod peers;
pub mod pod_security;
pub mod workload;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::model::edit::{Applicability, FixPlan};
pub use crate::model::kinds::{Field, Kind};
use crate::model::path::Path;
use crate::model::resource::Resource;
use crate::model::setting::Setting;
use crate::model::workload::{ContainerRef, Workload};
// Re-exported: the profile is an option (one type), rules name it in their metadata.
pub use crate::options::Profile;
use crate::options::{Options, Selectable, Selected};
pub use crate::options::{ParamKind, Parameter, RuleParam};
use crate::source::SourceMap;
use crate::yaml::tree::Document;

/// Profiles of a Pod Security Standards baseline control, a restricted
/// control, a hardening rule, an input check (always on), an opt-in rule.
pub const PSS_BASELINE: &[Profile] = &[Profile::Baseline, Profile::Restricted, Profile::Hardened];
pub const PSS_RESTRICTED: &[Profile] = &[Profile::Restricted, Profile::Hardened];
pub const HARDENED: &[Profile] = &[Profile::Hardened];
pub const ALWAYS: &[Profile] = &[Profile::Baseline, Profile::Restricted, Profile::Hardened];
pub const OPT_IN: &[Profile] = &[];

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Reference {
    /// `NSA/CISA`, `PSS`, `CIS`, `Kubernetes`, or a peer linter (`peers`).
    pub source: &'static str,
    pub id: &'static str,
    pub title: &'static str,
    pub url: &'static str,
}

pub const NSA_GUIDE: &str = "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF";
pub const PSS_DOC: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleMeta {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: &'static str,
    pub profiles: &'static [Profile],
    pub references: &'static [Reference],
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it, in a sentence or two.
    pub remediation: &'static str,
    /// A short instruction shown with each finding.
    pub help: &'static str,
    pub bad_example: &'static str,
    pub good_example: &'static str,
    /// The Pod Security check this rule implements, as the admission
    /// library declares it: check id, level, versions, Windows exemption,
    /// and for a restricted check the baseline check it overrides. The one
    /// place these facts are declared; the pipeline applies them.
    #[serde(skip)]
    pub pss: Option<pod_security::PssCheck>,
    /// What the rule needs to be told (an allow-list): every face asks for
    /// these where the rule is switched on (the page's rule settings, the
    /// editor's settings, the CLI's flags, `.kubeharden.yaml`).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub params: &'static [RuleParam],
}

impl Selectable for RuleMeta {
    fn id(&self) -> &str {
        self.id
    }
    fn profiles(&self) -> &[Profile] {
        self.profiles
    }
    fn params(&self) -> &[RuleParam] {
        self.params
    }
}

/// Whether the rule `id` runs with `options` (ids not in the registry run
/// only when `enable` names them).
pub fn enabled(options: &Options, id: &str) -> bool {
    match find(id) {
        Some(rule) => options.selects(&rule.meta),
        None => options.listed(id) == Some(true),
    }
}

/// The rules `options` switch on, in catalog order, each with the severity
/// its findings are reported with (the page's rule settings, `ruleSelection`).
pub fn selection(options: &Options) -> Vec<Selected> {
    registry()
        .iter()
        .filter(|r| options.selects(&r.meta))
        .map(|r| Selected {
            rule: r.meta.id,
            severity: options.severity_of(r.meta.id, r.meta.severity),
        })
        .collect()
}

/// Whether `id` is a rule of the registry.
pub fn known(id: &str) -> bool {
    find(id).is_some()
}

impl RuleMeta {
    pub fn docs(&self) -> String {
        format!("rules.html#{}", self.id)
    }
}

/// One source of a bundle as rules see it: its name, positions and documents.
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub map: SourceMap<'a>,
    /// Its YAML trees, or `None` when the bundle let them go once the
    /// source's resources were read (a large bundle: the trees were the
    /// largest part of its memory, issue 14). `Context::documents` gives
    /// them either way.
    pub trees: Option<Vec<Document>>,
}

impl SourceFile<'_> {
    /// The trees read again from the text: the same text gives the very
    /// same trees.
    fn read_trees(&self) -> Vec<Document> {
        crate::yaml::parse::parse(&self.map).documents
    }
}

/// A source's documents: the bundle's own, or read again from its text.
pub enum Documents<'a> {
    Held(&'a [Document]),
    Read(Arc<Vec<Document>>),
}

impl std::ops::Deref for Documents<'_> {
    type Target = [Document];
    fn deref(&self) -> &[Document] {
        match self {
            Documents::Held(docs) => docs,
            Documents::Read(docs) => docs,
        }
    }
}

/// One document of a source (see `Documents`).
pub struct DocumentRef<'a> {
    documents: Documents<'a>,
    index: usize,
}

impl std::ops::Deref for DocumentRef<'_> {
    type Target = Document;
    fn deref(&self) -> &Document {
        &self.documents[self.index]
    }
}

/// Trees read again, the few used last kept: placing a source's findings,
/// and the rules' messages that name a line, ask for the same sources
/// again and again.
#[derive(Default)]
pub struct Reread(Mutex<Vec<(usize, Arc<Vec<Document>>)>>);

/// How many sources' trees `Reread` keeps.
const REREAD_KEPT: usize = 4;

impl Reread {
    fn get(&self, file: &SourceFile, source: usize) -> Arc<Vec<Document>> {
        let lock = || {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        {
            let mut kept = lock();
            if let Some(i) = kept.iter().position(|(s, _)| *s == source) {
                let hit = kept.remove(i);
                let docs = Arc::clone(&hit.1);
                kept.push(hit);
                return docs;
            }
        }
        // Read outside the lock.
        let docs = Arc::new(file.read_trees());
        let mut kept = lock();
        if kept.len() >= REREAD_KEPT {
            kept.remove(0);
        }
        kept.push((source, Arc::clone(&docs)));
        docs
    }
}

/// Everything a rule can read about one bundle: every resource of every
/// source (one file, a repository, an editor's workspace).
pub struct Context<'a> {
    pub files: &'a [SourceFile<'a>],
    pub resources: &'a [Resource],
    pub workloads: &'a [Workload],
    pub options: &'a Options,
    /// Resources by kind and by name, so rules that join one resource to
    /// others (a workload to its ServiceAccount, its Namespace) stay linear.
    pub index: Arc<Index<'a>>,
    /// Trees read again for sources that let theirs go.
    pub reread: Arc<Reread>,
}

/// Lookups over the input's resources, built once per check.
#[derive(Default)]
pub struct Index<'a> {
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<&'a str, HashMap<&'a str, Vec<usize>>>,
}

impl<'a> Index<'a> {
    pub fn new(resources: &'a [Resource]) -> Index<'a> {
        let mut index = Index::default();
        for (i, r) in resources.iter().enumerate() {
            index.by_kind.entry(&r.id.kind).or_default().push(i);
            if let Some(name) = &r.id.name {
                index
                    .by_name
                    .entry(&r.id.kind)
                    .or_default()
                    .entry(name)
                    .or_default()
                    .push(i);
            }
        }
        index
    }
}

impl<'a> Context<'a> {
    /// The resources of one kind (in any of its API groups' versions, as
    /// `Kind` declares them), in input order.
    pub fn of_kind<'s>(
        &'s self,
        kind: Kind,
    ) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a, 's> {
        let resources = self.resources;
        self.index
            .by_kind
            .get(kind.name)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(move |&i| (i, &resources[i]))
            .filter(move |(_, r)| kind.is(r))
    }

    /// The resources of one kind and name (in any namespace).
    pub fn named<'s>(
        &'s self,
        kind: Kind,
        name: &str,
    ) -> impl Iterator<Item = (usize, &'a Resource)> + use<'a, 's> {
        let resources = self.resources;
        self.index
            .by_name
            .get(kind.name)
            .and_then(|names| names.get(name))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(move |&i| (i, &resources[i]))
            .filter(move |(_, r)| kind.is(r))
    }
    /// Every container of every workload, with its workload.
    pub fn containers(&self) -> impl Iterator<Item = (&'a Workload, ContainerRef<'a>)> {
        self.workloads
            .iter()
            .flat_map(|w| w.containers().map(move |c| (w, c)))
    }

    pub fn resource(&self, w: &Workload) -> &Resource {
        &self.resources[w.resource]
    }

    /// The source a resource was read from.
    pub fn file(&self, resource: usize) -> &SourceFile<'_> {
        &self.files[self.resources[resource].source]
    }

    /// The same bundle, with `workloads` as the workloads rules visit (a
    /// window of a large bundle's sources, see `per_workload`).
    pub fn with_workloads(&self, workloads: &'a [Workload]) -> Context<'a> {
        Context {
            files: self.files,
            resources: self.resources,
            workloads,
            options: self.options,
            index: Arc::clone(&self.index),
            reread: Arc::clone(&self.reread),
        }
    }

    /// A source's documents (held, or read again and kept a while).
    pub fn documents(&self, source: usize) -> Documents<'_> {
        self.documents_kept(source, true)
    }

    /// A source's documents, read again without keeping them (each source
    /// is placed once).
    pub fn documents_once(&self, source: usize) -> Documents<'_> {
        self.documents_kept(source, false)
    }

    fn documents_kept(&self, source: usize, keep: bool) -> Documents<'_> {
        let file = &self.files[source];
        match &file.trees {
            Some(trees) => Documents::Held(trees),
            None if keep => Documents::Read(self.reread.get(file, source)),
            None => Documents::Read(Arc::new(file.read_trees())),
        }
    }

    /// The document holding a resource.
    pub fn document(&self, resource: usize) -> DocumentRef<'_> {
        let r = &self.resources[resource];
        DocumentRef {
            documents: self.documents(r.source),
            index: r.doc,
        }
    }

    /// 1-based line number of a path's node, for messages.
    pub fn line_number(&self, resource: usize, path: &Path) -> usize {
        let loc = crate::model::locate::locate(
            &self.document(resource),
            self.resources[resource].node,
            path,
        );
        self.file(resource).map.position(loc.span.start).line as usize + 1
    }

    /// Where a path of resource `target` is, said from a finding on resource
    /// `from`: `line 12` in the same source, `line 12 of rbac.yaml` in another.
    pub fn place(&self, from: usize, target: usize, path: &Path) -> String {
        let line = self.line_number(target, path);
        let (a, b) = (self.resources[from].source, self.resources[target].source);
        if a == b {
            format!("line {line}")
        } else {
            format!("line {line} of {}", self.files[b].name)
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub resource: usize,
    /// Path of the offending field, or of the missing one.
    pub path: Path,
    /// A range inside the field's value (a line of YAML text embedded in a
    /// block scalar) that replaces the field's own range, when known.
    pub span: Option<crate::source::Span>,
    pub message: String,
    /// Overrides the rule's help for this finding.
    pub help: Option<String>,
    /// Overrides the rule's severity for this finding.
    pub severity: Option<Severity>,
    /// The fix, as data: the check turns it into text edits.
    pub fix: Option<FixPlan>,
    /// The other resource a cross-resource finding names (the ServiceAccount,
    /// the binding): editors show it as related information.
    pub related: Vec<RelatedSite>,
}

#[derive(Debug, Clone)]
pub struct RelatedSite {
    pub resource: usize,
    pub path: Path,
    pub message: String,
}

impl Finding {
    pub fn new(rule: &'static RuleMeta, resource: usize, path: Path, message: String) -> Finding {
        Finding {
            rule: rule.id,
            resource,
            path,
            span: None,
            message,
            help: None,
            severity: None,
            fix: None,
            related: Vec::new(),
        }
    }

    pub fn with_related(mut self, resource: usize, path: Path, message: String) -> Finding {
        self.related.push(RelatedSite {
            resource,
            path,
            message,
        });
        self
    }

    pub fn with_fix(mut self, fix: Option<FixPlan>) -> Finding {
        self.fix = fix;
        self
    }

    /// With the fix that sets the finding's own field to `value`.
    pub fn setting(
        self,
        value: impl Into<String>,
        title: impl Into<String>,
        applicability: Applicability,
    ) -> Finding {
        let fix = FixPlan::set(&self.path, value, title, applicability);
        self.with_fix(Some(fix))
    }
}

pub type CheckFn = fn(&Context, &mut Vec<Finding>);

pub struct Rule {
    pub meta: RuleMeta,
    /// `None` for input diagnostics, which the reader itself reports.
    pub check: Option<CheckFn>,
}

/// Every rule, in catalog order.
pub fn registry() -> &'static [&'static Rule] {
    static RULES: &[&Rule] = &[
        &input::YAML_SYNTAX,
        &input::YAML_DUPLICATE_KEY,
        &input::HELM_UNRENDERED,
        &input::INPUT_LIMIT,
        &input::SCHEMA_UNKNOWN_FIELD,
        &input::SCHEMA_INVALID,
        &input::CONFIG_INVALID,
        &input::EXCEPTION_INVALID,
        &input::EXCEPTION_EXPIRED,
        &input::EXCEPTION_UNUSED,
        // Pod Security Standards, baseline, in the standard's order.
        &pod_security::host_namespaces::RULE,
        &pod_security::privileged::RULE,
        &pod_security::capabilities_baseline::RULE,
        &pod_security::host_path_volumes::RULE,
        &pod_security::host_ports::RULE,
        &pod_security::apparmor_profile::RULE,
        &pod_security::selinux_options::RULE,
        &pod_security::proc_mount::RULE,
        &pod_security::seccomp_profile_baseline::RULE,
        &pod_security::sysctls::RULE,
        &pod_security::windows_host_process::RULE,
        &pod_security::host_probes_and_host_lifecycle::RULE,
        // Pod Security Standards, restricted.
        &pod_security::restricted_volumes::RULE,
        &pod_security::allow_privilege_escalation::RULE,
        &pod_security::run_as_non_root::RULE,
        &pod_security::run_as_user::RULE,
        &pod_security::seccomp_profile_restricted::RULE,
        &pod_security::capabilities_restricted::RULE,
        &pod_security::proc_mount_restricted::RULE,
        // Workload hardening.
        &workload::misplaced_security_field::RULE,
        &workload::container_runtime_socket::RULE,
        &workload::host_path_writable::RULE,
        &workload::bidirectional_mount_propagation::RULE,
        &workload::read_only_root_filesystem::RULE,
        &workload::run_as_root_group::RULE,
        &workload::share_process_namespace::RULE,
        &workload::host_users::RULE,
        &workload::host_aliases::RULE,
        &workload::automount_service_account_token::RULE,
        &workload::default_service_account::RULE,
        &workload::missing_service_account::RULE,
        &workload::deprecated_service_account_field::RULE,
        &workload::resource_limits::RULE,
        &workload::env_secret_literal::RULE,
        &workload::secret_env_vars::RULE,
        &workload::default_namespace::RULE,
        &workload::kube_system_namespace::RULE,
        &workload::bare_pod::RULE,
        &workload::sandboxed_runtime::RULE,
        &workload::sudo_in_command::RULE,
        &workload::privileged_port::RULE,
        &workload::emptydir_size_limit::RULE,
        // Known risky components.
        &workload::helm_tiller::RULE,
        &workload::dashboard_insecure_auth::RULE,
        // Images and supply chain.
        &workload::image_tag::RULE,
        &workload::image_digest::RULE,
        &workload::image_pull_policy::RULE,
        &workload::deprecated_registry::RULE,
        &workload::image_registry::RULE,
        // Cluster: RBAC.
        &cluster::rbac::WILDCARD,
        &cluster::rbac::CLUSTER_ADMIN_BINDING,
        &cluster::rbac::ANONYMOUS_BINDING,
        &cluster::rbac::SECRETS_READ,
        &cluster::rbac::PRIVILEGE_ESCALATION,
        &cluster::rbac::NETWORK_BYPASS,
        &cluster::rbac::SYSTEM_MASTERS_BINDING,
        &cluster::rbac::AWS_AUTH_MASTERS,
        &cluster::rbac::PREFER_NAMESPACED,
        &cluster::rbac::WORKLOAD_TAKEOVER,
        &cluster::rbac::WORKLOAD_CREATION,
        // Cluster: network policy and namespaces.
        &cluster::network_policy::DEFAULT_DENY,
        &cluster::network_policy::ALLOW_ALL,
        &cluster::network_policy::COVERAGE,
        &cluster::namespaces::POD_SECURITY_LABEL,
        &cluster::namespaces::RESOURCE_POLICIES,
        // Cluster: exposure and sensitive data.
        &cluster::exposure::NODE_PORT,
        &cluster::exposure::LOAD_BALANCER,
        &cluster::exposure::EXTERNAL_IPS,
        &cluster::exposure::EXTERNAL_NAME_LOCAL,
        &cluster::exposure::SSH_PORT,
        &cluster::exposure::INGRESS_TLS,
        &cluster::exposure::NGINX_SNIPPETS,
        &cluster::secrets::CONFIGMAP_SECRET_DATA,
        &cluster::secrets::SERVICE_ACCOUNT_TOKEN_SECRET,
        // Cluster: control plane (static pod flags) and node configuration files.
        &cluster::control_plane::APISERVER_ANONYMOUS_AUTH,
        &cluster::control_plane::APISERVER_AUTHORIZATION_MODE,
        &cluster::control_plane::APISERVER_ADMISSION_PLUGINS,
        &cluster::control_plane::APISERVER_AUDIT_LOG,
        &cluster::control_plane::APISERVER_PROFILING,
        &cluster::control_plane::APISERVER_INSECURE,
        &cluster::control_plane::APISERVER_EXTERNAL_IPS,
        &cluster::control_plane::APISERVER_EVENT_RATE_LIMIT,
        &cluster::control_plane::APISERVER_ALWAYS_PULL_IMAGES,
        &cluster::control_plane::APISERVER_SERVICE_ACCOUNT_TOKEN_EXPIRATION,
        &cluster::control_plane::ETCD_CLIENT_CERT_AUTH,
        &cluster::control_plane::ETCD_PEER_TLS,
        &cluster::control_plane::ETCD_AUTO_TLS,
        &cluster::control_plane::ETCD_UNIQUE_CA,
        &cluster::control_plane::CONTROLLER_MANAGER_PROFILING,
        &cluster::control_plane::CONTROLLER_MANAGER_SERVICE_ACCOUNT_CREDENTIALS,
        &cluster::control_plane::CONTROLLER_MANAGER_BIND_ADDRESS,
        &cluster::control_plane::CONTROLLER_MANAGER_KEYS,
        &cluster::control_plane::CONTROLLER_MANAGER_TERMINATED_POD_GC,
        &cluster::control_plane::SCHEDULER_PROFILING,
        &cluster::control_plane::SCHEDULER_BIND_ADDRESS,
        &cluster::kubelet::KUBELET_ANONYMOUS_AUTH,
        &cluster::kubelet::KUBELET_AUTHORIZATION_MODE,
        &cluster::kubelet::KUBELET_CLIENT_CA_FILE,
        &cluster::kubelet::KUBELET_READ_ONLY_PORT,
        &cluster::kubelet::KUBELET_PROTECT_KERNEL_DEFAULTS,
        &cluster::kubelet::KUBELET_CERTIFICATE_ROTATION,
        &cluster::kubelet::KUBELET_IPTABLES_UTIL_CHAINS,
        &cluster::kubelet::KUBELET_TLS_CIPHER_SUITES,
        &cluster::kubelet::KUBELET_POD_PIDS_LIMIT,
        &cluster::kubelet::KUBELET_SECCOMP_DEFAULT,
        &cluster::kubelet::KUBELET_STREAMING_IDLE_TIMEOUT,
        &cluster::kubelet::KUBELET_HOSTNAME_OVERRIDE,
        &cluster::kubelet::KUBELET_EVENT_QPS,
        &cluster::config_files::ENCRYPTION_PROVIDER,
        &cluster::config_files::AUDIT_POLICY,
        &cluster::config_files::ADMISSION_POD_SECURITY_DEFAULTS,
        // Cluster: managed clusters, service mesh, removed APIs.
        &cluster::managed::PUBLIC_ENDPOINT,
        &cluster::managed::AUDIT_LOGGING,
        &cluster::mesh::MESH_MTLS,
        &cluster::mesh::MESH_INJECTION_DISABLED,
        &cluster::mesh::MESH_PORT_SKIPPING,
        &cluster::deprecated_api::DEPRECATED_API_VERSION,
    ];
    RULES
}

/// The workload setting each rule's finding is about, where it is one
/// setting with an effective value (what an editor's hover explains).
static SETTINGS: &[(&Rule, Setting)] = &[
    (&pod_security::run_as_non_root::RULE, Setting::RunAsNonRoot),
    (&pod_security::run_as_user::RULE, Setting::RunAsUser),
    (&workload::run_as_root_group::RULE, Setting::RunAsGroup),
    (&pod_security::privileged::RULE, Setting::Privileged),
    (
        &pod_security::allow_privilege_escalation::RULE,
        Setting::AllowPrivilegeEscalation,
    ),
    (
        &workload::read_only_root_filesystem::RULE,
        Setting::ReadOnlyRootFilesystem,
    ),
    (
        &pod_security::capabilities_baseline::RULE,
        Setting::Capabilities,
    ),
    (
        &pod_security::capabilities_restricted::RULE,
        Setting::Capabilities,
    ),
    (
        &pod_security::seccomp_profile_baseline::RULE,
        Setting::Seccomp,
    ),
    (
        &pod_security::seccomp_profile_restricted::RULE,
        Setting::Seccomp,
    ),
    (&pod_security::apparmor_profile::RULE, Setting::AppArmor),
    (&pod_security::selinux_options::RULE, Setting::SeLinux),
    (&pod_security::proc_mount::RULE, Setting::ProcMount),
    (
        &pod_security::proc_mount_restricted::RULE,
        Setting::ProcMount,
    ),
    (
        &workload::automount_service_account_token::RULE,
        Setting::Automount,
    ),
    (&workload::image_pull_policy::RULE, Setting::ImagePullPolicy),
    (&workload::host_users::RULE, Setting::HostUsers),
    (
        &workload::share_process_namespace::RULE,
        Setting::ShareProcessNamespace,
    ),
];

/// The setting the findings of rule `id` are about, if one.
pub fn setting_of(id: &str) -> Option<Setting> {
    SETTINGS
        .iter()
        .find(|(r, _)| r.meta.id == id)
        .map(|&(_, s)| s)
}

/// Whether a resource's path is one a rule reports.
type OwnsPath = fn(&Path) -> bool;

/// Rules that report some of the fields the schema finds unknown, better
/// than it can (a security field at the wrong securityContext level, with
/// where it belongs), each with the paths it reports.
static UNKNOWN_FIELD_OWNERS: &[(&Rule, OwnsPath)] = &[(
    &workload::misplaced_security_field::RULE,
    workload::misplaced_security_field::owns,
)];

/// Whether a rule that `options` switch on reports the unknown field at
/// `path` (a resource's path) itself: the reader then leaves it to that rule
/// instead of reporting it twice.
pub fn reports_unknown_field(options: &Options, path: &Path) -> bool {
    UNKNOWN_FIELD_OWNERS
        .iter()
        .any(|(rule, owns)| owns(path) && options.selects(&rule.meta))
}

/// The restricted rule that overrides rule `id`, as the restricted rule
/// declares it (`PssCheck::overrides`).
pub fn replaced_by(id: &str) -> Option<&'static str> {
    static BY_BASELINE: std::sync::OnceLock<HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    BY_BASELINE
        .get_or_init(|| {
            registry()
                .iter()
                .filter_map(|r| {
                    let o = r.meta.pss?.overrides?;
                    Some((o.baseline, r.meta.id))
                })
                .collect()
        })
        .get(id)
        .copied()
}

/// One finding per problem, never at a lower severity than the baseline
/// level gives it. A restricted rule takes over the baseline rule it
/// declares it overrides (Pod Security admission lists one violation per
/// problem): where both report the same field, the baseline finding goes and
/// the restricted one keeps at least the baseline severity, so a stricter
/// profile never lets a baseline violation pass `--fail-on`. Where only the
/// baseline rule reports (the restricted check exempts Windows pods, or does
/// not exist at the policy version), its finding stays.
/// Whether a rule reports only on the workloads it visits through
/// `Context::workloads` (the other resources it only looks up): the Pod
/// Security and workload rules, but `default-service-account`, which also
/// reports on ServiceAccounts. Such a rule can run on a window of a
/// bundle's sources at a time (`check`'s rules stage); a test holds every
/// rule to the same findings either way.
pub fn per_workload(rule: &Rule) -> bool {
    let all = registry();
    let at = |r: &Rule| all.iter().position(|x| std::ptr::eq(*x, r));
    let (Some(first), Some(end), Some(i)) = (
        at(&pod_security::host_namespaces::RULE),
        at(&cluster::rbac::WILDCARD),
        at(rule),
    ) else {
        return false;
    };
    (first..end).contains(&i) && !std::ptr::eq(rule, &workload::default_service_account::RULE)
}

pub fn merge_replaced(findings: &mut Vec<Finding>) {
    use std::collections::HashMap;
    let severity = |f: &Finding| {
        f.severity
            .or_else(|| find(f.rule).map(|r| r.meta.severity))
            .unwrap_or(Severity::Info)
    };
    let replaced_by = |f: &Finding| replaced_by(f.rule);
    if !findings.iter().any(|f| replaced_by(f).is_some()) {
        return;
    }
    let index: HashMap<(&str, usize, &Path), usize> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.rule, f.resource, &f.path), i))
        .collect();
    let mut raise: Vec<(usize, Severity)> = Vec::new();
    let mut gone = vec![false; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let Some(by) = replaced_by(f) else { continue };
        if let Some(&j) = index.get(&(by, f.resource, &f.path)) {
            gone[i] = true;
            if severity(f) > severity(&findings[j]) {
                raise.push((j, severity(f)));
            }
        }
    }
    for (j, s) in raise {
        findings[j].severity = Some(s);
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !gone[i - 1]
    });
}

pub fn find(id: &str) -> Option<&'static Rule> {
    // Every check asks for every rule (`enabled`), and rules ask
    // about each other: a map with a cheap hash of these short ids.
    static BY_ID: std::sync::OnceLock<IdMap> = std::sync::OnceLock::new();
    BY_ID
        .get_or_init(|| registry().iter().map(|r| (r.meta.id, *r)).collect())
        .get(id)
        .copied()
}

type IdMap = std::collections::HashMap<&'static str, &'static Rule, IdHash>;

/// FNV-1a: rule ids are short, trusted strings; SipHash's defence against
/// crafted keys costs more than the lookup itself here.
#[derive(Default, Clone, Copy)]
struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CatalogEntry {
    #[serde(flatten)]
    meta: RuleMeta,
    /// The restricted rule that takes over this baseline rule's finding when
    /// both run (from its Pod Security declaration; the docs say so).
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced_by: Option<&'static str>,
    docs: String,
}

/// The catalog as JSON (CLI `rules --format json`, wasm `rules()`).
pub fn catalog_json() -> String {
    let entries: Vec<CatalogEntry> = registry()
        .iter()
        .map(|r| CatalogEntry {
            meta: r.meta,
            replaced_by: replaced_by(r.meta.id),
            docs: r.meta.docs(),
        })
        .collect();
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

/// The catalog as a Markdown table (README, `rules --format markdown`).
pub fn catalog_markdown() -> String {
    let mut s = String::from(
        "| id | severity | category | profiles | title | references |\n|---|---|---|---|---|---|\n",
    );
    for r in registry() {
        let m = &r.meta;
        let profiles: Vec<&str> = m.profiles.iter().map(|p| p.as_str()).collect();
        let refs: Vec<String> = m
            .references
            .iter()
            .map(|r| format!("{} {}", r.source, r.id))
            .collect();
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            m.id,
            m.severity.as_str(),
            m.category,
            if profiles.is_empty() {
                "opt-in".to_string()
            } else {
                profiles.join(", ")
            },
            m.title,
            refs.join("; ")
        ));
    }
    s
}

#[cfg(test)]
mod params_tests {
    use super::*;
    use crate::options::RawOptions;

    /// Every rule parameter is an option the options object reads and that,
    /// given, switches its rule on: a new parameter cannot be declared in a
    /// rule's metadata and silently do nothing.
    #[test]
    fn every_rule_parameter_is_read_and_switches_its_rule_on() {
        let mut seen = 0;
        for rule in registry() {
            for p in rule.meta.params {
                seen += 1;
                let key = p.parameter.option();
                assert_eq!(serde_json::to_value(p.parameter).unwrap(), key);
                let raw: RawOptions = serde_json::from_value(serde_json::json!({
                    "profile": "baseline",
                    key: p.example,
                }))
                .unwrap_or_else(|e| panic!("{}: {key} is not an option: {e}", rule.meta.id));
                let options = raw.validate(known).unwrap();
                assert!(options.has(p.parameter), "{key}");
                assert!(enabled(&options, rule.meta.id), "{}", rule.meta.id);
                assert!(selection(&options).iter().any(|s| s.rule == rule.meta.id));
                let off = Options {
                    disable: vec![rule.meta.id.to_string()],
                    ..options
                };
                assert!(
                    !enabled(&off, rule.meta.id),
                    "disable wins over a parameter"
                );
            }
        }
        assert!(seen > 0);
    }
}
