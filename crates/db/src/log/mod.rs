//! The child's log (stafettlogg): its level and lead, its timeline, consents,
//! team, handovers, measures and evaluations. Every function takes the
//! capability from `laget_domain::access` (a `LogReader` or `LogWriter`) and
//! writes its access-log row in the same transaction.
//!
//! One file per part of the log's work; they share the access facts and the
//! helpers that write timeline entries and access-log rows, which live here.

mod consent_work;
mod handover;
mod lifecycle;
mod measure_work;
mod settings;
mod snapshot;
mod team;
mod view;
mod voice;

pub use consent_work::*;
pub use handover::*;
pub use lifecycle::*;
pub use measure_work::*;
pub use settings::*;
pub use snapshot::*;
pub use team::*;
pub use view::*;
pub use voice::*;

use crate::children::{self, date, iso, record};
use crate::codes::Stored;
use crate::schema::{
    attachments, bbis_themes, break_glass, child_units, children as children_t, consents,
    coordination_requests, evaluations, guardians, handovers, log_entries, log_settings, logs,
    measures, offers, plans, team_members, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Capability, CoordinationAnswerer, HandoverProposer, LogAuditReader, LogFacts, LogReader,
    LogWriter, MunicipalityAdmin, UnitCasework,
};
use laget_domain::admin::unit::UnitKind;
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::children::Birth;
use laget_domain::ids::{
    AttachmentId, ChildId, ConsentId, CoordinationRequestId, EntryId, EvaluationId, GuardianId,
    HandoverId, LogId, MeasureId, OfferId, TeamMemberId,
};
use laget_domain::log::bbis::{self, Theme};
use laget_domain::log::consent::{
    self, Consent, ConsentFacts, ConsentRule, Giver, Method, NewConsent, Purpose,
};
use laget_domain::log::escalation::{EscalationModel, LevelChange, LogSettings, deadline};
use laget_domain::log::stafett::{
    ChildVoice, Concern, EntryGroup, EntryKind, HandoverChecklist, HandoverStatus, LogStatus,
    MeasureStatus, MemberKind, NewEvaluation, NewMeasure, ReportState, TeamRole,
};
use laget_domain::portal::Withheld;
use laget_domain::{MunicipalityId, UnitId, UserId};

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
    /// Given in the family's portal by this citizen (ID-porten).
    citizen_id: Option<String>,
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
    #[diesel(deserialize_as = Stored<LogStatus>)]
    status: LogStatus,
    level: i32,
    level_since: String,
    decision_due: Option<String>,
    lead_user_id: Option<String>,
    #[diesel(deserialize_as = Stored<Option<ReportState>>)]
    report_state: Option<ReportState>,
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
    let consents: Vec<Consent> = consents
        .iter()
        .map(ConsentRow::consent)
        .collect::<DbResult<_>>()?;
    Ok(ConsentFacts {
        responsible_guardians: responsible
            .iter()
            .map(|g| parse_id(g))
            .collect::<DbResult<_>>()?,
        child_age: birth.age_on(today),
        health_units: health_units(conn, &consents)?,
        consents,
    })
}

/// The units named in `consents` that are health services
/// ([`UnitKind::is_health`]), for [`ConsentFacts::health_units`]: a youth's
/// own consent covers them only from 16.
fn health_units(conn: &mut DbConnection, consents: &[Consent]) -> DbResult<Vec<UnitId>> {
    let mut named: Vec<String> = consents
        .iter()
        .flat_map(|c| c.units.iter().map(UnitId::to_string))
        .collect();
    named.sort();
    named.dedup();
    if named.is_empty() {
        return Ok(vec![]);
    }
    let health: Vec<&str> = UnitKind::ALL
        .into_iter()
        .filter(|k| k.is_health())
        .map(UnitKind::code)
        .collect();
    let ids: Vec<String> = units::table
        .filter(units::id.eq_any(&named))
        .filter(units::kind.eq_any(&health))
        .select(units::id)
        .load(conn)?;
    ids.iter().map(|u| parse_id(u)).collect()
}

/// What the access rules need to decide whether `actor` may open `log`.
/// Ids and dates only; [`DbError::NotFound`] if there is no such log.
/// Before the decision it is reached through [`crate::lookup::log_facts`];
/// after it, through [`facts_of`].
pub(crate) fn facts(
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

/// The access facts of a log the reader has opened: who is on its team and
/// what the consents cover (for choosing a new lead, or checking a link).
pub fn facts_of(conn: &mut DbConnection, r: &LogReader, today: NaiveDate) -> DbResult<LogFacts> {
    facts(conn, r.log_id(), r.actor_id(), today)
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
        is_open: row.status == LogStatus::Open,
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
        plan_requested: plans::table
            .filter(plans::log_id.eq(&key))
            .filter(plans::status.eq(laget_domain::plans::PlanStatus::Requested.code()))
            .count()
            .get_result::<i64>(conn)?
            > 0,
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

/// Adds an event to the timeline and marks the log changed. An entry is
/// stored as its kind and `data` (the ids, names at the time, dates and codes
/// its sentence needs); the web layer renders the words when it is read, in
/// the reader's written standard. `summary` stays empty: it holds the
/// sentence only of entries written before events (migration 000012).
fn entry(
    conn: &mut DbConnection,
    log: LogId,
    kind: EntryKind,
    actor: Option<UserId>,
    body: Option<&str>,
    data: serde_json::Value,
) -> DbResult<EntryId> {
    insert_entry(conn, log, kind, actor, body, data, Utc::now())
}

/// [`entry`] that the family does not see, for the reason `withheld`
/// (`None`: the family sees it, as every [`entry`]). Staff choose it on the
/// forms that write free text: the concern, the child's voice, BBIS,
/// evaluations (`laget_domain::portal::Withheld`).
fn entry_withheld(
    conn: &mut DbConnection,
    log: LogId,
    kind: EntryKind,
    actor: Option<UserId>,
    body: Option<&str>,
    data: serde_json::Value,
    withheld: Option<Withheld>,
) -> DbResult<EntryId> {
    let id = insert_entry(conn, log, kind, actor, body, data, Utc::now())?;
    if let Some(w) = withheld {
        diesel::update(log_entries::table.find(id.to_string()))
            .set(log_entries::family_hidden.eq(Some(w.code())))
            .execute(conn)?;
    }
    Ok(id)
}

/// [`entry`] at a given time (a linked consultation keeps the day it was
/// held).
pub(crate) fn insert_entry(
    conn: &mut DbConnection,
    log: LogId,
    kind: EntryKind,
    actor: Option<UserId>,
    body: Option<&str>,
    data: serde_json::Value,
    at: DateTime<Utc>,
) -> DbResult<EntryId> {
    let id = EntryId::new();
    let data = Some(data.to_string());
    let summary = "";
    let now = to_micros(Utc::now());
    diesel::insert_into(log_entries::table)
        .values((
            log_entries::id.eq(id.to_string()),
            log_entries::log_id.eq(log.to_string()),
            log_entries::at.eq(to_micros(at)),
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
    role: &'a TeamRole,
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
            team_members::team_role.eq(match m.role {
                TeamRole::Named(text) => text.as_str(),
                TeamRole::Lead | TeamRole::FormerLead => "",
            }),
            team_members::role_code.eq(m.role.code()),
            team_members::added_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    Ok(id)
}
