//! What the family reads in the portal: the card of each log on the start
//! page, the log itself as the family may see it, and «Hvem har sett
//! loggen». Every function takes the `FamilyReader` that
//! `CitizenActor::open_log` made, and writes the access-log row of its read
//! (principal: the citizen; ground: foresatt or ungdom) in the same
//! transaction, before anything is returned.
//!
//! What the family does not see is left out here, not in the page:
//! timeline entries of the kinds the family never sees and those staff
//! withheld (`laget_domain::portal::timeline_entry_shown_to`), and the
//! evaluations whose entry was withheld. Drafts of minutes are not read at
//! all; only approved minutes are.

use crate::log::{Entry, EvaluationView, MeasureView};
use crate::schema::{
    break_glass, children, consents, guardians, log_entries, logs, meeting_decisions,
    meeting_participants, meetings, memberships, team_members, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{FamilyReader, Ground};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::ids::{EvaluationId, LogId, MeetingId};
use laget_domain::log::consent::Giver;
use laget_domain::log::escalation::EscalationModel;
use laget_domain::log::stafett::{EntryKind, LogStatus, MemberKind, TeamRole};
use laget_domain::meetings::minutes::Attendance;
use laget_domain::meetings::{MeetingKind, MeetingStatus, MinutesStatus, ParticipantKind};
use laget_domain::portal::{consent_shown_to, timeline_entry_shown_to};
use laget_domain::{MunicipalityId, UnitId};

/// A log as the family's start page lists it.
#[derive(Clone, Debug)]
pub struct LogCard {
    pub log_id: LogId,
    /// The child's first name (the family knows the rest).
    pub child_first_name: String,
    pub model: EscalationModel,
    pub level: u8,
    pub is_open: bool,
    /// The lead (stafettholder), by name.
    pub lead: Option<String>,
}

/// Someone on the child's team, with the contact details Laget holds.
#[derive(Clone, Debug)]
pub struct Contact {
    pub kind: MemberKind,
    pub name: String,
    pub role: TeamRole,
    pub unit: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub is_lead: bool,
}

/// A meeting of the log, with its minutes once they are approved.
#[derive(Clone, Debug)]
pub struct FamilyMeeting {
    pub id: MeetingId,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub purpose: String,
    pub cancel_reason: Option<String>,
    /// `Some` only when the minutes are approved.
    pub minutes: Option<FamilyMinutes>,
}

/// Approved minutes, as the family reads them.
#[derive(Clone, Debug)]
pub struct FamilyMinutes {
    /// Who was invited (the name then), and whether they came.
    pub attendance: Vec<(String, Option<Attendance>)>,
    pub voice: Option<String>,
    pub discussed: Option<String>,
    pub next: Option<String>,
    pub next_on: Option<NaiveDate>,
    pub decisions: Vec<FamilyDecision>,
    pub approved_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct FamilyDecision {
    pub text: String,
    pub responsible: Option<String>,
    pub deadline: NaiveDate,
    pub done: bool,
}

/// The log as the family may see it.
#[derive(Clone, Debug)]
pub struct FamilyLogView {
    pub log_id: LogId,
    pub child_name: String,
    pub model: EscalationModel,
    pub level: u8,
    pub level_since: NaiveDate,
    pub is_open: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub home_unit: String,
    pub team: Vec<Contact>,
    pub measures: Vec<MeasureView>,
    pub meetings: Vec<FamilyMeeting>,
    /// The timeline as the family may see it, newest first.
    pub entries: Vec<Entry>,
}

/// A row of «Hvem har sett loggen», with the unit a staff member acted for.
#[derive(Clone, Debug)]
pub struct Seen {
    pub entry: crate::audit::Entry,
    /// The unit of a staff member: the one they are (or were) on the team
    /// for, else the units they belong to.
    pub unit: Option<String>,
}

/// The log row's facts the family's reads need.
struct LogFacts {
    child_id: String,
    child_name: String,
    municipality: MunicipalityId,
    home_unit: UnitId,
    level: i32,
    level_since: String,
    status: String,
    lead: Option<String>,
    closed_at: Option<i64>,
}

fn log_facts(conn: &mut DbConnection, log: LogId) -> DbResult<LogFacts> {
    type R = (
        String,
        String,
        String,
        String,
        i32,
        String,
        String,
        Option<String>,
        Option<i64>,
    );
    let (child_id, child_name, m, home, level, since, status, lead, closed): R = logs::table
        .inner_join(children::table)
        .filter(logs::id.eq(log.to_string()))
        .select((
            children::id,
            children::name,
            logs::municipality_id,
            logs::home_unit_id,
            logs::level,
            logs::level_since,
            logs::status,
            logs::lead_user_id,
            logs::closed_at,
        ))
        .first(conn)?;
    Ok(LogFacts {
        child_id,
        child_name,
        municipality: parse_id(&m)?,
        home_unit: parse_id(&home)?,
        level,
        level_since: since,
        status,
        lead,
        closed_at: closed,
    })
}

/// Appends the access-log row of the family's read of `object`, scoped to
/// the log's municipality and keeping unit (so that the unit's leader sees
/// it in the unit's access log).
fn record_read(
    conn: &mut DbConnection,
    r: &FamilyReader,
    facts: &LogFacts,
    object: ObjectType,
    rid: &str,
) -> DbResult<()> {
    record(conn, r, facts, object, Action::Read, rid)
}

/// Appends the access-log row of the family's `action` on `object` (see
/// [`record_read`]).
fn record(
    conn: &mut DbConnection,
    r: &FamilyReader,
    facts: &LogFacts,
    object: ObjectType,
    action: Action,
    rid: &str,
) -> DbResult<()> {
    let scope = Scope {
        municipality_id: Some(facts.municipality),
        unit_id: Some(facts.home_unit),
    };
    crate::audit::append(
        conn,
        &AccessRecord::new(r, object, r.log_id(), action, scope, rid),
    )?;
    Ok(())
}

fn lead_name(conn: &mut DbConnection, lead: Option<&str>) -> DbResult<Option<String>> {
    match lead {
        None => Ok(None),
        Some(u) => Ok(users::table
            .find(u)
            .select(users::display_name)
            .first(conn)
            .optional()?),
    }
}

/// The first word of a name.
fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_owned()
}

/// The log's card for the start page; the listing is a read of the child's
/// data and is recorded — as a listing (`Action::List`, «Så oversikten over
/// loggene» in «Hvem har sett loggen»), not as a read of the log, which
/// only the log page is.
pub fn card(conn: &mut DbConnection, r: &FamilyReader, rid: &str) -> DbResult<LogCard> {
    let facts = log_facts(conn, r.log_id())?;
    let settings = crate::log::settings(conn, facts.municipality)?;
    let lead = lead_name(conn, facts.lead.as_deref())?;
    record(conn, r, &facts, ObjectType::Log, Action::List, rid)?;
    Ok(LogCard {
        log_id: r.log_id(),
        child_first_name: first_name(&facts.child_name),
        model: settings.model,
        level: u8::try_from(facts.level).unwrap_or(0),
        is_open: facts.status == LogStatus::Open.code(),
        lead,
    })
}

/// The whole log as the family may see it; the read is recorded.
pub fn view(conn: &mut DbConnection, r: &FamilyReader, rid: &str) -> DbResult<FamilyLogView> {
    let facts = log_facts(conn, r.log_id())?;
    let settings = crate::log::settings(conn, facts.municipality)?;
    let home_unit: String = units::table
        .find(facts.home_unit.to_string())
        .select(units::name)
        .first(conn)?;
    let team = team(conn, r.log_id(), facts.lead.as_deref())?;
    let entries = visible_entries(conn, r)?;
    let measures = measures(conn, r)?;
    let meetings = meetings_of(conn, r.log_id())?;
    record_read(conn, r, &facts, ObjectType::Log, rid)?;
    Ok(FamilyLogView {
        log_id: r.log_id(),
        child_name: facts.child_name,
        model: settings.model,
        level: u8::try_from(facts.level).unwrap_or(0),
        level_since: crate::children::date(&facts.level_since)?,
        is_open: facts.status == LogStatus::Open.code(),
        closed_at: facts.closed_at.map(from_micros),
        home_unit,
        team,
        measures,
        meetings,
        entries,
    })
}

/// The team now, the lead first, with the contact details Laget holds:
/// a staff member's e-mail, a guardian's phone and e-mail.
fn team(conn: &mut DbConnection, log: LogId, lead: Option<&str>) -> DbResult<Vec<Contact>> {
    type M = (
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<M> = team_members::table
        .left_join(units::table.on(units::id.nullable().eq(team_members::unit_id)))
        .left_join(users::table.on(users::id.nullable().eq(team_members::user_id)))
        .filter(team_members::log_id.eq(log.to_string()))
        .filter(team_members::removed_at.is_null())
        .order((team_members::added_at, team_members::id))
        .select((
            team_members::kind,
            team_members::user_id,
            units::name.nullable(),
            team_members::name,
            team_members::role_code,
            team_members::team_role,
            users::email.nullable(),
            team_members::guardian_id,
        ))
        .load(conn)?;
    // The guardians' phone and e-mail, as the child's record holds them.
    let guardian_rows: Vec<(String, Option<String>, Option<String>)> = guardians::table
        .inner_join(logs::table.on(logs::child_id.eq(guardians::child_id)))
        .filter(logs::id.eq(log.to_string()))
        .select((guardians::id, guardians::phone, guardians::email))
        .load(conn)?;
    let mut team = Vec::with_capacity(rows.len());
    for (kind, user, unit, name, code, role, email, guardian) in rows {
        let kind = MemberKind::from_code(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("member kind {kind}")))?;
        let (phone, email) = match (&guardian, kind) {
            (Some(g), MemberKind::Guardian) => guardian_rows
                .iter()
                .find(|(id, _, _)| id == g)
                .map(|(_, p, e)| (p.clone(), e.clone()))
                .unwrap_or((None, None)),
            _ => (None, email),
        };
        team.push(Contact {
            kind,
            name,
            role: TeamRole::from_stored(code.as_deref(), &role),
            unit: unit.filter(|_| kind == MemberKind::Staff),
            phone,
            email,
            is_lead: lead.is_some() && user.as_deref() == lead,
        });
    }
    // The lead first; the rest in the order they joined.
    team.sort_by_key(|c| !c.is_lead);
    Ok(team)
}

/// The timeline entries the reader may see, newest first: the kinds and
/// withholdings of [`timeline_entry_shown_to`], and a consent's events
/// only when the reader sees the consent ([`consent_shown_to`]: not a
/// consent the youth gave alone, to a guardian).
fn visible_entries(conn: &mut DbConnection, r: &FamilyReader) -> DbResult<Vec<Entry>> {
    let all = crate::log::entries(conn, r.log_id(), None)?;
    let givers: Vec<(String, String)> = consents::table
        .filter(consents::log_id.eq(r.log_id().to_string()))
        .select((consents::id, consents::givers))
        .load(conn)?;
    Ok(all
        .into_iter()
        .filter(|e| {
            let data: Option<serde_json::Value> =
                e.data.as_deref().and_then(|d| serde_json::from_str(d).ok());
            let event = laget_domain::portal::entry_event(e.kind, data.as_ref());
            timeline_entry_shown_to(e.kind, event, e.family_hidden, r.role())
                && (!matches!(
                    e.kind,
                    EntryKind::ConsentGiven | EntryKind::ConsentWithdrawn
                ) || consent_shown_to(&consent_givers(e, &givers), r.role()))
        })
        .collect())
}

/// Who gave the consent a consent event is about: the consent's row
/// (`samtykke` in the event's data), else what the event tells (`ungdom`
/// without `givere`: the youth alone). An event that tells neither (from
/// before events) names no giver and is shown as it was.
fn consent_givers(e: &Entry, rows: &[(String, String)]) -> Vec<Giver> {
    let data: Option<serde_json::Value> =
        e.data.as_deref().and_then(|d| serde_json::from_str(d).ok());
    let Some(data) = data else {
        return Vec::new();
    };
    if let Some((_, givers)) = data
        .get("samtykke")
        .and_then(|v| v.as_str())
        .and_then(|id| rows.iter().find(|(k, _)| k == id))
    {
        return givers
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(Giver::from_code)
            .collect();
    }
    let youth = data.get("ungdom").and_then(|v| v.as_bool()) == Some(true);
    let guardians = data
        .get("givere")
        .and_then(|v| v.as_array())
        .is_some_and(|a| !a.is_empty());
    match (youth, guardians) {
        (true, false) => vec![Giver::Youth],
        _ => Vec::new(),
    }
}

/// The measures with the evaluations the reader may see: an evaluation
/// whose entry staff withheld from the reader is left out.
fn measures(conn: &mut DbConnection, r: &FamilyReader) -> DbResult<Vec<MeasureView>> {
    let mut measures = crate::log::measures_of(conn, r.log_id(), None)?;
    let withheld: Vec<(Option<String>, Option<String>)> = log_entries::table
        .filter(log_entries::log_id.eq(r.log_id().to_string()))
        .filter(log_entries::kind.eq(EntryKind::Evaluation.code()))
        .filter(log_entries::family_hidden.is_not_null())
        .select((log_entries::data, log_entries::family_hidden))
        .load(conn)?;
    let mut hidden: Vec<EvaluationId> = Vec::new();
    for (data, code) in withheld {
        let w = crate::log::withheld(code.as_deref())?;
        if r.sees(w) {
            continue;
        }
        let id = data
            .as_deref()
            .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .and_then(|d| d.get("vurdering")?.as_str()?.parse::<EvaluationId>().ok());
        if let Some(id) = id {
            hidden.push(id);
        }
    }
    for m in &mut measures {
        m.evaluations
            .retain(|e: &EvaluationView| !hidden.contains(&e.id));
    }
    Ok(measures)
}

#[derive(Queryable)]
struct MeetingRow {
    id: String,
    kind: String,
    status: String,
    starts_at: i64,
    ends_at: i64,
    place: Option<String>,
    video_link: Option<String>,
    purpose: String,
    cancel_reason: Option<String>,
    minutes_status: String,
    voice: Option<String>,
    discussed: Option<String>,
    next: Option<String>,
    next_on: Option<String>,
    approved_at: Option<i64>,
}

/// The log's case meetings, soonest first, with approved minutes.
fn meetings_of(conn: &mut DbConnection, log: LogId) -> DbResult<Vec<FamilyMeeting>> {
    let rows: Vec<MeetingRow> = meetings::table
        .filter(meetings::log_id.eq(log.to_string()))
        .order((meetings::starts_at, meetings::id))
        .select((
            meetings::id,
            meetings::kind,
            meetings::status,
            meetings::starts_at,
            meetings::ends_at,
            meetings::place,
            meetings::video_link,
            meetings::purpose,
            meetings::cancel_reason,
            meetings::minutes_status,
            meetings::minutes_voice,
            meetings::minutes_discussed,
            meetings::minutes_next,
            meetings::minutes_next_on,
            meetings::minutes_approved_at,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let corrupt = |what: &str| DbError::Corrupt(format!("meeting {what}"));
        let approved = MinutesStatus::from_code(&row.minutes_status)
            .ok_or_else(|| corrupt(&row.minutes_status))?
            == MinutesStatus::Approved;
        let minutes = if approved {
            Some(FamilyMinutes {
                attendance: attendance(conn, &row.id)?,
                voice: row.voice,
                discussed: row.discussed,
                next: row.next,
                next_on: row
                    .next_on
                    .as_deref()
                    .map(crate::children::date)
                    .transpose()?,
                decisions: decisions(conn, &row.id)?,
                approved_at: row.approved_at.map(from_micros),
            })
        } else {
            None
        };
        out.push(FamilyMeeting {
            id: parse_id(&row.id)?,
            kind: MeetingKind::from_code(&row.kind).ok_or_else(|| corrupt(&row.kind))?,
            status: MeetingStatus::from_code(&row.status).ok_or_else(|| corrupt(&row.status))?,
            starts_at: from_micros(row.starts_at),
            ends_at: from_micros(row.ends_at),
            place: row.place,
            video_link: row.video_link,
            purpose: row.purpose,
            cancel_reason: row.cancel_reason,
            minutes,
        });
    }
    Ok(out)
}

/// Who was invited to a meeting (not taken off), and whether they came;
/// the child as «barnet» is named by the page.
fn attendance(
    conn: &mut DbConnection,
    meeting: &str,
) -> DbResult<Vec<(String, Option<Attendance>)>> {
    let rows: Vec<(String, String, Option<bool>)> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(meeting))
        .filter(meeting_participants::removed_at.is_null())
        .order((meeting_participants::added_at, meeting_participants::id))
        .select((
            meeting_participants::kind,
            meeting_participants::name,
            meeting_participants::attended,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(kind, _, _)| ParticipantKind::from_code(kind).is_some())
        .map(|(_, name, attended)| (name, Attendance::from_stored(attended)))
        .collect())
}

fn decisions(conn: &mut DbConnection, meeting: &str) -> DbResult<Vec<FamilyDecision>> {
    let rows: Vec<(String, Option<String>, String, Option<i64>)> = meeting_decisions::table
        .left_join(
            users::table.on(users::id
                .nullable()
                .eq(meeting_decisions::responsible_user_id)),
        )
        .filter(meeting_decisions::meeting_id.eq(meeting))
        .order((meeting_decisions::position, meeting_decisions::id))
        .select((
            meeting_decisions::text,
            users::display_name.nullable(),
            meeting_decisions::deadline,
            meeting_decisions::done_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(text, responsible, deadline, done)| {
            Ok(FamilyDecision {
                text,
                responsible,
                deadline: crate::children::date(&deadline)?,
                done: done.is_some(),
            })
        })
        .collect()
}

/// «Hvem har sett loggen»: the access log's rows about the log and its
/// child, newest first, `limit` of them older than row `before`; each staff
/// member with their unit. A row under break-glass (ground `nodtilgang`) is
/// left out until the leader has reviewed the opening it rests on
/// ([`break_glass_shown_to_family`]); a row under the duty to report
/// (ground `opplysningsplikt`) is never shown ([`row_shown_to_family`]).
/// Guardians and the youth read the same rows. Reading it is itself recorded (after
/// the rows are read, so the page does not list its own reading).
pub fn who_has_seen(
    conn: &mut DbConnection,
    r: &FamilyReader,
    before: Option<i64>,
    limit: i64,
    rid: &str,
) -> DbResult<Vec<Seen>> {
    let facts = log_facts(conn, r.log_id())?;
    let objects = [r.log_id().to_string(), facts.child_id.clone()];
    // The log's break-glass openings: who, when, reviewed or not.
    let openings: Vec<(String, String, i64, Option<i64>)> = break_glass::table
        .filter(break_glass::log_id.eq(r.log_id().to_string()))
        .select((
            break_glass::id,
            break_glass::user_id,
            break_glass::opened_at,
            break_glass::reviewed_at,
        ))
        .load(conn)?;
    // Page on until `limit` rows are shown or the log has no more, so that
    // rows left out do not shorten the page (or hide that there is more).
    let mut rows = Vec::new();
    let mut cursor = before;
    loop {
        let batch = crate::audit::for_objects_before(conn, &objects, cursor, limit)?;
        let done = (batch.len() as i64) < limit;
        cursor = batch.last().map(|e| e.seq).or(cursor);
        rows.extend(
            batch
                .into_iter()
                .filter(|e| row_shown_to_family(e, &openings)),
        );
        if done || rows.len() as i64 >= limit {
            break;
        }
    }
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    // Staff on the team (now or before) for the unit they joined for.
    let team_units: Vec<(Option<String>, String)> = team_members::table
        .inner_join(units::table.on(units::id.nullable().eq(team_members::unit_id)))
        .filter(team_members::log_id.eq(r.log_id().to_string()))
        .order(team_members::added_at.desc())
        .select((team_members::user_id, units::name))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    let mut member_units: Vec<(String, Option<String>)> = Vec::new();
    for entry in rows {
        let unit = match entry.actor_id.as_deref() {
            None => None,
            Some(user) => {
                if let Some((_, unit)) = team_units.iter().find(|(u, _)| u.as_deref() == Some(user))
                {
                    Some(unit.clone())
                } else if let Some((_, unit)) = member_units.iter().find(|(u, _)| u == user) {
                    unit.clone()
                } else {
                    let mut names: Vec<String> = memberships::table
                        .inner_join(units::table.on(units::id.nullable().eq(memberships::unit_id)))
                        .filter(memberships::user_id.eq(user))
                        .select(units::name)
                        .distinct()
                        .load(conn)?;
                    names.sort();
                    let unit = (!names.is_empty()).then(|| names.join(", "));
                    member_units.push((user.to_owned(), unit.clone()));
                    unit
                }
            }
        };
        out.push(Seen { entry, unit });
    }
    record_read(conn, r, &facts, ObjectType::AccessLog, rid)?;
    Ok(out)
}

/// Whether the family sees an access-log row in «Hvem har sett loggen».
/// A row under the duty to report (ground `opplysningsplikt`: a report of
/// concern sent from the log) is never shown: the ground alone tells that
/// a report went to child welfare, also when the reporter recorded that
/// the family must not be told (a danger to the child). The family learns
/// of a report they are told of from its timeline entry instead
/// (`laget_domain::portal::kind_shown_to_family`). Break-glass rows
/// follow [`break_glass_shown_to_family`].
fn row_shown_to_family(
    e: &crate::audit::Entry,
    openings: &[(String, String, i64, Option<i64>)],
) -> bool {
    let code = e
        .ground
        .split_once(':')
        .map_or(e.ground.as_str(), |(c, _)| c);
    code != Ground::ReportingDuty.code() && break_glass_shown_to_family(e, openings)
}

/// Whether the family sees an access-log row: a row under break-glass
/// (ground `nodtilgang`) only once the opening it rests on has been
/// reviewed by the leader of the unit that keeps the log, so that child
/// welfare's investigation is not revealed before child welfare has acted
/// and the leader has checked the opening (docs/ARCHITECTURE.md,
/// Decisions). The reads under an opening name it (`nodtilgang:<id>`); the
/// opening's own row does not, and is matched to the actor's latest
/// opening of the log at or before it. A row whose opening is not found is
/// left out. Every other row is shown.
fn break_glass_shown_to_family(
    e: &crate::audit::Entry,
    openings: &[(String, String, i64, Option<i64>)],
) -> bool {
    let (code, detail) = e
        .ground
        .split_once(':')
        .map_or((e.ground.as_str(), None), |(c, d)| (c, Some(d)));
    if code != Ground::BreakGlass.code() {
        return true;
    }
    let opening = match detail {
        Some(id) => openings.iter().find(|(k, _, _, _)| k == id),
        None => {
            let at = crate::to_micros(e.at);
            openings
                .iter()
                .filter(|(_, user, opened, _)| {
                    e.actor_id.as_deref() == Some(user.as_str()) && *opened <= at
                })
                .max_by_key(|(_, _, opened, _)| *opened)
        }
    };
    opening.is_some_and(|(_, _, _, reviewed)| reviewed.is_some())
}
