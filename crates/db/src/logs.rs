//! The child's log (stafettlogg): its level and lead, its timeline, consents,
//! team, handovers, measures and evaluations. Every function takes the
//! capability from `laget_domain::access` (a `LogReader` or `LogWriter`) and
//! writes its access-log row in the same transaction.

use crate::children::{self, date, iso, record};
use crate::schema::{
    attachments, bbis_themes, break_glass, child_units, children as children_t, consents,
    coordination_requests, evaluations, guardians, handovers, log_entries, log_settings, logs,
    measures, offers, team_members, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Actor, Capability, CoordinationAnswerer, HandoverProposer, LogAuditReader, LogFacts, LogReader,
    LogWriter, MunicipalityAdmin, UnitCasework,
};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::bbis::{self, Theme};
use laget_domain::child::Birth;
use laget_domain::consent::{
    self, Consent, ConsentFacts, ConsentRule, Giver, Method, NewConsent, Purpose,
};
use laget_domain::escalation::{EscalationModel, LevelChange, LogSettings, deadline};
use laget_domain::ids::{
    AttachmentId, ChildId, ConsentId, CoordinationRequestId, EntryId, EvaluationId, GuardianId,
    HandoverId, LogId, MeasureId, OfferId, TeamMemberId,
};
use laget_domain::stafett::{
    ChildVoice, Concern, EntryGroup, EntryKind, HandoverChecklist, MemberKind, NewEvaluation,
    NewMeasure,
};
use laget_domain::user::Role;
use laget_domain::{MunicipalityId, UnitId, UserId};

// ---------------------------------------------------------------------------
// Settings and data lists

/// The municipality's log settings (the defaults until an administrator sets them).
pub fn settings(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<LogSettings> {
    let row: Option<(String, i32, String)> = log_settings::table
        .find(m.to_string())
        .select((
            log_settings::model,
            log_settings::decision_days,
            log_settings::consent_rule,
        ))
        .first(conn)
        .optional()?;
    let Some((model, days, rule)) = row else {
        return Ok(LogSettings::default());
    };
    Ok(LogSettings {
        model: EscalationModel::from_code(&model)
            .ok_or_else(|| DbError::Corrupt(format!("model {model}")))?,
        decision_days: u32::try_from(days).unwrap_or(14),
        consent_rule: ConsentRule::from_code(&rule)
            .ok_or_else(|| DbError::Corrupt(format!("rule {rule}")))?,
    })
}

pub fn set_settings(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    s: &LogSettings,
    request_id: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    diesel::delete(log_settings::table.find(&m)).execute(conn)?;
    diesel::insert_into(log_settings::table)
        .values((
            log_settings::municipality_id.eq(&m),
            log_settings::model.eq(s.model.code()),
            log_settings::decision_days.eq(i32::try_from(s.decision_days).unwrap_or(14)),
            log_settings::consent_rule.eq(s.consent_rule.code()),
        ))
        .execute(conn)?;
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        Scope {
            municipality_id: Some(cap.municipality_id()),
            unit_id: None,
        },
        request_id,
    )
}

/// The municipality's BBIS themes (the defaults until it has its own list).
pub fn bbis_themes(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Vec<Theme>> {
    let rows: Vec<(String, String, String, String)> = bbis_themes::table
        .filter(bbis_themes::municipality_id.eq(m.to_string()))
        .order(bbis_themes::position)
        .select((
            bbis_themes::side,
            bbis_themes::side_name,
            bbis_themes::code,
            bbis_themes::name,
        ))
        .load(conn)?;
    if rows.is_empty() {
        return Ok(bbis::default_themes());
    }
    Ok(rows
        .into_iter()
        .map(|(side, side_name, code, name)| Theme {
            side,
            side_name,
            code,
            name,
        })
        .collect())
}

/// Replaces the municipality's BBIS theme list.
pub fn set_bbis_themes(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    themes: &[Theme],
    request_id: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    diesel::delete(bbis_themes::table.filter(bbis_themes::municipality_id.eq(&m))).execute(conn)?;
    for (i, t) in themes.iter().enumerate() {
        diesel::insert_into(bbis_themes::table)
            .values((
                bbis_themes::municipality_id.eq(&m),
                bbis_themes::code.eq(&t.code),
                bbis_themes::side.eq(&t.side),
                bbis_themes::side_name.eq(&t.side_name),
                bbis_themes::name.eq(&t.name),
                bbis_themes::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
            ))
            .execute(conn)
            .map_err(DbError::from_insert)?;
    }
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        Scope {
            municipality_id: Some(cap.municipality_id()),
            unit_id: None,
        },
        request_id,
    )
}

// ---------------------------------------------------------------------------
// Access facts

fn split(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').filter(|s| !s.is_empty())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = consents)]
struct ConsentRow {
    id: String,
    givers: String,
    unit_ids: String,
    purposes: String,
    valid_from: String,
    valid_to: String,
    method: String,
    note: Option<String>,
    attachment_id: Option<String>,
    created_at: i64,
    withdrawn_at: Option<i64>,
    withdraw_reason: Option<String>,
}

impl ConsentRow {
    fn consent(&self) -> DbResult<Consent> {
        Ok(Consent {
            id: parse_id(&self.id)?,
            givers: split(&self.givers).filter_map(Giver::from_code).collect(),
            units: split(&self.unit_ids)
                .map(parse_id)
                .collect::<DbResult<_>>()?,
            purposes: split(&self.purposes)
                .filter_map(Purpose::from_code)
                .collect(),
            valid_from: date(&self.valid_from)?,
            valid_to: date(&self.valid_to)?,
            withdrawn_at: self.withdrawn_at.map(from_micros),
        })
    }
}

fn consent_rows(conn: &mut DbConnection, log: LogId) -> DbResult<Vec<ConsentRow>> {
    Ok(consents::table
        .filter(consents::log_id.eq(log.to_string()))
        .order(consents::created_at)
        .select(ConsentRow::as_select())
        .load(conn)?)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = logs)]
