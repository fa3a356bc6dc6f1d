//! The `kubeharden` command line (native only).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{
    self,
    termcolor::{ColorChoice, StandardStream},
};
use kubeharden::config::{Config, Overrides};
use kubeharden::options::PssVersion;
use kubeharden::rules::Profile;
use kubeharden::{Diagnostic, Options, Severity, Source, check_bundle};

mod inputs;
mod project;
use inputs::{Content, Input};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "kubeharden",
    version,
    about = "Kubernetes manifest hardening checker"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other CI viewers.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CatalogFormat {
    Json,
    Markdown,
}

#[derive(Subcommand)]
enum Command {
    /// Check manifests: files, directories (*.yaml, *.yml, *.json), or - for stdin.
    Check {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        rules: RuleArgs,
        /// Print suppressed findings too (text output; JSON and SARIF always
        /// carry them, marked).
        #[arg(long = "show-suppressed")]
        show_suppressed: bool,
        /// Report and fail only on findings this baseline file does not record.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record today's unsuppressed findings in FILE (adopt a repository now,
        /// fix its findings later).
        #[arg(long = "write-baseline", value_name = "FILE")]
        write_baseline: Option<PathBuf>,
    },
    /// Apply every safe fix, rewriting files in place (- reads standard input
    /// and writes the fixed text to standard output).
    Fix {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print a unified diff of what would change; write nothing.
        #[arg(long = "dry-run")]
        dry_run: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Print the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value = "markdown")]
        format: CatalogFormat,
    },
}

/// Rule selection and the exit threshold, shared by `check` and `fix`. Each
/// flag overrides the same key of the config file.
#[derive(Args)]
struct RuleArgs {
    /// baseline, restricted or hardened [default: hardened].
    #[arg(long)]
    profile: Option<String>,
    /// Switch a rule off (repeatable).
    #[arg(long = "disable", value_name = "ID")]
    disable: Vec<String>,
    /// Switch a rule on (repeatable).
    #[arg(long = "enable", value_name = "ID")]
    enable: Vec<String>,
    /// Pod Security Standards version: latest or v1.N [default: latest].
    #[arg(long = "pss-version")]
    pss_version: Option<String>,
    /// Allowed image registry for image-registry (repeatable).
    #[arg(long = "allow-registry", value_name = "REGISTRY")]
    registries: Vec<String>,
    /// Exit 1 when an unsuppressed finding at or above this severity exists
    /// (after fixing, for fix) [default: high].
    #[arg(long = "fail-on")]
    fail_on: Option<String>,
    /// Use this config file for every input instead of the nearest
    /// .kubeharden.yaml above each.
    #[arg(long = "config", value_name = "FILE")]
    config: Option<PathBuf>,
}

impl RuleArgs {
    /// The flags as overrides of the config file, or the message for exit 2.
    fn overrides(&self) -> Result<Overrides, String> {
        let profile = match self.profile.as_deref() {
            None => None,
            Some(p) => Some(Profile::parse(p).ok_or_else(|| {
                format!("unknown profile {p:?}: expected baseline, restricted or hardened")
            })?),
        };
        for id in self.enable.iter().chain(&self.disable) {
            if kubeharden::rules::find(id).is_none() {
                return Err(format!("unknown rule id {id:?} (see `kubeharden rules`)"));
            }
        }
        let pss_version = match self.pss_version.as_deref() {
            None => None,
            Some(v) => Some(PssVersion::parse(v).ok_or_else(|| {
                format!("invalid Pod Security Standards version {v:?}: expected latest or v1.N")
            })?),
        };
        let fail_on = match self.fail_on.as_deref() {
            None => None,
            Some(f) => Some(Severity::parse(f).ok_or_else(|| {
                format!("invalid --fail-on {f:?}: expected critical, high, medium, low or info")
            })?),
        };
        Ok(Overrides {
            profile,
            pss_version,
            enable: self.enable.clone(),
            disable: self.disable.clone(),
            image_registries: self.registries.clone(),
            fail_on,
            today: Some(project::today()),
        })
    }
}

