//! The family's own voice: the child's voice and the guardians' view,
//! written in the portal under a [`FamilyWriter`]. An entry of the log's
//! timeline like the staff's voice (`crate::log::add_voice`), with the
//! citizen as its author (`log_entries.citizen_id`, `actor_id` empty); the
//! log's revision is raised and the access-log row (principal: the
//! citizen, ground foresatt or ungdom) written in the same transaction.

use crate::schema::{log_entries, logs};
use crate::{DbConnection, DbResult, parse_id, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::access::FamilyWriter;
use laget_domain::access::{Capability, FamilyReader};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{EntryId, LogId};
use laget_domain::log::stafett::EntryKind;
use laget_domain::portal::voice::{FamilyVoice, Whose, writer_code};

/// Where a log's access-log rows belong: its municipality and the unit
/// that keeps it (its leader sees the row).
pub(crate) fn scope(conn: &mut DbConnection, log: LogId) -> DbResult<Scope> {
    let (municipality, unit): (String, String) = logs::table
        .find(log.to_string())
        .select((logs::municipality_id, logs::home_unit_id))
        .first(conn)?;
    Ok(Scope {
        municipality_id: Some(parse_id(&municipality)?),
        unit_id: Some(parse_id(&unit)?),
    })
}

/// The access-log row of the family's read or write of their log.
pub(crate) fn log_record(
    conn: &mut DbConnection,
    r: &FamilyReader,
    cap: &dyn Capability,
    action: Action,
    rid: &str,
) -> DbResult<()> {
    let scope = scope(conn, r.log_id())?;
    crate::children::record(conn, cap, ObjectType::Log, r.log_id(), action, scope, rid)
}

/// Adds the family's voice to the log: the child's voice (kind `stemme`,
/// data as the staff's voice — `on`, `method`, `words` — and `familie`,
/// `foresatt` or `ungdom`) or the guardians' view (kind `familiens_syn`,
/// `on` and `familie`). The words are the entry's body.
pub fn add(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    v: &FamilyVoice,
    rid: &str,
) -> DbResult<EntryId> {
    let family = writer_code(w.reader().role());
    let (kind, data) = match v.whose {
        Whose::Child => (
            EntryKind::ChildVoice,
            serde_json::json!({
                "on": v.on.format("%Y-%m-%d").to_string(),
                "method": v.method.clone().unwrap_or_default(),
                "words": v.words,
                "familie": family,
            }),
        ),
        Whose::Guardians => (
            EntryKind::FamilyView,
            serde_json::json!({
                "on": v.on.format("%Y-%m-%d").to_string(),
                "familie": family,
            }),
        ),
    };
    let id = EntryId::new();
    let now = to_micros(Utc::now());
    diesel::insert_into(log_entries::table)
        .values((
            log_entries::id.eq(id.to_string()),
            log_entries::log_id.eq(w.log_id().to_string()),
            log_entries::at.eq(now),
            log_entries::kind.eq(kind.code()),
            log_entries::actor_id.eq(None::<String>),
            log_entries::citizen_id.eq(Some(w.citizen_id().to_string())),
            log_entries::summary.eq(""),
            log_entries::body.eq(Some(&v.words)),
            log_entries::data.eq(Some(data.to_string())),
        ))
        .execute(conn)?;
    crate::log::touch(conn, w.log_id(), now)?;
    log_record(conn, w.reader(), w, Action::Update, rid)?;
    Ok(id)
}

/// The child's name, for the heading of the family's forms (a guardian
/// may have more than one child with a log). Records the read.
pub fn child_name(conn: &mut DbConnection, r: &FamilyReader, rid: &str) -> DbResult<String> {
    let name: String = logs::table
        .inner_join(crate::schema::children::table)
        .filter(logs::id.eq(r.log_id().to_string()))
        .select(crate::schema::children::name)
        .first(conn)?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(name)
}
