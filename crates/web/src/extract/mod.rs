//! What a handler takes from the request: the signed-in user ([`user`]),
//! the signed-in citizen of the family's portal ([`citizen`]),
//! ids and capabilities from the path ([`path`], [`log`]) and forms
//! ([`form`]). Each extractor either gives a value the handler may use or
//! answers the request itself (a redirect to the login page, or a 404).

pub mod citizen;
pub mod form;
pub mod log;
pub mod path;
pub mod user;