/// Reads the inputs, printing the walk's notes; exit status 2 on an I/O error.
fn read_inputs(paths: Vec<PathBuf>) -> Result<Vec<Input>, ExitCode> {
    match inputs::read(paths) {
        Ok(read) => {
            for note in read.notes {
                eprintln!("kubeharden: {note}");
            }
            Ok(read.inputs)
        }
        Err(e) => {
            eprintln!("kubeharden: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Every readable input of a group as one bundle, with the group's config
/// file as one more source (it holds no resources; the findings about its
/// exemptions land in it). Refused inputs keep their one diagnostic. Returns
/// the reports with each one's text (for the text output).
fn check_group(group: &project::Group, options: &Options) -> Vec<(FileReport, String)> {
    let inputs = &group.inputs;
    let mut sources: Vec<Source> = inputs
        .iter()
        .filter_map(|i| {
            i.text().map(|text| Source {
                name: &i.name,
                text,
            })
        })
        .collect();
    if let Some(c) = &group.config {
        sources.push(Source {
            name: &c.name,
            text: &c.text,
        });
    }
    let mut checked = check_bundle(&sources, options).into_iter();
    let mut reports: Vec<(FileReport, String)> = inputs
        .iter()
        .map(|i| {
            let report = FileReport {
                path: i.name.clone(),
                diagnostics: match &i.content {
                    Content::Text(_) => checked.next().map(|r| r.diagnostics).unwrap_or_default(),
                    Content::Refused(d) => vec![(**d).clone()],
                },
            };
            (report, i.text().unwrap_or_default().to_string())
        })
        .collect();
    if let Some(c) = &group.config {
        let mut diagnostics = c.parsed.diagnostics.clone();
        for d in checked.next().map(|r| r.diagnostics).unwrap_or_default() {
            // The reader's own YAML problems are already among the config's.
            if !diagnostics.contains(&d) {
                diagnostics.push(d);
            }
        }
        diagnostics.sort_by_key(|d| d.range.start);
        if !diagnostics.is_empty() {
            reports.push((
                FileReport {
                    path: c.name.clone(),
                    diagnostics,
                },
                c.text.clone(),
            ));
        }
    }
    reports
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'static str,
    files: Vec<&'a FileReport>,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Rules { format } => {
            match format {
                CatalogFormat::Json => out(&format!("{}\n", kubeharden::rules::catalog_json())),
                CatalogFormat::Markdown => out(&kubeharden::rules::catalog_markdown()),
            }
            ExitCode::SUCCESS
        }
        Command::Fix {
            paths,
            dry_run,
            rules,
        } => run_fix(paths, dry_run, rules),
        Command::Check {
            paths,
            format,
            rules,
            show_suppressed,
            baseline,
            write_baseline,
        } => run_check(
            paths,
            format,
            rules,
            show_suppressed,
            baseline.as_deref(),
            write_baseline.as_deref(),
        ),
    }
}

/// `kubeharden check`: groups the inputs by config, checks each group as one
/// bundle, applies the baseline, prints, and sets the exit status (2 for an
/// invalid config or an I/O problem, 1 for an unsuppressed finding at or
/// above the group's fail-on).
fn run_check(
    paths: Vec<PathBuf>,
    format: Format,
    rules: RuleArgs,
    show_suppressed: bool,
    baseline: Option<&std::path::Path>,
    write_baseline: Option<&std::path::Path>,
) -> ExitCode {
    let overrides = match rules.overrides() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("kubeharden: {e}");
            return ExitCode::from(2);
        }
    };
    let inputs = match read_inputs(paths) {
        Ok(inputs) => inputs,
        Err(code) => return code,
    };
    let mut notes = Vec::new();
    let groups = match project::group(inputs, rules.config.as_deref(), &mut notes) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kubeharden: {e}");
            return ExitCode::from(2);
        }
    };
    for note in notes {
        eprintln!("kubeharden: {note}");
    }
    let mut reports: Vec<(FileReport, String, Severity)> = Vec::new();
    let mut config_invalid = false;
    for group in &groups {
        let config = group
            .config
            .as_ref()
            .map(|c| c.parsed.config.clone())
            .unwrap_or_default();
        config_invalid |= group.config.as_ref().is_some_and(|c| c.is_invalid());
        let options = config.options(&overrides);
        let fail_on = config.fail_on(&overrides);
        for (report, text) in check_group(group, &options) {
            reports.push((report, text, fail_on));
        }
    }
    if let Some(path) = baseline {
        let mut files: Vec<(&str, &mut Vec<Diagnostic>)> = reports
            .iter_mut()
            .map(|(r, _, _)| (r.path.as_str(), &mut r.diagnostics))
            .collect();
        match project::apply_baseline(path, &mut files) {
            Ok(stale) => {
                for s in stale {
                    eprintln!(
                        "kubeharden: baseline entry no longer matches a finding (remove it or write the baseline again): {s}"
                    );
                }
            }
            Err(e) => {
                eprintln!("kubeharden: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(path) = write_baseline {
        let files: Vec<(&str, &[Diagnostic])> = reports
            .iter()
            .map(|(r, _, _)| (r.path.as_str(), r.diagnostics.as_slice()))
            .collect();
        match project::write_baseline(path, &files) {
            Ok(n) => eprintln!("kubeharden: wrote {n} finding(s) to {}", path.display()),
            Err(e) => {
                eprintln!("kubeharden: cannot write the baseline: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let failed = reports.iter().any(|(r, _, fail_on)| {
        r.diagnostics
            .iter()
            .any(|d| d.suppression.is_none() && d.severity >= *fail_on)
    });
    match format {
        Format::Sarif => {
            let files: Vec<(String, &[Diagnostic])> = reports
                .iter()
                .map(|(r, _, _)| (r.path.clone(), r.diagnostics.as_slice()))
                .collect();
            let log = kubeharden::render::sarif::sarif(&files);
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&log).expect("SARIF serializes")
            ));
        }
        Format::Json => {
            let report = JsonReport {
                version: kubeharden::VERSION,
                files: reports.iter().map(|(r, _, _)| r).collect(),
            };
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).expect("report serializes")
            ));
        }
        Format::Text => {
            let files: Vec<(&FileReport, &str)> =
                reports.iter().map(|(r, t, _)| (r, t.as_str())).collect();
            print_text(&files, show_suppressed);
        }
    }
    if config_invalid {
        eprintln!(
            "kubeharden: the config file has problems (see config-invalid above); fix them first"
        );
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `kubeharden fix`: every safe fix, in re-checked passes (`kubeharden::fix_all`).
/// Files are rewritten in place; `-` goes to standard output; `--dry-run`
/// prints a unified diff instead. The summary goes to standard error whenever
/// standard output carries fixed text or a diff, else to standard output.
fn run_fix(paths: Vec<PathBuf>, dry_run: bool, rules: RuleArgs) -> ExitCode {
    let overrides = match rules.overrides() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("kubeharden: {e}");
            return ExitCode::from(2);
        }
    };
    let inputs = match read_inputs(paths) {
        Ok(inputs) => inputs,
        Err(code) => return code,
    };
    // Each file is fixed under its own config; an invalid config stops the
    // run before anything is written.
    let mut notes = Vec::new();
    let groups = match project::group(inputs, rules.config.as_deref(), &mut notes) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kubeharden: {e}");
            return ExitCode::from(2);
        }
    };
    for note in notes {
        eprintln!("kubeharden: {note}");
    }
    let mut inputs = Vec::new();
    for group in groups {
        let config = match &group.config {
            Some(c) if c.is_invalid() => {
                for d in &c.parsed.diagnostics {
                    eprintln!(
                        "kubeharden: {}:{}:{}: {}",
                        c.name,
                        d.range.start.line + 1,
                        d.range.start.character + 1,
                        d.message
                    );
                }
                eprintln!("kubeharden: the config file has problems; nothing was fixed");
                return ExitCode::from(2);
            }
            Some(c) => c.parsed.config.clone(),
            None => Config::default(),
        };
        let options = config.options(&overrides);
        let fail_on = config.fail_on(&overrides);
        for input in group.inputs {
            inputs.push((input, options.clone(), fail_on));
        }
    }
    // Rewriting a file that is not UTF-8 (or not read whole) would replace
    // its bytes: refuse before anything is written.
    let mut texts = Vec::with_capacity(inputs.len());
    for (input, options, fail_on) in inputs {
        match input.content {
            Content::Text(text) => texts.push((input.name, text, options, fail_on)),
            Content::Refused(d) => {
                eprintln!(
                    "kubeharden: {}:{}:{}: {}; nothing was fixed",
                    input.name,
                    d.range.start.line + 1,
                    d.range.start.character + 1,
                    d.message
                );
                return ExitCode::from(2);
            }
        }
    }
    let summary_to_stderr = dry_run || texts.iter().any(|(p, ..)| p == "-");
    let say = |line: String| {
        if summary_to_stderr {
            eprintln!("{line}");
        } else {
            out(&format!("{line}\n"));
        }
    };
    let mut failed = false;
    let mut io_error = false;
    let (mut total_applied, mut files_changed) = (0, 0);
    for (path, text, options, fail_on) in &texts {
        let result = kubeharden::fix_all(text, options);
        failed |= result
            .diagnostics
            .iter()
            .any(|d| d.suppression.is_none() && d.severity >= *fail_on);
        say(fix_summary(path, &result, dry_run));
        for s in result
            .skipped
            .iter()
            .filter(|s| s.reason != kubeharden::SkipReason::Unsafe)
        {
            say(format!(
                "{path}: not applied: {} ({} at {}): {}",
                s.title,
                s.rule,
                s.path.as_deref().unwrap_or("-"),
                skip_reason(s.reason)
            ));
        }
        let changed = result.text != *text;
        total_applied += result.applied.len();
        files_changed += usize::from(changed);
        if dry_run {
            if changed {
                let label = if path == "-" { "-" } else { path.as_str() };
                let diff = similar::TextDiff::from_lines(text.as_str(), result.text.as_str());
                out(&diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{label}"), &format!("b/{label}"))
                    .to_string());
            }
        } else if path == "-" {
            out(&result.text);
        } else if changed && let Err(e) = std::fs::write(path, &result.text) {
            eprintln!("kubeharden: {path}: cannot write the fixed text: {e}");
            io_error = true;
        }
    }
    let verb = if dry_run { "would apply" } else { "applied" };
    say(format!(
        "{verb} {total_applied} fix(es) in {files_changed} of {} file(s)",
        texts.len()
    ));
    if io_error {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `path: applied 3 fixes (allow-privilege-escalation ×2, seccomp-profile-restricted); 7 findings remain, 2 with unsafe fixes`
fn fix_summary(path: &str, result: &kubeharden::FixAll, dry_run: bool) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for a in &result.applied {
        match counts.iter_mut().find(|(r, _)| *r == a.rule) {
            Some((_, n)) => *n += 1,
            None => counts.push((&a.rule, 1)),
        }
    }
    let rules: Vec<String> = counts
        .iter()
        .map(|&(r, n)| {
            if n > 1 {
                format!("{r} ×{n}")
            } else {
                r.to_string()
            }
        })
        .collect();
    let n = result.applied.len();
    let mut line = if n == 0 {
        format!("{path}: no safe fix to apply")
    } else {
        format!(
            "{path}: {} {n} fix{} ({})",
            if dry_run { "would apply" } else { "applied" },
            if n == 1 { "" } else { "es" },
            rules.join(", ")
        )
    };
    let remaining = result.diagnostics.len();
    if remaining > 0 {
        let unsafe_fixes = result
            .skipped
            .iter()
            .filter(|s| s.reason == kubeharden::SkipReason::Unsafe)
            .count();
        line.push_str(&format!("; {remaining} finding(s) remain"));
        if unsafe_fixes > 0 {
            line.push_str(&format!(
                ", {unsafe_fixes} with an unsafe fix to review (kubeharden check)"
            ));
        }
    }
    line
}

