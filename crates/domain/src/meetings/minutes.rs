//! Minutes and their decisions: the rules for writing, approving and
//! following them up.
