//! The child's log (stafettlogg): the log page and its timeline, the work on
//! it (team, consent, level, measures, handover, closing) and the choice of
//! measures from the catalogue.

pub mod kept;
pub mod measures;
pub mod page;
pub mod snapshots;
pub mod timeline;
pub mod words;
pub mod work;
