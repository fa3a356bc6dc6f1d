//! The walk the AppArmor, seccomp and procMount rules share: one string field
//! of the pod's `securityContext` and of each container's, described by a
//! [`Field`] (where it sits, which values are allowed, what the fix writes),
//! and for the two profile kinds the baseline check of both levels and the
//! legacy annotations ([`ProfileField`]). Version gates and the messages that are
//! a rule's own stay in the rule.

use crate::model::pod::{PodSecurityContext, SecurityContext};

use crate::diagnostic::Applicability;
use crate::model::edit::FixPlan;
use crate::model::path::Path;
use crate::model::workload::{ContainerRef, Workload};
use crate::rules::pod_security::sc_path;
use crate::rules::{Context, Finding, RuleMeta};

/// A string field of `securityContext`, as one rule checks it.
pub struct Field {
    /// The rule whose findings these are.
    pub rule: &'static RuleMeta,
    /// Where the field sits below a `securityContext`: `seccompProfile.type`.
    pub name: &'static str,
    /// Its value in the pod's securityContext (`None`: a container-only field).
    pub pod: Option<fn(&PodSecurityContext) -> Option<&str>>,
    /// Its value in a container's securityContext.
    pub container: fn(&SecurityContext) -> Option<&str>,
    /// Whether the rule allows a value that is set.
    pub allowed: fn(&str) -> bool,
    /// The value the fix writes, and the fix's title.
    pub fix: &'static str,
    pub fix_title: &'static str,
}

impl Field {
    /// The pod-level value.
    pub fn pod<'w>(&self, w: &'w Workload) -> Option<&'w str> {
        let get = self.pod?;
        w.spec.security_context.as_ref().and_then(get)
    }

    pub fn pod_path(&self, w: &Workload) -> Path {
        w.spec_field(&format!("securityContext.{}", self.name))
    }

    /// A container's own value.
    pub fn own<'c>(&self, c: &ContainerRef<'c>) -> Option<&'c str> {
        c.container
            .security_context
            .as_ref()
            .and_then(self.container)
    }

    pub fn path(&self, c: &ContainerRef) -> Path {
        sc_path(c, self.name)
    }

    /// The containers that set the field to a value the rule does not allow,
    /// with that value.
    pub fn refused<'w>(
        &self,
        w: &'w Workload,
    ) -> impl Iterator<Item = (ContainerRef<'w>, &'w str)> {
        w.containers().filter_map(|c| {
            let value = self.own(&c).filter(|v| !(self.allowed)(v))?;
            Some((c, value))
        })
    }

    /// Reports `message` at `path`, with the fix that sets the field there.
    pub fn report(
        &self,
        w: &Workload,
        path: Path,
        applicability: Applicability,
        message: String,
        out: &mut Vec<Finding>,
    ) {
        let fix = (self.fix, self.fix_title.to_string());
        out.push(finding(self.rule, w, path, fix, applicability, message));
    }
}

/// AppArmor or seccomp: `<kind>ProfileField.type` at both levels (allowed:
/// `RuntimeDefault`, `Localhost`) and the older annotations.
pub struct ProfileField {
    pub field: Field,
    /// `AppArmor`, `seccomp`: for messages.
    pub kind: &'static str,
}

pub fn runtime_default_or_localhost(t: &str) -> bool {
    t == "RuntimeDefault" || t == "Localhost"
}

impl ProfileField {
    /// The baseline check of the type fields: an explicit refused type on
    /// the pod (whose message says which containers it applies to:
    /// `pod_scope`) and on each container.
    pub fn refuse_types(
        &self,
        ctx: &Context,
        w: &Workload,
        pod_scope: &str,
        out: &mut Vec<Finding>,
    ) {
        let f = &self.field;
        if let Some(t) = f.pod(w).filter(|t| !(f.allowed)(t)) {
            let message = format!(
                "pod sets {} profile type {t} {pod_scope}; use RuntimeDefault or Localhost",
                self.kind
            );
            f.report(w, f.pod_path(w), Applicability::Unsafe, message, out);
        }
        for (c, t) in f.refused(w) {
            let message = format!(
                "{} sets {} profile type {t}{}; use RuntimeDefault or Localhost",
                c.describe(),
                self.kind,
                self.overriding(ctx, w)
            );
            f.report(w, f.path(&c), Applicability::Unsafe, message, out);
        }
    }

    /// `, overriding the pod's RuntimeDefault (line 7)` when the pod sets an
    /// allowed type, for a container that sets a refused one; else empty.
    pub fn overriding(&self, ctx: &Context, w: &Workload) -> String {
        let f = &self.field;
        match f.pod(w) {
            Some(t) if (f.allowed)(t) => format!(
                ", overriding the pod's {t} (line {})",
                ctx.line_number(w.resource, &f.pod_path(w))
            ),
            _ => String::new(),
        }
    }

    /// Reports the refused annotation `key: value`, which applies to `who`.
    pub fn report_annotation(
        &self,
        w: &Workload,
        key: &str,
        value: &str,
        who: String,
        out: &mut Vec<Finding>,
    ) {
        let kind = self.kind;
        let path = w.meta_path.key("annotations").key(key);
        let fix = (
            "runtime/default",
            format!("Use the runtime/default {kind} profile"),
        );
        let message = format!(
            "annotation {key} sets {kind} profile \"{value}\" for {who}; use runtime/default or localhost/<profile>"
        );
        let rule = self.field.rule;
        out.push(finding(rule, w, path, fix, Applicability::Unsafe, message));
    }
}

/// A finding of `rule` at `path`, with the fix that sets the value there.
fn finding(
    rule: &'static RuleMeta,
    w: &Workload,
    path: Path,
    (value, title): (&str, String),
    applicability: Applicability,
    message: String,
) -> Finding {
    let fix = Some(FixPlan::set(&path, value, title, applicability));
    Finding::new(rule, w.resource, path, message).with_fix(fix)
}
