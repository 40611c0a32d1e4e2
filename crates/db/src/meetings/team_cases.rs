//! Cases brought to a standing team, and the decisions the team makes on
//! them in its meetings.
//!
//! - A case is **anonymous** (an age band and a summary; the web layer
//!   warns about identifying text as for anonymous consultations) or
//!   **named**: the log of a child whose consent covers every fixed member
//!   unit of the team (`laget_domain::meetings::teams::uncovered_units`),
//!   brought by someone who may write in that log. A named case is an event
//!   on the log's timeline and an access-log row on the log.
//! - A named case names its child only to a reader who may open its log
//!   (`casework::openable`, the log page's decision); each such showing is
//!   recorded on the log. To everyone else it is anonymous.
//! - Someone called in to one meeting (an on-demand member) sees that
//!   meeting's anonymous cases and, of its named ones, those whose log they
//!   may open; the other named cases are not shown to them at all, since
//!   the consent behind a named case covers the team's fixed units, not
//!   them.
//! - Decisions are made by the team's leader in a meeting, each with a
//!   responsible person (a member) and a deadline; they are the
//!   responsible person's tasks («Vedtak fra team» on «Mine oppgaver»)
//!   until marked done, and the responsible person gets an e-mail (naming
//!   no case). A decision on a named case is also an event on the log's
//!   timeline (`team_vedtak`) and an access-log row on the log, written
//!   under the leader's `TeamCaseRecorder` (the log open, the leader in
//!   the unit that keeps it or in a unit its consent covers); without one
//!   the decision is refused. Such a decision can become a measure in the
//!   log, by the path of the case meetings' decisions
//!   (`/logger/{log}/tiltak?vedtak=…`, [`any_decision_of_log`],
//!   [`link_any_measure`]).
//! - A case is withdrawn, with a reason, by the one who brought it or the
//!   leader, until the team has taken it up (no decision, its meeting's
//!   minutes not approved). It leaves the lists and counts in the yearly
//!   report only as withdrawn. A named case's withdrawal is a timeline
//!   event (`team_sak_trukket`) and an access-log row on the log when the
//!   one who withdraws may write there (`TeamCaseRecorder`); otherwise —
//!   the consent ended, say — the log is not touched.

use crate::children::{date, iso, record};
use crate::codes::Stored;
use crate::meetings::mail::{self, MailRequest, Recipient};
use crate::meetings::minutes::{self, DecisionRef};
use crate::schema::{
    children, logs, meeting_decisions, meetings, standing_team_members, standing_teams, team_cases,
    team_members, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Actor, LogReader, LogWriter, TeamCaseRecorder, TeamMeetingReader, TeamMember, TeamPlanner,
    TeamReportReader,
};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{DecisionId, LogId, MeasureId, MeetingId, StandingTeamId, TeamCaseId};
use laget_domain::log::stafett::{EntryKind, LogStatus, MemberKind};
use laget_domain::meetings::mail::MailKind;
use laget_domain::meetings::teams::{CaseCounts, WithdrawRefused, may_withdraw, uncovered_units};
use laget_domain::meetings::{BroughtBy, MeetingStatus, MinutesStatus};
use laget_domain::{UnitId, UserId};

/// A case to bring.
#[derive(Clone, Debug)]
pub struct NewTeamCase {
    /// The meeting it is for, if one is chosen.
    pub meeting: Option<MeetingId>,
    pub age_band: String,
    pub summary: String,
    pub brought_by: BroughtBy,
    pub guardians_present: bool,
}

/// A case as a member is shown it.
#[derive(Clone, Debug)]
pub struct TeamCase {
    pub id: TeamCaseId,
    pub meeting: Option<MeetingId>,
    pub anonymous: bool,
    pub age_band: Option<String>,
    pub summary: String,
    pub brought_by: BroughtBy,
    pub guardians_present: bool,
    /// Who brought it (entered it), and their name.
    pub created_by_id: Option<UserId>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The minutes' note on it (what was discussed).
    pub minutes_note: Option<String>,
    /// The team has taken it up (a decision on it, or its meeting's
    /// minutes approved): it can no longer be withdrawn.
    pub taken_up: bool,
    /// The child, only where the reader may open the log.
    pub named: Option<Named>,
}

/// A named case's child, as a reader who may open its log is shown it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub log: LogId,
    pub child: String,
    /// The reader may also write in the log (make a measure there).
    pub writable: bool,
}

/// A decision on a team case.
#[derive(Clone, Debug)]
pub struct Decision {
    pub id: DecisionId,
    pub case: Option<TeamCaseId>,
    pub text: String,
    pub responsible: Option<UserId>,
    pub responsible_name: Option<String>,
    pub deadline: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<String>,
    /// The measure it became (in the named case's log).
    pub measure: Option<MeasureId>,
}

