//! The unit's children: the list, registering a child, the child's page and
//! editing a child's details.

pub mod edit;
pub mod list;
