//! A run's inputs in projects: each checked file gets the nearest
//! `.kubeharden.yaml` above it (or the `--config` file), files under the same
//! config form one bundle, and files a config's `exclude` names are left out.
//! Also the baseline file (`--write-baseline`, `--baseline`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kubeharden::Diagnostic;
use kubeharden::config::{self, ParsedConfig, parse_config};
use kubeharden::exceptions::{Date, Location, Suppression, SuppressionKind};
use serde::{Deserialize, Serialize};

use super::inputs::Input;

/// A config file as the run read it.
pub struct LoadedConfig {
    /// As reports name it (the path as found).
    pub name: String,
    pub text: String,
    pub parsed: ParsedConfig,
    /// Its absolute path, `/`-separated (what `exclude` is relative to).
    path: String,
}

impl LoadedConfig {
    /// Whether the file has problems that make the run exit with status 2.
    pub fn is_invalid(&self) -> bool {
        !self.parsed.diagnostics.is_empty()
    }
}

/// The inputs that share one config (or none).
pub struct Group {
    pub config: Option<LoadedConfig>,
    pub inputs: Vec<Input>,
}

/// Today's date from the system clock (UTC).
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days_since_epoch((secs / 86_400) as i64)
}

/// An absolute path as the library's grouping names files.
fn absolute(path: &Path) -> Option<String> {
    std::path::absolute(path)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

fn load(path: &Path) -> Result<LoadedConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Shown as found relative to the working directory when it is below it.
    let shown = std::env::current_dir()
        .ok()
        .and_then(|c| path.strip_prefix(&c).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let name = shown.display().to_string();
    let parsed = parse_config(&name, &text);
    Ok(LoadedConfig {
        name,
        text,
        parsed,
        path: absolute(path).unwrap_or_default(),
    })
}

/// The name an input is grouped by: its absolute path (standard input: a
/// file in the working directory, so the working directory's config applies).
fn grouping_name(input: &Input) -> String {
    let path = if input.name == "-" {
        Path::new("-")
    } else {
        Path::new(&input.name)
    };
    absolute(path).unwrap_or_else(|| input.name.clone())
}

/// Groups the inputs by the config that applies to each (the nearest
/// `.kubeharden.yaml` above it, `kubeharden::config::nearest`), in the order
/// the inputs came; `explicit` (`--config`) applies to all. Inputs a config
/// excludes are dropped; `notes` says how many.
pub fn group(
    inputs: Vec<Input>,
    explicit: Option<&Path>,
    notes: &mut Vec<String>,
) -> Result<Vec<Group>, String> {
    let named: Vec<(String, Input)> = inputs.into_iter().map(|i| (grouping_name(&i), i)).collect();
    let grouped = match explicit {
        Some(path) => vec![(Some(path.to_path_buf()), named)],
        None => {
            // Each directory is asked once, however many files it holds.
            let mut exists: HashMap<String, bool> = HashMap::new();
            config::group(
                named,
                |(n, _)| n,
                |n| {
                    config::nearest(n, |c| {
                        *exists
                            .entry(c.to_string())
                            .or_insert_with(|| Path::new(c).is_file())
                    })
                },
            )
            .into_iter()
            .map(|(c, items)| (c.map(PathBuf::from), items))
            .collect()
        }
    };
    let mut groups = Vec::new();
    for (path, named) in grouped {
        let config = path.as_deref().map(load).transpose()?;
        let before = named.len();
        let inputs: Vec<Input> = named
            .into_iter()
            .filter(|(n, i)| {
                i.name == "-"
                    || !config
                        .as_ref()
                        .is_some_and(|c| c.parsed.config.excludes(&c.path, n))
            })
            .map(|(_, i)| i)
            .collect();
        if let Some(c) = &config
            && inputs.len() < before
        {
            notes.push(format!(
                "{} file(s) excluded by {}",
                before - inputs.len(),
                c.name
            ));
        }
        groups.push(Group { config, inputs });
    }
    Ok(groups)
}

/// One recorded finding: what it is about, never where in the file it is,
/// so unrelated edits (lines added above it) keep it matching.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fingerprint {
    pub rule: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Fingerprint {
    pub fn of(file: &str, d: &Diagnostic) -> Fingerprint {
        Fingerprint {
            rule: d.rule.clone(),
            file: file.to_string(),
            kind: d.resource.as_ref().map(|r| r.kind.clone()),
            namespace: d.resource.as_ref().and_then(|r| r.namespace.clone()),
            name: d.resource.as_ref().and_then(|r| r.name.clone()),
            path: d.path.clone(),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} in {} ({}/{}/{}{})",
            self.rule,
            self.file,
            self.kind.as_deref().unwrap_or("-"),
            self.namespace.as_deref().unwrap_or("-"),
            self.name.as_deref().unwrap_or("-"),
            self.path
                .as_deref()
                .map(|p| format!(" at {p}"))
                .unwrap_or_default()
        )
    }
}

#[derive(Serialize, Deserialize)]
struct BaselineFile {
    /// Format version of this file.
    version: u32,
    findings: Vec<Fingerprint>,
}

/// Writes the recorded findings as a baseline; returns how many.
pub fn write_baseline(path: &Path, mut findings: Vec<Fingerprint>) -> Result<usize, String> {
    findings.sort();
    let n = findings.len();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings,
    })
    .expect("baseline serializes");
    std::fs::write(path, format!("{text}\n")).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(n)
}

/// A baseline being applied: each entry accepts one finding.
pub struct Baseline {
    name: String,
    left: HashMap<Fingerprint, usize>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a kubeharden baseline: {e}", path.display()))?;
        if file.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                file.version
            ));
        }
        let mut left: HashMap<Fingerprint, usize> = HashMap::new();
        for f in file.findings {
            *left.entry(f).or_default() += 1;
        }
        Ok(Baseline {
            name: path.display().to_string(),
            left,
        })
    }

    /// Marks the findings of `file` the baseline records as suppressed
    /// (kind `baseline`).
    pub fn apply(&mut self, file: &str, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut().filter(|d| d.suppression.is_none()) {
            if let Some(n) = self.left.get_mut(&Fingerprint::of(file, d))
                && *n > 0
            {
                *n -= 1;
                d.suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: format!("recorded in the baseline {}", self.name),
                    until: None,
                    location: Location {
                        file: self.name.clone(),
                        range: Default::default(),
                    },
                });
            }
        }
    }

    /// The entries that matched no finding, described.
    pub fn stale(self) -> Vec<String> {
        let mut stale: Vec<String> = self
            .left
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| {
                if n > 1 {
                    format!("{} (×{n})", f.describe())
                } else {
                    f.describe()
                }
            })
            .collect();
        stale.sort();
        stale
    }
}
