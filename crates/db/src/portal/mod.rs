//! The family's portal: citizens (guardians and youth logged in through
//! ID-porten), their sessions, and what they read and write of a log.
//!
//! Who a citizen is comes from [`citizens`] and [`sessions`] (before any
//! access decision); everything that reads or changes a child's data here
//! takes a `laget_domain::access::FamilyReader` or `FamilyWriter`, and writes
//! its access-log row with the citizen as principal and the ground
//! (foresatt, ungdom).

pub mod citizens;
pub mod consent;
pub mod demo;
pub mod ratings;
pub mod requests;
pub mod sessions;
pub mod texts;
pub mod view;
pub mod voice;
