//! Reading YAML the way Kubernetes reads it, positions kept.
pub mod fast;
pub mod helm;
pub mod input;
pub mod json;
pub mod parse;
pub mod tree;
pub mod value;
