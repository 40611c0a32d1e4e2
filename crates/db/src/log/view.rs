//! Reading the log: the page's view, the timeline and lists for its forms.

use super::*;
use laget_domain::catalogue::OfferStatus;

#[derive(Clone, Debug)]
pub struct Member {
    pub id: TeamMemberId,
    pub kind: MemberKind,
    pub user_id: Option<UserId>,
    pub unit: Option<(UnitId, String)>,
    pub name: String,
    pub role: TeamRole,
}

#[derive(Clone, Debug)]
pub struct ConsentView {
    pub consent: Consent,
    pub method: Method,
    /// The guardians among the givers (whether the youth gave it is in
    /// `consent.givers`).
    pub giver_names: Vec<String>,
    pub unit_names: Vec<String>,
    pub note: Option<String>,
    pub attachment: Option<AttachmentId>,
    pub created_at: DateTime<Utc>,
    pub withdraw_reason: Option<String>,
    /// Given digitally in the family's portal, signed by the giver's
    /// ID-porten login.
    pub by_citizen: bool,
}

#[derive(Clone, Debug)]
pub struct MeasureView {
    pub id: MeasureId,
    pub offer: Option<OfferId>,
    pub name: String,
    pub goal: String,
    pub responsible: String,
    pub start: NaiveDate,
    pub evaluate_by: NaiveDate,
    pub status: MeasureStatus,
    pub best_interest: Option<String>,
    pub evaluations: Vec<EvaluationView>,
}

#[derive(Clone, Debug)]
pub struct EvaluationView {
    pub id: EvaluationId,
    pub on: NaiveDate,
    pub effect: String,
    pub text: String,
    pub continuation: String,
    pub next: Option<NaiveDate>,
    pub best_interest: Option<String>,
    pub by: Option<String>,
}

#[derive(Clone, Debug)]
pub struct HandoverView {
    pub id: HandoverId,
    pub from_name: Option<String>,
    pub to_user: UserId,
    pub to_name: String,
    pub to_unit: String,
    pub checklist: HandoverChecklist,
    pub proposed_at: DateTime<Utc>,
}

/// A timeline entry as stored: an event (its kind and data), rendered into
/// words by the web layer.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: EntryId,
    pub at: DateTime<Utc>,
    pub kind: EntryKind,
    pub actor: Option<String>,
    /// The sentence of an entry written before events (migration 000012),
    /// for when its data is not enough to render it; empty for new ones.
    pub summary: String,
    pub body: Option<String>,
    pub data: Option<String>,
    /// Why the family does not see this entry in the portal (chosen by
    /// staff when it was written); `None`: the family sees it, unless its
    /// kind is never shown (`laget_domain::portal::kind_shown_to_family`).
    pub family_hidden: Option<Withheld>,
}

/// Everything the log page shows.
#[derive(Clone, Debug)]
pub struct LogView {
    pub id: LogId,
    /// Raised by every change to the timeline.
    pub revision: i64,
    pub child: children::Child,
    pub guardians: Vec<children::Guardian>,
    pub municipality_id: MunicipalityId,
    pub home_unit: (UnitId, String),
    pub is_open: bool,
    pub level: u8,
    pub level_since: NaiveDate,
    pub decision_due: Option<NaiveDate>,
    /// The meeting the level promised, until it is marked held.
    pub meeting_due: Option<NaiveDate>,
    pub lead: Option<(UserId, String)>,
    pub report_state: Option<ReportState>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub team: Vec<Member>,
    pub consents: Vec<ConsentView>,
    pub consent_facts: ConsentFacts,
    pub measures: Vec<MeasureView>,
    pub pending_handover: Option<HandoverView>,
    pub coordination_open: Option<String>,
    /// The coordinating unit's answer, until the lead marks it read.
    pub coordination_answer: Option<String>,
    pub entries: Vec<Entry>,
    /// The newest child's-voice entry, for the prompt before decisions.
    pub last_voice: Option<DateTime<Utc>>,
}