struct LogRow {
    child_id: String,
    municipality_id: String,
    home_unit_id: String,
    status: String,
    level: i32,
    level_since: String,
    decision_due: Option<String>,
    lead_user_id: Option<String>,
    report_state: Option<String>,
    created_at: i64,
    closed_at: Option<i64>,
    revision: i64,
    meeting_due: Option<String>,
}

fn log_row(conn: &mut DbConnection, log: LogId) -> DbResult<LogRow> {
    Ok(logs::table
        .find(log.to_string())
        .select(LogRow::as_select())
        .first(conn)?)
}

fn consent_facts(
    conn: &mut DbConnection,
    child: &str,
    consents: &[ConsentRow],
    today: NaiveDate,
) -> DbResult<ConsentFacts> {
    let (birth, unborn): (String, bool) = children_t::table
        .find(child)
        .select((children_t::birth_date, children_t::unborn))
        .first(conn)?;
    let birth = date(&birth)?;
    let birth = if unborn {
        Birth::Expected(birth)
    } else {
        Birth::Born(birth)
    };
    let responsible: Vec<String> = guardians::table
        .filter(guardians::child_id.eq(child))
        .filter(guardians::parental_responsibility.eq(true))
        .order(guardians::id)
        .select(guardians::id)
        .load(conn)?;
    Ok(ConsentFacts {
        responsible_guardians: responsible
            .iter()
            .map(|g| parse_id(g))
            .collect::<DbResult<_>>()?,
        child_age: birth.age_on(today),
        consents: consents
            .iter()
            .map(ConsentRow::consent)
            .collect::<DbResult<_>>()?,
    })
}

/// What the access rules need to decide whether `actor` may open `log`.
/// Ids and dates only; [`DbError::NotFound`] if there is no such log.
pub fn facts(
    conn: &mut DbConnection,
    log: LogId,
    actor: UserId,
    today: NaiveDate,
) -> DbResult<LogFacts> {
    let row = log_row(conn, log)?;
    let consents = consent_rows(conn, log)?;
    let consent = consent_facts(conn, &row.child_id, &consents, today)?;
    let settings = settings(conn, parse_id(&row.municipality_id)?)?;
    Ok(facts_from(conn, log, actor, &row, consent, &settings)?.0)
}

/// The facts beyond the log row, the consents and the settings, which the
/// caller has read already; with the state of the request to the
/// coordinating unit.
fn facts_from(
    conn: &mut DbConnection,
    log: LogId,
    actor: UserId,
    row: &LogRow,
    consent: ConsentFacts,
    settings: &LogSettings,
) -> DbResult<(LogFacts, Coordination)> {
    let key = log.to_string();
    let team: Vec<(Option<String>, Option<String>)> = team_members::table
        .filter(team_members::log_id.eq(&key))
        .filter(team_members::kind.eq(MemberKind::Staff.code()))
        .filter(team_members::removed_at.is_null())
        .select((team_members::user_id, team_members::unit_id))
        .load(conn)?;
    let now = to_micros(Utc::now());
    let grant: Option<String> = break_glass::table
        .filter(break_glass::log_id.eq(&key))
        .filter(break_glass::user_id.eq(actor.to_string()))
        .filter(break_glass::expires_at.gt(now))
        .select(break_glass::id)
        .first(conn)
        .optional()?;
    let coordination = coordination(conn, log)?;
    let facts = LogFacts {
        log_id: log,
        municipality_id: parse_id(&row.municipality_id)?,
        home_unit: parse_id(&row.home_unit_id)?,
        is_open: row.status == "apen",
        team: team
            .into_iter()
            .filter_map(|(u, unit)| Some((u?, unit?)))
            .map(|(u, unit)| Ok((parse_id(&u)?, parse_id(&unit)?)))
            .collect::<DbResult<_>>()?,
        lead: row.lead_user_id.as_deref().map(parse_id).transpose()?,
        consent,
        consent_rule: settings.consent_rule,
        break_glass: grant.as_deref().map(parse_id).transpose()?,
        coordination_requested: coordination.open.is_some(),
    };
    Ok((facts, coordination))
}

/// The log's request to the coordinating unit, as far as it concerns the
/// page: the question while it is open, the answer until the lead has read it.
#[derive(Clone, Debug, Default)]
struct Coordination {
    open: Option<String>,
    unread_answer: Option<String>,
}

/// One query for both (the log page reads it on every view).
fn coordination(conn: &mut DbConnection, log: LogId) -> DbResult<Coordination> {
    let rows: Vec<(String, Option<i64>, Option<String>)> = coordination_requests::table
        .filter(coordination_requests::log_id.eq(log.to_string()))
        .filter(
            coordination_requests::resolved_at
                .is_null()
                .or(coordination_requests::answer_read_at.is_null()),
        )
        .select((
            coordination_requests::reason,
            coordination_requests::resolved_at,
            coordination_requests::resolution,
        ))
        .load(conn)?;
    let mut c = Coordination::default();
    for (reason, resolved, answer) in rows {
        match resolved {
            None => c.open = Some(reason),
            Some(_) => c.unread_answer = answer.or(c.unread_answer),
        }
    }
    Ok(c)
}

/// A log opened for its page by [`open_view`].
pub struct OpenedLog<T> {
    pub reader: LogReader,
    pub view: LogView,
    pub settings: LogSettings,
    /// What the caller already had for the log's timeline at this revision
    /// (see [`open_view`]). When it is `Some`, the timeline was not read:
    /// `view.entries` is empty and `view.last_voice` is `None`.
    pub kept: Option<T>,
}

