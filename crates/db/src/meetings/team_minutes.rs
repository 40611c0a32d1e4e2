//! The minutes of a standing team's meeting: who was present (the invited
//! units and persons, members and those called in), a general part, a
//! short note on each case taken up (what was discussed) with whether its
//! guardians were present, and approval by the team's leader.
//!
//! Any member drafts them once the meeting has begun (not a cancelled one);
//! the leader approves what is saved when everyone's attendance and a note
//! on every case are there (`laget_domain::meetings::teams::MinutesGaps`).
//! Approval locks them, marks the meeting held and queues the minutes by
//! e-mail to the invited persons (not the approver; the message names no
//! case). The guardians' presence saved here is what the yearly report
//! counts. The minutes are the team's record: they write nothing on a
//! named case's log (its decisions do, in `team_cases`).

use crate::codes::Stored;
use crate::meetings::mail::{self, MailRequest, Recipient};
use crate::meetings::teams::{self, Invited};
use crate::schema::{meeting_participants, meetings, team_cases, users};
use crate::{DbConnection, DbResult, from_micros, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::access::{TeamMeetingReader, TeamMember, TeamMinutesApprover};
use laget_domain::ids::{MeetingId, ParticipantId, StandingTeamId, TeamCaseId};
use laget_domain::meetings::mail::MailKind;
use laget_domain::meetings::teams::{MinutesClosed, MinutesGaps, minutes_open};
use laget_domain::meetings::{MeetingStatus, MinutesStatus, ParticipantKind};

/// A team meeting's minutes as its pages show them (the notes on the cases
/// come with the cases, `team_cases::TeamCase::minutes_note`, so that a
/// reader sees the notes of the cases they are shown).
#[derive(Clone, Debug)]
pub struct TeamMinutes {
    pub status: MinutesStatus,
    /// Whether they may be written now (`Ok`), or why not.
    pub open: Result<(), MinutesClosed>,
    pub general: Option<String>,
    pub written_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The invited, with their attendance.
    pub attendance: Vec<Invited>,
}

/// What a draft saves.
#[derive(Clone, Debug, Default)]
pub struct TeamDraft {
    pub general: String,
    /// Present (`Some(true)`), absent, or not said, per invited.
    pub attendance: Vec<(ParticipantId, Option<bool>)>,
    pub cases: Vec<CaseMinutes>,
}

/// The minutes on one case of the meeting.
#[derive(Clone, Debug)]
pub struct CaseMinutes {
    pub case: TeamCaseId,
    pub note: String,
    pub guardians_present: bool,
}

/// Why the leader's approval was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApproveRefused {
    Closed(MinutesClosed),
    /// Attendance or notes are missing from what is saved.
    Gaps(MinutesGaps),
}

#[derive(Queryable)]
struct Row {
    #[diesel(deserialize_as = Stored<MeetingStatus>)]
    status: MeetingStatus,
    #[diesel(deserialize_as = Stored<MinutesStatus>)]
    minutes_status: MinutesStatus,
    starts_at: i64,
    general: Option<String>,
    written_by: Option<String>,
    updated_at: Option<i64>,
    approved_by: Option<String>,
    approved_at: Option<i64>,
    sequence: i32,
}

/// The meeting's row, found only among the team's meetings.
fn row(conn: &mut DbConnection, team: StandingTeamId, meeting: MeetingId) -> DbResult<Row> {
    let (writer, approver) = diesel::alias!(users as writer, users as approver);
    Ok(meetings::table
        .left_join(
            writer.on(writer
                .field(users::id)
                .nullable()
                .eq(meetings::minutes_written_by)),
        )
        .left_join(
            approver.on(approver
                .field(users::id)
                .nullable()
                .eq(meetings::minutes_approved_by)),
        )
        .filter(meetings::id.eq(meeting.to_string()))
        .filter(meetings::team_id.eq(team.to_string()))
        .select((
            meetings::status,
            meetings::minutes_status,
            meetings::starts_at,
            meetings::minutes_discussed,
            writer.field(users::display_name).nullable(),
            meetings::minutes_updated_at,
            approver.field(users::display_name).nullable(),
            meetings::minutes_approved_at,
            meetings::sequence,
        ))
        .first(conn)?)
}

fn open_of(r: &Row) -> Result<(), MinutesClosed> {
    minutes_open(
        r.status,
        from_micros(r.starts_at) <= Utc::now(),
        r.minutes_status,
    )
}

/// The minutes of the meeting the reader reads.
pub fn minutes(conn: &mut DbConnection, cap: &TeamMeetingReader) -> DbResult<TeamMinutes> {
    let r = row(conn, cap.team_id(), cap.meeting_id())?;
    Ok(TeamMinutes {
        open: open_of(&r),
        status: r.minutes_status,
        general: r.general,
        written_by: r.written_by,
        updated_at: r.updated_at.map(from_micros),
        approved_by: r.approved_by,
        approved_at: r.approved_at.map(from_micros),
        attendance: teams::invited(conn, cap.meeting_id())?,
    })
}

