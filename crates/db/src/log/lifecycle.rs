//! Starting a log, changing its level, meetings, reports, closing and reopening.

use super::*;

/// Starts a log for a child of the caseworker's unit from a concern. The log
/// stands at the model's first level, with its decision deadline; the
/// caseworker is its lead and first team member. A child has at most one
/// open log ([`DbError::Taken`]).
pub fn start(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: ChildId,
    concern: &Concern,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<LogId> {
    start_withheld(conn, cap, child, concern, None, today, request_id)
}

/// [`start`], with the concern withheld from the family for the reason
/// `withheld` (`None`: the family sees it in the portal).
pub fn start_withheld(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: ChildId,
    concern: &Concern,
    withheld: Option<Withheld>,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<LogId> {
    let attends: i64 = child_units::table
        .filter(child_units::child_id.eq(child.to_string()))
        .filter(child_units::unit_id.eq(cap.unit_id().to_string()))
        .count()
        .get_result(conn)?;
    if attends == 0 {
        return Err(DbError::NotFound);
    }
    let open: i64 = logs::table
        .filter(logs::child_id.eq(child.to_string()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .count()
        .get_result(conn)?;
    if open > 0 {
        return Err(DbError::Taken);
    }
    // The log belongs to the child's municipality (its rules, its
    // coordinating unit, the scope of its access-log rows), which a
    // caseworker of a shared unit need not share.
    let scope = children::child_scope(conn, cap, child)?;
    let m = scope.municipality_id.unwrap_or(cap.municipality_id());
    let s = settings(conn, m)?;
    let first = s.model.first_level();
    let due = s
        .model
        .level(first)
        .filter(|l| l.has_decision_deadline)
        .map(|_| iso(deadline(today, s.decision_days)));
    let id = LogId::new();
    let now = to_micros(Utc::now());
    diesel::insert_into(logs::table)
        .values((
            logs::id.eq(id.to_string()),
            logs::child_id.eq(child.to_string()),
            logs::municipality_id.eq(m.to_string()),
            logs::home_unit_id.eq(cap.unit_id().to_string()),
            logs::status.eq(LogStatus::Open.code()),
            logs::level.eq(i32::from(first)),
            logs::level_since.eq(iso(today)),
            logs::decision_due.eq(due),
            logs::lead_user_id.eq(cap.actor_id().to_string()),
            logs::created_by.eq(cap.actor_id().to_string()),
            logs::created_at.eq(now),
            logs::updated_at.eq(now),
        ))
        .execute(conn)?;
    let me = user_name(conn, cap.actor_id())?;
    add_member_row(
        conn,
        id,
        &NewMember {
            kind: MemberKind::Staff,
            user: Some(cap.actor_id()),
            unit: Some(cap.unit_id()),
            guardian: None,
            name: &me,
            role: &TeamRole::Lead,
        },
    )?;
    let data = serde_json::json!({
        "observert": iso(concern.noticed_on),
        "utfordringer": concern.areas,
        "bbis": concern.bbis_theme,
    });
    entry_withheld(
        conn,
        id,
        EntryKind::Concern,
        Some(cap.actor_id()),
        Some(&concern.noticed),
        data,
        withheld,
    )?;
    record(
        conn,
        cap,
        ObjectType::Log,
        id,
        Action::Create,
        scope,
        request_id,
    )?;
    Ok(id)
}

/// Moves the log to another level. The decision is recorded with its reason,
/// skip reason and best-interest assessment; a level that prompts a report
/// of concern records that prompt as a step.
pub fn change_level(
    conn: &mut DbConnection,
    w: &LogWriter,
    change: &LevelChange,
    settings: &LogSettings,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<()> {
    let log = w.log_id();
    let row = log_row(conn, log)?;
    if row.level != i32::from(change.from) {
        // Someone else changed the level meanwhile; the form was stale.
        return Err(DbError::Conflict);
    }
    let due = settings
        .model
        .level(change.to)
        .filter(|l| l.has_decision_deadline)
        .map(|_| iso(deadline(today, settings.decision_days)));
    // A level that promises a meeting (BTI level 2: within two weeks) makes
    // it the lead's task until it is marked held.
    let meeting = settings
        .model
        .level(change.to)
        .and_then(|l| l.meeting_within_days)
        .map(|days| iso(deadline(today, days)));
    diesel::update(logs::table.find(log.to_string()))
        .set((
            logs::level.eq(i32::from(change.to)),
            logs::level_since.eq(iso(today)),
            logs::decision_due.eq(due),
            logs::meeting_due.eq(meeting),
            logs::report_state.eq(if change.prompts_report {
                Some(ReportState::Prompted.code())
            } else {
                row.report_state.map(ReportState::code)
            }),
        ))
        .execute(conn)?;
    // The levels by number, in the model they belong to (a municipality
    // may change its model later; the entry keeps the one it was made in).
    let data = serde_json::json!({
        "modell": settings.model.code(),
        "fra": change.from,
        "til": change.to,
        "hopp": change.skip_reason,
        "barnets_beste": change.best_interest,
    });
    entry(
        conn,
        log,
        EntryKind::LevelChange,
        Some(w.actor_id()),
        Some(&change.reason),
        data,
    )?;
    if change.prompts_report {
        entry(
            conn,
            log,
            EntryKind::ReportPrompted,
            Some(w.actor_id()),
            None,
            serde_json::json!({ "niva": change.to }),
        )?;
    }
    write_record(conn, w, Action::Update, request_id)
}

/// Records that the meeting the level promised was held (meetings with
/// invitations and minutes come later); it is no longer a task.
pub fn meeting_held(
    conn: &mut DbConnection,
    w: &LogWriter,
    held_on: NaiveDate,
    note: &str,
    request_id: &str,
) -> DbResult<()> {
    let n = diesel::update(
        logs::table
            .find(w.log_id().to_string())
            .filter(logs::meeting_due.is_not_null()),
    )
    .set(logs::meeting_due.eq(None::<String>))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    entry(
        conn,
        w.log_id(),
        EntryKind::Note,
        Some(w.actor_id()),
        (!note.is_empty()).then_some(note),
        serde_json::json!({ "hendelse": "mote_holdt", "mote_holdt": iso(held_on) }),
    )?;
    write_record(conn, w, Action::Update, request_id)
}

/// Records that the report of concern was sent (the form comes later).
pub fn report_sent(
    conn: &mut DbConnection,
    w: &LogWriter,
    note: &str,
    request_id: &str,
) -> DbResult<()> {
    diesel::update(logs::table.find(w.log_id().to_string()))
        .set(logs::report_state.eq(ReportState::Sent.code()))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::ReportSent,
        Some(w.actor_id()),
        Some(note),
        serde_json::json!({}),
    )?;
    write_record(conn, w, Action::Update, request_id)
}

/// Closes the log: no deadlines left, and its planned meetings ahead
/// cancelled («Loggen ble lukket») with their cancellations by e-mail, in
/// this transaction. How many meetings were cancelled.
pub fn close(conn: &mut DbConnection, w: &LogWriter, reason: &str, rid: &str) -> DbResult<usize> {
    let now = to_micros(Utc::now());
    diesel::update(logs::table.find(w.log_id().to_string()))
        .set((
            logs::status.eq(LogStatus::Closed.code()),
            logs::closed_at.eq(Some(now)),
            logs::decision_due.eq(None::<String>),
            logs::meeting_due.eq(None::<String>),
        ))
        .execute(conn)?;
    let cancelled = crate::meetings::invitations::cancel_when_closed(
        conn,
        w.log_id(),
        w.actor_id(),
        CLOSED_MEETING_REASON,
    )?;
    entry(
        conn,
        w.log_id(),
        EntryKind::Closed,
        Some(w.actor_id()),
        Some(reason),
        serde_json::json!({ "avlyste_moter": cancelled }),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(cancelled)
}

/// The reason a meeting cancelled by closing its log carries.
pub const CLOSED_MEETING_REASON: &str = "Loggen ble lukket";

pub fn reopen(conn: &mut DbConnection, w: &LogWriter, reason: &str, rid: &str) -> DbResult<()> {
    diesel::update(logs::table.find(w.log_id().to_string()))
        .set((
            logs::status.eq(LogStatus::Open.code()),
            logs::closed_at.eq(None::<i64>),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::Reopened,
        Some(w.actor_id()),
        Some(reason),
        serde_json::json!({}),
    )?;
    write_record(conn, w, Action::Update, rid)
}
