//! The e-mail Laget sends about meetings (outgoing_mail), written in the
//! transaction of the change that causes it, and sent by an outbox job
//! (`crates/web/src/outbox/mail.rs`) after the commit. A row holds ids, never
//! words: the message is rendered when it is sent, in the recipient's
//! written standard, and names no child.
//!
//! - [`enqueue`]: the e-mail and its job, in the change's transaction.
//! - [`to_send`] and [`finish`]: what the sending job reads (the address,
//!   the recipient's written standard, the meeting's time and place) and how
//!   it records the outcome. The job acts for Laget itself, after the change
//!   a person made and recorded; it reads no child's data (no name, nothing
//!   written in the log) and records no access-log row.
//! - [`for_meeting`]: the list the meeting's readers see (who was written
//!   to, and how it went), taken with the meeting's capability
//!   ([`MeetingMailReader`]); the page that shows it records the read.

use crate::schema::{
    children, guardians, meetings, memberships, outbox as jobs, outgoing_mail, team_members, units,
    users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, outbox, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::UserId;
use laget_domain::access::{Capability, LogReader, TeamMember};
use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::ids::{DecisionId, GuardianId, LogId, MailId, MeetingId, StandingTeamId};
use laget_domain::meetings::mail::{MailKind, MailReason, MailState};
use serde::{Deserialize, Serialize};

/// Who an e-mail goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    User(UserId),
    Guardian(GuardianId),
}

/// An e-mail to send once the change commits.
#[derive(Clone, Copy, Debug)]
pub struct MailRequest {
    pub kind: MailKind,
    pub recipient: Recipient,
    pub meeting: Option<MeetingId>,
    pub decision: Option<DecisionId>,
    /// The meeting's iCalendar SEQUENCE when the message carries a calendar
    /// invitation (invitation, update, cancellation).
    pub sequence: i32,
    pub created_by: Option<UserId>,
}

/// The outbox job that sends one row of `outgoing_mail`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendMail {
    pub mail: MailId,
    /// The log an e-mail about a log links to (a consent changed in the
    /// family's portal, [`enqueue_about_log`]); the row has no column for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogId>,
}

impl outbox::Payload for SendMail {
    const KIND: &'static str = "send_mail";
}

/// Records the e-mail and enqueues its job, in the transaction `conn` is in.
/// Always enqueued: without an SMTP server the job marks it not sent, so the
/// sender sees the same list either way.
pub fn enqueue(conn: &mut DbConnection, request: &MailRequest) -> DbResult<MailId> {
    enqueue_with(conn, request, None)
}

/// [`enqueue`] for an e-mail that links to a log (`MailKind::ConsentChanged`):
/// the log's id goes with the job, which makes the link when it sends.
pub(crate) fn enqueue_about_log(
    conn: &mut DbConnection,
    request: &MailRequest,
    log: LogId,
) -> DbResult<MailId> {
    enqueue_with(conn, request, Some(log))
}

fn enqueue_with(
    conn: &mut DbConnection,
    request: &MailRequest,
    log: Option<LogId>,
) -> DbResult<MailId> {
    let id = MailId::new();
    let job = outbox::enqueue(conn, &SendMail { mail: id, log })?;
    let (user, guardian) = match request.recipient {
        Recipient::User(u) => (Some(u.to_string()), None),
        Recipient::Guardian(g) => (None, Some(g.to_string())),
    };
    diesel::insert_into(outgoing_mail::table)
        .values((
            outgoing_mail::id.eq(id.to_string()),
            outgoing_mail::job_id.eq(Some(job.to_string())),
            outgoing_mail::kind.eq(request.kind.code()),
            outgoing_mail::meeting_id.eq(request.meeting.map(|m| m.to_string())),
            outgoing_mail::decision_id.eq(request.decision.map(|d| d.to_string())),
            outgoing_mail::recipient_user_id.eq(user),
            outgoing_mail::recipient_guardian_id.eq(guardian),
            outgoing_mail::sequence.eq(request.sequence),
            outgoing_mail::state.eq(MailState::Queued.code()),
            outgoing_mail::created_by.eq(request.created_by.map(|u| u.to_string())),
            outgoing_mail::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    Ok(id)
}

/// What the sending job needs of one e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub id: MailId,
    pub kind: MailKind,
    pub state: MailState,
    pub recipient: Recipient,
    /// The address to write to: `None` when the recipient has none, or may
    /// no longer be written to (a disabled account, a former guardian).
    pub address: Option<String>,
    /// The recipient's written standard: a staff member's home
    /// municipality's, a guardian's child's municipality's.
    pub written_standard: WrittenStandard,
    pub sequence: i32,
    pub created_at: DateTime<Utc>,
    pub meeting: Option<MailMeeting>,
    pub decision: Option<DecisionId>,
}

/// The meeting an e-mail is about, as far as the message may tell it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailMeeting {
    pub id: MeetingId,
    /// Where the meeting is found: in a child's log, or a standing team's.
    pub owner: MeetingOwner,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    /// Who called the meeting, which a guardian's e-mail and the calendar's
    /// ORGANIZER name (staff names and units are not the child's data).
    pub called_by: Option<Caller>,
}