/// The access-log row for reading (or printing) a log, for
/// [`crate::Db::record_reads`]; the caller records it before showing the page.
pub fn read_record(r: &LogReader, action: Action, rid: &str) -> AccessRecord {
    AccessRecord::new(r, ObjectType::Log, r.log_id(), action, scope(r), rid)
}

/// The whole log, as the reader may see it. Reads only: record
/// [`read_record`] before showing it.
pub fn view(
    conn: &mut DbConnection,
    r: &LogReader,
    group: Option<EntryGroup>,
    today: NaiveDate,
) -> DbResult<LogView> {
    let row = log_row(conn, r.log_id())?;
    let child_id: ChildId = parse_id(&row.child_id)?;
    let child = children::child_by_id(conn, child_id)?;
    let guardians = children::guardians_of(conn, child_id)?;
    let consents = consent_rows(conn, r.log_id())?;
    let consent_facts = consent_facts_of(conn, &child, &guardians, &consents, today)?;
    let fetched = Fetched {
        row,
        child,
        guardians,
        consents,
        consent_facts,
        coordination: coordination(conn, r.log_id())?,
    };
    view_from(conn, r, fetched, group, true)
}

/// What [`view_from`] gets already read: the log row, the child, its
/// guardians and the log's consents.
pub(super) struct Fetched {
    pub(super) row: LogRow,
    pub(super) child: children::Child,
    pub(super) guardians: Vec<children::Guardian>,
    pub(super) consents: Vec<ConsentRow>,
    pub(super) consent_facts: ConsentFacts,
    pub(super) coordination: Coordination,
}

/// The consent facts from the child, guardians and consents already read
/// (and the kinds of the units the consents name).
pub(super) fn consent_facts_of(
    conn: &mut DbConnection,
    child: &children::Child,
    guardians: &[children::Guardian],
    consents: &[ConsentRow],
    today: NaiveDate,
) -> DbResult<ConsentFacts> {
    let consents: Vec<Consent> = consents
        .iter()
        .map(ConsentRow::consent)
        .collect::<DbResult<_>>()?;
    Ok(ConsentFacts {
        responsible_guardians: guardians
            .iter()
            .filter(|g| g.parental_responsibility)
            .map(|g| g.id)
            .collect(),
        child_age: child.birth.age_on(today),
        health_units: health_units(conn, &consents)?,
        consents,
    })
}

