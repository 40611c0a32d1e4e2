//! Work across logs. Anonymous consultations keep a child unnamed.

pub mod anonymity;
