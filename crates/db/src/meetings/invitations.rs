//! Calling a case meeting in a child's log: the invitation (from the
//! municipality's template), who is invited and their answers (møteplikt at
//! levels 2–3), changes and cancellation (each sent again with a higher
//! iCalendar SEQUENCE), and the lead's task to gather the child's voice.
//!
//! Meeting content is log content: reads take the log's `LogReader` (the
//! caller records the read, as for the log's other pages); writes take a
//! `MeetingConvener` (the lead or the keeping unit's leader) or, to answer,
//! a `LogWriter`, and write the access-log row on the log, a timeline event
//! and the e-mail to send (`mail::enqueue`) in the change's transaction.

use super::mail::{self, MailRequest, Recipient};
use super::templates;
use crate::children::{date, iso, record};
use crate::codes::Stored;
use crate::schema::{
    children, guardians, logs, meeting_participants, meetings, team_members, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{Actor, Capability, LogReader, LogWriter, MeetingConvener};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{GuardianId, LogId, MeetingId, ParticipantId};
use laget_domain::log::stafett::{EntryKind, LogStatus, MemberKind};
use laget_domain::meetings::invitation::{
    self, Answer, DEFAULT_VOICE_DAYS_BEFORE, InviteChoices, Invitee, NewMeeting,
};
use laget_domain::meetings::mail::MailKind;
use laget_domain::meetings::{
    MeetingKind, MeetingStatus, MinutesStatus, ParticipantKind, Response,
};
use laget_domain::{UnitId, UserId};

/// A meeting in a log's list.
#[derive(Clone, Debug)]
pub struct MeetingSummary {
    pub id: MeetingId,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub minutes_status: MinutesStatus,
}

/// Someone invited to a meeting, with their answer.
#[derive(Clone, Debug)]
pub struct Participant {
    pub id: ParticipantId,
    pub kind: ParticipantKind,
    pub user: Option<UserId>,
    pub unit: Option<UnitId>,
    pub guardian: Option<GuardianId>,
    /// As invited (the name then).
    pub name: String,
    /// The unit a staff member was invited for.
    pub unit_name: Option<String>,
    pub response: Response,
    pub note: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Møteplikt: must answer.
    pub must_answer: bool,
    /// A staff member or unit no longer on the team, or no longer covered
    /// by a consent for meetings: a change of the meeting drops them.
    pub lost_access: bool,
}

impl Participant {
    fn invitee(&self) -> Option<Invitee> {
        Some(match self.kind {
            ParticipantKind::Staff => Invitee::Staff {
                user: self.user?,
                unit: self.unit?,
            },
            ParticipantKind::Unit => Invitee::Unit(self.unit?),
            ParticipantKind::Guardian => Invitee::Guardian(self.guardian?),
            ParticipantKind::Child => Invitee::Child,
        })
    }

    /// Who an e-mail about the meeting goes to: staff members and
    /// guardians (a unit as a whole and the child get none).
    fn recipient(&self) -> Option<Recipient> {
        match self.kind {
            ParticipantKind::Staff => self.user.map(Recipient::User),
            ParticipantKind::Guardian => self.guardian.map(Recipient::Guardian),
            ParticipantKind::Unit | ParticipantKind::Child => None,
        }
    }
}

/// One case meeting, with whoever is invited now (those taken off a
/// changed meeting are not listed).
#[derive(Clone, Debug)]
pub struct Meeting {
    pub id: MeetingId,
    pub log_id: LogId,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub purpose: String,
    pub agenda: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub attendance_required: bool,
    /// The iCalendar SEQUENCE: raised by every change and the cancellation.
    pub sequence: i32,
    pub voice_due: Option<NaiveDate>,
    pub voice_done_at: Option<DateTime<Utc>>,
    /// Who called it (the name now).
    pub called_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub minutes_status: MinutesStatus,
    pub participants: Vec<Participant>,
    pub child_name: String,
}

impl Meeting {
    /// The invited who must answer and have not (for the lead); not those
    /// who no longer have access.
    pub fn not_answered(&self) -> impl Iterator<Item = &Participant> {
        self.participants
            .iter()
            .filter(|p| p.response == Response::Pending && p.kind.serves() && !p.lost_access)
    }
}

trait Serves {
    fn serves(self) -> bool;
}

impl Serves for ParticipantKind {
    /// The services (staff and units) answer invitations; the family does
    /// not (its answer is taken by the lead, outside Laget for now).
    fn serves(self) -> bool {
        matches!(self, ParticipantKind::Staff | ParticipantKind::Unit)
    }
}

/// Whom the invitation form may invite, with what the form shows beside
/// them.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    pub child_name: String,
    /// Staff on the team: user, unit, name, unit name, and whether a valid
    /// consent covers the unit for meetings (the keeping unit always is).
    pub staff: Vec<StaffInvitee>,
    /// Units on the team (the units of its staff), with the same coverage.
    pub units: Vec<(UnitId, String, bool)>,
    /// Guardians with parental responsibility.
    pub guardians: Vec<(GuardianId, String)>,
    /// Møteplikt applies at the log's level now.
    pub attendance_required: bool,
    /// The meeting the level promised, when it is due.
    pub meeting_due: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct StaffInvitee {
    pub user: UserId,
    pub unit: UnitId,
    pub name: String,
    pub unit_name: String,
    pub covered: bool,
}

impl Choices {
    /// What the domain's form parser accepts.
    pub fn invite_choices(&self) -> InviteChoices {
        InviteChoices {
            staff: self.staff.iter().map(|s| (s.user, s.unit)).collect(),
            units: self.units.iter().map(|(u, _, _)| *u).collect(),
            guardians: self.guardians.iter().map(|(g, _)| *g).collect(),
        }
    }
}

/// Why a meeting could not be called or changed as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallRefused {
    /// No valid consent covers these for meetings: «name (unit)» for a
    /// staff member, the unit's name for a unit.
    NotCovered(Vec<String>),
    /// Someone chosen is no longer on the team (or no longer a guardian
    /// with parental responsibility).
    NotOnTeam,
}

