//! Options shared by the CLI and the wasm API.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;
use crate::exceptions::{Date, Exemption};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Pod Security Standards, baseline level only.
    Baseline,
    /// Pod Security Standards, baseline and restricted levels.
    Restricted,
    /// Every rule (the default).
    Hardened,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        Some(match s {
            "baseline" => Profile::Baseline,
            "restricted" => Profile::Restricted,
            "hardened" => Profile::Hardened,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Baseline => "baseline",
            Profile::Restricted => "restricted",
            Profile::Hardened => "hardened",
        }
    }
}

/// An option a rule needs: giving it switches the (opt-in) rule on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Parameter {
    /// `imageRegistries`: the allowed image registries.
    ImageRegistries,
}

impl Parameter {
    /// Its key in options objects, `.kubeharden.yaml` and editor settings.
    pub fn option(self) -> &'static str {
        match self {
            Parameter::ImageRegistries => "imageRegistries",
        }
    }
}

/// What the selection needs to know of a rule (the registry's `RuleMeta`
/// gives it): options resolve which rules run without naming any.
pub trait Selectable {
    fn id(&self) -> &str;
    fn profiles(&self) -> &[Profile];
    fn params(&self) -> &[RuleParam];
}

/// A parameter a rule reads from the options, as its metadata declares it
/// (`RuleMeta::params`). Given (non-empty), it switches its rule on unless
/// the rule is disabled.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleParam {
    /// The option it reads: its key in options objects, `.kubeharden.yaml`
    /// and editor settings.
    #[serde(rename = "option")]
    pub parameter: Parameter,
    /// The CLI flag that gives one value (repeatable).
    pub flag: &'static str,
    pub kind: ParamKind,
    /// A short label for an input.
    pub label: &'static str,
    /// What a value looks like, in a sentence.
    pub help: &'static str,
    /// An example value list, for a placeholder.
    pub example: &'static [&'static str],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamKind {
    /// A list of strings.
    StringList,
}

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
    /// The text of a `.kubeharden.yaml` that the other options override
    /// (the JS API's `options.config`); `validate` leaves it to the caller.
    #[serde(default, deserialize_with = "config_text")]
    pub config: Option<String>,
}

fn config_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    <Option<String>>::deserialize(d)
        .map_err(|_| serde::de::Error::custom("config must be the text of a .kubeharden.yaml"))
}

impl RawOptions {
    /// The options, or what is wrong with them; `is_rule` says which rule
    /// ids exist (the registry's `rules::known`).
    pub fn validate(self, is_rule: impl Fn(&str) -> bool) -> Result<Options, String> {
        let profile = match self.profile.as_deref() {
            None => Profile::Hardened,
            Some(p) => Profile::parse(p).ok_or_else(|| {
                format!("unknown profile {p:?}: expected baseline, restricted or hardened")
            })?,
        };
        for id in self.enable.iter().chain(&self.disable) {
            if !is_rule(id) {
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

    /// Whether `enable` or `disable` names the rule (`disable` wins).
    pub fn listed(&self, id: &str) -> Option<bool> {
        if self.disable.iter().any(|d| d == id) {
            Some(false)
        } else if self.enable.iter().any(|e| e == id) {
            Some(true)
        } else {
            None
        }
    }

    /// Whether a parameter is given.
    pub fn has(&self, parameter: Parameter) -> bool {
        match parameter {
            Parameter::ImageRegistries => !self.image_registries.is_empty(),
        }
    }

    /// Whether the rule runs: named in `disable` or `enable`, else switched
    /// on by its parameter, else by the profile.
    pub fn selects(&self, rule: &impl Selectable) -> bool {
        self.listed(rule.id()).unwrap_or_else(|| {
            rule.params().iter().any(|p| self.has(p.parameter))
                || rule.profiles().contains(&self.profile)
        })
    }
}

/// One rule of `rules::selection`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Selected {
    pub rule: &'static str,
    pub severity: Severity,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_versions_parse_and_run_newest_first() {
        let all = PssVersion::supported();
        assert_eq!(all[0], "latest");
        assert_eq!(all[1], format!("v1.{}", PssVersion::NEWEST_MINOR));
        assert_eq!(all.last().map(String::as_str), Some("v1.0"));
        assert!(all.iter().all(|v| PssVersion::parse(v).is_some()));
    }
}
