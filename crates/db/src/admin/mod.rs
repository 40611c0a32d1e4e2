//! Municipalities, units, users and role grants.

pub mod municipalities;
pub mod units;
pub mod users;
