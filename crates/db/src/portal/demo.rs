//! The demo's families (`laget serve --demo`): the two database steps the
//! demo needs that no page does yet.
//!
//! - [`set_guardian_national_id`]: the demo loader gives a few guardians a
//!   synthetic national identity number, so that they can log in to the
//!   family's portal through the demo OpenID provider. It takes the same
//!   capability as the child's edit form (`ChildEditor`) and writes an
//!   access-log row, as every change of a child's record does.
//! - [`guardian_number_in_use`]: whether the loader has done so already
//!   (the operator at the console asks).
//!
//! The demo provider finds the youth's number with
//! `crate::lookup::demo_youth_number` (a lookup before the login decides
//! who the citizen is, like the other lookups there).

use crate::children::record;
use crate::schema::{children, guardians};
use crate::{DbConnection, DbError, DbResult};
use diesel::prelude::*;
use laget_domain::access::{ChildEditor, Operator};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::children::national_id::NationalId;
use laget_domain::ids::GuardianId;

/// Sets the national identity number of a current guardian of the editor's
/// child (how the family's portal knows them). Returns whether it changed;
/// an access-log row records the change. `DbError::NotFound` if the
/// guardian is not a current guardian of that child.
pub fn set_guardian_national_id(
    conn: &mut DbConnection,
    e: &ChildEditor,
    guardian: GuardianId,
    number: &NationalId,
    request_id: &str,
) -> DbResult<bool> {
    let row: Option<(Option<String>, String)> = guardians::table
        .inner_join(children::table)
        .filter(guardians::id.eq(guardian.to_string()))
        .filter(guardians::child_id.eq(e.child_id().to_string()))
        .filter(guardians::ended_at.is_null())
        .select((guardians::national_id, children::municipality_id))
        .first(conn)
        .optional()?;
    let Some((stored, municipality)) = row else {
        return Err(DbError::NotFound);
    };
    if stored.as_deref() == Some(number.expose()) {
        return Ok(false);
    }
    diesel::update(guardians::table.find(guardian.to_string()))
        .set(guardians::national_id.eq(Some(number.expose())))
        .execute(conn)?;
    record(
        conn,
        e,
        ObjectType::Child,
        e.child_id(),
        Action::Update,
        Scope {
            municipality_id: Some(crate::parse_id(&municipality)?),
            unit_id: Some(e.unit_id()),
        },
        request_id,
    )?;
    Ok(true)
}

/// Whether some guardian carries `number` already: how the demo loader, the
/// operator at the console, sees that it has given its families their
/// numbers. It learns nothing about any child, and writes no access-log row
/// (so seeding again adds none).
pub fn guardian_number_in_use(
    conn: &mut DbConnection,
    _operator: &Operator,
    number: &NationalId,
) -> DbResult<bool> {
    let found: i64 = guardians::table
        .filter(guardians::national_id.eq(number.expose()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}