/// The cases of the meeting that are not withdrawn, with their notes.
fn meeting_cases(
    conn: &mut DbConnection,
    team: StandingTeamId,
    meeting: MeetingId,
) -> DbResult<Vec<(String, Option<String>)>> {
    Ok(team_cases::table
        .filter(team_cases::team_id.eq(team.to_string()))
        .filter(team_cases::meeting_id.eq(meeting.to_string()))
        .filter(team_cases::withdrawn_at.is_null())
        .select((team_cases::id, team_cases::minutes_note))
        .load(conn)?)
}

/// A member saves a draft of `meeting`'s minutes: the attendance of its
/// invited, the general part, and each of its cases' note and guardians'
/// presence (ids not of this meeting are left alone). Refused
/// (`Err(MinutesClosed)`) before the meeting begins, for a cancelled one,
/// and once approved.
pub fn save_draft(
    conn: &mut DbConnection,
    cap: &TeamMember,
    meeting: MeetingId,
    draft: &TeamDraft,
) -> DbResult<Result<(), MinutesClosed>> {
    let r = row(conn, cap.team_id(), meeting)?;
    if let Err(closed) = open_of(&r) {
        return Ok(Err(closed));
    }
    for (participant, attended) in &draft.attendance {
        diesel::update(
            meeting_participants::table
                .filter(meeting_participants::id.eq(participant.to_string()))
                .filter(meeting_participants::meeting_id.eq(meeting.to_string())),
        )
        .set(meeting_participants::attended.eq(*attended))
        .execute(conn)?;
    }
    for c in &draft.cases {
        diesel::update(
            team_cases::table
                .filter(team_cases::id.eq(c.case.to_string()))
                .filter(team_cases::team_id.eq(cap.team_id().to_string()))
                .filter(team_cases::meeting_id.eq(meeting.to_string()))
                .filter(team_cases::withdrawn_at.is_null()),
        )
        .set((
            team_cases::minutes_note.eq(Some(c.note.trim()).filter(|n| !n.is_empty())),
            team_cases::guardians_present.eq(c.guardians_present),
        ))
        .execute(conn)?;
    }
    let general = draft.general.trim();
    diesel::update(meetings::table.find(meeting.to_string()))
        .set((
            meetings::minutes_status.eq(MinutesStatus::Draft.code()),
            meetings::minutes_discussed.eq(Some(general).filter(|g| !g.is_empty())),
            meetings::minutes_written_by.eq(Some(cap.actor_id().to_string())),
            meetings::minutes_updated_at.eq(Some(to_micros(Utc::now()))),
        ))
        .execute(conn)?;
    Ok(Ok(()))
}

/// The leader approves what is saved of `meeting`'s minutes: refused while
/// they may not be written, or while attendance or a case's note is
/// missing. Approved, they are locked, the meeting is held, and the invited
/// persons but the approver get the minutes by e-mail.
pub fn approve(
    conn: &mut DbConnection,
    cap: &TeamMinutesApprover,
    meeting: MeetingId,
) -> DbResult<Result<(), ApproveRefused>> {
    let team = cap.member().team_id();
    let r = row(conn, team, meeting)?;
    if let Err(closed) = open_of(&r) {
        return Ok(Err(ApproveRefused::Closed(closed)));
    }
    let invited = teams::invited(conn, meeting)?;
    let cases = meeting_cases(conn, team, meeting)?;
    let gaps = MinutesGaps::of(
        invited.iter().map(|i| i.attended),
        cases.iter().map(|(_, note)| note.as_deref()),
    );
    if !gaps.is_empty() {
        return Ok(Err(ApproveRefused::Gaps(gaps)));
    }
    let now = to_micros(Utc::now());
    diesel::update(meetings::table.find(meeting.to_string()))
        .set((
            meetings::minutes_status.eq(MinutesStatus::Approved.code()),
            meetings::minutes_approved_by.eq(Some(cap.actor_id().to_string())),
            meetings::minutes_approved_at.eq(Some(now)),
            meetings::status.eq(MeetingStatus::Held.code()),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let mut told = Vec::new();
    for i in invited
        .iter()
        .filter(|i| i.kind == ParticipantKind::Staff)
        .filter_map(|i| i.user)
        .filter(|u| *u != cap.actor_id())
    {
        if told.contains(&i) {
            continue;
        }
        told.push(i);
        mail::enqueue(
            conn,
            &MailRequest {
                kind: MailKind::Minutes,
                recipient: Recipient::User(i),
                meeting: Some(meeting),
                decision: None,
                sequence: r.sequence,
                created_by: Some(cap.actor_id()),
            },
        )?;
    }
    Ok(Ok(()))
}
