//! The `kubeharden` command line (native only).

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{
    self,
    termcolor::{ColorChoice, StandardStream},
};
use kubeharden::{Diagnostic, RawOptions, Severity, check};
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
        /// Exit 1 when a finding at or above this severity exists.
        #[arg(long = "fail-on", default_value = "high")]
        fail_on: String,
    },
    /// Print the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value = "markdown")]
        format: CatalogFormat,
    },
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct JsonReport {
    version: &'static str,
    files: Vec<FileReport>,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                collect(&e, out)?;
            } else if matches!(
                e.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(e);
            }
        }
        Ok(())
    } else {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        Ok(())
    }
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
        Command::Check {
            paths,
            format,
            profile,
            disable,
            enable,
            pss_version,
            registries,
            fail_on,
        } => {
            let raw = RawOptions {
                profile: Some(profile),
                enable,
                disable,
                pss_version: Some(pss_version),
                image_registries: registries,
            };
            let options = match raw.validate() {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("kubeharden: {e}");
                    return ExitCode::from(2);
                }
            };
            let Some(fail_on) = Severity::parse(&fail_on) else {
                eprintln!(
                    "kubeharden: invalid --fail-on {fail_on:?}: expected critical, high, medium, low or info"
                );
                return ExitCode::from(2);
            };
            let paths = if paths.is_empty() {
                vec![PathBuf::from("-")]
            } else {
                paths
            };
            let mut inputs: Vec<(String, String)> = Vec::new();
            for p in &paths {
                if p.as_os_str() == "-" {
                    let mut text = String::new();
                    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                        eprintln!("kubeharden: cannot read standard input: {e}");
                        return ExitCode::from(2);
                    }
                    inputs.push(("-".into(), text));
                    continue;
                }
                let mut files = Vec::new();
                if let Err(e) = collect(p, &mut files) {
                    eprintln!("kubeharden: {}: {e}", p.display());
                    return ExitCode::from(2);
                }
                for f in files {
                    match std::fs::read(&f) {
                        Ok(bytes) => inputs.push((
                            f.display().to_string(),
                            String::from_utf8_lossy(&bytes).into_owned(),
                        )),
                        Err(e) => {
                            eprintln!("kubeharden: {}: {e}", f.display());
                            return ExitCode::from(2);
                        }
                    }
                }
            }
            let reports: Vec<FileReport> = inputs
                .iter()
                .map(|(path, text)| FileReport {
                    path: path.clone(),
                    diagnostics: check(text, &options).diagnostics,
                })
                .collect();
            let failed = reports
                .iter()
                .flat_map(|r| &r.diagnostics)
                .any(|d| d.severity >= fail_on);
            match format {
                Format::Sarif => {
                    let files: Vec<(String, &[Diagnostic])> = reports
                        .iter()
                        .map(|r| (r.path.clone(), r.diagnostics.as_slice()))
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
                        files: reports,
                    };
                    out(&format!(
                        "{}\n",
                        serde_json::to_string_pretty(&report).expect("report serializes")
                    ));
                }
                Format::Text => print_text(&inputs, &reports),
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn print_text(inputs: &[(String, String)], reports: &[FileReport]) {
    let mut files = SimpleFiles::new();
    let color = if std::io::stdout().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut writer = StandardStream::stdout(color);
    let config = term::Config::default();
    let mut total = 0;
    for ((path, text), report) in inputs.iter().zip(reports) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let id = files.add(path.clone(), text.to_string());
        let map = kubeharden::source::SourceMap::new(text);
        for d in &report.diagnostics {
            total += 1;
            let start = byte_of(&map, d.range.start.line, d.range.start.character);
            let end = byte_of(&map, d.range.end.line, d.range.end.character).max(start);
            let severity = match d.severity {
                Severity::Critical | Severity::High => CsSeverity::Error,
                Severity::Medium => CsSeverity::Warning,
                Severity::Low => CsSeverity::Note,
                Severity::Info => CsSeverity::Help,
            };
            let head = format!("{}: {}", d.severity.as_str(), d.message);
            let diag = CsDiagnostic::new(severity)
                .with_message(head)
                .with_code(d.rule.clone())
                .with_labels(vec![Label::primary(id, start..end)])
                .with_notes(vec![format!("help: {}", d.help)]);
            let _ = term::emit_to_write_style(&mut writer, &config, &files, &diag);
        }
    }
    out(&format!("{total} finding(s) in {} file(s)\n", inputs.len()));
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
