//! Meetings (issue #11), the web side: case meetings in a child's log
//! (`invitations`: calling, changing, cancelling, answering, printing the
//! invitation; `minutes`: minutes, decisions, approval, ratings, printing),
//! the municipality's templates (`templates`), and standing teams with the
//! cases brought to them (`teams`, `team_cases`). Templates are in
//! `templates/meetings/`. The e-mail is sent by `crate::outbox::mail`.

pub mod invitations;
pub mod minutes;
pub mod team_cases;
pub mod teams;
pub mod templates;
pub mod words;