/// The log page's data in one go: decides whether `actor` may open `log`
/// (`None` if not, which callers show as a 404), and if so reads the log as
/// that reader sees it, with the municipality's settings. Everything the
/// decision read is used again for the page rather than read twice.
///
/// `kept` is asked, with the log's revision (raised by every change to the
/// timeline, in the same transaction), for a timeline the caller already has
/// — a rendered one, say; if it answers, the timeline is not read. It is
/// asked only once access has been granted. Reads only: record
/// [`read_record`] before showing anything.
pub fn open_view<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    log: LogId,
    group: Option<EntryGroup>,
    today: NaiveDate,
    kept: impl FnOnce(i64) -> Option<T>,
) -> DbResult<Option<OpenedLog<T>>> {
    let row = log_row(conn, log)?;
    let child_id: ChildId = parse_id(&row.child_id)?;
    let child = children::child_by_id(conn, child_id)?;
    let guardians = children::guardians_of(conn, child_id)?;
    let consents = consent_rows(conn, log)?;
    let consent = consent_facts_of(&child, &guardians, &consents, today)?;
    let settings = settings(conn, parse_id(&row.municipality_id)?)?;
    let (facts, coordination) = facts_from(conn, log, actor.user_id(), &row, consent, &settings)?;
    let Ok(reader) = actor.open_log(&facts, today) else {
        return Ok(None);
    };
    let kept = kept(row.revision);
    let fetched = Fetched {
        row,
        child,
        guardians,
        consents,
        consent_facts: facts.consent,
        coordination,
    };
    let view = view_from(conn, &reader, fetched, group, kept.is_none())?;
    Ok(Some(OpenedLog {
        reader,
        view,
        settings,
        kept,
    }))
}

fn scope(cap: &LogReader) -> Scope {
    Scope {
        municipality_id: Some(cap.municipality_id()),
        unit_id: Some(cap.home_unit()),
    }
}

fn log_record(
    conn: &mut DbConnection,
    cap: &LogReader,
    as_cap: &dyn Capability,
    action: Action,
    request_id: &str,
) -> DbResult<()> {
    record(
        conn,
        as_cap,
        ObjectType::Log,
        cap.log_id(),
        action,
        scope(cap),
        request_id,
    )
}

fn write_record(conn: &mut DbConnection, w: &LogWriter, action: Action, rid: &str) -> DbResult<()> {
    log_record(conn, w.reader(), w, action, rid)
}

/// Adds an entry to the timeline and marks the log changed.
fn entry(
    conn: &mut DbConnection,
    log: LogId,
    kind: EntryKind,
    actor: Option<UserId>,
    summary: &str,
    body: Option<&str>,
    data: Option<String>,
) -> DbResult<EntryId> {
    let id = EntryId::new();
    let now = to_micros(Utc::now());
    diesel::insert_into(log_entries::table)
        .values((
            log_entries::id.eq(id.to_string()),
            log_entries::log_id.eq(log.to_string()),
            log_entries::at.eq(now),
            log_entries::kind.eq(kind.code()),
            log_entries::actor_id.eq(actor.map(|a| a.to_string())),
            log_entries::summary.eq(summary),
            log_entries::body.eq(body),
            log_entries::data.eq(data),
        ))
        .execute(conn)?;
    touch(conn, log, now)?;
    Ok(id)
}

/// Marks the log changed and raises its revision; every write to the
/// timeline calls it in its transaction.
pub(crate) fn touch(conn: &mut DbConnection, log: LogId, now: i64) -> DbResult<()> {
    diesel::update(logs::table.find(log.to_string()))
        .set((
            logs::updated_at.eq(now),
            logs::revision.eq(logs::revision + 1),
        ))
        .execute(conn)?;
    Ok(())
}

fn user_name(conn: &mut DbConnection, user: UserId) -> DbResult<String> {
    Ok(users::table
        .find(user.to_string())
        .select(users::display_name)
        .first(conn)?)
}

fn unit_name(conn: &mut DbConnection, unit: UnitId) -> DbResult<String> {
    Ok(units::table
        .find(unit.to_string())
        .select(units::name)
        .first(conn)?)
}

/// A row of the team, as stored.
struct NewMember<'a> {
    kind: MemberKind,
    user: Option<UserId>,
    unit: Option<UnitId>,
    guardian: Option<GuardianId>,
    name: &'a str,
    role: &'a str,
}