/// The staff member who called a meeting, and the unit they work in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    /// The unit they are in the log's team for (a log's meeting), or else
    /// their first unit; `None` without one.
    pub unit: Option<String>,
}

/// Whose meeting it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingOwner {
    Log(LogId),
    Team(StandingTeamId),
}

#[derive(Queryable)]
struct MailRow {
    id: String,
    kind: String,
    state: String,
    meeting_id: Option<String>,
    decision_id: Option<String>,
    recipient_user_id: Option<String>,
    recipient_guardian_id: Option<String>,
    sequence: i32,
    created_at: i64,
}

fn corrupt(what: &str, code: &str) -> DbError {
    DbError::Corrupt(format!("outgoing_mail.{what} {code:?}"))
}

fn kind_of(code: &str) -> DbResult<MailKind> {
    MailKind::from_code(code).ok_or_else(|| corrupt("kind", code))
}

fn state_of(code: &str) -> DbResult<MailState> {
    MailState::from_code(code).ok_or_else(|| corrupt("state", code))
}

fn reason_of(code: Option<&str>) -> DbResult<Option<MailReason>> {
    code.map(|c| MailReason::from_code(c).ok_or_else(|| corrupt("reason", c)))
        .transpose()
}

fn recipient_of(user: Option<&str>, guardian: Option<&str>) -> DbResult<Recipient> {
    match (user, guardian) {
        (Some(u), None) => Ok(Recipient::User(parse_id(u)?)),
        (None, Some(g)) => Ok(Recipient::Guardian(parse_id(g)?)),
        _ => Err(DbError::Corrupt(
            "outgoing_mail: not exactly one recipient".into(),
        )),
    }
}

fn address(raw: Option<String>) -> Option<String> {
    raw.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty())
}

/// The e-mail `id` as the sending job needs it; `None` if there is no such
/// row.
pub fn to_send(conn: &mut DbConnection, id: MailId) -> DbResult<Option<Outgoing>> {
    let Some(row) = outgoing_mail::table
        .find(id.to_string())
        .select((
            outgoing_mail::id,
            outgoing_mail::kind,
            outgoing_mail::state,
            outgoing_mail::meeting_id,
            outgoing_mail::decision_id,
            outgoing_mail::recipient_user_id,
            outgoing_mail::recipient_guardian_id,
            outgoing_mail::sequence,
            outgoing_mail::created_at,
        ))
        .first::<MailRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let recipient = recipient_of(
        row.recipient_user_id.as_deref(),
        row.recipient_guardian_id.as_deref(),
    )?;
    let (address, written_standard) = match recipient {
        Recipient::User(user) => {
            let (email, disabled): (Option<String>, Option<i64>) = users::table
                .find(user.to_string())
                .select((users::email, users::disabled_at))
                .first(conn)?;
            let standard = crate::admin::users::home_municipality(conn, user)?
                .map(|h| h.written_standard)
                .unwrap_or_default();
            (address(email).filter(|_| disabled.is_none()), standard)
        }
        Recipient::Guardian(guardian) => {
            let (email, ended, municipality): (Option<String>, Option<i64>, String) =
                guardians::table
                    .inner_join(children::table)
                    .filter(guardians::id.eq(guardian.to_string()))
                    .select((
                        guardians::email,
                        guardians::ended_at,
                        children::municipality_id,
                    ))
                    .first(conn)?;
            let standard =
                crate::admin::municipalities::written_standard(conn, parse_id(&municipality)?)?;
            (address(email).filter(|_| ended.is_none()), standard)
        }
    };
    let meeting = match &row.meeting_id {
        None => None,
        Some(m) => {
            #[allow(clippy::type_complexity)]
            let (log, team, starts, ends, place, video, called_by): (
                Option<String>,
                Option<String>,
                i64,
                i64,
                Option<String>,
                Option<String>,
                Option<String>,
            ) = meetings::table
                .find(m)
                .select((
                    meetings::log_id,
                    meetings::team_id,
                    meetings::starts_at,
                    meetings::ends_at,
                    meetings::place,
                    meetings::video_link,
                    meetings::called_by,
                ))
                .first(conn)?;
            let called_by = match &called_by {
                Some(user) => caller(conn, user, log.as_deref())?,
                None => None,
            };
            let owner = match (log, team) {
                (Some(l), _) => MeetingOwner::Log(parse_id(&l)?),
                (None, Some(t)) => MeetingOwner::Team(parse_id(&t)?),
                (None, None) => return Err(DbError::Corrupt("meetings: no owner".into())),
            };
            Some(MailMeeting {
                id: parse_id(m)?,
                owner,
                starts_at: from_micros(starts),
                ends_at: from_micros(ends),
                place: place.filter(|p| !p.trim().is_empty()),
                video_link: video.filter(|v| !v.trim().is_empty()),
                called_by,
            })
        }
    };
    Ok(Some(Outgoing {
        id: parse_id(&row.id)?,
        kind: kind_of(&row.kind)?,
        state: state_of(&row.state)?,
        recipient,
        address,
        written_standard,
        sequence: row.sequence,
        created_at: from_micros(row.created_at),
        meeting,
        decision: row.decision_id.as_deref().map(parse_id).transpose()?,
    }))
}

