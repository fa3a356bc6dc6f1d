//! Typed resources and the views rules read.
pub mod edit;
pub mod identity;
pub mod locate;
pub mod path;
pub mod resource;
pub mod schema;
pub mod suggest;
pub mod tracked;
pub mod unknown;
pub mod workload;
