//! Native benchmarks (`make bench`): median time of `check` on a 150-line
//! Deployment and on Argo CD's install manifest (when ../shared is present).

use std::hint::black_box;
use std::time::{Duration, Instant};

use kubeharden::{Options, check};

// The same allocator as the CLI (src/main.rs), so the numbers are the CLI's.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn measure(name: &str, source: &str, min_runs: usize) {
    // `cargo bench --bench check -- deployment`: only the benchmarks whose name holds the filter.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !name.contains(&f)) {
        return;
    }
    let options = Options::default();
    // Warm up.
    for _ in 0..3 {
        black_box(check(black_box(source), &options));
    }
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < min_runs || start.elapsed() < Duration::from_secs(2) {
        let t = Instant::now();
        black_box(check(black_box(source), &options));
        times.push(t.elapsed());
        if times.len() >= 100_000 {
            break;
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let p90 = times[times.len() * 9 / 10];
    println!(
        "| {name} | {} lines | {} runs | median {:.1} µs | p90 {:.1} µs |",
        source.lines().count(),
        times.len(),
        median.as_secs_f64() * 1e6,
        p90.as_secs_f64() * 1e6
    );
}

fn main() {
    // `cargo test --all-targets` runs this binary without `--bench`: one
    // smoke pass instead of a two-second measurement.
    if !std::env::args().any(|a| a == "--bench") {
        let options = Options::default();
        black_box(check(include_str!("data/deployment-150.yaml"), &options));
        println!("benchmark smoke run; measure with `cargo bench`");
        return;
    }
    let deployment = include_str!("data/deployment-150.yaml");
    if std::env::var_os("STAGES").is_some() {
        stages(deployment);
    }
    measure("deployment-150.yaml", deployment, 1000);
    if let Some(rounds) = std::env::var("CPU_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        cpu_per_check(deployment, rounds);
    }
    let argo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/real/argo-cd/install.yaml");
    match std::fs::read_to_string(&argo) {
        Ok(text) => measure("argo-cd/install.yaml", &text, 20),
        Err(_) => println!("SKIPPED argo-cd/install.yaml: ../shared is absent"),
    }
}

/// `CPU_ROUNDS=7 cargo bench --bench check -- deployment` (what
/// `benches/wasm-size.mjs` runs): CPU time of this thread per check, median
/// of the rounds of at least 1 s each, to compare with the wasm module's CPU
/// time under Node on a machine whose other load would stretch wall time.
fn cpu_per_check(source: &str, rounds: usize) {
    // Linux: nanoseconds this thread ran (the first field of schedstat).
    fn thread_cpu() -> Option<Duration> {
        let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        Some(Duration::from_nanos(stat.split(' ').next()?.parse().ok()?))
    }
    let options = Options::default();
    if thread_cpu().is_none() {
        println!("no CPU time: /proc/thread-self/schedstat is unreadable");
        return;
    }
    for _ in 0..200 {
        black_box(check(black_box(source), &options));
    }
    let mut per_check = Vec::new();
    for _ in 0..rounds.max(1) {
        let (wall, cpu) = (Instant::now(), thread_cpu().unwrap_or_default());
        let mut n = 0u32;
        while wall.elapsed() < Duration::from_secs(1) {
            for _ in 0..50 {
                black_box(check(black_box(source), &options));
            }
            n += 50;
        }
        per_check.push((thread_cpu().unwrap_or_default() - cpu) / n);
    }
    per_check.sort();
    println!(
        "deployment-150.yaml cpu {:.1} µs per check (median of {} rounds)",
        per_check[per_check.len() / 2].as_secs_f64() * 1e6,
        per_check.len()
    );
}

/// `STAGES=1 cargo bench --bench check`: where the time of one document goes
/// (mean µs per stage; the rules are the rest of the total).
fn stages(source: &str) {
    use kubeharden::model::schema_check::check_object;
    use kubeharden::source::SourceMap;
    use kubeharden::yaml::json::{Converter, duplicate_keys};
    use kubeharden::yaml::parse::parse;

    fn time<T>(stage: &str, mut f: impl FnMut() -> T) {
        let n = 5000;
        let t = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        println!(
            "{stage:<10} {:6.1} µs",
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    }
    time("sourcemap", || SourceMap::new(black_box(source)));
    let map = SourceMap::new(source);
    time("parse", || parse(&map));
    let parsed = parse(&map);
    let doc = &parsed.documents[0];
    let root = doc.root.expect("a document");
    time("dup-keys", || duplicate_keys(doc));
    time("to-json", || Converter::new(doc).convert(root));
    let json = Converter::new(doc).convert(root);
    time("schema", || {
        check_object("apps/v1", "Deployment", &json, &mut Vec::new())
    });
}
