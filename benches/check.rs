//! Native benchmarks (`make bench`): median time of `check` on a 150-line
//! Deployment and on Argo CD's install manifest (when ../shared is present).

use std::hint::black_box;
use std::time::{Duration, Instant};

use kubeharden::{Options, check};

fn measure(name: &str, source: &str, min_runs: usize) {
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
    measure("deployment-150.yaml", deployment, 1000);
    let argo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/real/argo-cd/install.yaml");
    match std::fs::read_to_string(&argo) {
        Ok(text) => measure("argo-cd/install.yaml", &text, 20),
        Err(_) => println!("SKIPPED argo-cd/install.yaml: ../shared is absent"),
    }
}