/// Why a decision was not recorded: the case is named, and the leader may
/// not write on its log (it is closed, or no consent covers the leader's
/// unit and the leader does not work where it is kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotOnLog;

/// A decision to make.
#[derive(Clone, Debug)]
pub struct NewDecision {
    pub case: TeamCaseId,
    pub text: String,
    pub responsible: UserId,
    pub deadline: NaiveDate,
}

/// A decision on «Mine oppgaver».
#[derive(Clone, Debug)]
pub struct DecisionTask {
    pub id: DecisionId,
    pub team_id: StandingTeamId,
    pub team_name: String,
    pub meeting: MeetingId,
    pub text: String,
    pub deadline: NaiveDate,
    pub age_band: Option<String>,
    /// The child's name, only where the responsible person may open the log.
    pub child_name: Option<String>,
}

/// A log a case may be brought from: one the user may write in.
#[derive(Clone, Debug)]
pub struct CaseLog {
    pub log_id: LogId,
    pub child_name: String,
    pub birth_date: NaiveDate,
}

fn log_scope(r: &LogReader) -> Scope {
    Scope {
        municipality_id: Some(r.municipality_id()),
        unit_id: Some(r.home_unit()),
    }
}

/// The fixed member units of a team.
fn fixed_units(conn: &mut DbConnection, team: StandingTeamId) -> DbResult<Vec<UnitId>> {
    let rows: Vec<Option<String>> = standing_team_members::table
        .filter(standing_team_members::team_id.eq(team.to_string()))
        .filter(standing_team_members::removed_at.is_null())
        .filter(standing_team_members::on_demand.eq(false))
        .select(standing_team_members::unit_id)
        .load(conn)?;
    rows.iter().flatten().map(|u| parse_id(u)).collect()
}

/// The fixed member units a named case's log would need consent for: those
/// its consent does not cover today (empty: the case may be brought). The
/// writer may write in the log, so its facts are read for it.
pub fn missing_consent(
    conn: &mut DbConnection,
    cap: &TeamMember,
    w: &LogWriter,
    today: NaiveDate,
) -> DbResult<Vec<(UnitId, String)>> {
    let units = fixed_units(conn, cap.team_id())?;
    let facts = crate::log::facts_of(conn, w.reader(), today)?;
    let missing = uncovered_units(&units, &facts, today);
    let names = crate::admin::units::get_many(conn, &missing)?;
    Ok(names.into_iter().map(|u| (u.id, u.name)).collect())
}