/// The staff member `user` who called a meeting (of `log`, if a log's):
/// their name, and the unit they are in the log's team for, or else the
/// first unit they are a member of.
fn caller(conn: &mut DbConnection, user: &str, log: Option<&str>) -> DbResult<Option<Caller>> {
    let Some(name) = users::table
        .find(user)
        .select(users::display_name)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let in_team = match log {
        Some(log) => team_members::table
            .inner_join(units::table.on(team_members::unit_id.eq(units::id.nullable())))
            .filter(team_members::log_id.eq(log))
            .filter(team_members::user_id.eq(user))
            .order((
                team_members::removed_at.is_not_null(),
                team_members::added_at.desc(),
            ))
            .select(units::name)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    let unit = match in_team {
        Some(unit) => Some(unit),
        None => memberships::table
            .inner_join(units::table.on(memberships::unit_id.eq(units::id.nullable())))
            .filter(memberships::user_id.eq(user))
            .order(memberships::created_at)
            .select(units::name)
            .first::<String>(conn)
            .optional()?,
    };
    Ok(Some(Caller { name, unit }))
}

/// Records how the e-mail went: `Sent` (with the time), `NotSent` or
/// `Failed` with a reason. Only a waiting e-mail changes, so a job that runs
/// again after it was recorded changes nothing. Returns whether it changed.
pub fn finish(
    conn: &mut DbConnection,
    id: MailId,
    state: MailState,
    reason: Option<MailReason>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sent_at = (state == MailState::Sent).then(|| to_micros(now));
    let changed = diesel::update(
        outgoing_mail::table
            .find(id.to_string())
            .filter(outgoing_mail::state.eq(MailState::Queued.code())),
    )
    .set((
        outgoing_mail::state.eq(state.code()),
        outgoing_mail::reason.eq(reason.map(MailReason::code)),
        outgoing_mail::sent_at.eq(sent_at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Marks every e-mail queued since `since` and still waiting as not sent
/// with the reason `demo`, and removes their outbox jobs, in the
/// transaction `conn` is in: the demo's seeding calls meetings and
/// approves minutes as the pages do, but its people are made up, so none of
/// it may reach an SMTP server. Returns how many were held back.
pub fn withhold_demo(conn: &mut DbConnection, since: DateTime<Utc>) -> DbResult<usize> {
    let waiting = outgoing_mail::table
        .filter(outgoing_mail::state.eq(MailState::Queued.code()))
        .filter(outgoing_mail::created_at.ge(to_micros(since)));
    let job_ids: Vec<Option<String>> = waiting.select(outgoing_mail::job_id).load(conn)?;
    let job_ids: Vec<String> = job_ids.into_iter().flatten().collect();
    for chunk in job_ids.chunks(500) {
        diesel::delete(jobs::table.filter(jobs::id.eq_any(chunk))).execute(conn)?;
    }
    let held = diesel::update(waiting)
        .set((
            outgoing_mail::state.eq(MailState::NotSent.code()),
            outgoing_mail::reason.eq(Some(MailReason::Demo.code())),
            outgoing_mail::job_id.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(held)
}

/// A capability that opens one meeting's e-mail list: the meeting's log
/// (`LogReader`), or its standing team (the team's capability implements
/// it beside the team's queries).
pub trait MeetingMailReader: Capability {
    /// The meetings this capability opens: those of one log, or one team.
    fn meetings_of(&self) -> MeetingOwner;
}

impl MeetingMailReader for LogReader {
    fn meetings_of(&self) -> MeetingOwner {
        MeetingOwner::Log(self.log_id())
    }
}

/// A member of a standing team reads the e-mail list of the team's meetings
/// (who was invited is on the meeting's page for members anyway).
impl MeetingMailReader for TeamMember {
    fn meetings_of(&self) -> MeetingOwner {
        MeetingOwner::Team(self.team_id())
    }
}

/// Who an e-mail went to, as the list names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecipientKind {
    Staff,
    Guardian,
}

/// One e-mail about a meeting, for the list on the meeting's page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailLine {
    pub id: MailId,
    /// The staff member's or the guardian's name.
    pub recipient: String,
    pub recipient_kind: RecipientKind,
    pub kind: MailKind,
    pub state: MailState,
    pub reason: Option<MailReason>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Queryable)]
struct LineRow {
    id: String,
    kind: String,
    state: String,
    reason: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    user_name: Option<String>,
    guardian_name: Option<String>,
    job_state: Option<String>,
}

/// The e-mail sent about `meeting`, newest first, for a reader of the
/// meeting. A meeting the capability does not open is `NotFound`. An e-mail
/// still waiting whose job was given up (its worker stopped during the last
/// attempt) reads as failed.
pub fn for_meeting(
    conn: &mut DbConnection,
    reader: &impl MeetingMailReader,
    meeting: MeetingId,
) -> DbResult<Vec<MailLine>> {
    let (log, team): (Option<String>, Option<String>) = meetings::table
        .find(meeting.to_string())
        .select((meetings::log_id, meetings::team_id))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    let opens = match reader.meetings_of() {
        MeetingOwner::Log(l) => log == Some(l.to_string()),
        MeetingOwner::Team(t) => log.is_none() && team == Some(t.to_string()),
    };
    if !opens {
        return Err(DbError::NotFound);
    }
    let rows: Vec<LineRow> = outgoing_mail::table
        .left_join(users::table.on(outgoing_mail::recipient_user_id.eq(users::id.nullable())))
        .left_join(
            guardians::table.on(outgoing_mail::recipient_guardian_id.eq(guardians::id.nullable())),
        )
        .left_join(jobs::table.on(outgoing_mail::job_id.eq(jobs::id.nullable())))
        .filter(outgoing_mail::meeting_id.eq(meeting.to_string()))
        .order((outgoing_mail::created_at.desc(), outgoing_mail::id.desc()))
        .select((
            outgoing_mail::id,
            outgoing_mail::kind,
            outgoing_mail::state,
            outgoing_mail::reason,
            outgoing_mail::created_at,
            outgoing_mail::sent_at,
            users::display_name.nullable(),
            guardians::name.nullable(),
            jobs::state.nullable(),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let mut state = state_of(&r.state)?;
            let mut reason = reason_of(r.reason.as_deref())?;
            if state == MailState::Queued
                && r.job_state.as_deref() == Some(outbox::State::Failed.code())
            {
                state = MailState::Failed;
                reason = reason.or(Some(MailReason::SmtpUnavailable));
            }
            let (recipient, recipient_kind) = match (r.user_name, r.guardian_name) {
                (Some(name), _) => (name, RecipientKind::Staff),
                (None, Some(name)) => (name, RecipientKind::Guardian),
                (None, None) => return Err(DbError::Corrupt("outgoing_mail: no recipient".into())),
            };
            Ok(MailLine {
                id: parse_id(&r.id)?,
                recipient,
                recipient_kind,
                kind: kind_of(&r.kind)?,
                state,
                reason,
                created_at: from_micros(r.created_at),
                sent_at: r.sent_at.map(from_micros),
            })
        })
        .collect()
}
