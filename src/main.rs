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
    // mimalloc's `purge_delay` option: pages freed are returned to the
    // system at once (the default waits a second, while a large bundle's
    // next sources are read into fresh pages: 30 MB more at the peak on a
    // 5,000-file repository, no measurable time saved).
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: mi_option_set only stores an option value; mimalloc reads it
    // when it next purges. No other thread runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    cli::run()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
