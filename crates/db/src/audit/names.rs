//! Names in the access log as a leader reads it: a child is named only
//! where the reader may open that child's log or page today (the log page's
//! own decision, through [`crate::casework::openable`]). Kept apart from the
//! chain in [`super`], which every feature writes to, so that the features
//! the decision reads do not import the access log in a circle.

use super::Entry;
use crate::schema::users;
use crate::{DbConnection, DbResult};
use diesel::prelude::*;
use laget_domain::access::UnitAccessLogReader;

/// Readable names for the objects of `entries`, by id, so that a leader
/// reads «Kari Nordmann» rather than a UUID: users and units by name; a log
/// or a child by the child's name, but only where `actor` may open that log
/// or that child's page today (see [`child_opens`]). Anything else keeps its
/// id alone.
pub fn object_names(
    conn: &mut DbConnection,
    _reader: &UnitAccessLogReader,
    actor: &laget_domain::access::Actor,
    entries: &[Entry],
    today: chrono::NaiveDate,
) -> DbResult<std::collections::HashMap<String, String>> {
    use crate::schema::{children, logs, units};
    let ids_of = |kind: &str| -> Vec<String> {
        let mut ids: Vec<String> = entries
            .iter()
            .filter(|e| e.object_type == kind)
            .map(|e| e.object_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let mut names: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(ids_of("user")))
        .select((users::id, users::display_name))
        .load(conn)?;
    names.extend(
        units::table
            .filter(units::id.eq_any(ids_of("unit").into_iter().chain(ids_of("access_log"))))
            .select((units::id, units::name))
            .load::<(String, String)>(conn)?,
    );
    let log_children: Vec<(String, String)> = logs::table
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(logs::id.eq_any(ids_of("log")))
        .select((logs::id, children::name))
        .load(conn)?;
    let open = open_logs(conn, actor, log_children.iter().map(|(log, _)| log), today)?;
    names.extend(
        log_children
            .into_iter()
            .filter(|(log, _)| open.contains(log)),
    );
    let named_children: Vec<(String, String)> = children::table
        .filter(children::id.eq_any(ids_of("child")))
        .select((children::id, children::name))
        .load(conn)?;
    for (child, name) in named_children {
        if child_opens(conn, actor, &child, today)? {
            names.push((child, name));
        }
    }
    Ok(names.into_iter().collect())
}

/// Of `logs` (ids as text), those `actor` may open today: the log page's
/// decision, [`crate::casework::openable`].
fn open_logs<'a>(
    conn: &mut DbConnection,
    actor: &laget_domain::access::Actor,
    logs: impl IntoIterator<Item = &'a String>,
    today: chrono::NaiveDate,
) -> DbResult<std::collections::HashSet<String>> {
    let ids: Vec<laget_domain::ids::LogId> =
        logs.into_iter().filter_map(|l| l.parse().ok()).collect();
    Ok(crate::casework::openable(conn, actor, ids, today)?
        .into_iter()
        .map(|l| l.to_string())
        .collect())
}

/// Whether `actor` may see the child `child` (id as text) by name: the
/// child's page opens for them (`Actor::casework` for one of the child's
/// units, as `/barn/{child}` decides), or one of the child's logs does.
fn child_opens(
    conn: &mut DbConnection,
    actor: &laget_domain::access::Actor,
    child: &str,
    today: chrono::NaiveDate,
) -> DbResult<bool> {
    use crate::schema::logs;
    let Ok(child_id) = child.parse::<laget_domain::ids::ChildId>() else {
        return Ok(false);
    };
    let units = crate::children::units_of(conn, child_id)?;
    if units.iter().any(|u| actor.casework(*u).is_ok()) {
        return Ok(true);
    }
    let of_child: Vec<String> = logs::table
        .filter(logs::child_id.eq(child))
        .select(logs::id)
        .load(conn)?;
    Ok(!open_logs(conn, actor, &of_child, today)?.is_empty())
}

/// Most children a name search in the access log considers.
const NAME_SEARCH_LIMIT: usize = 50;

/// For the access log's object filter: the ids of the children whose name
/// contains `text` (ignoring case) — among the children of the reader's unit
/// and of the logs it keeps, and only those `actor` may see by name (as
/// [`object_names`] shows them) — with the ids of their logs that `actor`
/// may open. Empty when there is none, whether or not such a child exists
/// elsewhere, so the search tells nothing about children out of reach.
pub fn objects_of_children_named(
    conn: &mut DbConnection,
    reader: &UnitAccessLogReader,
    actor: &laget_domain::access::Actor,
    text: &str,
    today: chrono::NaiveDate,
) -> DbResult<Vec<String>> {
    use crate::schema::{child_units, children, logs};
    let wanted = text.trim().to_lowercase();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let unit = reader.unit_id().to_string();
    let mut candidates: Vec<(String, String)> = children::table
        .inner_join(child_units::table.on(child_units::child_id.eq(children::id)))
        .filter(child_units::unit_id.eq(&unit))
        .select((children::id, children::name))
        .load(conn)?;
    candidates.extend(
        children::table
            .inner_join(logs::table.on(logs::child_id.eq(children::id)))
            .filter(logs::home_unit_id.eq(&unit))
            .select((children::id, children::name))
            .load::<(String, String)>(conn)?,
    );
    candidates.retain(|(_, name)| name.to_lowercase().contains(&wanted));
    candidates.sort();
    candidates.dedup();
    let mut objects = Vec::new();
    for (child, _) in candidates.into_iter().take(NAME_SEARCH_LIMIT) {
        if !child_opens(conn, actor, &child, today)? {
            continue;
        }
        let of_child: Vec<String> = logs::table
            .filter(logs::child_id.eq(&child))
            .select(logs::id)
            .load(conn)?;
        objects.extend(open_logs(conn, actor, &of_child, today)?);
        objects.push(child);
    }
    Ok(objects)
}
