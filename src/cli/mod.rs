//! The `kubeharden` command line (native only).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kubeharden::{Diagnostic, Options, RawOptions, Severity, Source, check_bundle_each};

mod inputs;
mod lsp;
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

/// Rule selection and the exit threshold, shared by `check` and `fix`.
#[derive(Args)]
struct RuleArgs {
    /// baseline, restricted or hardened.
    #[arg(long, default_value = "hardened")]
    profile: String,
    /// Switch a rule off (repeatable).
    #[arg(long = "disable", value_name = "ID")]
    disable: Vec<String>,
    /// Switch a rule on (repeatable).
    #[arg(long = "enable", value_name = "ID")]
    enable: Vec<String>,
    /// Pod Security Standards version: latest or v1.N.
    #[arg(long = "pss-version", default_value = "latest")]
    pss_version: String,
    /// Allowed image registry for image-registry (repeatable).
    #[arg(long = "allow-registry", value_name = "REGISTRY")]
    registries: Vec<String>,
    /// Exit 1 when a finding at or above this severity exists (after fixing, for fix).
    #[arg(long = "fail-on", default_value = "high")]
    fail_on: String,
}

impl RuleArgs {
    /// The options and the --fail-on threshold, or the message for exit 2.
    fn validate(self) -> Result<(Options, Severity), String> {
        let raw = RawOptions {
            profile: Some(self.profile),
            enable: self.enable,
            disable: self.disable,
            pss_version: Some(self.pss_version),
            image_registries: self.registries,
        };
        let options = raw.validate()?;
        let fail_on = Severity::parse(&self.fail_on).ok_or_else(|| {
            format!(
                "invalid --fail-on {:?}: expected critical, high, medium, low or info",
                self.fail_on
            )
        })?;
        Ok((options, fail_on))
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

/// Checks every readable input as one bundle and writes each file's report
/// as soon as it is ready, in the order given (a refused input with its one
/// diagnostic). Returns whether a finding reached `fail_on`.
fn write_report(
    inputs: &[Input],
    options: &Options,
    fail_on: Severity,
    format: Format,
) -> std::io::Result<bool> {
    let checked: Vec<usize> = (0..inputs.len())
        .filter(|&i| inputs[i].text().is_some())
        .collect();
    let sources: Vec<Source> = checked
        .iter()
        .map(|&i| Source {
            name: &inputs[i].name,
            text: inputs[i].text().unwrap_or_default(),
        })
        .collect();
    let mut out = Ordered {
        inputs,
        writer: report::Writer::new(format),
        fail_on,
        failed: false,
        next: 0,
    };
    let mut result = Ok(());
    check_bundle_each(&sources, options, |i, report| {
        if result.is_ok() {
            result = out.checked(checked[i], &report.diagnostics);
        }
    });
    result?;
    out.refused_until(inputs.len())?;
    out.writer.finish()?;
    Ok(out.failed)
}

/// Writes reports in input order, refused inputs between checked ones.
struct Ordered<'a> {
    inputs: &'a [Input],
    writer: report::Writer,
    fail_on: Severity,
    failed: bool,
    /// The first input not written yet.
    next: usize,
}

impl Ordered<'_> {
    fn checked(&mut self, at: usize, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        self.refused_until(at)?;
        self.write(at, diagnostics)?;
        self.next = at + 1;
        Ok(())
    }

    fn refused_until(&mut self, until: usize) -> std::io::Result<()> {
        while self.next < until {
            if let Content::Refused(d) = &self.inputs[self.next].content {
                self.write(self.next, std::slice::from_ref(&**d))?;
            }
            self.next += 1;
        }
        Ok(())
    }

    fn write(&mut self, at: usize, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        self.failed |= diagnostics.iter().any(|d| d.severity >= self.fail_on);
        let input = &self.inputs[at];
        self.writer
            .file(&input.name, input.text().unwrap_or_default(), diagnostics)
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
        } => {
            let (options, fail_on) = match rules.validate() {
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
            let failed = match write_report(&inputs, &options, fail_on, format) {
                Ok(failed) => failed,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kubeharden: cannot write the report: {e}");
                    return ExitCode::from(2);
                }
            };
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

/// `kubeharden fix`: every safe fix, in re-checked passes (`kubeharden::fix_all`).
/// Files are rewritten in place; `-` goes to standard output; `--dry-run`
/// prints a unified diff instead. The summary goes to standard error whenever
/// standard output carries fixed text or a diff, else to standard output.
fn run_fix(paths: Vec<PathBuf>, dry_run: bool, rules: RuleArgs) -> ExitCode {
    let (options, fail_on) = match rules.validate() {
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
    // Rewriting a file that is not UTF-8 (or not read whole) would replace
    // its bytes: refuse before anything is written.
    let mut texts = Vec::with_capacity(inputs.len());
    for input in inputs {
        match input.content {
            Content::Text(text) => texts.push((input.name, text)),
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
    let summary_to_stderr = dry_run || texts.iter().any(|(p, _)| p == "-");
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
    for (path, text) in &texts {
        let result = kubeharden::fix_all(text, &options);
        failed |= result.diagnostics.iter().any(|d| d.severity >= fail_on);
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
