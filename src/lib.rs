//! kubeharden: a Kubernetes manifest hardening checker.
//!
//! `check` reads manifests exactly as Kubernetes does, keeps the position of
//! every key and value, and runs the rules of the registry over them. The same
//! function backs the CLI, the WebAssembly API and the web playground.

pub mod check;
pub mod config;
pub mod diagnostic;
pub mod exceptions;
pub mod explain;
pub mod fix_all;
pub mod lsp;
pub mod model;
pub mod options;
pub mod par;
pub mod render;
pub mod rules;
pub mod source;
pub mod yaml;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use check::{
    Report, Retained, Source, check, check_bundle, check_bundle_each, check_bundle_retained,
    ignore_fix,
};
pub use diagnostic::{Diagnostic, Fix, Severity};
pub use fix_all::{AppliedFix, FixAll, SkipReason, SkippedFix, fix_all};
pub use options::{Options, RawOptions};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
