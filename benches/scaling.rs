//! Cost per item as inputs grow (`cargo bench --bench scaling`): time per
//! unknown key for 1,000 / 10,000 / 100,000 unknown keys in one mapping, and
//! the same for other per-item steps (containers, list items, duplicate
//! keys). Flat numbers per row mean linear time.

use std::hint::black_box;
use std::time::Instant;

use kubeharden::{Options, check};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn unknown_keys(n: usize) -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n",
    );
    for i in 0..n {
        s.push_str(&format!("    unknownField{i}: {i}\n"));
    }
    s
}

fn containers(n: usize) -> String {
    let mut s =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n");
    for i in 0..n {
        s.push_str(&format!("  - name: c{i}\n    image: nginx:1.27\n"));
    }
    s
}

fn list_items(n: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        s.push_str(&format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: c{i}}}\n  data: {{k: v, typoField: 1}}\n"
        ));
    }
    s
}

fn duplicate_keys(n: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n");
    for i in 0..n {
        s.push_str(&format!("  k{}: v\n", i % (n / 2).max(1)));
    }
    s
}

fn row(name: &str, make: fn(usize) -> String, sizes: &[usize]) {
    let options = Options::default();
    let mut cells = Vec::new();
    for &n in sizes {
        let source = make(n);
        let runs = (200_000 / n).clamp(1, 20);
        let mut best = f64::INFINITY;
        for _ in 0..runs {
            let t = Instant::now();
            black_box(check(black_box(&source), &options));
            best = best.min(t.elapsed().as_secs_f64());
        }
        cells.push(format!("{n}: {:.2} µs/item", best * 1e6 / n as f64));
    }
    println!("| {name} | {} |", cells.join(" | "));
}

fn main() {
    // `cargo test --all-targets` runs this binary without `--bench`: a
    // small smoke pass only.
    let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") {
        &[1_000, 10_000, 100_000]
    } else {
        &[100]
    };
    row("unknown keys in one mapping", unknown_keys, sizes);
    row("containers in one pod", containers, sizes);
    row("List items (one unknown field each)", list_items, sizes);
    row("duplicate keys in one mapping", duplicate_keys, sizes);
}
