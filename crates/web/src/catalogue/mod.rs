//! The catalogue of the municipality's measures: the public list, detail
//! and ladder pages and their JSON API, the editors' forms, proposals and
//! their review, and the municipality's catalogue administration.

pub mod admin;
pub mod api;
pub mod cache;
pub mod edit;
pub mod proposals;
pub mod public;
