//! Domain rules checked from outside the crate, through its public API
//! only: what a log capability records and allows, consent codes and edges,
//! and every field of an access-log row in its hash. One test binary.

mod audit_fields;
mod consent_rules;
mod log_capabilities;