/// Checks that a meeting is one of the team's and not cancelled.
fn team_meeting(conn: &mut DbConnection, team: StandingTeamId, id: MeetingId) -> DbResult<()> {
    let status: String = meetings::table
        .filter(meetings::id.eq(id.to_string()))
        .filter(meetings::team_id.eq(team.to_string()))
        .select(meetings::status)
        .first(conn)?;
    if status == MeetingStatus::Cancelled.code() {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Brings a case to the member's team: anonymous (`named` is `None`), or
/// named with the log `named` writes in. A named case whose log's consent
/// does not cover every fixed member unit is `Conflict` (the form checks
/// [`missing_consent`] first and names them); it goes on the log's
/// timeline and in the access log.
pub fn bring(
    conn: &mut DbConnection,
    cap: &TeamMember,
    case: &NewTeamCase,
    named: Option<&LogWriter>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<TeamCaseId> {
    cap.case_bringer().map_err(|_| DbError::NotFound)?;
    if let Some(m) = case.meeting {
        team_meeting(conn, cap.team_id(), m)?;
    }
    if let Some(w) = named
        && !missing_consent(conn, cap, w, today)?.is_empty()
    {
        return Err(DbError::Conflict);
    }
    let id = TeamCaseId::new();
    let now = Utc::now();
    diesel::insert_into(team_cases::table)
        .values((
            team_cases::id.eq(id.to_string()),
            team_cases::team_id.eq(cap.team_id().to_string()),
            team_cases::meeting_id.eq(case.meeting.map(|m| m.to_string())),
            team_cases::log_id.eq(named.map(|w| w.log_id().to_string())),
            team_cases::anonymous.eq(named.is_none()),
            team_cases::age_band.eq(Some(&case.age_band)),
            team_cases::summary.eq(&case.summary),
            team_cases::brought_by.eq(case.brought_by.code()),
            team_cases::guardians_present.eq(case.guardians_present),
            team_cases::created_by.eq(Some(cap.actor_id().to_string())),
            team_cases::created_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    if let Some(w) = named {
        let (team_name, kind): (String, String) = standing_teams::table
            .find(cap.team_id().to_string())
            .select((standing_teams::name, standing_teams::kind))
            .first(conn)?;
        crate::log::insert_entry(
            conn,
            w.log_id(),
            EntryKind::TeamCase,
            Some(cap.actor_id()),
            Some(&case.summary),
            serde_json::json!({
                "team_sak": id.to_string(),
                "team": team_name,
                "team_type": kind,
                "meldt_av": case.brought_by.code(),
                "foresatte_til_stede": case.guardians_present,
            }),
            now,
        )?;
        record(
            conn,
            w,
            ObjectType::Log,
            w.log_id(),
            Action::Update,
            log_scope(w.reader()),
            rid,
        )?;
    }
    Ok(id)
}

#[derive(Queryable)]
struct CaseRow {
    id: String,
    meeting: Option<String>,
    log: Option<String>,
    anonymous: bool,
    age_band: Option<String>,
    summary: String,
    brought_by: String,
    guardians_present: bool,
    created_by_id: Option<String>,
    created_by: Option<String>,
    created_at: i64,
    minutes_note: Option<String>,
}

macro_rules! case_query {
    () => {
        team_cases::table
            .left_join(users::table.on(users::id.nullable().eq(team_cases::created_by)))
            .filter(team_cases::withdrawn_at.is_null())
            .select((
                team_cases::id,
                team_cases::meeting_id,
                team_cases::log_id,
                team_cases::anonymous,
                team_cases::age_band,
                team_cases::summary,
                team_cases::brought_by,
                team_cases::guardians_present,
                team_cases::created_by,
                users::display_name.nullable(),
                team_cases::created_at,
                team_cases::minutes_note,
            ))
    };
}

fn brought_by_of(code: &str) -> DbResult<BroughtBy> {
    BroughtBy::from_code(code).ok_or_else(|| DbError::Corrupt(format!("brought by {code:?}")))
}

/// Of the logs of `rows`, those `actor` may open, with the child's name and
/// whether `actor` may write there; each showing recorded as a read of the
/// log with the reader's ground.
fn names_for(
    conn: &mut DbConnection,
    actor: &Actor,
    logs_: impl IntoIterator<Item = LogId>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Vec<Named>> {
    let open = crate::casework::openable(conn, actor, logs_, today)?;
    let mut out = Vec::with_capacity(open.len());
    for log in open {
        let facts = crate::log::facts(conn, log, actor.user_id(), today)?;
        let Ok(reader) = actor.open_log(&facts, today) else {
            continue;
        };
        let name: String = logs::table
            .inner_join(children::table)
            .filter(logs::id.eq(log.to_string()))
            .select(children::name)
            .first(conn)?;
        record(
            conn,
            &reader,
            ObjectType::Log,
            log,
            Action::Read,
            log_scope(&reader),
            rid,
        )?;
        out.push(Named {
            log,
            child: name,
            writable: reader.writer().is_ok(),
        });
    }
    Ok(out)
}

/// Which of the cases of `rows` the team has taken up: a decision on it,
/// or its meeting's minutes approved.
fn taken_up(conn: &mut DbConnection, rows: &[CaseRow]) -> DbResult<Vec<bool>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let decided: Vec<Option<String>> = meeting_decisions::table
        .filter(meeting_decisions::team_case_id.eq_any(&ids))
        .select(meeting_decisions::team_case_id)
        .load(conn)?;
    let meetings_: Vec<&str> = rows.iter().filter_map(|r| r.meeting.as_deref()).collect();
    let approved: Vec<String> = meetings::table
        .filter(meetings::id.eq_any(&meetings_))
        .filter(meetings::minutes_status.eq(MinutesStatus::Approved.code()))
        .select(meetings::id)
        .load(conn)?;
    Ok(rows
        .iter()
        .map(|r| {
            decided.iter().flatten().any(|d| *d == r.id)
                || r.meeting.as_ref().is_some_and(|m| approved.contains(m))
        })
        .collect())
}

fn cases_from(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: Vec<CaseRow>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Vec<TeamCase>> {
    let logs_: Vec<LogId> = rows
        .iter()
        .filter_map(|r| r.log.as_deref())
        .map(parse_id)
        .collect::<DbResult<_>>()?;
    let names = names_for(conn, actor, logs_, today, rid)?;
    let taken = taken_up(conn, &rows)?;
    rows.into_iter()
        .zip(taken)
        .map(|(r, taken_up)| {
            let log: Option<LogId> = r.log.as_deref().map(parse_id).transpose()?;
            Ok(TeamCase {
                id: parse_id(&r.id)?,
                meeting: r.meeting.as_deref().map(parse_id).transpose()?,
                anonymous: r.anonymous,
                age_band: r.age_band,
                summary: r.summary,
                brought_by: brought_by_of(&r.brought_by)?,
                guardians_present: r.guardians_present,
                created_by_id: r.created_by_id.as_deref().map(parse_id).transpose()?,
                created_by: r.created_by,
                created_at: from_micros(r.created_at),
                minutes_note: r.minutes_note,
                taken_up,
                named: log.and_then(|l| names.iter().find(|n| n.log == l).cloned()),
            })
        })
        .collect()
}

fn same_actor(actor: &Actor, cap: &TeamMember) -> DbResult<()> {
    if actor.user_id() == cap.actor_id() {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

/// The member's team's cases, newest first: those of `meeting`, or (with
/// `None`) all of them. A named case names its child only where `actor`
/// (the member) may open the log; each name shown is recorded as a read.
pub fn cases(
    conn: &mut DbConnection,
    actor: &Actor,
    cap: &TeamMember,
    meeting: Option<MeetingId>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Vec<TeamCase>> {
    same_actor(actor, cap)?;
    let mut q = case_query!()
        .filter(team_cases::team_id.eq(cap.team_id().to_string()))
        .into_boxed();
    if let Some(m) = meeting {
        q = q.filter(team_cases::meeting_id.eq(m.to_string()));
    }
    let rows: Vec<CaseRow> = q
        .order((team_cases::created_at.desc(), team_cases::id.desc()))
        .load(conn)?;
    cases_from(conn, actor, rows, today, rid)
}

/// The cases of the meeting the reader reads, newest first. A member sees
/// them all (a named case naming its child only where `actor` may open the
/// log); someone called in sees the anonymous ones and the named ones whose
/// log `actor` may open, and no other. Each name shown is recorded as a
/// read of its log.
pub fn meeting_cases(
    conn: &mut DbConnection,
    actor: &Actor,
    cap: &TeamMeetingReader,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Vec<TeamCase>> {
    if actor.user_id() != cap.actor_id() {
        return Err(DbError::NotFound);
    }
    let rows: Vec<CaseRow> = case_query!()
        .filter(team_cases::team_id.eq(cap.team_id().to_string()))
        .filter(team_cases::meeting_id.eq(cap.meeting_id().to_string()))
        .order((team_cases::created_at.desc(), team_cases::id.desc()))
        .load(conn)?;
    let all = cases_from(conn, actor, rows, today, rid)?;
    Ok(if cap.is_called_in() {
        all.into_iter()
            .filter(|c| c.anonymous || c.named.is_some())
            .collect()
    } else {
        all
    })
}

/// The open logs `actor` may write in (kept by their units, or with them on
/// the team), by the child's name: where a named case may come from. Names
/// children, so it is recorded as a list on the user.
pub fn case_logs(
    conn: &mut DbConnection,
    actor: &Actor,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Vec<CaseLog>> {
    let units: Vec<String> = actor
        .casework_units()
        .into_iter()
        .map(|(u, _)| u.to_string())
        .collect();
    let me = actor.user_id().to_string();
    let on_team = team_members::table
        .filter(team_members::user_id.eq(&me))
        .filter(team_members::removed_at.is_null())
        .select(team_members::log_id);
    let rows: Vec<(String, String, String)> = logs::table
        .inner_join(children::table)
        .filter(logs::status.eq(LogStatus::Open.code()))
        .filter(
            logs::home_unit_id
                .eq_any(&units)
                .or(logs::id.eq_any(on_team)),
        )
        .order((children::name, children::birth_date))
        .select((logs::id, children::name, children::birth_date))
        .load(conn)?;
    let mut out = Vec::new();
    for (log, name, born) in rows {
        let log: LogId = parse_id(&log)?;
        let facts = crate::log::facts(conn, log, actor.user_id(), today)?;
        if actor
            .open_log(&facts, today)
            .is_ok_and(|r| r.writer().is_ok())
        {
            out.push(CaseLog {
                log_id: log,
                child_name: name,
                birth_date: date(&born)?,
            });
        }
    }
    record(
        conn,
        &actor.own_account(),
        ObjectType::User,
        actor.user_id(),
        Action::List,
        Scope::default(),
        rid,
    )?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// Decisions

/// Who may be made responsible for a decision of the member's team: its
/// leader, its fixed member persons and the staff (ansatt, leder) of its
/// fixed member units, by name.
pub fn responsible_choices(
    conn: &mut DbConnection,
    cap: &TeamMember,
) -> DbResult<Vec<(UserId, String)>> {
    super::teams::member_people(conn, cap.team_id())
}

/// What a named case's log needs from the team before the team writes on
/// it: the member's `TeamCaseRecorder` for the log (`Err(NotOnLog)`
/// without one); `Ok(None)` for an anonymous case.
fn recorder_for(
    conn: &mut DbConnection,
    member: &TeamMember,
    log: Option<&str>,
    today: NaiveDate,
) -> DbResult<Result<Option<TeamCaseRecorder>, NotOnLog>> {
    let Some(log) = log else {
        return Ok(Ok(None));
    };
    let facts = crate::log::facts(conn, parse_id(log)?, member.actor_id(), today)?;
    Ok(member
        .case_recorder(&facts, today)
        .map(Some)
        .map_err(|_| NotOnLog))
}

/// The team's name and kind, as a timeline event keeps them.
fn team_words(conn: &mut DbConnection, team: StandingTeamId) -> DbResult<(String, String)> {
    Ok(standing_teams::table
        .find(team.to_string())
        .select((standing_teams::name, standing_teams::kind))
        .first(conn)?)
}

fn recorder_scope(r: &TeamCaseRecorder) -> Scope {
    Scope {
        municipality_id: Some(r.municipality_id()),
        unit_id: Some(r.home_unit()),
    }
}

/// The leader records a decision on a case of the team in one of its
/// meetings (not cancelled): a case not yet on a meeting is put on this one;
/// a case on another meeting, or a responsible person who is not among
/// [`responsible_choices`], is `NotFound`. The responsible person gets an
/// e-mail saying a decision gave them a task. A decision on a named case
/// is also a `team_vedtak` event on its log and an access-log row there,
/// under the leader's `TeamCaseRecorder`; without one it is not recorded
/// (`Err(NotOnLog)`).
pub fn decide(
    conn: &mut DbConnection,
    cap: &TeamPlanner,
    meeting: MeetingId,
    d: &NewDecision,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<DecisionId, NotOnLog>> {
    let team = cap.team_id();
    team_meeting(conn, team, meeting)?;
    let (on, log): (Option<String>, Option<String>) = team_cases::table
        .filter(team_cases::id.eq(d.case.to_string()))
        .filter(team_cases::team_id.eq(team.to_string()))
        .filter(team_cases::withdrawn_at.is_null())
        .select((team_cases::meeting_id, team_cases::log_id))
        .first(conn)?;
    match on {
        Some(m) if m != meeting.to_string() => return Err(DbError::NotFound),
        Some(_) => {}
        None => {
            diesel::update(team_cases::table.find(d.case.to_string()))
                .set(team_cases::meeting_id.eq(Some(meeting.to_string())))
                .execute(conn)?;
        }
    }
    let Some((_, responsible_name)) = responsible_choices(conn, cap.member())?
        .into_iter()
        .find(|(u, _)| *u == d.responsible)
    else {
        return Err(DbError::NotFound);
    };
    let recorder = match recorder_for(conn, cap.member(), log.as_deref(), today)? {
        Ok(r) => r,
        Err(refused) => return Ok(Err(refused)),
    };
    let position: i64 = meeting_decisions::table
        .filter(meeting_decisions::meeting_id.eq(meeting.to_string()))
        .count()
        .get_result(conn)?;
    let id = DecisionId::new();
    diesel::insert_into(meeting_decisions::table)
        .values((
            meeting_decisions::id.eq(id.to_string()),
            meeting_decisions::meeting_id.eq(meeting.to_string()),
            meeting_decisions::team_case_id.eq(Some(d.case.to_string())),
            meeting_decisions::position.eq(i32::try_from(position + 1).unwrap_or(i32::MAX)),
            meeting_decisions::text.eq(&d.text),
            meeting_decisions::responsible_user_id.eq(Some(d.responsible.to_string())),
            meeting_decisions::deadline.eq(iso(d.deadline)),
            meeting_decisions::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    mail::enqueue(
        conn,
        &MailRequest {
            kind: MailKind::Decision,
            recipient: Recipient::User(d.responsible),
            meeting: Some(meeting),
            decision: Some(id),
            sequence: 0,
            created_by: Some(cap.actor_id()),
        },
    )?;
    if let Some(r) = recorder {
        let (team_name, kind) = team_words(conn, team)?;
        crate::log::insert_entry(
            conn,
            r.log_id(),
            EntryKind::TeamDecision,
            Some(cap.actor_id()),
            Some(&d.text),
            serde_json::json!({
                "team_sak": d.case.to_string(),
                "vedtak": id.to_string(),
                "team": team_name,
                "team_type": kind,
                "ansvarlig": responsible_name,
                "frist": iso(d.deadline),
            }),
            Utc::now(),
        )?;
        record(
            conn,
            &r,
            ObjectType::Log,
            r.log_id(),
            Action::Update,
            recorder_scope(&r),
            rid,
        )?;
    }
    Ok(Ok(id))
}

type DecisionRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// The decisions made in the meeting the reader reads, on the cases of
/// `cases` (those the reader was shown, [`meeting_cases`] or [`cases`]),
/// in order.
pub fn decisions(
    conn: &mut DbConnection,
    cap: &TeamMeetingReader,
    cases: &[TeamCaseId],
) -> DbResult<Vec<Decision>> {
    let meeting = cap.meeting_id();
    let cases: Vec<String> = cases.iter().map(ToString::to_string).collect();
    let (responsible, done_by) = diesel::alias!(users as responsible, users as done_by);
    let rows: Vec<DecisionRow> = meeting_decisions::table
        .inner_join(meetings::table)
        .left_join(
            responsible.on(responsible
                .field(users::id)
                .nullable()
                .eq(meeting_decisions::responsible_user_id)),
        )
        .left_join(
            done_by.on(done_by
                .field(users::id)
                .nullable()
                .eq(meeting_decisions::done_by)),
        )
        .filter(meeting_decisions::meeting_id.eq(meeting.to_string()))
        .filter(meetings::team_id.eq(cap.team_id().to_string()))
        .filter(meeting_decisions::team_case_id.eq_any(&cases))
        .order((meeting_decisions::position, meeting_decisions::id))
        .select((
            meeting_decisions::id,
            meeting_decisions::team_case_id,
            meeting_decisions::text,
            meeting_decisions::responsible_user_id,
            responsible.field(users::display_name).nullable(),
            meeting_decisions::deadline,
            meeting_decisions::done_at,
            done_by.field(users::display_name).nullable(),
            meeting_decisions::measure_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, case, text, resp, resp_name, deadline, done_at, done_by, measure)| {
                Ok(Decision {
                    id: parse_id(&id)?,
                    case: case.as_deref().map(parse_id).transpose()?,
                    text,
                    responsible: resp.as_deref().map(parse_id).transpose()?,
                    responsible_name: resp_name,
                    deadline: date(&deadline)?,
                    done_at: done_at.map(from_micros),
                    done_by,
                    measure: measure.as_deref().map(parse_id).transpose()?,
                })
            },
        )
        .collect()
}

/// A decision of a standing team on a named case of `r`'s log, as the
/// measure form needs it (`DecisionRef`; a team's decision is made whole
/// by the leader, so it counts as approved). `NotFound` for any other.
pub fn decision_of_log(
    conn: &mut DbConnection,
    r: &LogReader,
    id: DecisionId,
) -> DbResult<DecisionRef> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
    );
    let (meeting, text, responsible, deadline, done, measure): Row = meeting_decisions::table
        .inner_join(
            team_cases::table.on(team_cases::id
                .nullable()
                .eq(meeting_decisions::team_case_id)),
        )
        .filter(meeting_decisions::id.eq(id.to_string()))
        .filter(team_cases::log_id.eq(r.log_id().to_string()))
        .select((
            meeting_decisions::meeting_id,
            meeting_decisions::text,
            meeting_decisions::responsible_user_id,
            meeting_decisions::deadline,
            meeting_decisions::done_at,
            meeting_decisions::measure_id,
        ))
        .first(conn)?;
    let member: Option<String> = match &responsible {
        None => None,
        Some(u) => team_members::table
            .filter(team_members::log_id.eq(r.log_id().to_string()))
            .filter(team_members::user_id.eq(u))
            .filter(team_members::kind.eq(MemberKind::Staff.code()))
            .filter(team_members::removed_at.is_null())
            .select(team_members::id)
            .first(conn)
            .optional()?,
    };
    Ok(DecisionRef {
        id,
        meeting: parse_id(&meeting)?,
        text,
        responsible: responsible.as_deref().map(parse_id).transpose()?,
        responsible_member: member.as_deref().map(parse_id).transpose()?,
        deadline: date(&deadline)?,
        done: done.is_some(),
        measure: measure.as_deref().map(parse_id).transpose()?,
        approved: true,
    })
}

/// A decision that can become a measure in `r`'s log: of a case meeting's
/// approved minutes (`minutes::decision_of_log`) or of a standing team on
/// a named case of the log ([`decision_of_log`]). The measure form
/// (`/logger/{log}/tiltak?vedtak=…`) asks this.
pub fn any_decision_of_log(
    conn: &mut DbConnection,
    r: &LogReader,
    id: DecisionId,
) -> DbResult<DecisionRef> {
    match minutes::decision_of_log(conn, r, id) {
        Err(DbError::NotFound) => decision_of_log(conn, r, id),
        other => other,
    }
}

/// Links the measure made from decision `id` to it, for either kind of
/// decision ([`any_decision_of_log`]), with an access-log row on the log;
/// once only: a decision linked already is `Conflict`.
pub fn link_any_measure(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: DecisionId,
    measure: MeasureId,
    rid: &str,
) -> DbResult<()> {
    match minutes::decision_of_log(conn, w.reader(), id) {
        Ok(_) => return minutes::link_measure(conn, w, id, measure, rid),
        Err(DbError::NotFound) => {}
        Err(e) => return Err(e),
    }
    decision_of_log(conn, w.reader(), id)?;
    let linked = diesel::update(
        meeting_decisions::table
            .filter(meeting_decisions::id.eq(id.to_string()))
            .filter(meeting_decisions::measure_id.is_null()),
    )
    .set(meeting_decisions::measure_id.eq(Some(measure.to_string())))
    .execute(conn)?;
    if linked == 0 {
        return Err(DbError::Conflict);
    }
    record(
        conn,
        w,
        ObjectType::Log,
        w.log_id(),
        Action::Update,
        log_scope(w.reader()),
        rid,
    )
}

/// Withdraws a case of the member's team, with a reason: the one who
/// brought it or the leader (anyone else, a withdrawn case, or another
/// team's, is `NotFound`), until the team has taken it up
/// (`Err(WithdrawRefused)`). A named case's withdrawal is a
/// `team_sak_trukket` event and an access-log row on its log when the
/// member may write there (`TeamMember::case_recorder`); otherwise the log
/// is left as it is. Gives the meeting the case was on, if any.
pub fn withdraw(
    conn: &mut DbConnection,
    cap: &TeamMember,
    case: TeamCaseId,
    reason: &str,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<Option<MeetingId>, WithdrawRefused>> {
    let rows: Vec<CaseRow> = case_query!()
        .filter(team_cases::id.eq(case.to_string()))
        .filter(team_cases::team_id.eq(cap.team_id().to_string()))
        .load(conn)?;
    let Some(row) = rows.first() else {
        return Err(DbError::NotFound);
    };
    let by: Option<UserId> = row.created_by_id.as_deref().map(parse_id).transpose()?;
    if !cap.may_withdraw(by) {
        return Err(DbError::NotFound);
    }
    let decided: i64 = meeting_decisions::table
        .filter(meeting_decisions::team_case_id.eq(case.to_string()))
        .count()
        .get_result(conn)?;
    let approved = match &row.meeting {
        None => false,
        Some(m) => {
            let status: Stored<MinutesStatus> = meetings::table
                .find(m)
                .select(meetings::minutes_status)
                .first(conn)?;
            status.parse()? == MinutesStatus::Approved
        }
    };
    if let Err(refused) = may_withdraw(usize::try_from(decided).unwrap_or(usize::MAX), approved) {
        return Ok(Err(refused));
    }
    diesel::update(team_cases::table.find(case.to_string()))
        .set((
            team_cases::withdrawn_at.eq(Some(to_micros(Utc::now()))),
            team_cases::withdrawn_by.eq(Some(cap.actor_id().to_string())),
            team_cases::withdraw_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
    if let Ok(Some(r)) = recorder_for(conn, cap, row.log.as_deref(), today)? {
        let (team_name, kind) = team_words(conn, cap.team_id())?;
        crate::log::insert_entry(
            conn,
            r.log_id(),
            EntryKind::TeamCaseWithdrawn,
            Some(cap.actor_id()),
            Some(reason),
            serde_json::json!({
                "team_sak": case.to_string(),
                "team": team_name,
                "team_type": kind,
            }),
            Utc::now(),
        )?;
        record(
            conn,
            &r,
            ObjectType::Log,
            r.log_id(),
            Action::Update,
            recorder_scope(&r),
            rid,
        )?;
    }
    Ok(Ok(row.meeting.as_deref().map(parse_id).transpose()?))
}

/// Marks a decision of the member's team done: the responsible person or
/// the team's leader (`TeamMember::may_mark_done`); anyone else, and a
/// decision of another team, is `NotFound`. Done twice is done once.
pub fn mark_done(conn: &mut DbConnection, cap: &TeamMember, id: DecisionId) -> DbResult<MeetingId> {
    let (meeting, responsible, done): (String, Option<String>, Option<i64>) =
        meeting_decisions::table
            .inner_join(meetings::table)
            .filter(meeting_decisions::id.eq(id.to_string()))
            .filter(meetings::team_id.eq(cap.team_id().to_string()))
            .filter(meeting_decisions::team_case_id.is_not_null())
            .select((
                meeting_decisions::meeting_id,
                meeting_decisions::responsible_user_id,
                meeting_decisions::done_at,
            ))
            .first(conn)?;
    let responsible: Option<UserId> = responsible.as_deref().map(parse_id).transpose()?;
    if !cap.may_mark_done(responsible) {
        return Err(DbError::NotFound);
    }
    if done.is_none() {
        diesel::update(meeting_decisions::table.find(id.to_string()))
            .set((
                meeting_decisions::done_at.eq(Some(to_micros(Utc::now()))),
                meeting_decisions::done_by.eq(Some(cap.actor_id().to_string())),
            ))
            .execute(conn)?;
    }
    parse_id(&meeting)
}

/// The decisions of team cases that `actor` is responsible for and has not
/// marked done, soonest deadline first: only on teams `actor` is still a
/// member of, naming a named case's child only where `actor` may open its
/// log (an anonymous case names none). Part of «Mine oppgaver», which
/// records the list.
pub fn my_decisions(
    conn: &mut DbConnection,
    actor: &Actor,
    today: NaiveDate,
) -> DbResult<Vec<DecisionTask>> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = meeting_decisions::table
        .inner_join(meetings::table)
        .inner_join(
            team_cases::table.on(team_cases::id
                .nullable()
                .eq(meeting_decisions::team_case_id)),
        )
        .inner_join(standing_teams::table.on(standing_teams::id.eq(team_cases::team_id)))
        .filter(meeting_decisions::responsible_user_id.eq(actor.user_id().to_string()))
        .filter(meeting_decisions::done_at.is_null())
        .filter(meetings::status.ne(MeetingStatus::Cancelled.code()))
        .order((meeting_decisions::deadline, meeting_decisions::id))
        .select((
            meeting_decisions::id,
            standing_teams::id,
            standing_teams::name,
            meeting_decisions::meeting_id,
            meeting_decisions::text,
            meeting_decisions::deadline,
            team_cases::age_band,
            team_cases::log_id,
        ))
        .load(conn)?;
    let logs_: Vec<LogId> = rows
        .iter()
        .filter_map(|r| r.7.as_deref())
        .map(parse_id)
        .collect::<DbResult<_>>()?;
    let open = crate::casework::openable(conn, actor, logs_, today)?;
    let mut member_of: Vec<(StandingTeamId, bool)> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (id, team, team_name, meeting, text, deadline, band, log) in rows {
        let team: StandingTeamId = parse_id(&team)?;
        let member = match member_of.iter().find(|(t, _)| *t == team) {
            Some((_, m)) => *m,
            None => {
                let m = actor.team_member(&super::teams::facts(conn, team)?).is_ok();
                member_of.push((team, m));
                m
            }
        };
        if !member {
            continue;
        }
        let log: Option<LogId> = log.as_deref().map(parse_id).transpose()?;
        let child_name = match log.filter(|l| open.contains(l)) {
            Some(l) => Some(
                logs::table
                    .inner_join(children::table)
                    .filter(logs::id.eq(l.to_string()))
                    .select(children::name)
                    .first(conn)?,
            ),
            None => None,
        };
        out.push(DecisionTask {
            id: parse_id(&id)?,
            team_id: team,
            team_name,
            meeting: parse_id(&meeting)?,
            text,
            deadline: date(&deadline)?,
            age_band: band,
            child_name,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The yearly report

/// The counts of the team's cases brought in `[from, to)`: anonymous,
/// named, brought by guardians, with guardians present (as the minutes
/// left it), of those not withdrawn; and how many were withdrawn. Counts
/// only; no case is read.
pub fn counts(
    conn: &mut DbConnection,
    cap: &TeamReportReader,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<CaseCounts> {
    let rows: Vec<(bool, String, bool, Option<i64>)> = team_cases::table
        .filter(team_cases::team_id.eq(cap.team_id().to_string()))
        .filter(team_cases::created_at.ge(to_micros(from)))
        .filter(team_cases::created_at.lt(to_micros(to)))
        .select((
            team_cases::anonymous,
            team_cases::brought_by,
            team_cases::guardians_present,
            team_cases::withdrawn_at,
        ))
        .load(conn)?;
    let mut c = CaseCounts::default();
    for (anonymous, by, present, withdrawn) in rows {
        if withdrawn.is_some() {
            c.add_withdrawn();
            continue;
        }
        c.add(
            anonymous,
            brought_by_of(&by)? == BroughtBy::Guardian,
            present,
        );
    }
    Ok(c)
}