fn add_member_row(
    conn: &mut DbConnection,
    log: LogId,
    m: &NewMember<'_>,
) -> DbResult<TeamMemberId> {
    let id = TeamMemberId::new();
    diesel::insert_into(team_members::table)
        .values((
            team_members::id.eq(id.to_string()),
            team_members::log_id.eq(log.to_string()),
            team_members::kind.eq(m.kind.code()),
            team_members::user_id.eq(m.user.map(|u| u.to_string())),
            team_members::unit_id.eq(m.unit.map(|u| u.to_string())),
            team_members::guardian_id.eq(m.guardian.map(|g| g.to_string())),
            team_members::name.eq(m.name),
            team_members::team_role.eq(m.role),
            team_members::added_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    Ok(id)
}

// ---------------------------------------------------------------------------
// Starting, levels, closing

/// The team role of the lead, and of a lead who has handed over.
const LEAD_ROLE: &str = "Stafettholder";
const FORMER_LEAD_ROLE: &str = "Tidligere stafettholder";

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
        .filter(logs::status.eq("apen"))
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
            logs::status.eq("apen"),
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
            role: LEAD_ROLE,
        },
    )?;
    let data = serde_json::json!({
        "observert": iso(concern.noticed_on),
        "utfordringer": concern.areas,
        "bbis": concern.bbis_theme,
    });
    entry(
        conn,
        id,
        EntryKind::Concern,
        Some(cap.actor_id()),
        &format!("Uro registrert ({})", concern.noticed_on.format("%d.%m.%Y")),
        Some(&concern.noticed),
        Some(data.to_string()),
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
                Some("foreslatt")
            } else {
                row.report_state.as_deref()
            }),
        ))
        .execute(conn)?;
    let data = serde_json::json!({
        "fra": change.from,
        "til": change.to,
        "hopp": change.skip_reason,
        "barnets_beste": change.best_interest,
    });
    let summary = format!(
        "Nivå endret: {} → {}",
        settings.model.level_name(change.from),
        settings.model.level_name(change.to)
    );
    entry(
        conn,
        log,
        EntryKind::LevelChange,
        Some(w.actor_id()),
        &summary,
        Some(&change.reason),
        Some(data.to_string()),
    )?;
    if change.prompts_report {
        entry(
            conn,
            log,
            EntryKind::ReportPrompted,
            Some(w.actor_id()),
            "Bekymringsmelding til barnevernet skal vurderes og sendes",
            None,
            None,
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
        &format!("Møte i laget holdt {}", held_on.format("%d.%m.%Y")),
        (!note.is_empty()).then_some(note),
        Some(serde_json::json!({ "mote_holdt": iso(held_on) }).to_string()),
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
        .set(logs::report_state.eq("sendt"))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::ReportSent,
        Some(w.actor_id()),
        "Bekymringsmelding sendt til barnevernet (opplysningsplikt, uten samtykke)",
        Some(note),
        None,
    )?;
    write_record(conn, w, Action::Update, request_id)
}

pub fn close(conn: &mut DbConnection, w: &LogWriter, reason: &str, rid: &str) -> DbResult<()> {
    let now = to_micros(Utc::now());
    diesel::update(logs::table.find(w.log_id().to_string()))
        .set((
            logs::status.eq("lukket"),
            logs::closed_at.eq(Some(now)),
            logs::decision_due.eq(None::<String>),
            logs::meeting_due.eq(None::<String>),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::Closed,
        Some(w.actor_id()),
        "Loggen er lukket",
        Some(reason),
        None,
    )?;
    write_record(conn, w, Action::Update, rid)
}

pub fn reopen(conn: &mut DbConnection, w: &LogWriter, reason: &str, rid: &str) -> DbResult<()> {
    diesel::update(logs::table.find(w.log_id().to_string()))
        .set((logs::status.eq("apen"), logs::closed_at.eq(None::<i64>)))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::Reopened,
        Some(w.actor_id()),
        "Loggen er åpnet igjen",
        Some(reason),
        None,
    )?;
    write_record(conn, w, Action::Update, rid)
}

// ---------------------------------------------------------------------------
// Consent

/// A scanned consent form.
pub struct Scan {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// How the youth appears among a consent's givers.
const YOUTH_GIVER: &str = "Barnet/ungdommen selv";

fn giver_names(conn: &mut DbConnection, givers: &[Giver]) -> DbResult<Vec<String>> {
    let ids: Vec<String> = givers
        .iter()
        .filter_map(|g| match g {
            Giver::Guardian(id) => Some(id.to_string()),
            Giver::Youth => None,
        })
        .collect();
    let mut names: Vec<String> = guardians::table
        .filter(guardians::id.eq_any(ids))
        .order(guardians::name)
        .select(guardians::name)
        .load(conn)?;
    if givers.contains(&Giver::Youth) {
        names.push(YOUTH_GIVER.into());
    }
    Ok(names)
}

pub fn add_consent(
    conn: &mut DbConnection,
    w: &LogWriter,
    c: &NewConsent,
    scan: Option<Scan>,
    rid: &str,
) -> DbResult<ConsentId> {
    let id = ConsentId::new();
    let now = to_micros(Utc::now());
    let attachment = match scan {
        Some(s) => {
            let a = AttachmentId::new();
            diesel::insert_into(attachments::table)
                .values((
                    attachments::id.eq(a.to_string()),
                    attachments::log_id.eq(w.log_id().to_string()),
                    attachments::file_name.eq(&s.file_name),
                    attachments::content_type.eq(&s.content_type),
                    attachments::content.eq(&s.content),
                    attachments::created_by.eq(w.actor_id().to_string()),
                    attachments::created_at.eq(now),
                ))
                .execute(conn)?;
            Some(a.to_string())
        }
        None => None,
    };
    let join = |v: Vec<String>| v.join(",");
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(id.to_string()),
            consents::log_id.eq(w.log_id().to_string()),
            consents::givers.eq(join(c.givers.iter().map(|g| g.code()).collect())),
            consents::unit_ids.eq(join(c.units.iter().map(|u| u.to_string()).collect())),
            consents::purposes.eq(join(
                c.purposes.iter().map(|p| p.code().to_owned()).collect(),
            )),
            consents::valid_from.eq(iso(c.valid_from)),
            consents::valid_to.eq(iso(c.valid_to)),
            consents::method.eq(c.method.code()),
            consents::note.eq(&c.note),
            consents::attachment_id.eq(attachment),
            consents::created_by.eq(w.actor_id().to_string()),
            consents::created_at.eq(now),
        ))
        .execute(conn)?;
    let givers = giver_names(conn, &c.givers)?.join(", ");
    let unit_names: Vec<String> = units::table
        .filter(units::id.eq_any(c.units.iter().map(|u| u.to_string())))
        .order(units::name)
        .select(units::name)
        .load(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::ConsentGiven,
        Some(w.actor_id()),
        &format!(
            "Samtykke fra {givers} for {} ({}–{})",
            unit_names.join(", "),
            c.valid_from.format("%d.%m.%Y"),
            c.valid_to.format("%d.%m.%Y")
        ),
        c.note.as_deref(),
        Some(serde_json::json!({ "samtykke": id.to_string() }).to_string()),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(id)
}

