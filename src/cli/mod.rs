//! The `kubeharden` command line (native only).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kubeharden::config::{Config, Overrides};
use kubeharden::options::Profile;
use kubeharden::options::PssVersion;
use kubeharden::{Diagnostic, Options, Severity, Source, check_bundle_retained};

mod inputs;
mod lsp;
mod project;
mod report;
use inputs::{Content, Input};

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
    /// Run the language server on standard input and output (LSP).
    Lsp,
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

/// What a run does with each file's findings besides writing them: the
/// baseline that accepts recorded findings, the one being written.
#[derive(Default)]
struct Adopt {
    baseline: Option<project::Baseline>,
    record: Option<Vec<project::Fingerprint>>,
}

/// Checks the readable inputs of one group as one bundle, with the group's
/// config file as the last source (it holds no resources; the findings about
/// its exemptions land in it), and writes each file's report as soon as it is
/// ready, in the order given (a refused input with its one diagnostic). The
/// config's report (its own problems and its exemptions') comes last.
/// Returns whether an unsuppressed finding reached `fail_on`.
fn write_group(
    group: &project::Group,
    options: &Options,
    fail_on: Severity,
    writer: &mut report::Writer,
    adopt: &mut Adopt,
    last: bool,
) -> std::io::Result<bool> {
    let inputs = &group.inputs;
    let checked: Vec<usize> = (0..inputs.len())
        .filter(|&i| inputs[i].text().is_some())
        .collect();
    let mut sources: Vec<Source> = checked
        .iter()
        .map(|&i| Source {
            name: &inputs[i].name,
            text: inputs[i].text().unwrap_or_default(),
        })
        .collect();
    if let Some(c) = &group.config {
        sources.push(Source {
            name: &c.name,
            text: &c.text,
        });
    }
    let mut out = Ordered {
        inputs,
        writer,
        adopt,
        fail_on,
        failed: false,
        next: 0,
    };
    let mut result = Ok(());
    let retained = check_bundle_retained(&sources, options, |i, report| {
        if result.is_err() {
            return;
        }
        result = match checked.get(i) {
            Some(&at) => out.checked(at, report.diagnostics),
            None => out.refused_until(inputs.len()).and_then(|()| {
                let c = group
                    .config
                    .as_ref()
                    .expect("the last source is the config");
                let mut diagnostics = c.parsed.diagnostics.clone();
                for d in report.diagnostics {
                    // The reader's own YAML problems are among the config's already.
                    if !diagnostics.contains(&d) {
                        diagnostics.push(d);
                    }
                }
                diagnostics.sort_by_key(|d| d.range.start);
                if diagnostics.is_empty() {
                    return Ok(());
                }
                out.write(&c.name, &c.text, diagnostics)
            }),
        };
    });
    // The process exits after the last bundle: the operating system frees
    // its millions of allocations at once.
    if last {
        std::mem::forget(retained);
    } else {
        drop(retained);
    }
    result?;
    out.refused_until(inputs.len())?;
    Ok(out.failed)
}

/// Writes reports in input order, refused inputs between checked ones.
struct Ordered<'a> {
    inputs: &'a [Input],
    writer: &'a mut report::Writer,
    adopt: &'a mut Adopt,
    fail_on: Severity,
    failed: bool,
    /// The first input not written yet.
    next: usize,
}

