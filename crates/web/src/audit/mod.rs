//! The access log as the unit's leader reads it.

pub mod access_log;
