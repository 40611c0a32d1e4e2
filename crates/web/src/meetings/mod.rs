//! Meetings (issue #11), the web side: case meetings in a child's log
//! (`invitations`: calling, changing, cancelling, answering, printing the
//! invitation; `minutes`: minutes, decisions, approval, ratings, printing),
//! the municipality's templates (`templates`), and standing teams: what the
//! team pages share and the team's own pages (`teams`), defining teams and
//! the municipality's overview (`team_admin`), the team's meetings
//! (`team_meetings`), the cases brought to them and the decisions on them
//! (`team_cases`), and their minutes (`team_minutes`). Templates are in
//! `templates/meetings/`. The e-mail is sent by `crate::outbox::mail`.

pub mod invitations;
pub mod minutes;
pub mod team_admin;
pub mod team_cases;
pub mod team_meetings;
pub mod team_minutes;
pub mod teams;
pub mod templates;
pub mod words;
