//! The child's voice and BBIS observations.

use super::*;

pub fn add_voice(
    conn: &mut DbConnection,
    w: &LogWriter,
    v: &ChildVoice,
    rid: &str,
) -> DbResult<()> {
    add_voice_withheld(conn, w, v, None, rid)
}

/// [`add_voice`], withheld from the family for the reason `withheld`
/// (`None`: the family sees it in the portal).
pub fn add_voice_withheld(
    conn: &mut DbConnection,
    w: &LogWriter,
    v: &ChildVoice,
    withheld: Option<Withheld>,
    rid: &str,
) -> DbResult<()> {
    // The data is the voice itself: its date and method code name it.
    let data = serde_json::to_value(v).map_err(|e| DbError::Corrupt(e.to_string()))?;
    entry_withheld(
        conn,
        w.log_id(),
        EntryKind::ChildVoice,
        Some(w.actor_id()),
        Some(&v.words),
        data,
        withheld,
    )?;
    write_record(conn, w, Action::Update, rid)
}

pub fn add_bbis(
    conn: &mut DbConnection,
    w: &LogWriter,
    s: &bbis::Snapshot,
    rid: &str,
) -> DbResult<()> {
    add_bbis_withheld(conn, w, s, None, rid)
}

/// [`add_bbis`], withheld from the family for the reason `withheld`.
pub fn add_bbis_withheld(
    conn: &mut DbConnection,
    w: &LogWriter,
    s: &bbis::Snapshot,
    withheld: Option<Withheld>,
    rid: &str,
) -> DbResult<()> {
    // The snapshot itself: its date and items say how many themes were assessed.
    let data = serde_json::to_value(s).map_err(|e| DbError::Corrupt(e.to_string()))?;
    entry_withheld(
        conn,
        w.log_id(),
        EntryKind::Bbis,
        Some(w.actor_id()),
        None,
        data,
        withheld,
    )?;
    write_record(conn, w, Action::Update, rid)
}
