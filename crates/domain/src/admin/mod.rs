//! Municipalities, units, users and their roles.

pub mod municipality;
pub mod unit;
pub mod user;
