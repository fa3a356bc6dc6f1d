//! References to the same check in other linters, for the docs' migration
//! map: one `source` per peer, named as the peer names itself, with the id
//! its users write in a suppression or a configuration file. The url is the
//! peer's catalog page (per-check pages do not exist for all of them).

use crate::rules::Reference;

pub const fn kube_linter(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "kube-linter",
        id,
        title,
        url: "https://docs.kubelinter.io/#/generated/checks",
    }
}

pub const fn polaris(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "Polaris",
        id,
        title,
        url: "https://polaris.docs.fairwinds.com/checks/security/",
    }
}

pub const fn kubesec(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "kubesec",
        id,
        title,
        url: "https://kubesec.io/",
    }
}

pub const fn kube_score(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "kube-score",
        id,
        title,
        url: "https://github.com/zegl/kube-score/blob/master/README_CHECKS.md",
    }
}

pub const fn checkov(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "Checkov",
        id,
        title,
        url: "https://www.checkov.io/5.Policy%20Index/kubernetes.html",
    }
}

pub const fn trivy(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "Trivy",
        id,
        title,
        url: "https://avd.aquasec.com/misconfig/kubernetes/",
    }
}

pub const fn kubescape(id: &'static str, title: &'static str) -> Reference {
    Reference {
        source: "Kubescape",
        id,
        title,
        url: "https://hub.armosec.io/docs/controls",
    }
}
