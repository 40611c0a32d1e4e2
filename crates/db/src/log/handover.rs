//! Handing the lead over, and asking the coordinating unit.

use super::*;

/// Why a handover could not be proposed.
#[derive(Debug, PartialEq, Eq)]
pub enum HandoverRefused {
    /// The proposed member could not open the log (their unit neither keeps
    /// it nor is covered by a valid consent), so they could not answer.
    CannotOpen,
    /// A proposal already waits; withdraw it first.
    Pending,
    /// The proposed member is the lead already.
    AlreadyLead,
}

/// Proposes a new lead: a staff member on the team who can open the log. The
/// current lead keeps the log until the new one accepts. One proposal at a
/// time; the proposer may withdraw it.
pub fn propose_handover(
    conn: &mut DbConnection,
    p: &HandoverProposer,
    to: TeamMemberId,
    checklist: &HandoverChecklist,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<HandoverId, HandoverRefused>> {
    let w = p.writer();
    let (user, unit, name): (Option<String>, Option<String>, String) = team_members::table
        .filter(team_members::id.eq(to.to_string()))
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .filter(team_members::removed_at.is_null())
        .filter(team_members::kind.eq(MemberKind::Staff.code()))
        .select((
            team_members::user_id,
            team_members::unit_id,
            team_members::name,
        ))
        .first(conn)?;
    let (Some(user), Some(unit)) = (user, unit) else {
        return Err(DbError::NotFound);
    };
    let row = log_row(conn, w.log_id())?;
    if row.lead_user_id.as_deref() == Some(user.as_str()) {
        return Ok(Err(HandoverRefused::AlreadyLead));
    }
    if pending_handover_id(conn, w.log_id())?.is_some() {
        return Ok(Err(HandoverRefused::Pending));
    }
    let f = super::facts_of(conn, w.reader(), today)?;
    if !f.team_member_may_open(parse_id(&user)?, today) {
        return Ok(Err(HandoverRefused::CannotOpen));
    }
    let id = HandoverId::new();
    let checklist_json =
        serde_json::to_string(checklist).map_err(|e| DbError::Corrupt(e.to_string()))?;
    // The checklist, and whom it proposes (by name at the time).
    let mut data = serde_json::to_value(checklist).map_err(|e| DbError::Corrupt(e.to_string()))?;
    if let Some(fields) = data.as_object_mut() {
        fields.insert("overlevering".into(), id.to_string().into());
        fields.insert("til".into(), name.clone().into());
    }
    diesel::insert_into(handovers::table)
        .values((
            handovers::id.eq(id.to_string()),
            handovers::log_id.eq(w.log_id().to_string()),
            handovers::from_user_id.eq(row.lead_user_id),
            handovers::from_unit_id.eq(Some(&row.home_unit_id)),
            handovers::to_member_id.eq(to.to_string()),
            handovers::to_user_id.eq(&user),
            handovers::to_unit_id.eq(&unit),
            handovers::checklist.eq(&checklist_json),
            handovers::status.eq(HandoverStatus::Pending.code()),
            handovers::proposed_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::HandoverProposed,
        Some(w.actor_id()),
        checklist.needs_to_know.as_deref(),
        data,
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// The log's waiting handover, if any.
pub(super) fn pending_handover_id(conn: &mut DbConnection, log: LogId) -> DbResult<Option<String>> {
    Ok(handovers::table
        .filter(handovers::log_id.eq(log.to_string()))
        .filter(handovers::status.eq(HandoverStatus::Pending.code()))
        .select(handovers::id)
        .first(conn)
        .optional()?)
}

/// Why a waiting handover ended without an answer.
pub(super) enum HandoverEnded<'a> {
    /// The proposer withdrew it (their name).
    Withdrawn(&'a str),
    /// The proposed member left the team (their name).
    MemberLeft(&'a str),
}

/// Ends a waiting handover as withdrawn, with a timeline entry naming why.
pub(super) fn end_pending_handover(
    conn: &mut DbConnection,
    log: LogId,
    actor: UserId,
    why: HandoverEnded<'_>,
) -> DbResult<bool> {
    let Some(id) = pending_handover_id(conn, log)? else {
        return Ok(false);
    };
    diesel::update(handovers::table.find(&id))
        .set((
            handovers::status.eq(HandoverStatus::Withdrawn.code()),
            handovers::decided_at.eq(Some(to_micros(Utc::now()))),
        ))
        .execute(conn)?;
    entry(
        conn,
        log,
        EntryKind::HandoverWithdrawn,
        Some(actor),
        None,
        match why {
            HandoverEnded::Withdrawn(by) => {
                serde_json::json!({ "overlevering": id, "grunn": "trukket", "navn": by })
            }
            HandoverEnded::MemberLeft(to) => {
                serde_json::json!({ "overlevering": id, "grunn": "ut_av_laget", "navn": to })
            }
        },
    )?;
    Ok(true)
}

/// The proposer (the lead, or the leader of the unit that keeps the log)
/// withdraws a waiting proposal. [`DbError::NotFound`] if none waits.
pub fn withdraw_handover(
    conn: &mut DbConnection,
    p: &HandoverProposer,
    id: HandoverId,
    rid: &str,
) -> DbResult<()> {
    let w = p.writer();
    if pending_handover_id(conn, w.log_id())?.as_deref() != Some(id.to_string().as_str()) {
        return Err(DbError::NotFound);
    }
    let name = user_name(conn, w.actor_id())?;
    end_pending_handover(
        conn,
        w.log_id(),
        w.actor_id(),
        HandoverEnded::Withdrawn(&name),
    )?;
    write_record(conn, w, Action::Update, rid)
}

/// The proposed lead accepts or declines. On acceptance the lead changes,
/// the log is kept by the new lead's unit, and the child is registered at
/// that unit (so its staff find the child and the log in their lists).
pub fn decide_handover(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: HandoverId,
    accept: bool,
    note: Option<&str>,
    rid: &str,
) -> DbResult<()> {
    let (to_user, to_unit): (String, String) = handovers::table
        .filter(handovers::id.eq(id.to_string()))
        .filter(handovers::log_id.eq(w.log_id().to_string()))
        .filter(handovers::status.eq(HandoverStatus::Pending.code()))
        .select((handovers::to_user_id, handovers::to_unit_id))
        .first(conn)?;
    if !w.may_decide_handover_to(parse_id(&to_user)?) {
        return Err(DbError::NotFound);
    }
    let now = to_micros(Utc::now());
    diesel::update(handovers::table.find(id.to_string()))
        .set((
            handovers::status.eq(if accept {
                HandoverStatus::Accepted
            } else {
                HandoverStatus::Declined
            }
            .code()),
            handovers::decided_at.eq(Some(now)),
            handovers::decision_note.eq(note),
        ))
        .execute(conn)?;
    let name = user_name(conn, w.actor_id())?;
    if accept {
        // The role the log's starter got is a label, not the lead itself
        // (that is `logs.lead_user_id`); it moves with the baton.
        diesel::update(
            team_members::table
                .filter(team_members::log_id.eq(w.log_id().to_string()))
                .filter(team_members::role_code.eq(TeamRole::Lead.code())),
        )
        .set(team_members::role_code.eq(TeamRole::FormerLead.code()))
        .execute(conn)?;
        diesel::update(logs::table.find(w.log_id().to_string()))
            .set((
                logs::lead_user_id.eq(Some(&to_user)),
                logs::home_unit_id.eq(&to_unit),
            ))
            .execute(conn)?;
        let child: String = logs::table
            .find(w.log_id().to_string())
            .select(logs::child_id)
            .first(conn)?;
        let attends: i64 = child_units::table
            .filter(child_units::child_id.eq(&child))
            .filter(child_units::unit_id.eq(&to_unit))
            .count()
            .get_result(conn)?;
        if attends == 0 {
            diesel::insert_into(child_units::table)
                .values((
                    child_units::child_id.eq(&child),
                    child_units::unit_id.eq(&to_unit),
                ))
                .execute(conn)?;
        }
        entry(
            conn,
            w.log_id(),
            EntryKind::HandoverAccepted,
            Some(w.actor_id()),
            note,
            serde_json::json!({ "overlevering": id.to_string(), "navn": name }),
        )?;
    } else {
        entry(
            conn,
            w.log_id(),
            EntryKind::HandoverDeclined,
            Some(w.actor_id()),
            note,
            serde_json::json!({ "overlevering": id.to_string(), "navn": name }),
        )?;
    }
    write_record(conn, w, Action::Update, rid)
}

/// Where a log that `unit` handed on went: the unit that keeps it now, when
/// `unit` kept it before an accepted handover (for «overlevert til …» in
/// that unit's lists instead of a link that would answer 404).
pub fn handed_on_to(
    conn: &mut DbConnection,
    cap: &laget_domain::access::UnitCasework,
    log: LogId,
) -> DbResult<Option<String>> {
    let unit = cap.unit_id();
    let handed: i64 = handovers::table
        .filter(handovers::log_id.eq(log.to_string()))
        .filter(handovers::status.eq(HandoverStatus::Accepted.code()))
        .filter(handovers::from_unit_id.eq(unit.to_string()))
        .count()
        .get_result(conn)?;
    if handed == 0 {
        return Ok(None);
    }
    Ok(Some(
        logs::table
            .inner_join(units::table.on(units::id.eq(logs::home_unit_id)))
            .filter(logs::id.eq(log.to_string()))
            .select(units::name)
            .first(conn)?,
    ))
}

/// Sends a disagreement about who should coordinate to the coordinating unit,
/// which may then read the log until it has settled it.
pub fn request_coordination(
    conn: &mut DbConnection,
    w: &LogWriter,
    reason: &str,
    rid: &str,
) -> DbResult<CoordinationRequestId> {
    let open: i64 = coordination_requests::table
        .filter(coordination_requests::log_id.eq(w.log_id().to_string()))
        .filter(coordination_requests::resolved_at.is_null())
        .count()
        .get_result(conn)?;
    if open > 0 {
        return Err(DbError::Taken);
    }
    let id = CoordinationRequestId::new();
    diesel::insert_into(coordination_requests::table)
        .values((
            coordination_requests::id.eq(id.to_string()),
            coordination_requests::log_id.eq(w.log_id().to_string()),
            coordination_requests::municipality_id.eq(w.reader().municipality_id().to_string()),
            coordination_requests::reason.eq(reason),
            coordination_requests::requested_by.eq(w.actor_id().to_string()),
            coordination_requests::requested_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::CoordinationRequested,
        Some(w.actor_id()),
        Some(reason),
        serde_json::json!({ "koordinering": id.to_string() }),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(id)
}

/// The coordinating unit's answer; it ends the unit's access to the log.
pub fn resolve_coordination(
    conn: &mut DbConnection,
    a: &CoordinationAnswerer,
    resolution: &str,
    rid: &str,
) -> DbResult<()> {
    let n = diesel::update(
        coordination_requests::table
            .filter(coordination_requests::log_id.eq(a.log_id().to_string()))
            .filter(coordination_requests::resolved_at.is_null()),
    )
    .set((
        coordination_requests::resolved_by.eq(Some(a.actor_id().to_string())),
        coordination_requests::resolved_at.eq(Some(to_micros(Utc::now()))),
        coordination_requests::resolution.eq(Some(resolution)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    entry(
        conn,
        a.log_id(),
        EntryKind::Note,
        Some(a.actor_id()),
        Some(resolution),
        serde_json::json!({ "hendelse": "koordinering_svart" }),
    )?;
    log_record(conn, a.reader(), a, Action::Update, rid)
}
