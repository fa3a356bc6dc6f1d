//! Pod Security Standards controls, as the pod-security-admission library
//! (`k8s.io/pod-security-admission/policy/check_*.go`) enforces them.
pub mod allow_privilege_escalation;
pub mod host_namespaces;
pub mod privileged;
pub mod run_as_non_root;

use crate::rules::Reference;

pub const fn pss(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "PSS",
        id,
        title,
        url: crate::rules::PSS_DOC,
    }
}

pub const fn nsa(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "NSA/CISA",
        id,
        title,
        url: crate::rules::NSA_GUIDE,
    }
}
