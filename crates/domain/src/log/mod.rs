//! The child's log (stafettlogg): the log itself and its timeline, consent,
//! the escalation model and BBIS.

pub mod bbis;
pub mod consent;
pub mod escalation;
pub mod stafett;