/// Withdraws a consent: access under it ends with the next request; the
/// consent stays in the history.
pub fn withdraw_consent(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: ConsentId,
    reason: &str,
    rid: &str,
) -> DbResult<()> {
    let n = diesel::update(
        consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::log_id.eq(w.log_id().to_string()))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(Some(to_micros(Utc::now()))),
        consents::withdrawn_by.eq(Some(w.actor_id().to_string())),
        consents::withdraw_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    if n == 0 {
        // Already withdrawn (a second click) is done; unknown is not found.
        let exists: i64 = consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::log_id.eq(w.log_id().to_string()))
            .count()
            .get_result(conn)?;
        return if exists > 0 {
            Ok(())
        } else {
            Err(DbError::NotFound)
        };
    }
    // The timeline names whose consent it was and which units lose access.
    let (givers, unit_ids): (String, String) = consents::table
        .find(id.to_string())
        .select((consents::givers, consents::unit_ids))
        .first(conn)?;
    let givers: Vec<Giver> = split(&givers).filter_map(Giver::from_code).collect();
    let names = giver_names(conn, &givers)?.join(", ");
    let mut units_n = Vec::new();
    for u in split(&unit_ids) {
        units_n.push(unit_name(conn, parse_id(u)?)?);
    }
    entry(
        conn,
        w.log_id(),
        EntryKind::ConsentWithdrawn,
        Some(w.actor_id()),
        &format!(
            "Samtykke fra {names} for {} trukket tilbake",
            units_n.join(", ")
        ),
        Some(reason),
        Some(serde_json::json!({ "samtykke": id.to_string() }).to_string()),
    )?;
    write_record(conn, w, Action::Update, rid)
}

/// A consent scan, for download.
pub fn attachment(
    conn: &mut DbConnection,
    r: &LogReader,
    id: AttachmentId,
    rid: &str,
) -> DbResult<Scan> {
    let (file_name, content_type, content): (String, String, Vec<u8>) = attachments::table
        .filter(attachments::id.eq(id.to_string()))
        .filter(attachments::log_id.eq(r.log_id().to_string()))
        .select((
            attachments::file_name,
            attachments::content_type,
            attachments::content,
        ))
        .first(conn)?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(Scan {
        file_name,
        content_type,
        content,
    })
}

// ---------------------------------------------------------------------------
// The team, the lead, handovers

/// Why a member could not be added.
#[derive(Debug)]
pub enum AddRefused {
    /// The member's unit is not covered by a valid consent.
    NotCovered,
    /// A consent exists, but the municipality's rule needs these guardians'
    /// consent too (their names).
    MissingConsentFrom(Vec<String>),
    /// The user is already on the team.
    AlreadyOn,
}

