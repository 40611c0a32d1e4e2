//! Administration of municipalities, units, users and role grants.

pub mod municipalities;
pub mod role_grants;
pub mod units;
pub mod users;
