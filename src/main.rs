//! The `kubeharden` binary. The CLI is native; on wasm32 (where `cargo test
//! --target wasm32-unknown-unknown` still builds every binary) it is empty.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::run()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
