//! The workload settings a finding can be about: a field of a container, of
//! the pod, or of the pod's ServiceAccount, with an effective value an
//! editor can explain (`crate::explain`). The registry says which rule
//! judges which setting (`crate::rules::setting_of`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    RunAsNonRoot,
    RunAsUser,
    RunAsGroup,
    Privileged,
    AllowPrivilegeEscalation,
    ReadOnlyRootFilesystem,
    Capabilities,
    Seccomp,
    AppArmor,
    SeLinux,
    ProcMount,
    Automount,
    ImagePullPolicy,
    HostUsers,
    ShareProcessNamespace,
}