fn skip_reason(reason: kubeharden::SkipReason) -> &'static str {
    use kubeharden::SkipReason as R;
    match reason {
        R::Unsafe => "unsafe: review and apply it by hand",
        R::NoEffect => "the finding stayed after the edit, so it was undone",
        R::BreaksSyntax => {
            "the edit broke the YAML (syntax, duplicate key or schema), so it was undone"
        }
        R::BreaksJson => "the edit would turn this JSON into YAML, so it was undone",
        R::InvalidEdit => "its edits point outside the text or overlap",
        R::PassLimit => "the pass limit was reached first",
    }
}

fn print_text(reports: &[(&FileReport, &str)], show_suppressed: bool) {
    let mut files = SimpleFiles::new();
    let color = if std::io::stdout().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut writer = StandardStream::stdout(color);
    let config = term::Config::default();
    let (mut total, mut suppressed) = (0, 0);
    for (report, text) in reports {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let id = files.add(report.path.clone(), text.to_string());
        let map = kubeharden::source::SourceMap::new(text);
        for d in &report.diagnostics {
            if d.suppression.is_some() {
                suppressed += 1;
                if !show_suppressed {
                    continue;
                }
            } else {
                total += 1;
            }
            let start = byte_of(&map, d.range.start.line, d.range.start.character);
            let end = byte_of(&map, d.range.end.line, d.range.end.character).max(start);
            let severity = match d.severity {
                Severity::Critical | Severity::High => CsSeverity::Error,
                Severity::Medium => CsSeverity::Warning,
                Severity::Low => CsSeverity::Note,
                Severity::Info => CsSeverity::Help,
            };
            let head = format!("{}: {}", d.severity.as_str(), d.message);
            let mut notes = vec![format!("help: {}", d.help)];
            if let Some(s) = &d.suppression {
                notes.push(format!(
                    "suppressed ({}) at {}:{}: {}{}",
                    serde_json::to_value(s.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    s.location.file,
                    s.location.range.start.line + 1,
                    s.reason,
                    s.until
                        .as_deref()
                        .map(|u| format!(" (until {u})"))
                        .unwrap_or_default()
                ));
            }
            let diag = CsDiagnostic::new(severity)
                .with_message(head)
                .with_code(d.rule.clone())
                .with_labels(vec![Label::primary(id, start..end)])
                .with_notes(notes);
            let _ = term::emit_to_write_style(&mut writer, &config, &files, &diag);
        }
    }
    let mut line = format!("{total} finding(s) in {} file(s)", reports.len());
    if suppressed > 0 {
        line.push_str(&format!(
            "; {suppressed} suppressed{}",
            if show_suppressed {
                ""
            } else {
                " (--show-suppressed shows them)"
            }
        ));
    }
    out(&format!("{line}\n"));
}

/// Byte offset of an LSP position (line, UTF-16 column) in the text.
fn byte_of(map: &kubeharden::source::SourceMap, line: u32, character: u32) -> usize {
    let line_text = map.line_text(line as usize);
    let line_start = map.byte_offset(map.line_start(line as usize));
    let mut units = 0u32;
    for (i, ch) in line_text.char_indices() {
        if units >= character {
            return line_start + i;
        }
        units += ch.len_utf16() as u32;
    }
    line_start + line_text.len()
}

/// Writes to standard output; a closed pipe (`kubeharden check ... | head`)
/// ends the program quietly instead of panicking.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("kubeharden: cannot write the report: {e}");
        std::process::exit(2);
    }
}
