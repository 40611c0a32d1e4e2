//! The family's portal (`/familie/…`): guardians and youth, logged in
//! through ID-porten, see their own or their child's log, who has seen it,
//! give and withdraw consent, add the child's voice and their own view,
//! rate meetings and ask for a meeting or a tidlig innsatsteam. Every page
//! of a log opens through `laget_domain::access::CitizenActor::open_log`
//! (via [`open`]), so a citizen who may not see a log gets a 404 like
//! staff do; every read and write is in the access log with the citizen as
//! principal and the ground foresatt or ungdom.

pub mod consent;
pub mod home;
pub mod language;
pub mod log;
pub mod login;
pub mod ratings;
pub mod requests;
pub mod seen;
pub mod texts;
pub mod voice;
pub mod withheld;
