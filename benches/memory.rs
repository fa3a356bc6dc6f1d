//! Where a bundle's memory goes (`cargo bench --bench memory -- DIR`): the
//! bytes each stage of reading holds for every file of DIR (default
//! ../shared/corpus/real, or $KUBEHARDEN_SHARED/corpus/real), counted by a
//! wrapper around the CLI's allocator, then the peak of a whole
//! `check_bundle` run over the same files.
//!
//! A counting allocator rather than heaptrack or dhat: it needs no tool or
//! extra dependency, runs the release build the CLI ships, and counts what
//! the program asked for (RSS also holds allocator slack and freed pages
//! not yet returned, which `/usr/bin/time -v` shows beside it).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use kubeharden::model::value::Value;
use kubeharden::model::workload::Workload;
use kubeharden::source::SourceMap;
use kubeharden::yaml::json::Converter;
use kubeharden::yaml::parse::parse;
use kubeharden::{Options, Source, check_bundle_each};

#[path = "common/counting.rs"]
mod counting;
use counting::{LIVE, PEAK};

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn row(stage: &str, bytes: usize, per: usize, unit: &str) {
    println!(
        "| {stage} | {:.1} MB | {:.0} B per {unit} |",
        bytes as f64 / 1e6,
        bytes as f64 / per.max(1) as f64
    );
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // As tests/common reads it: KUBEHARDEN_SHARED names ../shared
            // for a checkout elsewhere (a worktree).
            std::env::var_os("KUBEHARDEN_SHARED")
                .map_or_else(|| PathBuf::from("../shared"), PathBuf::from)
                .join("corpus/real")
        });
    let mut paths = Vec::new();
    yaml_files(&dir, &mut paths);
    if paths.is_empty() {
        println!("SKIPPED: no YAML files under {}", dir.display());
        return;
    }
    if !bench {
        // `cargo test --all-targets` runs this binary without `--bench`: a
        // smoke pass over a few files.
        paths.truncate(3);
    }
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let input: usize = texts.iter().map(String::len).sum();
    println!(
        "{} files, {:.1} MB of input under {}",
        texts.len(),
        input as f64 / 1e6,
        dir.display()
    );
    println!("| held after | bytes | per unit |");
    println!("|---|---|---|");

    let before = live();
    let maps: Vec<SourceMap> = texts.iter().map(|t| SourceMap::new(t)).collect();
    row("source maps", live() - before, input, "input byte");

    let before = live();
    let parsed: Vec<_> = maps.iter().map(parse).collect();
    let nodes: usize = parsed
        .iter()
        .flat_map(|p| &p.documents)
        .map(|d| d.nodes.len())
        .sum();
    row("YAML trees", live() - before, nodes, "node");
    println!("({nodes} nodes)");

    let before = live();
    let mut jsons = Vec::new();
    for doc in parsed.iter().flat_map(|p| &p.documents) {
        if let Some(root) = doc.root {
            jsons.push(Converter::new(doc).convert(root));
        }
    }
    let json_bytes = live() - before;
    // What a resource keeps of its JSON (model::value), as the reader builds it.
    row(
        "JSON values, kept for rules",
        json_bytes,
        jsons.len(),
        "document",
    );

    let before = live();
    // What a workload keeps: the pod fields rules read (model::pod).
    let workloads: Vec<Workload> = jsons
        .iter()
        .enumerate()
        .filter_map(|(i, j)| {
            let kind = j.get("kind").and_then(Value::as_str).unwrap_or("");
            Workload::of(i, kind, j, true, &mut Vec::new())
        })
        .collect();
    row("workloads", live() - before, workloads.len(), "workload");
    drop(workloads);

    drop(jsons);
    drop(parsed);
    drop(maps);

    let sources: Vec<Source> = paths
        .iter()
        .zip(&texts)
        .map(|(p, t)| Source {
            name: p.to_str().unwrap_or(""),
            text: t,
        })
        .collect();
    let options = Options::default();
    let before = live();
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let mut diagnostics = 0;
    let mut resources = 0;
    // Each report is dropped once counted, as the CLI drops it once written.
    let mut first = None;
    check_bundle_each(&sources, &options, |_, report| {
        first.get_or_insert((live() - before, PEAK.load(Ordering::Relaxed) - before));
        diagnostics += report.diagnostics.len();
        resources += report.resources.len();
    });
    let time = t.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    if let Some((held, peak)) = first {
        // What the rules' model holds while reports are handed out, and
        // the peak of reading and checking before the first one.
        row("held at the first report", held, resources, "resource");
        row("peak before the first report", peak, resources, "resource");
    }
    row("peak of check_bundle", peak, resources, "resource");
    println!(
        "({resources} resources, {diagnostics} diagnostics, {:.2} s)",
        time.as_secs_f64()
    );
}
