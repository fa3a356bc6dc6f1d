//! The `kubeharden` binary. The CLI is native; on wasm32 (where `cargo test
//! --target wasm32-unknown-unknown` still builds every binary) it is empty.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

// Checking allocates many small, short-lived values (nodes, scalars, paths);
// mimalloc makes the CLI about twice as fast as glibc's allocator on them
// (README, "Performance").
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::run()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
