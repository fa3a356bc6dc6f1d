//! Renderings of diagnostics that more than one face needs.
pub mod sarif;
