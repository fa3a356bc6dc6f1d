//! Options shared by the CLI and the wasm API.

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::exceptions::{Date, Exemption};
use crate::rules::Profile;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PssVersion {
    #[default]
    Latest,
    /// `v1.N`
    Minor(u32),
}

impl PssVersion {
    pub fn parse(s: &str) -> Option<PssVersion> {
        if s == "latest" {
            return Some(PssVersion::Latest);
        }
        let minor = s.strip_prefix("v1.")?.parse().ok()?;
        Some(PssVersion::Minor(minor))
    }

    /// The newest Pod Security Standards policy version the checks follow
    /// (`v1.37`); `latest` means this one.
    pub const NEWEST_MINOR: u32 = 37;

    /// The versions a caller can choose, newest first: `latest`, then
    /// `v1.37` down to `v1.0`.
    pub fn supported() -> Vec<String> {
        std::iter::once("latest".to_string())
            .chain((0..=Self::NEWEST_MINOR).rev().map(|m| format!("v1.{m}")))
            .collect()
    }

    /// Whether a check introduced in `v1.since` applies at this version.
    pub fn at_least(&self, since: u32) -> bool {
        match self {
            PssVersion::Latest => true,
            PssVersion::Minor(m) => *m >= since,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub profile: Profile,
    pub enable: Vec<String>,
    pub disable: Vec<String>,
    pub pss_version: PssVersion,
    /// Allowed image registries (`image-registry`); empty: the rule is off.
    pub image_registries: Vec<String>,
    /// Per-rule severity overrides (the config's `severity`), last one wins.
    pub severity: Vec<(String, Severity)>,
    /// The config's `exemptions` (see `crate::config`).
    pub exemptions: Vec<Exemption>,
    /// The date exceptions' `until` is compared with. `None`: no exception
    /// expires (the engine never reads the clock itself: the CLI passes the
    /// system date, the wasm API the browser's, tests a fixed one).
    pub today: Option<Date>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::Hardened,
            enable: Vec::new(),
            disable: Vec::new(),
            pss_version: PssVersion::Latest,
            image_registries: Vec::new(),
            severity: Vec::new(),
            exemptions: Vec::new(),
            today: None,
        }
    }
}

/// Options as JSON/JS objects spell them (camelCase, all optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawOptions {
    pub profile: Option<String>,
    #[serde(default)]
    pub enable: Vec<String>,
    #[serde(default)]
    pub disable: Vec<String>,
    pub pss_version: Option<String>,
    #[serde(default)]
    pub image_registries: Vec<String>,
    /// `YYYY-MM-DD`: the date exceptions expire against.
    pub today: Option<String>,
}

impl RawOptions {
    pub fn validate(self) -> Result<Options, String> {
        let profile = match self.profile.as_deref() {
            None => Profile::Hardened,
            Some(p) => Profile::parse(p).ok_or_else(|| {
                format!("unknown profile {p:?}: expected baseline, restricted or hardened")
            })?,
        };
        for id in self.enable.iter().chain(&self.disable) {
            if crate::rules::find(id).is_none() {
                return Err(format!("unknown rule id {id:?} (see `kubeharden rules`)"));
            }
        }
        let pss_version = match self.pss_version.as_deref() {
            None => PssVersion::Latest,
            Some(v) => PssVersion::parse(v).ok_or_else(|| {
                format!("invalid Pod Security Standards version {v:?}: expected latest or v1.N")
            })?,
        };
        let today = match self.today.as_deref() {
            None => None,
            Some(t) => Some(
                Date::parse(t).ok_or_else(|| format!("invalid date {t:?}: expected YYYY-MM-DD"))?,
            ),
        };
        Ok(Options {
            profile,
            enable: self.enable,
            disable: self.disable,
            pss_version,
            image_registries: self.image_registries,
            today,
            ..Options::default()
        })
    }
}

impl Options {
    /// The severity a finding of `rule` is reported with.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Severity {
        self.severity
            .iter()
            .rev()
            .find(|(id, _)| id == rule)
            .map_or(default, |&(_, s)| s)
    }

    pub fn enabled(&self, id: &str) -> bool {
        if self.disable.iter().any(|d| d == id) {
            return false;
        }
        if self.enable.iter().any(|e| e == id) {
            return true;
        }
        crate::rules::find(id).is_some_and(|r| {
            r.meta.profiles.contains(&self.profile)
                // A parameter given (an allow-list) switches its rule on.
                || r.meta.params.iter().any(|p| self.param_given(p.option))
        })
    }

    /// Whether the option a rule parameter (`RuleMeta::params`) names holds
    /// a value.
    pub fn param_given(&self, option: &str) -> bool {
        match option {
            "imageRegistries" => !self.image_registries.is_empty(),
            _ => false,
        }
    }

    /// The rules these options switch on, in catalog order, each with the
    /// severity its findings are reported with.
    pub fn selection(&self) -> Vec<Selected> {
        crate::rules::registry()
            .iter()
            .filter(|r| self.enabled(r.meta.id))
            .map(|r| Selected {
                rule: r.meta.id,
                severity: self.severity_of(r.meta.id, r.meta.severity),
            })
            .collect()
    }
}

/// One rule of [`Options::selection`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Selected {
    pub rule: &'static str,
    pub severity: Severity,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule parameter is an option the options object reads and that,
    /// given, switches its rule on: a new parameter cannot be declared in a
    /// rule's metadata and silently do nothing.
    #[test]
    fn every_rule_parameter_is_read_and_switches_its_rule_on() {
        let mut seen = 0;
        for rule in crate::rules::registry() {
            for p in rule.meta.params {
                seen += 1;
                let raw: RawOptions = serde_json::from_value(serde_json::json!({
                    "profile": "baseline",
                    p.option: p.example,
                }))
                .unwrap_or_else(|e| panic!("{}: {} is not an option: {e}", rule.meta.id, p.option));
                let options = raw.validate().unwrap();
                assert!(options.param_given(p.option), "{}", p.option);
                assert!(options.enabled(rule.meta.id), "{}", rule.meta.id);
                assert!(options.selection().iter().any(|s| s.rule == rule.meta.id));
                let off = Options {
                    disable: vec![rule.meta.id.to_string()],
                    ..options
                };
                assert!(!off.enabled(rule.meta.id), "disable wins over a parameter");
            }
        }
        assert!(seen > 0);
    }

    #[test]
    fn supported_versions_parse_and_run_newest_first() {
        let all = PssVersion::supported();
        assert_eq!(all[0], "latest");
        assert_eq!(all[1], format!("v1.{}", PssVersion::NEWEST_MINOR));
        assert_eq!(all.last().map(String::as_str), Some("v1.0"));
        assert!(all.iter().all(|v| PssVersion::parse(v).is_some()));
    }
}
