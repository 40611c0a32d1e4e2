//! (issue #13; see mod.rs)