/// The view from what was read already; the timeline only if `timeline`.
pub(super) fn view_from(
    conn: &mut DbConnection,
    r: &LogReader,
    fetched: Fetched,
    group: Option<EntryGroup>,
    timeline: bool,
) -> DbResult<LogView> {
    let Fetched {
        row,
        child,
        guardians,
        consents: consent_rows,
        consent_facts,
        coordination,
    } = fetched;
    let key = r.log_id().to_string();
    let home_unit: UnitId = parse_id(&row.home_unit_id)?;
    let home_name = unit_name(conn, home_unit)?;
    let lead = match &row.lead_user_id {
        Some(u) => {
            let id: UserId = parse_id(u)?;
            Some((id, user_name(conn, id)?))
        }
        None => None,
    };
    type M = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        String,
    );
    let members: Vec<M> = team_members::table
        .left_join(units::table.on(units::id.nullable().eq(team_members::unit_id)))
        .filter(team_members::log_id.eq(&key))
        .filter(team_members::removed_at.is_null())
        .order(team_members::added_at)
        .select((
            team_members::id,
            team_members::kind,
            team_members::user_id,
            team_members::unit_id,
            units::name.nullable(),
            team_members::name,
            team_members::role_code,
            team_members::team_role,
        ))
        .load(conn)?;
    let team = members
        .into_iter()
        .map(|(id, kind, user, unit, unit_n, name, role_code, role)| {
            Ok(Member {
                id: parse_id(&id)?,
                kind: MemberKind::from_code(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("member kind {kind}")))?,
                user_id: user.as_deref().map(parse_id).transpose()?,
                unit: match (unit, unit_n) {
                    (Some(u), Some(n)) => Some((parse_id(&u)?, n)),
                    _ => None,
                },
                name,
                role: TeamRole::from_stored(role_code.as_deref(), &role),
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    // The consents' units, one prepared query each (they are few).
    let mut all_units: Vec<(String, String)> = Vec::new();
    for u in consent_rows.iter().flat_map(|c| split(&c.unit_ids)) {
        if all_units.iter().any(|(id, _)| id == u) {
            continue;
        }
        let name: Option<String> = units::table
            .find(u)
            .select(units::name)
            .first(conn)
            .optional()?;
        if let Some(name) = name {
            all_units.push((u.to_owned(), name));
        }
    }
    let mut consents = Vec::new();
    for c in &consent_rows {
        let consent = c.consent()?;
        consents.push(ConsentView {
            // Named from the guardians already loaded (no query per consent);
            // the youth, if a giver, is named by the reader's messages.
            giver_names: guardians
                .iter()
                .filter(|g| consent.givers.contains(&Giver::Guardian(g.id)))
                .map(|g| g.name.clone())
                .collect(),
            unit_names: split(&c.unit_ids)
                .filter_map(|u| {
                    all_units
                        .iter()
                        .find(|(id, _)| id == u)
                        .map(|(_, n)| n.clone())
                })
                .collect(),
            method: Method::from_code(&c.method)
                .ok_or_else(|| DbError::Corrupt(format!("method {}", c.method)))?,
            note: c.note.clone(),
            attachment: c.attachment_id.as_deref().map(parse_id).transpose()?,
            created_at: from_micros(c.created_at),
            withdraw_reason: c.withdraw_reason.clone(),
            by_citizen: c.citizen_id.is_some(),
            consent,
        });
    }
    let measures = measures_of(conn, r.log_id(), None)?;
    let pending_handover = pending_handover(conn, r.log_id())?;
    let (entries, last_voice) = if timeline {
        self::timeline(conn, r.log_id(), group)?
    } else {
        (Vec::new(), None)
    };
    Ok(LogView {
        id: r.log_id(),
        revision: row.revision,
        child,
        guardians,
        municipality_id: parse_id(&row.municipality_id)?,
        home_unit: (home_unit, home_name),
        is_open: row.status == LogStatus::Open,
        level: u8::try_from(row.level).unwrap_or(0),
        level_since: date(&row.level_since)?,
        decision_due: row.decision_due.as_deref().map(date).transpose()?,
        meeting_due: row.meeting_due.as_deref().map(date).transpose()?,
        lead,
        report_state: row.report_state,
        created_at: from_micros(row.created_at),
        closed_at: row.closed_at.map(from_micros),
        team,
        consents,
        consent_facts,
        measures,
        pending_handover,
        coordination_open: coordination.open,
        coordination_answer: coordination.unread_answer,
        entries,
        last_voice,
    })
}

/// The log's timeline with the filter `group`, and the newest child's-voice
/// entry (for the prompt before decisions).
pub(super) fn timeline(
    conn: &mut DbConnection,
    log: LogId,
    group: Option<EntryGroup>,
) -> DbResult<(Vec<Entry>, Option<DateTime<Utc>>)> {
    let entries = entries(conn, log, group)?;
    // The whole timeline is at hand unless it was filtered or cut short.
    let last_voice = if group.is_none() && entries.len() < TIMELINE_LIMIT as usize {
        entries
            .iter()
            .filter(|e| e.kind == EntryKind::ChildVoice)
            .map(|e| e.at)
            .max()
    } else {
        let at: Option<i64> = log_entries::table
            .filter(log_entries::log_id.eq(log.to_string()))
            .filter(log_entries::kind.eq(EntryKind::ChildVoice.code()))
            .select(diesel::dsl::max(log_entries::at))
            .first(conn)?;
        at.map(from_micros)
    };
    Ok((entries, last_voice))
}

/// The lead (or the keeping unit's leader) marks the coordinating unit's
/// answer read; it is then no longer a task.
pub fn mark_coordination_answer_read(
    conn: &mut DbConnection,
    w: &LogWriter,
    rid: &str,
) -> DbResult<()> {
    let n = diesel::update(
        coordination_requests::table
            .filter(coordination_requests::log_id.eq(w.log_id().to_string()))
            .filter(coordination_requests::resolved_at.is_not_null())
            .filter(coordination_requests::answer_read_at.is_null()),
    )
    .set(coordination_requests::answer_read_at.eq(Some(to_micros(Utc::now()))))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    write_record(conn, w, Action::Update, rid)
}

/// Timeline entries on one page, newest first.
pub(super) const TIMELINE_LIMIT: i64 = 1000;

pub(crate) fn entries(
    conn: &mut DbConnection,
    log: LogId,
    group: Option<EntryGroup>,
) -> DbResult<Vec<Entry>> {
    type E = (
        String,
        i64,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    // Not boxed, so that the unfiltered timeline (the usual page) is a
    // prepared statement the connection keeps.
    let all = log_entries::table
        .left_join(users::table.on(users::id.nullable().eq(log_entries::actor_id)))
        .filter(log_entries::log_id.eq(log.to_string()))
        .order((log_entries::at.desc(), log_entries::id.desc()))
        .limit(TIMELINE_LIMIT)
        .select((
            log_entries::id,
            log_entries::at,
            log_entries::kind,
            users::display_name.nullable(),
            log_entries::summary,
            log_entries::body,
            log_entries::data,
            log_entries::family_hidden,
        ));
    let rows: Vec<E> = match group {
        None => all.load(conn)?,
        Some(g) => all
            .filter(log_entries::kind.eq_any(g.kinds().into_iter().map(|k| k.code())))
            .load(conn)?,
    };
    rows.into_iter()
        .map(|(id, at, kind, actor, summary, body, data, hidden)| {
            Ok(Entry {
                id: parse_id(&id)?,
                at: from_micros(at),
                kind: EntryKind::from_code(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("entry kind {kind}")))?,
                actor,
                summary,
                body,
                data,
                family_hidden: withheld(hidden.as_deref())?,
            })
        })
        .collect()
}

/// A stored `log_entries.family_hidden`.
pub(crate) fn withheld(code: Option<&str>) -> DbResult<Option<Withheld>> {
    code.map(|c| Withheld::from_code(c).ok_or_else(|| DbError::Corrupt(format!("withheld {c}"))))
        .transpose()
}

pub(super) fn pending_handover(
    conn: &mut DbConnection,
    log: LogId,
) -> DbResult<Option<HandoverView>> {
    type H = (String, Option<String>, String, String, String, i64);
    let row: Option<H> = handovers::table
        .filter(handovers::log_id.eq(log.to_string()))
        .filter(handovers::status.eq(HandoverStatus::Pending.code()))
        .select((
            handovers::id,
            handovers::from_user_id,
            handovers::to_user_id,
            handovers::to_unit_id,
            handovers::checklist,
            handovers::proposed_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, from, to, unit, checklist, at)) = row else {
        return Ok(None);
    };
    let to_user: UserId = parse_id(&to)?;
    Ok(Some(HandoverView {
        id: parse_id(&id)?,
        from_name: match from {
            Some(f) => Some(user_name(conn, parse_id(&f)?)?),
            None => None,
        },
        to_user,
        to_name: user_name(conn, to_user)?,
        to_unit: unit_name(conn, parse_id(&unit)?)?,
        checklist: serde_json::from_str(&checklist).map_err(|e| DbError::Corrupt(e.to_string()))?,
        proposed_at: from_micros(at),
    }))
}

pub(crate) fn measures_of(
    conn: &mut DbConnection,
    log: LogId,
    only: Option<MeasureId>,
) -> DbResult<Vec<MeasureView>> {
    /// A measure as selected below (responsible: the team member's name).
    #[derive(Queryable)]
    struct R {
        id: String,
        offer: Option<String>,
        name: String,
        goal: String,
        responsible: String,
        start: String,
        due: String,
        #[diesel(deserialize_as = Stored<MeasureStatus>)]
        status: MeasureStatus,
        best: Option<String>,
    }
    // Queries of fixed shape (no boxing, no `IN`), so that each is prepared
    // once per connection; `only` is applied here.
    let rows: Vec<R> = measures::table
        .inner_join(team_members::table.on(team_members::id.eq(measures::responsible_member_id)))
        .filter(measures::log_id.eq(log.to_string()))
        .order(measures::created_at)
        .select((
            measures::id,
            measures::offer_id,
            measures::name,
            measures::goal,
            team_members::name,
            measures::start_on,
            measures::evaluate_by,
            measures::status,
            measures::best_interest,
        ))
        .load(conn)?;
    let only = only.map(|m| m.to_string());
    let rows = rows
        .into_iter()
        .filter(|r| only.as_ref().is_none_or(|m| *m == r.id));
    type V = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let evals: Vec<V> = evaluations::table
        .inner_join(measures::table.on(measures::id.eq(evaluations::measure_id)))
        .left_join(users::table.on(users::id.nullable().eq(evaluations::evaluated_by)))
        .filter(measures::log_id.eq(log.to_string()))
        .order(evaluations::created_at)
        .select((
            evaluations::measure_id,
            evaluations::evaluated_on,
            evaluations::effect,
            evaluations::assessment,
            evaluations::continuation,
            evaluations::next_evaluation,
            evaluations::best_interest,
            users::display_name.nullable(),
            evaluations::id,
        ))
        .load(conn)?;
    rows.map(
        |R {
             id,
             offer,
             name,
             goal,
             responsible,
             start,
             due,
             status,
             best,
         }| {
            let evaluations = evals
                .iter()
                .filter(|e| e.0 == id)
                .map(|e| {
                    Ok(EvaluationView {
                        id: parse_id(&e.8)?,
                        on: date(&e.1)?,
                        effect: e.2.clone(),
                        text: e.3.clone(),
                        continuation: e.4.clone(),
                        next: e.5.as_deref().map(date).transpose()?,
                        best_interest: e.6.clone(),
                        by: e.7.clone(),
                    })
                })
                .collect::<DbResult<_>>()?;
            Ok(MeasureView {
                id: parse_id(&id)?,
                offer: offer.as_deref().map(parse_id).transpose()?,
                name,
                goal,
                responsible,
                start: date(&start)?,
                evaluate_by: date(&due)?,
                status,
                best_interest: best,
                evaluations,
            })
        },
    )
    .collect()
}

/// One measure with its evaluations.
pub fn measure(
    conn: &mut DbConnection,
    r: &LogReader,
    id: MeasureId,
    rid: &str,
) -> DbResult<MeasureView> {
    let m = measures_of(conn, r.log_id(), Some(id))?
        .pop()
        .ok_or(DbError::NotFound)?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(m)
}

/// The concern's challenge areas (for the ladder's next steps of a free-form measure).
pub fn concern_areas(conn: &mut DbConnection, r: &LogReader) -> DbResult<Vec<String>> {
    let data: Vec<Option<String>> = log_entries::table
        .filter(log_entries::log_id.eq(r.log_id().to_string()))
        .filter(log_entries::kind.eq(EntryKind::Concern.code()))
        .select(log_entries::data)
        .load(conn)?;
    let mut areas: Vec<String> = data
        .iter()
        .flatten()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| v.get("utfordringer").cloned())
        .filter_map(|v| serde_json::from_value::<Vec<String>>(v).ok())
        .flatten()
        .collect();
    areas.sort();
    areas.dedup();
    Ok(areas)
}

/// «Hvem har sett loggen»: every access-log row about this log or its child,
/// newest first, with the actor's name. Reading it is recorded too.
pub fn who_has_seen(
    conn: &mut DbConnection,
    a: &LogAuditReader,
    r: &LogReader,
    rid: &str,
) -> DbResult<Vec<crate::audit::Entry>> {
    let child: String = logs::table
        .find(a.log_id().to_string())
        .select(logs::child_id)
        .first(conn)?;
    let rows = crate::audit::for_objects(conn, &[a.log_id().to_string(), child], 2000)?;
    record(
        conn,
        a,
        ObjectType::AccessLog,
        a.log_id(),
        Action::Read,
        scope(r),
        rid,
    )?;
    Ok(rows)
}

/// Staff who can be put on a team in municipality `m`, from `in_units` (the
/// unit that keeps the log and the units consent covers): (user, name, unit,
/// unit name).
/// A member of staff who could join the team, with the unit they would
/// join for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffChoice {
    pub user_id: UserId,
    pub name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
}

