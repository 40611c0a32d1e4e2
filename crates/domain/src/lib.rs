//! The domain of Laget: the types and rules that every other crate builds on.
//!
//! Nothing here does I/O. Validated newtypes have private fields, so a value of
//! such a type is proof that it was checked. Access decisions live in [`access`]:
//! the capability types there are the only way for the other crates to reach
//! protected data.

// Shared kernel: ids, validated values, the access decision and the access
// log's records.
pub mod access;
pub mod audit;
pub mod ids;
pub mod validation;

// One module per feature, with the same names as in `laget_db` and
// `laget_web`.
pub mod admin;
pub mod casework;
pub mod catalogue;
pub mod children;
pub mod log;
pub mod meetings;
pub mod plans;
pub mod portal;
pub mod reports;
pub mod session;

pub use ids::{MunicipalityId, UnitId, UserId};
