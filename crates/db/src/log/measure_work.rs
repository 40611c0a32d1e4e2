//! Measures and evaluations.

use super::*;

pub(super) fn offer_name(
    conn: &mut DbConnection,
    offer: OfferId,
    m: MunicipalityId,
) -> DbResult<String> {
    Ok(offers::table
        .filter(offers::id.eq(offer.to_string()))
        .filter(offers::municipality_id.eq(m.to_string()))
        .select(offers::name)
        .first(conn)?)
}

/// Adds a measure. Without a best-interest assessment it is proposed, not
/// decided («foreslått»); with one it is active.
pub fn add_measure(
    conn: &mut DbConnection,
    w: &LogWriter,
    m: &NewMeasure,
    rid: &str,
) -> DbResult<MeasureId> {
    let name = match (m.offer, &m.name) {
        (Some(o), _) => offer_name(conn, o, w.reader().municipality_id())?,
        (None, Some(n)) => n.clone(),
        (None, None) => return Err(DbError::NotFound),
    };
    let responsible: String = team_members::table
        .filter(team_members::id.eq(m.responsible.to_string()))
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .filter(team_members::removed_at.is_null())
        .select(team_members::name)
        .first(conn)?;
    let id = MeasureId::new();
    let status = if m.best_interest.is_some() {
        MeasureStatus::Active
    } else {
        MeasureStatus::Proposed
    };
    diesel::insert_into(measures::table)
        .values((
            measures::id.eq(id.to_string()),
            measures::log_id.eq(w.log_id().to_string()),
            measures::offer_id.eq(m.offer.map(|o| o.to_string())),
            measures::name.eq(&name),
            measures::goal.eq(&m.goal),
            measures::responsible_member_id.eq(m.responsible.to_string()),
            measures::start_on.eq(iso(m.start)),
            measures::evaluate_by.eq(iso(m.evaluate_by)),
            measures::status.eq(status.code()),
            measures::best_interest.eq(&m.best_interest),
            measures::created_by.eq(w.actor_id().to_string()),
            measures::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::MeasureAdded,
        Some(w.actor_id()),
        Some(&m.goal),
        serde_json::json!({
            "tiltak": id.to_string(),
            "navn": name,
            "besluttet": m.best_interest.is_some(),
            "ansvarlig": responsible,
            "evaluering": iso(m.evaluate_by),
            "barnets_beste": m.best_interest,
        }),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(id)
}

/// Makes a proposed measure a final decision, with its best-interest assessment.
pub fn decide_measure(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: MeasureId,
    best_interest: &str,
    rid: &str,
) -> DbResult<()> {
    let (name, status): (String, Stored<MeasureStatus>) = measures::table
        .filter(measures::id.eq(id.to_string()))
        .filter(measures::log_id.eq(w.log_id().to_string()))
        .select((measures::name, measures::status))
        .first(conn)?;
    if status.parse()? != MeasureStatus::Proposed {
        // Decided already (a second click): nothing more to do.
        return Ok(());
    }
    diesel::update(measures::table.find(id.to_string()))
        .set((
            measures::status.eq(MeasureStatus::Active.code()),
            measures::best_interest.eq(Some(best_interest)),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::MeasureDecided,
        Some(w.actor_id()),
        Some(best_interest),
        serde_json::json!({ "tiltak": id.to_string(), "navn": name }),
    )?;
    write_record(conn, w, Action::Update, rid)
}

/// Records an evaluation and its decision: continue (next evaluation date),
/// change (next date, stays active) or stop.
pub fn evaluate(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: MeasureId,
    e: &NewEvaluation,
    today: NaiveDate,
    rid: &str,
) -> DbResult<EvaluationId> {
    evaluate_withheld(conn, w, id, e, None, today, rid)
}

/// [`evaluate`], with the evaluation withheld from the family for the
/// reason `withheld` (its entry, and the evaluation under the measure in
/// the portal, found by the entry's `vurdering`).
pub fn evaluate_withheld(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: MeasureId,
    e: &NewEvaluation,
    withheld: Option<Withheld>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<EvaluationId> {
    let name: String = measures::table
        .filter(measures::id.eq(id.to_string()))
        .filter(measures::log_id.eq(w.log_id().to_string()))
        .filter(measures::status.ne(MeasureStatus::Stopped.code()))
        .select(measures::name)
        .first(conn)?;
    let eid = EvaluationId::new();
    diesel::insert_into(evaluations::table)
        .values((
            evaluations::id.eq(eid.to_string()),
            evaluations::measure_id.eq(id.to_string()),
            evaluations::evaluated_on.eq(iso(today)),
            evaluations::effect.eq(e.effect.code()),
            evaluations::assessment.eq(&e.text),
            evaluations::continuation.eq(e.continuation.code()),
            evaluations::next_evaluation.eq(e.next_evaluation.map(iso)),
            evaluations::best_interest.eq(&e.best_interest),
            evaluations::evaluated_by.eq(w.actor_id().to_string()),
            evaluations::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    use laget_domain::log::stafett::Continuation;
    match (e.continuation, e.next_evaluation) {
        (Continuation::Stop, _) => {
            diesel::update(measures::table.find(id.to_string()))
                .set(measures::status.eq(MeasureStatus::Stopped.code()))
                .execute(conn)?;
        }
        (_, Some(next)) => {
            diesel::update(measures::table.find(id.to_string()))
                .set(measures::evaluate_by.eq(iso(next)))
                .execute(conn)?;
        }
        (_, None) => {}
    }
    entry_withheld(
        conn,
        w.log_id(),
        EntryKind::Evaluation,
        Some(w.actor_id()),
        Some(&e.text),
        serde_json::json!({
            "tiltak": id.to_string(),
            "vurdering": eid.to_string(),
            "navn": name,
            "effekt": e.effect.code(),
            "videre": e.continuation.code(),
            "ikke_nok": e.not_enough(),
            "barnets_beste": e.best_interest,
        }),
        withheld,
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(eid)
}