pub fn staff_choices(
    conn: &mut DbConnection,
    r: &LogReader,
    in_units: &[UnitId],
) -> DbResult<Vec<StaffChoice>> {
    let m = r.municipality_id();
    use crate::schema::{memberships, unit_municipalities};
    // Those who work with children in a unit (`CASEWORK_ROLES`).
    let [staff, leader] = laget_domain::access::CASEWORK_ROLES;
    // One query per unit (there are one to a few) rather than one with `IN`:
    // a query of fixed shape is prepared once per connection and kept.
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for unit in in_units {
        let of_unit: Vec<(String, String, String, String)> = memberships::table
            .inner_join(users::table.on(users::id.eq(memberships::user_id)))
            .inner_join(units::table.on(units::id.nullable().eq(memberships::unit_id)))
            .inner_join(unit_municipalities::table.on(unit_municipalities::unit_id.eq(units::id)))
            .filter(unit_municipalities::municipality_id.eq(m.to_string()))
            .filter(
                memberships::role
                    .eq(staff.code())
                    .or(memberships::role.eq(leader.code())),
            )
            .filter(memberships::unit_id.eq(unit.to_string()))
            .filter(users::disabled_at.is_null())
            .select((users::id, users::display_name, units::id, units::name))
            .load(conn)?;
        rows.extend(of_unit);
    }
    rows.sort_by(|a, b| (&a.3, &a.1, &a.0).cmp(&(&b.3, &b.1, &b.0)));
    rows.dedup();
    rows.into_iter()
        .map(|(u, name, unit, unit_name)| {
            Ok(StaffChoice {
                user_id: parse_id(&u)?,
                name,
                unit_id: parse_id(&unit)?,
                unit_name,
            })
        })
        .collect()
}

