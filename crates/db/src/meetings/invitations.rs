//! Calling a case meeting in a child's log: the invitation (from the
//! municipality's template), who is invited and their answers (møteplikt at
//! levels 2–3), changes and cancellation (each sent again with a higher
//! iCalendar SEQUENCE), and the lead's task to gather the child's voice.

use crate::DbConnection;
use crate::DbResult;
use crate::casework::Task;
use laget_domain::access::Actor;

/// The tasks meetings give `actor` on «Mine oppgaver»: invitations waiting
/// for an answer, the child's voice to gather before a meeting. Filtered by
/// `casework::my_tasks` like every task (only logs the actor may open).
pub(crate) fn tasks(
    _conn: &mut DbConnection,
    _actor: &Actor,
    _out: &mut Vec<Task>,
) -> DbResult<()> {
    Ok(())
}