/// Why an answer was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerRefused {
    /// At møteplikt a decline needs a reason.
    NeedsReason,
}

fn scope(r: &LogReader) -> Scope {
    Scope {
        municipality_id: Some(r.municipality_id()),
        unit_id: Some(r.home_unit()),
    }
}

fn log_record(
    conn: &mut DbConnection,
    r: &LogReader,
    cap: &dyn Capability,
    action: Action,
    rid: &str,
) -> DbResult<()> {
    record(
        conn,
        cap,
        ObjectType::Log,
        r.log_id(),
        action,
        scope(r),
        rid,
    )
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meetings)]
struct MeetingRow {
    log_id: Option<String>,
    #[diesel(deserialize_as = Stored<MeetingKind>)]
    kind: MeetingKind,
    #[diesel(deserialize_as = Stored<MeetingStatus>)]
    status: MeetingStatus,
    purpose: String,
    agenda: String,
    starts_at: i64,
    ends_at: i64,
    place: Option<String>,
    video_link: Option<String>,
    attendance_required: bool,
    sequence: i32,
    voice_due: Option<String>,
    voice_done_at: Option<i64>,
    called_by: Option<String>,
    created_at: i64,
    updated_at: i64,
    cancelled_at: Option<i64>,
    cancel_reason: Option<String>,
    #[diesel(deserialize_as = Stored<MinutesStatus>)]
    minutes_status: MinutesStatus,
}

/// The meeting's row, when it is a meeting of the reader's log.
fn row_in_log(conn: &mut DbConnection, r: &LogReader, id: MeetingId) -> DbResult<MeetingRow> {
    meetings::table
        .find(id.to_string())
        .filter(meetings::log_id.eq(r.log_id().to_string()))
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meeting_participants)]
struct ParticipantRow {
    id: String,
    #[diesel(deserialize_as = Stored<ParticipantKind>)]
    kind: ParticipantKind,
    user_id: Option<String>,
    unit_id: Option<String>,
    guardian_id: Option<String>,
    name: String,
    #[diesel(deserialize_as = Stored<Response>)]
    response: Response,
    response_note: Option<String>,
    answered_at: Option<i64>,
    must_answer: bool,
}

/// Whoever is invited now (not taken off), in the order invited.
fn participants(conn: &mut DbConnection, meeting: MeetingId) -> DbResult<Vec<Participant>> {
    let rows: Vec<(ParticipantRow, Option<String>)> = meeting_participants::table
        .left_join(units::table.on(meeting_participants::unit_id.eq(units::id.nullable())))
        .filter(meeting_participants::meeting_id.eq(meeting.to_string()))
        .filter(meeting_participants::removed_at.is_null())
        .order((meeting_participants::added_at, meeting_participants::id))
        .select((ParticipantRow::as_select(), units::name.nullable()))
        .load(conn)?;
    rows.into_iter()
        .map(|(p, unit_name)| {
            Ok(Participant {
                id: parse_id(&p.id)?,
                kind: p.kind,
                user: p.user_id.as_deref().map(parse_id).transpose()?,
                unit: p.unit_id.as_deref().map(parse_id).transpose()?,
                guardian: p.guardian_id.as_deref().map(parse_id).transpose()?,
                name: p.name,
                unit_name: unit_name.filter(|_| p.kind == ParticipantKind::Staff),
                response: p.response,
                note: p.response_note,
                answered_at: p.answered_at.map(from_micros),
                must_answer: p.must_answer,
                lost_access: false,
            })
        })
        .collect()
}

/// The log's case meetings, soonest first. Reads only: the caller records
/// the read of the log (the log page does).
pub fn list(conn: &mut DbConnection, r: &LogReader) -> DbResult<Vec<MeetingSummary>> {
    let rows: Vec<SummaryRow> = meetings::table
        .filter(meetings::log_id.eq(r.log_id().to_string()))
        .order((meetings::starts_at, meetings::id))
        .select(SummaryRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            Ok(MeetingSummary {
                id: parse_id(&row.id)?,
                kind: row.kind,
                status: row.status,
                starts_at: from_micros(row.starts_at),
                ends_at: from_micros(row.ends_at),
                minutes_status: row.minutes_status,
            })
        })
        .collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meetings)]
