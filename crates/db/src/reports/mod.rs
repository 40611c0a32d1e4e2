//! Reports of concern (issue #13): drafts, co-signature and sending
//! ([`draft`]); child welfare's inbox, receipt, outcome and the feedback to
//! the reporter ([`inbox`]); the delivery of the KS Fiks message
//! ([`delivery`]); the counts ([`stats`]).

pub mod delivery;
pub mod draft;
pub mod inbox;
pub mod stats;
