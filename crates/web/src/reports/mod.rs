//! Reports of concern to child welfare (issue #13): the form ([`form`]);
//! child welfare's inbox, receipt and outcome ([`inbox`]); what the
//! reporter sees of the feedback ([`feedback`]); the counts ([`stats`]).

pub mod feedback;
pub mod form;
pub mod inbox;
pub mod stats;
