//! The domain of Laget: the types and rules that every other crate builds on.
//!
//! Nothing here does I/O. Validated newtypes have private fields, so a value of
//! such a type is proof that it was checked. Access decisions live in [`access`]:
//! the capability types there are the only way for the other crates to reach
//! protected data.

pub mod access;
pub mod anonymity;
pub mod audit;
pub mod bbis;
pub mod catalogue;
pub mod catalogue_io;
pub mod child;
pub mod consent;
pub mod escalation;
pub mod ids;
pub mod municipality;
pub mod national_id;
pub mod password;
pub mod session;
pub mod stafett;
pub mod unit;
pub mod user;
pub mod validation;

pub use ids::{MunicipalityId, UnitId, UserId};
