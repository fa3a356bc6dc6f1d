//! Cost per resource as inputs grow (`cargo bench --bench scale`): time and
//! peak heap of `check` on 1,000, 10,000 and 100,000 small pods, as a
//! multi-document stream and as one `kind: List`. Flat columns mean linear
//! cost. `SCALE_SIZES=1000,50000` picks other sizes. Peak heap is counted
//! by a wrapper around the CLI's allocator; peak RSS (what `/usr/bin/time`
//! reports, allocator pages included) is the process's own, so each row
//! runs in a fresh process (`make bench-scale`).

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::Instant;

use kubeharden::{Options, check};

#[path = "common/counting.rs"]
mod counting;
use counting::{LIVE, PEAK};

fn pod(i: usize, indent: &str, first: &str) -> String {
    format!(
        "{first}apiVersion: v1\n{indent}kind: Pod\n{indent}metadata:\n{indent}  name: pod-{i}\n{indent}  namespace: team-{}\n{indent}spec:\n{indent}  containers:\n{indent}  - name: app\n{indent}    image: registry.example.com/web:1.{}\n",
        i % 10,
        i % 7
    )
}

fn stream(n: usize) -> String {
    (0..n).map(|i| pod(i, "", "---\n")).collect()
}

fn list(n: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        s.push_str(&pod(i, "  ", "- "));
    }
    s
}

/// The process's peak resident set (`VmHWM`), in bytes; 0 where there is no
/// /proc.
fn peak_rss() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<usize>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

fn measure(shape: &str, n: usize, text: &str) {
    let options = Options::default();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let report = black_box(check(black_box(text), &options));
    let time = t.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    // A List is one document: past parse::MAX_NODES (4,000,000 nodes, about
    // 90,000 of these pods) the rest of it is not read, and the table says so.
    let read = report.resources.len();
    drop(report);
    let rss = peak_rss();
    println!(
        "| {shape} | {n} | {read} | {:.2} MB | {:.3} s | {:.1} µs | {:.1} MB | {:.1} KB | {:.0} MB |",
        text.len() as f64 / 1e6,
        time.as_secs_f64(),
        time.as_secs_f64() * 1e6 / read.max(1) as f64,
        peak as f64 / 1e6,
        peak as f64 / 1e3 / read.max(1) as f64,
        rss as f64 / 1e6,
    );
}

fn main() {
    // One row in this process: `SCALE_ROW=stream:10000`.
    if let Some((shape, n)) = std::env::var("SCALE_ROW").ok().and_then(|r| {
        Some((
            r.split_once(':')?.0.to_string(),
            r.split_once(':')?.1.parse().ok()?,
        ))
    }) {
        let text = if shape == "List" { list(n) } else { stream(n) };
        measure(&shape, n, &text);
        return;
    }
    // `cargo test --all-targets` runs this binary without `--bench`: one
    // small smoke pass, not a measurement of 100,000 pods in a debug build.
    let default = if std::env::args().any(|a| a == "--bench") {
        vec![1_000, 10_000, 100_000]
    } else {
        vec![200]
    };
    let sizes: Vec<usize> = std::env::var("SCALE_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or(default);
    println!(
        "| shape | pods | read | input | time | time per pod | peak heap | heap per pod | peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    // Each row in a fresh process, so its peak RSS is its own.
    let exe = std::env::current_exe().expect("the benchmark's own path");
    for shape in ["stream", "List"] {
        for &n in &sizes {
            let out = std::process::Command::new(&exe)
                .env("SCALE_ROW", format!("{shape}:{n}"))
                .output()
                .expect("the benchmark runs itself");
            assert!(out.status.success(), "{shape} {n}: {out:?}");
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
    }
}
