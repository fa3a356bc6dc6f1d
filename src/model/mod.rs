//! Typed resources and the views rules read.
pub mod command_line;
pub mod edit;
pub mod identity;
pub mod kinds;
pub mod kubelet;
pub mod locate;
pub mod path;
pub mod rbac;
pub mod resource;
pub mod schema;
pub mod setting;
pub mod suggest;
pub mod tracked;
pub mod unknown;
pub mod value;
pub mod workload;