/// Published offers of the municipality for the measure form: (id, name).
pub fn offer_choices(conn: &mut DbConnection, r: &LogReader) -> DbResult<Vec<(OfferId, String)>> {
    let m = r.municipality_id();
    let rows: Vec<(String, String)> = offers::table
        .filter(offers::municipality_id.eq(m.to_string()))
        .filter(offers::status.eq(OfferStatus::Publisert.code()))
        .order(offers::name)
        .select((offers::id, offers::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, n)| Ok((parse_id(&id)?, n)))
        .collect()
}

/// What a timeline's stored codes are called in the log's municipality:
/// challenge areas and BBIS themes (code → name), and the municipality's
/// name (for the print). Read only when a timeline is rendered afresh.
#[derive(Clone, Debug, Default)]
pub struct TimelineNames {
    pub municipality: String,
    pub areas: Vec<(String, String)>,
    pub themes: Vec<(String, String)>,
}

pub fn timeline_names(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<TimelineNames> {
    let municipality = crate::schema::municipalities::table
        .find(m.to_string())
        .select(crate::schema::municipalities::name)
        .first(conn)?;
    Ok(TimelineNames {
        municipality,
        areas: crate::catalogue::offers::challenge_areas(conn, m)?,
        themes: bbis_themes(conn, m)?
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect(),
    })
}

/// The level a log stands at (for checking a level decision against it).
pub fn current_level(conn: &mut DbConnection, r: &LogReader) -> DbResult<i32> {
    Ok(logs::table
        .find(r.log_id().to_string())
        .select(logs::level)
        .first(conn)?)
}

/// The newest log of a child found by break-glass (which then opens it).
pub fn newest_log_of(
    conn: &mut DbConnection,
    _right: &laget_domain::access::BreakGlassRight,
    child: ChildId,
) -> DbResult<Option<LogId>> {
    let id: Option<String> = logs::table
        .filter(logs::child_id.eq(child.to_string()))
        .order(logs::created_at.desc())
        .select(logs::id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_id).transpose()
}

/// The name of the log's child, for headings. The caller records the read.
pub fn child_name(conn: &mut DbConnection, r: &LogReader) -> DbResult<String> {
    Ok(logs::table
        .inner_join(children_t::table)
        .filter(logs::id.eq(r.log_id().to_string()))
        .select(children_t::name)
        .first(conn)?)
}
