//! The minutes of a meeting: who was present, the child's voice, what was
//! discussed, decisions (each with a responsible person and a deadline,
//! which become tasks and can become measures), the next meeting; approval
//! by the lead; and the family's ratings of the meeting.

use crate::DbConnection;
use crate::DbResult;
use crate::casework::Task;
use laget_domain::access::Actor;

/// The tasks minutes give `actor` on «Mine oppgaver»: minutes to write or
/// approve, decisions to carry out. Filtered by `casework::my_tasks` like
/// every task (only logs the actor may open).
pub(crate) fn tasks(
    _conn: &mut DbConnection,
    _actor: &Actor,
    _out: &mut Vec<Task>,
) -> DbResult<()> {
    Ok(())
}
