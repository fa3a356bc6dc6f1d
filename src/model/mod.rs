//! Typed resources and the views rules read.
pub mod command_line;
pub mod edit;
pub mod identity;
pub mod kinds;
pub mod kubelet;
pub mod locate;
pub mod path;
pub mod pod;
pub mod rbac;
pub mod resource;
pub mod schema;
pub mod schema_check;
#[cfg(test)]
mod schema_diff;
#[cfg(test)]
mod schema_gen;
#[rustfmt::skip]
mod schema_table;
pub mod setting;
pub mod suggest;
mod timestamp;
#[cfg(test)]
pub mod tracked;
pub mod unknown;
// JSON as the reader builds it and the rules read it (the text layer owns it).
pub use crate::yaml::value;
pub mod workload;
