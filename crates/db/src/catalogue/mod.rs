//! The catalogue of measures: offers, their versions and proposals, and
//! importing a catalogue from a file.

pub mod areas;
pub mod import;
pub mod offers;