struct SummaryRow {
    id: String,
    #[diesel(deserialize_as = Stored<MeetingKind>)]
    kind: MeetingKind,
    #[diesel(deserialize_as = Stored<MeetingStatus>)]
    status: MeetingStatus,
    starts_at: i64,
    ends_at: i64,
    #[diesel(deserialize_as = Stored<MinutesStatus>)]
    minutes_status: MinutesStatus,
}

/// One meeting of the reader's log with whoever is invited and their
/// answers; `NotFound` for a meeting of another log. Reads only: the caller
/// records the read.
pub fn meeting(conn: &mut DbConnection, r: &LogReader, id: MeetingId) -> DbResult<Meeting> {
    let row = row_in_log(conn, r, id)?;
    let called_by = match &row.called_by {
        Some(u) => users::table
            .find(u)
            .select(users::display_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let child_name = crate::log::child_name(conn, r)?;
    let mut invited = participants(conn, id)?;
    if row.status == MeetingStatus::Planned {
        // Who may still be invited today: on the team, and covered.
        let today = Utc::now()
            .with_timezone(&chrono_tz::Europe::Oslo)
            .date_naive();
        let now = choices(conn, r, today)?;
        for p in &mut invited {
            p.lost_access = match p.kind {
                ParticipantKind::Staff => !now
                    .staff
                    .iter()
                    .any(|s| Some(s.user) == p.user && Some(s.unit) == p.unit && s.covered),
                ParticipantKind::Unit => !now
                    .units
                    .iter()
                    .any(|(u, _, covered)| Some(*u) == p.unit && *covered),
                ParticipantKind::Guardian | ParticipantKind::Child => false,
            };
        }
    }
    Ok(Meeting {
        id,
        log_id: parse_id(row.log_id.as_deref().ok_or(DbError::NotFound)?)?,
        kind: row.kind,
        status: row.status,
        purpose: row.purpose,
        agenda: row.agenda,
        starts_at: from_micros(row.starts_at),
        ends_at: from_micros(row.ends_at),
        place: row.place,
        video_link: row.video_link,
        attendance_required: row.attendance_required,
        sequence: row.sequence,
        voice_due: row.voice_due.as_deref().map(date).transpose()?,
        voice_done_at: row.voice_done_at.map(from_micros),
        called_by,
        created_at: from_micros(row.created_at),
        updated_at: from_micros(row.updated_at),
        cancelled_at: row.cancelled_at.map(from_micros),
        cancel_reason: row.cancel_reason,
        minutes_status: row.minutes_status,
        participants: invited,
        child_name,
    })
}

/// Whom the invitation form may invite, and whether each unit is covered
/// by a consent for meetings today. Reads only: the caller records the read.
pub fn choices(conn: &mut DbConnection, r: &LogReader, today: NaiveDate) -> DbResult<Choices> {
    let log = r.log_id().to_string();
    let staff: Vec<(String, String, String, String)> = team_members::table
        .inner_join(units::table.on(team_members::unit_id.eq(units::id.nullable())))
        .inner_join(users::table.on(team_members::user_id.eq(users::id.nullable())))
        .filter(team_members::log_id.eq(&log))
        .filter(team_members::kind.eq(MemberKind::Staff.code()))
        .filter(team_members::removed_at.is_null())
        .order((team_members::added_at, team_members::id))
        .select((users::id, users::display_name, units::id, units::name))
        .load(conn)?;
    let facts = crate::log::facts_of(conn, r, today)?;
    let covered = |unit: UnitId| {
        invitation::not_covered(
            &[Invitee::Unit(unit)],
            &facts.consent,
            facts.consent_rule,
            facts.home_unit,
            today,
        )
        .is_empty()
    };
    let mut out = Choices {
        child_name: crate::log::child_name(conn, r)?,
        ..Choices::default()
    };
    for (user, name, unit, unit_name) in staff {
        let (user, unit): (UserId, UnitId) = (parse_id(&user)?, parse_id(&unit)?);
        if !out.units.iter().any(|(u, _, _)| *u == unit) {
            out.units.push((unit, unit_name.clone(), covered(unit)));
        }
        out.staff.push(StaffInvitee {
            user,
            unit,
            name,
            unit_name,
            covered: covered(unit),
        });
    }
    let (child, level, meeting_due): (String, i32, Option<String>) = logs::table
        .find(&log)
        .select((logs::child_id, logs::level, logs::meeting_due))
        .first(conn)?;
    let responsible: Vec<(String, String)> = guardians::table
        .filter(guardians::child_id.eq(&child))
        .filter(guardians::parental_responsibility.eq(true))
        .filter(guardians::ended_at.is_null())
        .order((guardians::created_at, guardians::id))
        .select((guardians::id, guardians::name))
        .load(conn)?;
    for (id, name) in responsible {
        out.guardians.push((parse_id(&id)?, name));
    }
    let settings = crate::log::settings(conn, r.municipality_id())?;
    out.attendance_required =
        invitation::attendance_required(settings.model, u8::try_from(level).unwrap_or(0));
    out.meeting_due = meeting_due.as_deref().map(date).transpose()?;
    Ok(out)
}

/// Checks that everyone in `m` may be invited: on the team (staff with the
/// unit they are on it for, units of its staff), a guardian with parental
/// responsibility, and every unit but the keeping one covered by a consent
/// for meetings. Returns each invitee's name and, for staff, unit name.
/// An invitee with their name and, for staff, their unit's name.
type Named = (Invitee, String, Option<String>);

fn check_invitees(
    conn: &mut DbConnection,
    r: &LogReader,
    m: &NewMeeting,
    today: NaiveDate,
) -> DbResult<Result<Vec<Named>, CallRefused>> {
    let c = choices(conn, r, today)?;
    let mut named = Vec::with_capacity(m.invitees.len());
    for i in &m.invitees {
        let found = match i {
            Invitee::Staff { user, unit } => c
                .staff
                .iter()
                .find(|s| s.user == *user && s.unit == *unit)
                .map(|s| (s.name.clone(), Some(s.unit_name.clone()))),
            Invitee::Unit(unit) => c
                .units
                .iter()
                .find(|(u, _, _)| u == unit)
                .map(|(_, n, _)| (n.clone(), None)),
            Invitee::Guardian(g) => c
                .guardians
                .iter()
                .find(|(id, _)| id == g)
                .map(|(_, n)| (n.clone(), None)),
            Invitee::Child => Some((c.child_name.clone(), None)),
        };
        let Some((name, unit_name)) = found else {
            return Ok(Err(CallRefused::NotOnTeam));
        };
        named.push((*i, name, unit_name));
    }
    let facts = crate::log::facts_of(conn, r, today)?;
    let missing = invitation::not_covered(
        &m.invitees,
        &facts.consent,
        facts.consent_rule,
        facts.home_unit,
        today,
    );
    if !missing.is_empty() {
        let names = named
            .iter()
            .filter(|(i, _, _)| i.unit().is_some_and(|u| missing.contains(&u)))
            .map(|(_, name, unit)| match unit {
                Some(unit) => format!("{name} ({unit})"),
                None => name.clone(),
            })
            .collect();
        return Ok(Err(CallRefused::NotCovered(names)));
    }
    Ok(Ok(named))
}

/// Møteplikt at the log's level now, and the day the child's voice is due
/// (the municipality's template for the kind, or the default).
fn level_rules(
    conn: &mut DbConnection,
    r: &LogReader,
    m: &NewMeeting,
) -> DbResult<(bool, NaiveDate)> {
    let level: i32 = crate::log::current_level(conn, r)?;
    let settings = crate::log::settings(conn, r.municipality_id())?;
    let required =
        invitation::attendance_required(settings.model, u8::try_from(level).unwrap_or(0));
    let days = templates::for_kind(conn, r.municipality_id(), m.kind)?
        .map_or(DEFAULT_VOICE_DAYS_BEFORE, |t| t.voice_days_before);
    Ok((required, invitation::voice_due(m.day, days)))
}

fn add_participant(
    conn: &mut DbConnection,
    meeting: MeetingId,
    (invitee, name, _): &Named,
    must_answer: bool,
    now: i64,
) -> DbResult<()> {
    let (kind, user, unit, guardian) = match *invitee {
        Invitee::Staff { user, unit } => (ParticipantKind::Staff, Some(user), Some(unit), None),
        Invitee::Unit(unit) => (ParticipantKind::Unit, None, Some(unit), None),
        Invitee::Guardian(g) => (ParticipantKind::Guardian, None, None, Some(g)),
        Invitee::Child => (ParticipantKind::Child, None, None, None),
    };
    diesel::insert_into(meeting_participants::table)
        .values((
            meeting_participants::id.eq(ParticipantId::new().to_string()),
            meeting_participants::meeting_id.eq(meeting.to_string()),
            meeting_participants::kind.eq(kind.code()),
            meeting_participants::user_id.eq(user.map(|u| u.to_string())),
            meeting_participants::unit_id.eq(unit.map(|u| u.to_string())),
            meeting_participants::guardian_id.eq(guardian.map(|g| g.to_string())),
            meeting_participants::name.eq(name),
            meeting_participants::must_answer.eq(must_answer && invitee.serves()),
            meeting_participants::added_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn send(
    conn: &mut DbConnection,
    kind: MailKind,
    to: Recipient,
    meeting: MeetingId,
    sequence: i32,
    by: UserId,
) -> DbResult<()> {
    mail::enqueue(
        conn,
        &MailRequest {
            kind,
            recipient: to,
            meeting: Some(meeting),
            decision: None,
            sequence,
            created_by: Some(by),
        },
    )?;
    Ok(())
}

fn recipient_of(invitee: Invitee) -> Option<Recipient> {
    match invitee {
        Invitee::Staff { user, .. } => Some(Recipient::User(user)),
        Invitee::Guardian(g) => Some(Recipient::Guardian(g)),
        Invitee::Unit(_) | Invitee::Child => None,
    }
}

/// Clears the meeting the level promised (BTI level 2: «møte innen to
/// uker») when a meeting is called for `day`, whatever the day: a late
/// meeting still meets it. The promised day and whether `day` was after
/// it, when it was cleared.
fn meet_promise(
    conn: &mut DbConnection,
    log: LogId,
    day: NaiveDate,
) -> DbResult<Option<(NaiveDate, bool)>> {
    Ok(clear_promise(conn, log)?.map(|due| (due, day > due)))
}

/// Clears the meeting the level promised (`logs.meeting_due`) if it is
/// still set: a meeting in the log was called or held. The promised day,
/// when it was cleared. For the minutes (a held meeting's approved minutes
/// meet the promise too): call it in the approval's transaction.
pub(crate) fn clear_promise(conn: &mut DbConnection, log: LogId) -> DbResult<Option<NaiveDate>> {
    let due: Option<String> = logs::table
        .find(log.to_string())
        .select(logs::meeting_due)
        .first(conn)?;
    let Some(due) = due.as_deref().map(date).transpose()? else {
        return Ok(None);
    };
    diesel::update(logs::table.find(log.to_string()))
        .set(logs::meeting_due.eq(None::<String>))
        .execute(conn)?;
    Ok(Some(due))
}

/// The event data every meeting entry carries: the meeting, its kind and
/// times (UTC, RFC 3339; the web layer shows Norwegian time).
fn event(
    meeting: MeetingId,
    kind: MeetingKind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut data = serde_json::Map::new();
    data.insert("mote".into(), meeting.to_string().into());
    data.insert("type".into(), kind.code().into());
    data.insert("start".into(), starts_at.to_rfc3339().into());
    data.insert("slutt".into(), ends_at.to_rfc3339().into());
    data
}

/// Calls a case meeting: the meeting and its invited, an invitation by
/// e-mail (with a calendar invitation) to every staff member and guardian
/// invited, møteplikt at levels 2–3, the day the child's voice is due, the
/// level's promised meeting met when this one is on or before its day, a
/// timeline event and the access-log row. Refused, with nothing written,
/// when someone is not on the team or not covered by a consent for meetings.
pub fn call(
    conn: &mut DbConnection,
    c: &MeetingConvener,
    m: &NewMeeting,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<MeetingId, CallRefused>> {
    let r = c.reader();
    let named = match check_invitees(conn, r, m, today)? {
        Ok(n) => n,
        Err(refused) => return Ok(Err(refused)),
    };
    let (required, voice_due) = level_rules(conn, r, m)?;
    let id = MeetingId::new();
    let now = to_micros(Utc::now());
    diesel::insert_into(meetings::table)
        .values((
            meetings::id.eq(id.to_string()),
            meetings::municipality_id.eq(r.municipality_id().to_string()),
            meetings::log_id.eq(Some(r.log_id().to_string())),
            meetings::kind.eq(m.kind.code()),
            meetings::status.eq(MeetingStatus::Planned.code()),
            meetings::purpose.eq(&m.purpose),
            meetings::agenda.eq(&m.agenda),
            meetings::starts_at.eq(to_micros(m.starts_at)),
            meetings::ends_at.eq(to_micros(m.ends_at)),
            meetings::place.eq(m.place.as_deref()),
            meetings::video_link.eq(m.video_link.as_deref()),
            meetings::invite_guardians.eq(m.invites_guardians()),
            meetings::invite_child.eq(m.invites_child()),
            meetings::attendance_required.eq(required),
            meetings::sequence.eq(0),
            meetings::voice_due.eq(Some(iso(voice_due))),
            meetings::called_by.eq(Some(c.actor_id().to_string())),
            meetings::created_at.eq(now),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
    for n in &named {
        add_participant(conn, id, n, required, now)?;
        if let Some(to) = recipient_of(n.0) {
            send(conn, MailKind::Invitation, to, id, 0, c.actor_id())?;
        }
    }
    let promise = meet_promise(conn, r.log_id(), m.day)?;
    let mut data = event(id, m.kind, m.starts_at, m.ends_at);
    data.insert("antall".into(), named.len().into());
    data.insert("moteplikt".into(), required.into());
    if let Some((due, late)) = promise {
        data.insert("lofte".into(), iso(due).into());
        if late {
            data.insert("lofte_sen".into(), true.into());
        }
    }
    crate::log::insert_entry(
        conn,
        r.log_id(),
        EntryKind::MeetingCalled,
        Some(c.actor_id()),
        None,
        data.into(),
        Utc::now(),
    )?;
    log_record(conn, r, c, Action::Create, rid)?;
    Ok(Ok(id))
}

/// A planned meeting of the convener's log; `Conflict` for one cancelled or
/// held (its invitations are no longer changed).
fn planned(conn: &mut DbConnection, r: &LogReader, id: MeetingId) -> DbResult<MeetingRow> {
    let row = row_in_log(conn, r, id)?;
    if row.status != MeetingStatus::Planned {
        return Err(DbError::Conflict);
    }
    Ok(row)
}

/// Changes a planned meeting (any field, whoever is invited): the SEQUENCE
/// rises; everyone still invited gets an update, the newly invited an
/// invitation and those taken off a cancellation, all in this transaction.
/// A changed time asks the invited services to answer again. Refused like
/// [`call`].
pub fn change(
    conn: &mut DbConnection,
    c: &MeetingConvener,
    id: MeetingId,
    m: &NewMeeting,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<(), CallRefused>> {
    let r = c.reader();
    let row = planned(conn, r, id)?;
    let named = match check_invitees(conn, r, m, today)? {
        Ok(n) => n,
        Err(refused) => return Ok(Err(refused)),
    };
    let (required, voice_due) = level_rules(conn, r, m)?;
    let sequence = row.sequence + 1;
    let now = to_micros(Utc::now());
    let moved = row.starts_at != to_micros(m.starts_at) || row.ends_at != to_micros(m.ends_at);
    diesel::update(meetings::table.find(id.to_string()))
        .set((
            meetings::kind.eq(m.kind.code()),
            meetings::purpose.eq(&m.purpose),
            meetings::agenda.eq(&m.agenda),
            meetings::starts_at.eq(to_micros(m.starts_at)),
            meetings::ends_at.eq(to_micros(m.ends_at)),
            meetings::place.eq(m.place.as_deref()),
            meetings::video_link.eq(m.video_link.as_deref()),
            meetings::invite_guardians.eq(m.invites_guardians()),
            meetings::invite_child.eq(m.invites_child()),
            meetings::attendance_required.eq(required),
            meetings::sequence.eq(sequence),
            meetings::voice_due.eq(Some(iso(voice_due))),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let before = participants(conn, id)?;
    let by = c.actor_id();
    for p in &before {
        let kept = p.invitee().is_some_and(|i| m.invitees.contains(&i));
        if kept {
            let answer_again = moved && p.kind.serves();
            diesel::update(meeting_participants::table.find(p.id.to_string()))
                .set(meeting_participants::must_answer.eq(required && p.kind.serves()))
                .execute(conn)?;
            if answer_again {
                diesel::update(meeting_participants::table.find(p.id.to_string()))
                    .set((
                        meeting_participants::response.eq(Response::Pending.code()),
                        meeting_participants::response_note.eq(None::<String>),
                        meeting_participants::answered_at.eq(None::<i64>),
                    ))
                    .execute(conn)?;
            }
            if let Some(to) = p.recipient() {
                send(conn, MailKind::Update, to, id, sequence, by)?;
            }
        } else {
            diesel::update(meeting_participants::table.find(p.id.to_string()))
                .set(meeting_participants::removed_at.eq(Some(now)))
                .execute(conn)?;
            if let Some(to) = p.recipient() {
                send(conn, MailKind::Cancellation, to, id, sequence, by)?;
            }
        }
    }
    for n in &named {
        if before.iter().any(|p| p.invitee() == Some(n.0)) {
            continue;
        }
        add_participant(conn, id, n, required, now)?;
        if let Some(to) = recipient_of(n.0) {
            send(conn, MailKind::Invitation, to, id, sequence, by)?;
        }
    }
    let promise = meet_promise(conn, r.log_id(), m.day)?;
    let mut data = event(id, m.kind, m.starts_at, m.ends_at);
    data.insert("versjon".into(), sequence.into());
    if let Some((due, late)) = promise {
        data.insert("lofte".into(), iso(due).into());
        if late {
            data.insert("lofte_sen".into(), true.into());
        }
    }
    crate::log::insert_entry(
        conn,
        r.log_id(),
        EntryKind::MeetingChanged,
        Some(by),
        None,
        data.into(),
        Utc::now(),
    )?;
    log_record(conn, r, c, Action::Update, rid)?;
    Ok(Ok(()))
}

/// Cancels a planned meeting with its reason: status «avlyst», the SEQUENCE
/// raised, a cancellation (METHOD:CANCEL) to every staff member and
/// guardian invited, a timeline event with the reason.
pub fn cancel(
    conn: &mut DbConnection,
    c: &MeetingConvener,
    id: MeetingId,
    reason: &str,
    rid: &str,
) -> DbResult<()> {
    let r = c.reader();
    let row = planned(conn, r, id)?;
    let sequence = row.sequence + 1;
    let now = to_micros(Utc::now());
    diesel::update(meetings::table.find(id.to_string()))
        .set((
            meetings::status.eq(MeetingStatus::Cancelled.code()),
            meetings::cancelled_at.eq(Some(now)),
            meetings::cancel_reason.eq(Some(reason)),
            meetings::sequence.eq(sequence),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
    for p in participants(conn, id)? {
        if let Some(to) = p.recipient() {
            send(conn, MailKind::Cancellation, to, id, sequence, c.actor_id())?;
        }
    }
    crate::log::insert_entry(
        conn,
        r.log_id(),
        EntryKind::MeetingCancelled,
        Some(c.actor_id()),
        Some(reason),
        event(
            id,
            row.kind,
            from_micros(row.starts_at),
            from_micros(row.ends_at),
        )
        .into(),
        Utc::now(),
    )?;
    log_record(conn, r, c, Action::Update, rid)
}

/// Cancels the log's planned meetings still ahead when the log is closed
/// (in the closing's transaction): status «avlyst» with `reason`, the
/// SEQUENCE raised, a cancellation to every staff member and guardian
/// invited, a timeline event each. How many were cancelled.
pub(crate) fn cancel_when_closed(
    conn: &mut DbConnection,
    log: LogId,
    by: UserId,
    reason: &str,
) -> DbResult<usize> {
    let now = Utc::now();
    let ahead: Vec<(String, i32, String, i64, i64)> = meetings::table
        .filter(meetings::log_id.eq(log.to_string()))
        .filter(meetings::status.eq(MeetingStatus::Planned.code()))
        .filter(meetings::starts_at.gt(to_micros(now)))
        .select((
            meetings::id,
            meetings::sequence,
            meetings::kind,
            meetings::starts_at,
            meetings::ends_at,
        ))
        .load(conn)?;
    for (id, sequence, kind, starts, ends) in &ahead {
        let id: MeetingId = parse_id(id)?;
        let sequence = sequence + 1;
        diesel::update(meetings::table.find(id.to_string()))
            .set((
                meetings::status.eq(MeetingStatus::Cancelled.code()),
                meetings::cancelled_at.eq(Some(to_micros(now))),
                meetings::cancel_reason.eq(Some(reason)),
                meetings::sequence.eq(sequence),
                meetings::updated_at.eq(to_micros(now)),
            ))
            .execute(conn)?;
        for p in participants(conn, id)? {
            if let Some(to) = p.recipient() {
                send(conn, MailKind::Cancellation, to, id, sequence, by)?;
            }
        }
        let kind = MeetingKind::from_code(kind).unwrap_or(MeetingKind::Cooperation);
        crate::log::insert_entry(
            conn,
            log,
            EntryKind::MeetingCancelled,
            Some(by),
            Some(reason),
            event(id, kind, from_micros(*starts), from_micros(*ends)).into(),
            now,
        )?;
    }
    Ok(ahead.len())
}

/// The invitation the writer answers: their own as a staff member, or else
/// that of a unit they are on the team for (its staff answer for it).
/// `NotFound` when they are not invited.
fn own_invitation(conn: &mut DbConnection, w: &LogWriter, id: MeetingId) -> DbResult<Participant> {
    let me = w.actor_id();
    let invited = participants(conn, id)?;
    if let Some(p) = invited
        .iter()
        .find(|p| p.kind == ParticipantKind::Staff && p.user == Some(me))
    {
        return Ok(p.clone());
    }
    let my_units: Vec<String> = team_members::table
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .filter(team_members::user_id.eq(me.to_string()))
        .filter(team_members::removed_at.is_null())
        .filter(team_members::unit_id.is_not_null())
        .select(team_members::unit_id.assume_not_null())
        .load(conn)?;
    invited
        .into_iter()
        .find(|p| {
            p.kind == ParticipantKind::Unit
                && p.unit.is_some_and(|u| my_units.contains(&u.to_string()))
        })
        .ok_or(DbError::NotFound)
}

/// The invitation the writer may answer on this meeting of their log, if
/// any (the meeting page shows the answer form only then).
pub fn invitation_of(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: MeetingId,
) -> DbResult<Option<Participant>> {
    row_in_log(conn, w.reader(), id)?;
    match own_invitation(conn, w, id) {
        Ok(p) => Ok(Some(p)),
        Err(DbError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An invited staff member answers (for themself, or for a unit they are on
/// the team for): «kommer» or «kommer ikke» with a note; at møteplikt a
/// decline needs a reason. Only while the meeting is planned.
pub fn answer(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: MeetingId,
    a: &Answer,
    rid: &str,
) -> DbResult<Result<(), AnswerRefused>> {
    let row = planned(conn, w.reader(), id)?;
    let p = own_invitation(conn, w, id)?;
    if !a.coming && p.must_answer && a.note.is_none() {
        return Ok(Err(AnswerRefused::NeedsReason));
    }
    let response = if a.coming {
        Response::Accepted
    } else {
        Response::Declined
    };
    diesel::update(meeting_participants::table.find(p.id.to_string()))
        .set((
            meeting_participants::response.eq(response.code()),
            meeting_participants::response_note.eq(a.note.as_deref()),
            meeting_participants::answered_at.eq(Some(to_micros(Utc::now()))),
        ))
        .execute(conn)?;
    let mut data = event(
        id,
        row.kind,
        from_micros(row.starts_at),
        from_micros(row.ends_at),
    );
    data.insert("navn".into(), p.name.clone().into());
    data.insert("svar".into(), response.code().into());
    crate::log::insert_entry(
        conn,
        w.log_id(),
        EntryKind::MeetingAnswered,
        Some(w.actor_id()),
        a.note.as_deref(),
        data.into(),
        Utc::now(),
    )?;
    log_record(conn, w.reader(), w, Action::Update, rid)?;
    Ok(Ok(()))
}

/// The lead marks the child's voice gathered before a planned meeting (the
/// voice itself is written on the log's voice form).
pub fn voice_gathered(
    conn: &mut DbConnection,
    c: &MeetingConvener,
    id: MeetingId,
    rid: &str,
) -> DbResult<()> {
    let r = c.reader();
    let row = planned(conn, r, id)?;
    if row.voice_done_at.is_some() {
        return Ok(());
    }
    diesel::update(meetings::table.find(id.to_string()))
        .set(meetings::voice_done_at.eq(Some(to_micros(Utc::now()))))
        .execute(conn)?;
    crate::log::insert_entry(
        conn,
        r.log_id(),
        EntryKind::MeetingVoiceGathered,
        Some(c.actor_id()),
        None,
        event(
            id,
            row.kind,
            from_micros(row.starts_at),
            from_micros(row.ends_at),
        )
        .into(),
        Utc::now(),
    )?;
    log_record(conn, r, c, Action::Update, rid)
}

/// What a meeting asks of someone on «Mine oppgaver».
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingTaskKind {
    /// An invitation waits for my answer.
    Answer,
    /// Gather the child's voice before a meeting of a log I lead.
    Voice,
}

/// A task a case meeting gives, with what `casework::my_tasks` shows of it
/// (it decides, as for every task, whether the log may be opened).
#[derive(Clone, Debug)]
pub struct MeetingTask {
    pub kind: MeetingTaskKind,
    pub log_id: LogId,
    pub child_name: String,
    pub due: Option<NaiveDate>,
    pub meeting: MeetingId,
}

/// The tasks meetings give `actor` on «Mine oppgaver»: invitations waiting
/// for an answer (their own, or a unit's they are on the team for), the
/// child's voice to gather before a meeting they lead. Planned meetings
/// ahead on open logs only. Filtered by `casework::my_tasks` like every
/// task (only logs the actor may open).
pub(crate) fn tasks(conn: &mut DbConnection, actor: &Actor) -> DbResult<Vec<MeetingTask>> {
    let mut out = Vec::new();
    let me = actor.user_id().to_string();
    let now = to_micros(Utc::now());
    // Own invitations, and those of units I am on the team for.
    let mine: Vec<(String, String, String, i64)> = meeting_participants::table
        .inner_join(meetings::table)
        .inner_join(logs::table.on(meetings::log_id.eq(logs::id.nullable())))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(meeting_participants::user_id.eq(&me))
        .filter(meeting_participants::kind.eq(ParticipantKind::Staff.code()))
        .filter(meeting_participants::removed_at.is_null())
        .filter(meeting_participants::response.eq(Response::Pending.code()))
        .filter(meetings::status.eq(MeetingStatus::Planned.code()))
        .filter(meetings::starts_at.gt(now))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((meetings::id, logs::id, children::name, meetings::starts_at))
        .load(conn)?;
    let units: Vec<(String, String, String, i64)> = meeting_participants::table
        .inner_join(meetings::table)
        .inner_join(logs::table.on(meetings::log_id.eq(logs::id.nullable())))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .inner_join(
            team_members::table.on(team_members::log_id
                .eq(logs::id)
                .and(team_members::unit_id.eq(meeting_participants::unit_id))),
        )
        .filter(team_members::user_id.eq(&me))
        .filter(team_members::removed_at.is_null())
        .filter(meeting_participants::kind.eq(ParticipantKind::Unit.code()))
        .filter(meeting_participants::removed_at.is_null())
        .filter(meeting_participants::response.eq(Response::Pending.code()))
        .filter(meetings::status.eq(MeetingStatus::Planned.code()))
        .filter(meetings::starts_at.gt(now))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((meetings::id, logs::id, children::name, meetings::starts_at))
        .load(conn)?;
    let mut seen: Vec<String> = Vec::new();
    for (meeting, log, child, starts) in mine.into_iter().chain(units) {
        if seen.contains(&meeting) {
            continue;
        }
        out.push(MeetingTask {
            kind: MeetingTaskKind::Answer,
            log_id: parse_id(&log)?,
            child_name: child,
            due: Some(from_micros(starts).date_naive()),
            meeting: parse_id(&meeting)?,
        });
        seen.push(meeting);
    }
    // The child's voice before meetings of logs I lead.
    let voices: Vec<(String, String, String, Option<String>)> = meetings::table
        .inner_join(logs::table.on(meetings::log_id.eq(logs::id.nullable())))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(logs::lead_user_id.eq(&me))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .filter(meetings::status.eq(MeetingStatus::Planned.code()))
        .filter(meetings::starts_at.gt(now))
        .filter(meetings::voice_done_at.is_null())
        .select((meetings::id, logs::id, children::name, meetings::voice_due))
        .load(conn)?;
    for (meeting, log, child, due) in voices {
        out.push(MeetingTask {
            kind: MeetingTaskKind::Voice,
            log_id: parse_id(&log)?,
            child_name: child,
            due: due.as_deref().map(date).transpose()?,
            meeting: parse_id(&meeting)?,
        });
    }
    Ok(out)
}
