//! The child's voice and BBIS observations.

use super::*;

pub fn add_voice(
    conn: &mut DbConnection,
    w: &LogWriter,
    v: &ChildVoice,
    rid: &str,
) -> DbResult<()> {
    let method = laget_domain::log::stafett::VOICE_METHODS
        .iter()
        .find(|(c, _)| *c == v.method)
        .map(|(_, n)| *n)
        .unwrap_or("Annet");
    entry(
        conn,
        w.log_id(),
        EntryKind::ChildVoice,
        Some(w.actor_id()),
        &format!(
            "Barnets stemme ({}, {})",
            v.on.format("%d.%m.%Y"),
            method.to_lowercase()
        ),
        Some(&v.words),
        Some(serde_json::to_string(v).map_err(|e| DbError::Corrupt(e.to_string()))?),
    )?;
    write_record(conn, w, Action::Update, rid)
}

pub fn add_bbis(
    conn: &mut DbConnection,
    w: &LogWriter,
    s: &bbis::Snapshot,
    rid: &str,
) -> DbResult<()> {
    let written = s
        .items
        .iter()
        .filter(|(_, a)| matches!(a, bbis::Assessment::Text(_)))
        .count();
    entry(
        conn,
        w.log_id(),
        EntryKind::Bbis,
        Some(w.actor_id()),
        &format!(
            "BBIS-vurdering {} ({written} av {} tema vurdert)",
            s.on.format("%d.%m.%Y"),
            s.items.len()
        ),
        None,
        Some(serde_json::to_string(s).map_err(|e| DbError::Corrupt(e.to_string()))?),
    )?;
    write_record(conn, w, Action::Update, rid)
}
