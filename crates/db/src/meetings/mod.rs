//! Meetings (issue #11): case meetings in a child's log (`invitations`,
//! `minutes`), the municipality's templates (`templates`), standing teams,
//! the cases brought to them and their minutes (`teams`, `team_cases`,
//! `team_minutes`), and the e-mail
//! sent about them (`mail`). Meeting content is log content: a function that
//! reads or writes a case meeting takes the log's capability (`LogReader`,
//! `LogWriter`) and writes the access-log row, as the rest of `log/` does.

pub mod invitations;
pub mod mail;
pub mod minutes;
pub mod team_cases;
pub mod team_minutes;
pub mod teams;
pub mod templates;
