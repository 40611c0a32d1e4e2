//! Work across logs: «Mine oppgaver», the unit's overview, break-glass
//! access and its review, and anonymous consultations.

pub mod consultations;
pub mod tasks;