impl Ordered<'_> {
    fn checked(&mut self, at: usize, diagnostics: Vec<Diagnostic>) -> std::io::Result<()> {
        self.refused_until(at)?;
        let input = &self.inputs[at];
        self.write(&input.name, input.text().unwrap_or_default(), diagnostics)?;
        self.next = at + 1;
        Ok(())
    }

    fn refused_until(&mut self, until: usize) -> std::io::Result<()> {
        while self.next < until {
            let input = &self.inputs[self.next];
            if let Content::Refused(d) = &input.content {
                self.write(&input.name, "", vec![(**d).clone()])?;
            }
            self.next += 1;
        }
        Ok(())
    }

    fn write(
        &mut self,
        name: &str,
        text: &str,
        mut diagnostics: Vec<Diagnostic>,
    ) -> std::io::Result<()> {
        if let Some(b) = &mut self.adopt.baseline {
            b.apply(name, &mut diagnostics);
        }
        if let Some(record) = &mut self.adopt.record {
            record.extend(
                diagnostics
                    .iter()
                    .filter(|d| d.suppression.is_none())
                    .map(|d| project::Fingerprint::of(name, d)),
            );
        }
        self.failed |= diagnostics
            .iter()
            .any(|d| d.suppression.is_none() && d.severity >= self.fail_on);
        self.writer.file(name, text, &diagnostics)
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lsp => lsp::run(),
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
/// bundle, applies the baseline, writes the reports, and sets the exit
/// status (2 for an invalid config, a bad baseline or an I/O problem, 1 for an
/// unsuppressed finding at or above the group's fail-on).
fn run_check(
    paths: Vec<PathBuf>,
    format: Format,
    rules: RuleArgs,
    show_suppressed: bool,
    baseline: Option<&std::path::Path>,
    write_baseline: Option<&std::path::Path>,
) -> ExitCode {
    let (overrides, groups) = match read_project(paths, &rules) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let mut adopt = Adopt {
        baseline: match baseline.map(project::Baseline::read).transpose() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("kubeharden: {e}");
                return ExitCode::from(2);
            }
        },
        record: write_baseline.map(|_| Vec::new()),
    };
    let mut writer = report::Writer::new(format, show_suppressed);
    let mut failed = false;
    let mut config_invalid = false;
    let written: std::io::Result<()> = (|| {
        for (g, group) in groups.iter().enumerate() {
            let config = group
                .config
                .as_ref()
                .map(|c| c.parsed.config.clone())
                .unwrap_or_default();
            config_invalid |= group.config.as_ref().is_some_and(|c| c.is_invalid());
            let options = config.options(&overrides);
            let fail_on = config.fail_on(&overrides);
            let last = g + 1 == groups.len();
            failed |= write_group(group, &options, fail_on, &mut writer, &mut adopt, last)?;
        }
        writer.finish()
    })();
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kubeharden: cannot write the report: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(b) = adopt.baseline {
        for s in b.stale() {
            eprintln!(
                "kubeharden: baseline entry no longer matches a finding (remove it or write the baseline again): {s}"
            );
        }
    }
    if let (Some(path), Some(record)) = (write_baseline, adopt.record) {
        match project::write_baseline(path, record) {
            Ok(n) => eprintln!("kubeharden: wrote {n} finding(s) to {}", path.display()),
            Err(e) => {
                eprintln!("kubeharden: cannot write the baseline: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if config_invalid {
        eprintln!(
            "kubeharden: the config file has problems (config-invalid in the report); fix them first"
        );
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What `check` and `fix` start from: the flags as overrides, and the inputs
/// grouped by their nearest config (the walk's notes printed); exit status 2
/// for a bad flag, an unreadable input or a config that cannot be read.
fn read_project(
    paths: Vec<PathBuf>,
    rules: &RuleArgs,
) -> Result<(Overrides, Vec<project::Group>), ExitCode> {
    let usage = |e: String| {
        eprintln!("kubeharden: {e}");
        ExitCode::from(2)
    };
    let overrides = rules.overrides().map_err(usage)?;
    let inputs = read_inputs(paths)?;
    let mut notes = Vec::new();
    let groups = project::group(inputs, rules.config.as_deref(), &mut notes).map_err(usage)?;
    for note in notes {
        eprintln!("kubeharden: {note}");
    }
    Ok((overrides, groups))
}

/// `kubeharden fix`: every safe fix, in re-checked passes (`kubeharden::fix_all`).
/// Files are rewritten in place; `-` goes to standard output; `--dry-run`
/// prints a unified diff instead. The summary goes to standard error whenever
/// standard output carries fixed text or a diff, else to standard output.
fn run_fix(paths: Vec<PathBuf>, dry_run: bool, rules: RuleArgs) -> ExitCode {
    // Each file is fixed under its own config; an invalid config stops the
    // run before anything is written.
    let (overrides, groups) = match read_project(paths, &rules) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let mut inputs = Vec::new();
    for group in groups {
        let config = match &group.config {
            Some(c) if c.is_invalid() => {
                for d in &c.parsed.diagnostics {
                    eprintln!("kubeharden: {}", at(&c.name, d));
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
                eprintln!("kubeharden: {}; nothing was fixed", at(&input.name, &d));
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
        R::FlowStyle => {
            "no edit can be built inside a flow-style collection ({...} or [...]); set it by hand, or write the collection in block style"
        }
        R::Alias => "the value comes from an alias (*name) that other places share; set it by hand",
        R::Unsupported => "no edit can be built for this shape of value; set it by hand",
    }
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

/// `file:line:column: message`, 1-based, as compilers print a problem.
fn at(name: &str, d: &Diagnostic) -> String {
    format!(
        "{name}:{}:{}: {}",
        d.range.start.line + 1,
        d.range.start.character + 1,
        d.message
    )
}