/// Adds a staff member (a user of `unit`). Staff of other units than the one
/// that keeps the log join only where a valid consent covers their unit.
pub fn add_staff(
    conn: &mut DbConnection,
    w: &LogWriter,
    user: UserId,
    unit: UnitId,
    role: &str,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<TeamMemberId, AddRefused>> {
    // The user must hold a role in that unit.
    let holds: i64 = crate::schema::memberships::table
        .filter(crate::schema::memberships::user_id.eq(user.to_string()))
        .filter(crate::schema::memberships::unit_id.eq(unit.to_string()))
        .count()
        .get_result(conn)?;
    if holds == 0 {
        return Err(DbError::NotFound);
    }
    let already: i64 = team_members::table
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .filter(team_members::user_id.eq(user.to_string()))
        .filter(team_members::removed_at.is_null())
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(Err(AddRefused::AlreadyOn));
    }
    if unit != w.reader().home_unit() {
        let f = facts(conn, w.log_id(), w.actor_id(), today)?;
        if !matches!(
            consent::coverage(&f.consent, f.consent_rule, unit, today),
            consent::Coverage::Covered(_)
        ) {
            return Ok(Err(AddRefused::NotCovered));
        }
    }
    let name = user_name(conn, user)?;
    let unit_n = unit_name(conn, unit)?;
    let id = add_member_row(
        conn,
        w.log_id(),
        &NewMember {
            kind: MemberKind::Staff,
            user: Some(user),
            unit: Some(unit),
            guardian: None,
            name: &name,
            role,
        },
    )?;
    entry(
        conn,
        w.log_id(),
        EntryKind::TeamJoined,
        Some(w.actor_id()),
        &format!("{name} ({unit_n}) er med på laget: {role}"),
        None,
        None,
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// A team member who is not staff: a guardian, the child, a network person.
pub struct Person<'a> {
    pub kind: MemberKind,
    pub name: &'a str,
    pub role: &'a str,
    pub guardian: Option<GuardianId>,
}

/// Adds a guardian, the child or a network person. Network persons take part
/// only while something of the log may be shared under the municipality's
/// consent rule ([`consent::any_unit_coverage`]).
pub fn add_person(
    conn: &mut DbConnection,
    w: &LogWriter,
    p: &Person<'_>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<TeamMemberId, AddRefused>> {
    if p.kind == MemberKind::Network {
        let f = facts(conn, w.log_id(), w.actor_id(), today)?;
        match consent::any_unit_coverage(&f.consent, f.consent_rule, today) {
            consent::Coverage::Covered(_) => {}
            consent::Coverage::MissingGuardians(missing) => {
                return Ok(Err(AddRefused::MissingConsentFrom(guardian_names(
                    conn, &missing,
                )?)));
            }
            consent::Coverage::NotCovered => return Ok(Err(AddRefused::NotCovered)),
        }
    }
    let id = add_member_row(
        conn,
        w.log_id(),
        &NewMember {
            kind: p.kind,
            user: None,
            unit: None,
            guardian: p.guardian,
            name: p.name,
            role: p.role,
        },
    )?;
    entry(
        conn,
        w.log_id(),
        EntryKind::TeamJoined,
        Some(w.actor_id()),
        &format!("{} er med på laget: {}", p.name, p.role),
        None,
        None,
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// The names of guardians, in the order given (for «mangler samtykke fra …»).
pub fn guardian_names(conn: &mut DbConnection, ids: &[GuardianId]) -> DbResult<Vec<String>> {
    let mut names = Vec::with_capacity(ids.len());
    for id in ids {
        names.push(
            guardians::table
                .find(id.to_string())
                .select(guardians::name)
                .first(conn)?,
        );
    }
    Ok(names)
}

pub fn remove_member(
    conn: &mut DbConnection,
    w: &LogWriter,
    member: TeamMemberId,
    rid: &str,
) -> DbResult<()> {
    let (name, user, removed): (String, Option<String>, Option<i64>) = team_members::table
        .filter(team_members::id.eq(member.to_string()))
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .select((
            team_members::name,
            team_members::user_id,
            team_members::removed_at,
        ))
        .first(conn)?;
    if removed.is_some() {
        return Ok(());
    }
    let lead = log_row(conn, w.log_id())?.lead_user_id;
    if user.is_some() && user == lead {
        // The lead leaves only by handing over.
        return Err(DbError::Conflict);
    }
    diesel::update(team_members::table.find(member.to_string()))
        .set(team_members::removed_at.eq(Some(to_micros(Utc::now()))))
        .execute(conn)?;
    // A proposal to someone who leaves the team cannot be answered: it ends.
    let proposed_to: i64 = handovers::table
        .filter(handovers::log_id.eq(w.log_id().to_string()))
        .filter(handovers::status.eq("venter"))
        .filter(handovers::to_member_id.eq(member.to_string()))
        .count()
        .get_result(conn)?;
    if proposed_to > 0 {
        end_pending_handover(
            conn,
            w.log_id(),
            w.actor_id(),
            &format!(
                "Forslaget om {name} som ny stafettholder er trukket: {name} er ikke lenger med på laget"
            ),
        )?;
    }
    entry(
        conn,
        w.log_id(),
        EntryKind::TeamLeft,
        Some(w.actor_id()),
        &format!("{name} er ikke lenger med på laget"),
        None,
        None,
    )?;
    write_record(conn, w, Action::Update, rid)
}

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
    let f = facts(conn, w.log_id(), w.actor_id(), today)?;
    if !f.team_member_may_open(parse_id(&user)?, today) {
        return Ok(Err(HandoverRefused::CannotOpen));
    }
    let id = HandoverId::new();
    let checklist_json =
        serde_json::to_string(checklist).map_err(|e| DbError::Corrupt(e.to_string()))?;
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
            handovers::status.eq("venter"),
            handovers::proposed_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::HandoverProposed,
        Some(w.actor_id()),
        &format!("Foreslått ny stafettholder: {name}. Venter på at {name} godtar."),
        checklist.needs_to_know.as_deref(),
        Some(checklist_json),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// The log's waiting handover, if any.
fn pending_handover_id(conn: &mut DbConnection, log: LogId) -> DbResult<Option<String>> {
    Ok(handovers::table
        .filter(handovers::log_id.eq(log.to_string()))
        .filter(handovers::status.eq("venter"))
        .select(handovers::id)
        .first(conn)
        .optional()?)
}

/// Ends a waiting handover as withdrawn, with a timeline entry naming why.
fn end_pending_handover(
    conn: &mut DbConnection,
    log: LogId,
    actor: UserId,
    summary: &str,
) -> DbResult<bool> {
    let Some(id) = pending_handover_id(conn, log)? else {
        return Ok(false);
    };
    diesel::update(handovers::table.find(&id))
        .set((
            handovers::status.eq("trukket"),
            handovers::decided_at.eq(Some(to_micros(Utc::now()))),
        ))
        .execute(conn)?;
    entry(
        conn,
        log,
        EntryKind::HandoverWithdrawn,
        Some(actor),
        summary,
        None,
        None,
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
        &format!("{name} har trukket forslaget om ny stafettholder"),
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
        .filter(handovers::status.eq("venter"))
        .select((handovers::to_user_id, handovers::to_unit_id))
        .first(conn)?;
    if to_user != w.actor_id().to_string() {
        return Err(DbError::NotFound);
    }
    let now = to_micros(Utc::now());
    diesel::update(handovers::table.find(id.to_string()))
        .set((
            handovers::status.eq(if accept { "godtatt" } else { "avslatt" }),
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
                .filter(team_members::team_role.eq(LEAD_ROLE)),
        )
        .set(team_members::team_role.eq(FORMER_LEAD_ROLE))
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
            &format!("{name} har godtatt og er ny stafettholder"),
            note,
            None,
        )?;
    } else {
        entry(
            conn,
            w.log_id(),
            EntryKind::HandoverDeclined,
            Some(w.actor_id()),
            &format!("{name} har avslått å bli stafettholder"),
            note,
            None,
        )?;
    }
    write_record(conn, w, Action::Update, rid)
}

/// Where a log that `unit` handed on went: the unit that keeps it now, when
/// `unit` kept it before an accepted handover (for «overlevert til …» in
/// that unit's lists instead of a link that would answer 404).
pub fn handed_on_to(conn: &mut DbConnection, log: LogId, unit: UnitId) -> DbResult<Option<String>> {
    let handed: i64 = handovers::table
        .filter(handovers::log_id.eq(log.to_string()))
        .filter(handovers::status.eq("godtatt"))
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
        "Spørsmålet om hvem som skal koordinere er sendt til koordinerende enhet",
        Some(reason),
        None,
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
        "Koordinerende enhet har svart på hvem som skal koordinere",
        Some(resolution),
        None,
    )?;
    log_record(conn, a.reader(), a, Action::Update, rid)
}

// ---------------------------------------------------------------------------
// Measures and evaluations

fn offer_name(conn: &mut DbConnection, offer: OfferId, m: MunicipalityId) -> DbResult<String> {
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
        "aktiv"
    } else {
        "foreslatt"
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
            measures::status.eq(status),
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
        &format!(
            "Tiltak {}: {name} (ansvarlig {responsible}, evaluering {})",
            if status == "aktiv" {
                "besluttet"
            } else {
                "foreslått"
            },
            m.evaluate_by.format("%d.%m.%Y")
        ),
        Some(&m.goal),
        Some(
            serde_json::json!({ "tiltak": id.to_string(), "barnets_beste": m.best_interest })
                .to_string(),
        ),
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
    let (name, status): (String, String) = measures::table
        .filter(measures::id.eq(id.to_string()))
        .filter(measures::log_id.eq(w.log_id().to_string()))
        .select((measures::name, measures::status))
        .first(conn)?;
    if status != "foreslatt" {
        // Decided already (a second click): nothing more to do.
        return Ok(());
    }
    diesel::update(measures::table.find(id.to_string()))
        .set((
            measures::status.eq("aktiv"),
            measures::best_interest.eq(Some(best_interest)),
        ))
        .execute(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::MeasureDecided,
        Some(w.actor_id()),
        &format!("Tiltak besluttet: {name}"),
        Some(best_interest),
        Some(serde_json::json!({ "tiltak": id.to_string() }).to_string()),
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
    let name: String = measures::table
        .filter(measures::id.eq(id.to_string()))
        .filter(measures::log_id.eq(w.log_id().to_string()))
        .filter(measures::status.ne("avsluttet"))
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
    use laget_domain::stafett::Continuation;
    match (e.continuation, e.next_evaluation) {
        (Continuation::Stop, _) => {
            diesel::update(measures::table.find(id.to_string()))
                .set(measures::status.eq("avsluttet"))
                .execute(conn)?;
        }
        (_, Some(next)) => {
            diesel::update(measures::table.find(id.to_string()))
                .set(measures::evaluate_by.eq(iso(next)))
                .execute(conn)?;
        }
        (_, None) => {}
    }
    let effect = match e.effect {
        laget_domain::stafett::Effect::Better => "bedre",
        laget_domain::stafett::Effect::Unchanged => "uendret",
        laget_domain::stafett::Effect::Worse => "verre",
    };
    let decision = match e.continuation {
        Continuation::Continue => "fortsetter",
        Continuation::Change => "endres",
        Continuation::Stop => "avsluttes",
    };
    entry(
        conn,
        w.log_id(),
        EntryKind::Evaluation,
        Some(w.actor_id()),
        &format!("Evaluering av {name}: {effect}; tiltaket {decision}"),
        Some(&e.text),
        Some(
            serde_json::json!({
                "tiltak": id.to_string(),
                "ikke_nok": e.not_enough(),
                "barnets_beste": e.best_interest,
            })
            .to_string(),
        ),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(eid)
}

// ---------------------------------------------------------------------------
// The child at the centre

pub fn add_voice(
    conn: &mut DbConnection,
    w: &LogWriter,
    v: &ChildVoice,
    rid: &str,
) -> DbResult<()> {
    let method = laget_domain::stafett::VOICE_METHODS
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

// ---------------------------------------------------------------------------
// Reading the log

#[derive(Clone, Debug)]
pub struct Member {
    pub id: TeamMemberId,
    pub kind: MemberKind,
    pub user_id: Option<UserId>,
    pub unit: Option<(UnitId, String)>,
    pub name: String,
    pub role: String,
}

#[derive(Clone, Debug)]
pub struct ConsentView {
    pub consent: Consent,
    pub method: Method,
    pub giver_names: Vec<String>,
    pub unit_names: Vec<String>,
    pub note: Option<String>,
    pub attachment: Option<AttachmentId>,
    pub created_at: DateTime<Utc>,
    pub withdraw_reason: Option<String>,
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
    pub status: String,
    pub best_interest: Option<String>,
    pub evaluations: Vec<EvaluationView>,
}

#[derive(Clone, Debug)]
pub struct EvaluationView {
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

#[derive(Clone, Debug)]
pub struct Entry {
    pub id: EntryId,
    pub at: DateTime<Utc>,
    pub kind: EntryKind,
    pub actor: Option<String>,
    pub summary: String,
    pub body: Option<String>,
    pub data: Option<String>,
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
    pub report_state: Option<String>,
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
    let consent_facts = consent_facts_of(&child, &guardians, &consents, today)?;
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
struct Fetched {
    row: LogRow,
    child: children::Child,
    guardians: Vec<children::Guardian>,
    consents: Vec<ConsentRow>,
    consent_facts: ConsentFacts,
    coordination: Coordination,
}

/// The consent facts from the child, guardians and consents already read.
fn consent_facts_of(
    child: &children::Child,
    guardians: &[children::Guardian],
    consents: &[ConsentRow],
    today: NaiveDate,
) -> DbResult<ConsentFacts> {
    Ok(ConsentFacts {
        responsible_guardians: guardians
            .iter()
            .filter(|g| g.parental_responsibility)
            .map(|g| g.id)
            .collect(),
        child_age: child.birth.age_on(today),
        consents: consents
            .iter()
            .map(ConsentRow::consent)
            .collect::<DbResult<_>>()?,
    })
}

/// The view from what was read already; the timeline only if `timeline`.
fn view_from(
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
            team_members::team_role,
        ))
        .load(conn)?;
    let team = members
        .into_iter()
        .map(|(id, kind, user, unit, unit_n, name, role)| {
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
                role,
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
            // Named from the guardians already loaded (no query per consent).
            giver_names: {
                let mut names: Vec<String> = guardians
                    .iter()
                    .filter(|g| consent.givers.contains(&Giver::Guardian(g.id)))
                    .map(|g| g.name.clone())
                    .collect();
                if consent.givers.contains(&Giver::Youth) {
                    names.push(YOUTH_GIVER.into());
                }
                names
            },
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
            consent,
        });
    }
    let measures = measures_of(conn, r.log_id(), None)?;
    let pending_handover = pending_handover(conn, r.log_id())?;
    let entries = if timeline {
        entries(conn, r.log_id(), group)?
    } else {
        Vec::new()
    };
    // The whole timeline is at hand unless it was filtered or cut short.
    let last_voice = if !timeline {
        None
    } else if group.is_none() && entries.len() < TIMELINE_LIMIT as usize {
        entries
            .iter()
            .filter(|e| e.kind == EntryKind::ChildVoice)
            .map(|e| e.at)
            .max()
    } else {
        let at: Option<i64> = log_entries::table
            .filter(log_entries::log_id.eq(&key))
            .filter(log_entries::kind.eq(EntryKind::ChildVoice.code()))
            .select(diesel::dsl::max(log_entries::at))
            .first(conn)?;
        at.map(from_micros)
    };
    Ok(LogView {
        id: r.log_id(),
        revision: row.revision,
        child,
        guardians,
        municipality_id: parse_id(&row.municipality_id)?,
        home_unit: (home_unit, home_name),
        is_open: row.status == "apen",
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
const TIMELINE_LIMIT: i64 = 1000;

fn entries(conn: &mut DbConnection, log: LogId, group: Option<EntryGroup>) -> DbResult<Vec<Entry>> {
    type E = (
        String,
        i64,
        String,
        Option<String>,
        String,
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
        ));
    let rows: Vec<E> = match group {
        None => all.load(conn)?,
        Some(g) => all
            .filter(log_entries::kind.eq_any(g.kinds().into_iter().map(|k| k.code())))
            .load(conn)?,
    };
    rows.into_iter()
        .map(|(id, at, kind, actor, summary, body, data)| {
            Ok(Entry {
                id: parse_id(&id)?,
                at: from_micros(at),
                kind: EntryKind::from_code(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("entry kind {kind}")))?,
                actor,
                summary,
                body,
                data,
            })
        })
        .collect()
}

fn pending_handover(conn: &mut DbConnection, log: LogId) -> DbResult<Option<HandoverView>> {
    type H = (String, Option<String>, String, String, String, i64);
    let row: Option<H> = handovers::table
        .filter(handovers::log_id.eq(log.to_string()))
        .filter(handovers::status.eq("venter"))
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

fn measures_of(
    conn: &mut DbConnection,
    log: LogId,
    only: Option<MeasureId>,
) -> DbResult<Vec<MeasureView>> {
    type R = (
        String,
        Option<String>,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    );
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
        .filter(|r| only.as_ref().is_none_or(|m| *m == r.0));
    type V = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
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
        ))
        .load(conn)?;
    rows.map(
        |(id, offer, name, goal, responsible, start, due, status, best)| {
            let evaluations = evals
                .iter()
                .filter(|e| e.0 == id)
                .map(|e| {
                    Ok(EvaluationView {
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
) -> DbResult<Vec<crate::access_log::Entry>> {
    let child: String = logs::table
        .find(a.log_id().to_string())
        .select(logs::child_id)
        .first(conn)?;
    let rows = crate::access_log::for_objects(conn, &[a.log_id().to_string(), child], 2000)?;
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
pub fn staff_choices(
    conn: &mut DbConnection,
    m: MunicipalityId,
    in_units: &[UnitId],
) -> DbResult<Vec<(UserId, String, UnitId, String)>> {
    use crate::schema::{memberships, unit_municipalities};
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
                    .eq(Role::Ansatt.code())
                    .or(memberships::role.eq(Role::Leder.code())),
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
        .map(|(u, n, unit, un)| Ok((parse_id(&u)?, n, parse_id(&unit)?, un)))
        .collect()
}

/// Published offers of the municipality for the measure form: (id, name).
pub fn offer_choices(
    conn: &mut DbConnection,
    m: MunicipalityId,
) -> DbResult<Vec<(OfferId, String)>> {
    let rows: Vec<(String, String)> = offers::table
        .filter(offers::municipality_id.eq(m.to_string()))
        .filter(offers::status.eq("publisert"))
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
        areas: crate::offers::challenge_areas(conn, m)?,
        themes: bbis_themes(conn, m)?
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect(),
    })
}

/// The level a log stands at (for checking a level decision against it).
pub fn current_level(conn: &mut DbConnection, log: LogId) -> DbResult<i32> {
    Ok(logs::table
        .find(log.to_string())
        .select(logs::level)
        .first(conn)?)
}

/// The newest log of a child (for break-glass, which then opens it).
pub fn newest_log_of(conn: &mut DbConnection, child: ChildId) -> DbResult<Option<LogId>> {
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
