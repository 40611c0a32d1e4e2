//! The minutes of a meeting: who was present, the child's voice, what was
//! discussed, decisions (each with a responsible person and a deadline,
//! which become tasks and can become measures), the next meeting; approval
//! by the lead; and the family's ratings of the meeting.
//!
//! Meeting content is log content: every function takes the log's
//! capability (from `laget_domain::access`), finds the meeting only in that
//! log, and writes its access-log row on the log in the same transaction;
//! the changes that matter to the log's story are events on its timeline
//! (`referat_utkast` on the first draft, `referat_godkjent`,
//! `vedtak_utfort`, `mote_vurdert`). Later saves of a draft are recorded in
//! the access log only, so the timeline is not one line per keystroke.
//!
//! A draft's decisions are the draft's: a row emptied in the form is taken
//! out (deleted) while the minutes are a draft, since nobody has been told
//! of it; once approved, nothing of the minutes changes.

use crate::children::{date, iso, record};
use crate::codes::Stored;
use crate::meetings::mail::{self, MailRequest, Recipient};
use crate::schema::{
    children, logs, measures, meeting_decisions, meeting_participants, meeting_ratings, meetings,
    team_members, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;
use diesel::prelude::*;
use laget_domain::UserId;
use laget_domain::access::{
    Actor, Capability, DecisionCloser, LogReader, LogWriter, MinutesApprover,
};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::children::Birth;
use laget_domain::ids::{
    DecisionId, GuardianId, LogId, MeasureId, MeetingId, ParticipantId, RatingId, TeamMemberId,
};
use laget_domain::log::stafett::{EntryKind, LogStatus, MemberKind};
use laget_domain::meetings::mail::MailKind;
use laget_domain::meetings::minutes::{
    self as rules, ApprovalRefused, Attendance, DraftDecision, DraftRefused, MinutesFacts,
    MinutesText, NewRating, RaterChoice,
};
use laget_domain::meetings::{
    MeetingKind, MeetingStatus, MinutesStatus, ParticipantKind, Rater, Response, Score,
};

/// A case meeting as its minutes' pages show it.
#[derive(Clone, Debug)]
pub struct Meeting {
    pub id: MeetingId,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub purpose: String,
    pub agenda: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub invite_child: bool,
    pub called_by: Option<UserId>,
    pub minutes: Minutes,
}

impl Meeting {
    /// The meeting's day in Norway.
    pub fn day(&self) -> NaiveDate {
        self.starts_at.with_timezone(&Oslo).date_naive()
    }
}

/// The minutes' own fields.
#[derive(Clone, Debug)]
pub struct Minutes {
    pub status: MinutesStatus,
    pub voice: Option<String>,
    pub discussed: Option<String>,
    pub next: Option<String>,
    pub next_on: Option<NaiveDate>,
    /// Who saved the draft last, and when.
    pub written_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// Someone invited to the meeting, with what the minutes say of them.
#[derive(Clone, Debug)]
pub struct Participant {
    pub id: ParticipantId,
    pub kind: ParticipantKind,
    pub user: Option<UserId>,
    pub guardian: Option<GuardianId>,
    /// The name as it was when invited.
    pub name: String,
    pub response: Response,
    pub attended: Option<Attendance>,
}

/// A decision of the minutes.
#[derive(Clone, Debug)]
pub struct Decision {
    pub id: DecisionId,
    pub text: String,
    pub responsible: Option<UserId>,
    pub responsible_name: Option<String>,
    pub deadline: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<String>,
    pub done_note: Option<String>,
    /// The measure it became, with the measure's name.
    pub measure: Option<(MeasureId, String)>,
}

/// A guardian's or the child's rating of the meeting.
#[derive(Clone, Debug)]
pub struct Rating {
    pub id: RatingId,
    pub rater: RaterChoice,
    /// The guardian's name as invited; empty for the child.
    pub name: String,
    pub score: Score,
    pub comment: Option<String>,
    /// The staff member who recorded it on the family's behalf; `None` when
    /// the family gave it in the portal.
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A meeting's minutes with all that hangs on them.
#[derive(Clone, Debug)]
pub struct MinutesView {
    pub child_name: String,
    pub child_birth: Birth,
    pub meeting: Meeting,
    /// Those still invited, in the order they were invited.
    pub participants: Vec<Participant>,
    pub decisions: Vec<Decision>,
    pub ratings: Vec<Rating>,
}

impl MinutesView {
    /// Who may rate the meeting ([`rules::raters`]): the guardians invited,
    /// and the child when invited and old enough on the meeting's day.
    pub fn raters(&self) -> Vec<RaterChoice> {
        let guardians: Vec<(GuardianId, Option<Attendance>)> = self
            .participants
            .iter()
            .filter(|p| p.kind == ParticipantKind::Guardian)
            .filter_map(|p| Some((p.guardian?, p.attended)))
            .collect();
        let child = self
            .participants
            .iter()
            .find(|p| p.kind == ParticipantKind::Child)
            .map(|p| p.attended)
            .or(self.meeting.invite_child.then_some(None));
        rules::raters(
            &guardians,
            child,
            self.child_birth.age_on(self.meeting.day()),
        )
    }

    /// The raters who have rated already.
    pub fn rated(&self) -> Vec<RaterChoice> {
        self.ratings.iter().map(|r| r.rater).collect()
    }

    /// What approval asks of the stored minutes.
    pub fn facts(&self) -> MinutesFacts {
        MinutesFacts {
            meeting_status: self.meeting.status,
            starts_at: self.meeting.starts_at,
            minutes_status: self.meeting.minutes.status,
            has_voice: self.meeting.minutes.voice.is_some(),
            has_discussed: self.meeting.minutes.discussed.is_some(),
            attendance: self.participants.iter().map(|p| p.attended).collect(),
        }
    }
}

fn scope(r: &LogReader) -> Scope {
    Scope {
        municipality_id: Some(r.municipality_id()),
        unit_id: Some(r.home_unit()),
    }
}

/// The access-log row of a write on the log, as `cap`.
fn write_record(
    conn: &mut DbConnection,
    r: &LogReader,
    cap: &dyn Capability,
    rid: &str,
) -> DbResult<()> {
    record(
        conn,
        cap,
        ObjectType::Log,
        r.log_id(),
        Action::Update,
        scope(r),
        rid,
    )
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meetings)]
struct MeetingRow {
    id: String,
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
    invite_child: bool,
    called_by: Option<String>,
    #[diesel(deserialize_as = Stored<MinutesStatus>)]
    minutes_status: MinutesStatus,
    minutes_voice: Option<String>,
    minutes_discussed: Option<String>,
    minutes_next: Option<String>,
    minutes_next_on: Option<String>,
    minutes_written_by: Option<String>,
    minutes_updated_at: Option<i64>,
    minutes_approved_by: Option<String>,
    minutes_approved_at: Option<i64>,
}

/// The meeting `id` in the log `log`; [`DbError::NotFound`] for a meeting
/// of another log or of a standing team.
fn meeting_row(conn: &mut DbConnection, log: LogId, id: MeetingId) -> DbResult<MeetingRow> {
    Ok(meetings::table
        .filter(meetings::id.eq(id.to_string()))
        .filter(meetings::log_id.eq(log.to_string()))
        .select(MeetingRow::as_select())
        .first(conn)?)
}

fn name_of(conn: &mut DbConnection, user: Option<&str>) -> DbResult<Option<String>> {
    match user {
        None => Ok(None),
        Some(u) => Ok(users::table
            .find(u)
            .select(users::display_name)
            .first(conn)
            .optional()?),
    }
}

fn meeting_of(conn: &mut DbConnection, row: MeetingRow) -> DbResult<Meeting> {
    let written_by = name_of(conn, row.minutes_written_by.as_deref())?;
    let approved_by = name_of(conn, row.minutes_approved_by.as_deref())?;
    Ok(Meeting {
        id: parse_id(&row.id)?,
        kind: row.kind,
        status: row.status,
        purpose: row.purpose,
        agenda: row.agenda,
        starts_at: from_micros(row.starts_at),
        ends_at: from_micros(row.ends_at),
        place: row.place,
        video_link: row.video_link,
        invite_child: row.invite_child,
        called_by: row.called_by.as_deref().map(parse_id).transpose()?,
        minutes: Minutes {
            status: row.minutes_status,
            voice: row.minutes_voice,
            discussed: row.minutes_discussed,
            next: row.minutes_next,
            next_on: row.minutes_next_on.as_deref().map(date).transpose()?,
            written_by,
            updated_at: row.minutes_updated_at.map(from_micros),
            approved_by,
            approved_at: row.minutes_approved_at.map(from_micros),
        },
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meeting_participants)]
struct ParticipantRow {
    id: String,
    #[diesel(deserialize_as = Stored<ParticipantKind>)]
    kind: ParticipantKind,
    user_id: Option<String>,
    guardian_id: Option<String>,
    name: String,
    #[diesel(deserialize_as = Stored<Response>)]
    response: Response,
    attended: Option<bool>,
}

fn participants(conn: &mut DbConnection, meeting: MeetingId) -> DbResult<Vec<Participant>> {
    let rows: Vec<ParticipantRow> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(meeting.to_string()))
        .filter(meeting_participants::removed_at.is_null())
        .order((meeting_participants::added_at, meeting_participants::id))
        .select(ParticipantRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|p| {
            Ok(Participant {
                id: parse_id(&p.id)?,
                kind: p.kind,
                user: p.user_id.as_deref().map(parse_id).transpose()?,
                guardian: p.guardian_id.as_deref().map(parse_id).transpose()?,
                name: p.name,
                response: p.response,
                attended: Attendance::from_stored(p.attended),
            })
        })
        .collect()
}

/// A decision's row, as selected for the minutes.
#[derive(Queryable)]
struct DecisionRow {
    id: String,
    text: String,
    responsible: Option<String>,
    responsible_name: Option<String>,
    deadline: String,
    done_at: Option<i64>,
    done_by: Option<String>,
    done_note: Option<String>,
    measure_id: Option<String>,
}

fn decisions(conn: &mut DbConnection, meeting: MeetingId) -> DbResult<Vec<Decision>> {
    let rows: Vec<DecisionRow> = meeting_decisions::table
        .left_join(
            users::table.on(users::id
                .nullable()
                .eq(meeting_decisions::responsible_user_id)),
        )
        .filter(meeting_decisions::meeting_id.eq(meeting.to_string()))
        .order((meeting_decisions::position, meeting_decisions::id))
        .select((
            meeting_decisions::id,
            meeting_decisions::text,
            meeting_decisions::responsible_user_id,
            users::display_name.nullable(),
            meeting_decisions::deadline,
            meeting_decisions::done_at,
            meeting_decisions::done_by,
            meeting_decisions::done_note,
            meeting_decisions::measure_id,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for d in rows {
        let measure = match d.measure_id {
            None => None,
            Some(m) => {
                let name: String = measures::table
                    .find(&m)
                    .select(measures::name)
                    .first(conn)?;
                Some((parse_id(&m)?, name))
            }
        };
        out.push(Decision {
            id: parse_id(&d.id)?,
            text: d.text,
            responsible: d.responsible.as_deref().map(parse_id).transpose()?,
            responsible_name: d.responsible_name,
            deadline: date(&d.deadline)?,
            done_at: d.done_at.map(from_micros),
            done_by: name_of(conn, d.done_by.as_deref())?,
            done_note: d.done_note,
            measure,
        });
    }
    Ok(out)
}

fn ratings(
    conn: &mut DbConnection,
    meeting: MeetingId,
    people: &[Participant],
) -> DbResult<Vec<Rating>> {
    type R = (
        String,
        String,
        Option<String>,
        i32,
        Option<String>,
        Option<String>,
        i64,
    );
    let rows: Vec<R> = meeting_ratings::table
        .filter(meeting_ratings::meeting_id.eq(meeting.to_string()))
        .order((meeting_ratings::recorded_at, meeting_ratings::id))
        .select((
            meeting_ratings::id,
            meeting_ratings::rater,
            meeting_ratings::guardian_id,
            meeting_ratings::score,
            meeting_ratings::comment,
            meeting_ratings::recorded_by,
            meeting_ratings::recorded_at,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, rater, guardian, score, comment, by, at) in rows {
        let rater = match (Rater::from_code(&rater), guardian) {
            (Some(Rater::Child), _) => RaterChoice::Child,
            (Some(Rater::Guardian), Some(g)) => RaterChoice::Guardian(parse_id(&g)?),
            _ => return Err(DbError::Corrupt(format!("rater {rater:?}"))),
        };
        let name = match rater {
            RaterChoice::Guardian(g) => people
                .iter()
                .find(|p| p.guardian == Some(g))
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            RaterChoice::Child => String::new(),
        };
        out.push(Rating {
            id: parse_id(&id)?,
            rater,
            name,
            score: Score::new(i64::from(score))
                .ok_or_else(|| DbError::Corrupt(format!("score {score}")))?,
            comment,
            recorded_by: name_of(conn, by.as_deref())?,
            recorded_at: from_micros(at),
        });
    }
    Ok(out)
}

/// The minutes of `meeting` in `r`'s log, with the meeting, who was
/// invited, the decisions and the ratings. Reads only: the page records the
/// read (`log::read_record`) before showing it.
pub fn minutes(
    conn: &mut DbConnection,
    r: &LogReader,
    meeting: MeetingId,
) -> DbResult<MinutesView> {
    minutes_in_log(conn, r.log_id(), meeting)
}

/// [`minutes`] of a log opened under another capability: the family's
/// portal, which rates a meeting under its `FamilyWriter`
/// (`crate::portal::ratings`) and records its own access-log row.
pub(crate) fn minutes_in_log(
    conn: &mut DbConnection,
    log: LogId,
    meeting: MeetingId,
) -> DbResult<MinutesView> {
    let row = meeting_row(conn, log, meeting)?;
    let meeting = meeting_of(conn, row)?;
    let people = participants(conn, meeting.id)?;
    let decisions = decisions(conn, meeting.id)?;
    let ratings = ratings(conn, meeting.id, &people)?;
    let (child_name, birth, unborn): (String, String, bool) = logs::table
        .inner_join(children::table)
        .filter(logs::id.eq(log.to_string()))
        .select((children::name, children::birth_date, children::unborn))
        .first(conn)?;
    let born = date(&birth)?;
    let child_birth = if unborn {
        Birth::Expected(born)
    } else {
        Birth::Born(born)
    };
    Ok(MinutesView {
        child_name,
        child_birth,
        meeting,
        participants: people,
        decisions,
        ratings,
    })
}

/// The staff a decision may make responsible: the team's staff who may
/// open the log today (`LogFacts::team_member_may_open`), by name. A
/// responsible person who could not open the log could not see the task.
pub fn responsible_choices(
    conn: &mut DbConnection,
    r: &LogReader,
    today: NaiveDate,
) -> DbResult<Vec<(UserId, String)>> {
    let facts = crate::log::facts_of(conn, r, today)?;
    let mut out: Vec<(UserId, String)> = Vec::new();
    for (user, _) in &facts.team {
        if out.iter().any(|(u, _)| u == user) || !facts.team_member_may_open(*user, today) {
            continue;
        }
        let name: String = users::table
            .find(user.to_string())
            .select(users::display_name)
            .first(conn)?;
        out.push((*user, name));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// What the minutes form gives: attendance by participant, the text, and
/// the decisions in the order written.
#[derive(Clone, Debug)]
pub struct Draft {
    pub attendance: Vec<(ParticipantId, Option<Attendance>)>,
    pub text: MinutesText,
    pub decisions: Vec<DraftDecision>,
}

/// Saves the minutes of `meeting` as a draft: attendance, the text, the
/// decisions (written ones changed, new ones added, emptied ones taken
/// out). Refused for a cancelled meeting and for approved (locked) minutes.
/// The first draft is an event on the timeline.
pub fn save_draft(
    conn: &mut DbConnection,
    w: &LogWriter,
    meeting: MeetingId,
    draft: &Draft,
    rid: &str,
) -> DbResult<Result<(), DraftRefused>> {
    let row = meeting_row(conn, w.log_id(), meeting)?;
    if let Err(refused) = rules::check_draft(row.status, row.minutes_status) {
        return Ok(Err(refused));
    }
    let key = meeting.to_string();
    let now = to_micros(Utc::now());
    for (participant, attended) in &draft.attendance {
        diesel::update(
            meeting_participants::table
                .filter(meeting_participants::id.eq(participant.to_string()))
                .filter(meeting_participants::meeting_id.eq(&key)),
        )
        .set(meeting_participants::attended.eq(attended.map(Attendance::stored)))
        .execute(conn)?;
    }
    let written: Vec<String> = meeting_decisions::table
        .filter(meeting_decisions::meeting_id.eq(&key))
        .select(meeting_decisions::id)
        .load(conn)?;
    let kept: Vec<String> = draft
        .decisions
        .iter()
        .filter_map(|d| d.id.map(|i| i.to_string()))
        .collect();
    for gone in written.iter().filter(|w| !kept.contains(w)) {
        diesel::delete(meeting_decisions::table.find(gone)).execute(conn)?;
    }
    for (position, d) in draft.decisions.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let values = (
            meeting_decisions::position.eq(position),
            meeting_decisions::text.eq(&d.decision.text),
            meeting_decisions::responsible_user_id.eq(Some(d.decision.responsible.to_string())),
            meeting_decisions::deadline.eq(iso(d.decision.deadline)),
        );
        match d.id {
            Some(id) if written.contains(&id.to_string()) => {
                diesel::update(meeting_decisions::table.find(id.to_string()))
                    .set(values)
                    .execute(conn)?;
            }
            // A decision that is not (or no longer) in the draft: a stale
            // form; the draft in the database stays as it is.
            Some(_) => return Err(DbError::Conflict),
            None => {
                diesel::insert_into(meeting_decisions::table)
                    .values((
                        meeting_decisions::id.eq(DecisionId::new().to_string()),
                        meeting_decisions::meeting_id.eq(&key),
                        values.0,
                        values.1,
                        values.2,
                        values.3,
                        meeting_decisions::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
    }
    diesel::update(meetings::table.find(&key))
        .set((
            meetings::minutes_status.eq(MinutesStatus::Draft.code()),
            meetings::minutes_voice.eq(&draft.text.voice),
            meetings::minutes_discussed.eq(&draft.text.discussed),
            meetings::minutes_next.eq(&draft.text.next),
            meetings::minutes_next_on.eq(draft.text.next_on.map(iso)),
            meetings::minutes_written_by.eq(Some(w.actor_id().to_string())),
            meetings::minutes_updated_at.eq(Some(now)),
        ))
        .execute(conn)?;
    if row.minutes_status == MinutesStatus::None {
        let day = from_micros(row.starts_at).with_timezone(&Oslo).date_naive();
        crate::log::insert_entry(
            conn,
            w.log_id(),
            EntryKind::MinutesDrafted,
            Some(w.actor_id()),
            None,
            serde_json::json!({ "mote": key, "dato": iso(day) }),
            Utc::now(),
        )?;
    }
    write_record(conn, w.reader(), w, rid)?;
    Ok(Ok(()))
}

/// Approves the stored minutes of `meeting` ([`rules::check_approval`]):
/// they are locked, the meeting is held, its decisions become tasks for
/// their responsible persons, and e-mail is queued — the minutes to every
/// invited staff member and guardian, each decision to its responsible
/// person (never to the approver, who knows); the level's promised meeting
/// (`logs.meeting_due`), if still set, is met. Returns how many e-mails.
pub fn approve(
    conn: &mut DbConnection,
    a: &MinutesApprover,
    meeting: MeetingId,
    rid: &str,
) -> DbResult<Result<usize, ApprovalRefused>> {
    let r = a.writer().reader().clone();
    let view = minutes(conn, &r, meeting)?;
    let now = Utc::now();
    if let Err(refused) = rules::check_approval(&view.facts(), now) {
        return Ok(Err(refused));
    }
    let key = meeting.to_string();
    let me = a.actor_id();
    diesel::update(meetings::table.find(&key))
        .set((
            meetings::minutes_status.eq(MinutesStatus::Approved.code()),
            meetings::minutes_approved_by.eq(Some(me.to_string())),
            meetings::minutes_approved_at.eq(Some(to_micros(now))),
            meetings::status.eq(MeetingStatus::Held.code()),
            meetings::updated_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    let mut requests: Vec<MailRequest> = Vec::new();
    let request = |kind, recipient, decision| MailRequest {
        kind,
        recipient,
        meeting: Some(meeting),
        decision,
        sequence: 0,
        created_by: Some(me),
    };
    for p in &view.participants {
        let recipient = match (p.kind, p.user, p.guardian) {
            (ParticipantKind::Staff, Some(u), _) if u != me => Recipient::User(u),
            (ParticipantKind::Guardian, _, Some(g)) => Recipient::Guardian(g),
            _ => continue,
        };
        if !requests.iter().any(|q| q.recipient == recipient) {
            requests.push(request(MailKind::Minutes, recipient, None));
        }
    }
    for d in &view.decisions {
        if let Some(u) = d.responsible.filter(|u| *u != me) {
            requests.push(request(MailKind::Decision, Recipient::User(u), Some(d.id)));
        }
    }
    for q in &requests {
        mail::enqueue(conn, q)?;
    }
    let mut data = serde_json::json!({
        "mote": key,
        "dato": iso(view.meeting.day()),
        "vedtak": view.decisions.len(),
    });
    // A held meeting meets the level's promised meeting if nothing has yet
    // (the level was raised after this one was called, say); the timeline
    // says so, and when it was held after the due day.
    if let Some(due) = crate::meetings::invitations::clear_promise(conn, a.log_id())? {
        data["lofte"] = iso(due).into();
        if view.meeting.day() > due {
            data["lofte_sen"] = true.into();
        }
    }
    crate::log::insert_entry(
        conn,
        a.log_id(),
        EntryKind::MinutesApproved,
        Some(me),
        None,
        data,
        now,
    )?;
    write_record(conn, &r, a, rid)?;
    Ok(Ok(requests.len()))
}

/// A decision as the pages that act on it need it.
#[derive(Clone, Debug)]
pub struct DecisionRef {
    pub id: DecisionId,
    pub meeting: MeetingId,
    pub text: String,
    pub responsible: Option<UserId>,
    /// The responsible person's row on the log's team, while on it (the
    /// measure form's «ansvarlig»).
    pub responsible_member: Option<TeamMemberId>,
    pub deadline: NaiveDate,
    pub done: bool,
    pub measure: Option<MeasureId>,
    /// Whether its minutes are approved (only then is it a decision).
    pub approved: bool,
}

/// The decision `id` of `meeting` in `r`'s log; [`DbError::NotFound`]
/// otherwise. Reads only.
pub fn decision(
    conn: &mut DbConnection,
    r: &LogReader,
    meeting: MeetingId,
    id: DecisionId,
) -> DbResult<DecisionRef> {
    decision_in_log(conn, r, Some(meeting), id)
}

/// The decision `id` in `r`'s log, whatever its meeting (the measure form
/// names only the decision). Reads only.
pub fn decision_of_log(
    conn: &mut DbConnection,
    r: &LogReader,
    id: DecisionId,
) -> DbResult<DecisionRef> {
    decision_in_log(conn, r, None, id)
}

fn decision_in_log(
    conn: &mut DbConnection,
    r: &LogReader,
    meeting: Option<MeetingId>,
    id: DecisionId,
) -> DbResult<DecisionRef> {
    type R = (
        String,
        String,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
        Stored<MinutesStatus>,
    );
    let (m, text, responsible, deadline, done, measure, status): R = meeting_decisions::table
        .inner_join(meetings::table.on(meetings::id.eq(meeting_decisions::meeting_id)))
        .filter(meeting_decisions::id.eq(id.to_string()))
        .filter(meetings::log_id.eq(r.log_id().to_string()))
        .select((
            meetings::id,
            meeting_decisions::text,
            meeting_decisions::responsible_user_id,
            meeting_decisions::deadline,
            meeting_decisions::done_at,
            meeting_decisions::measure_id,
            meetings::minutes_status,
        ))
        .first(conn)?;
    let m: MeetingId = parse_id(&m)?;
    if meeting.is_some_and(|want| want != m) {
        return Err(DbError::NotFound);
    }
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
        meeting: m,
        text,
        responsible: responsible.as_deref().map(parse_id).transpose()?,
        responsible_member: member.as_deref().map(parse_id).transpose()?,
        deadline: date(&deadline)?,
        done: done.is_some(),
        measure: measure.as_deref().map(parse_id).transpose()?,
        approved: status.parse()? == MinutesStatus::Approved,
    })
}

/// Marks the closer's decision done with `note` (what was done): only a
/// decision of approved minutes, while the closer's idea of who is
/// responsible still holds. Marking it again changes nothing. A timeline
/// event whose body is the note.
pub fn mark_done(
    conn: &mut DbConnection,
    c: &DecisionCloser,
    note: &str,
    rid: &str,
) -> DbResult<()> {
    let r = c.writer().reader().clone();
    let d = decision_of_log(conn, &r, c.decision())?;
    if !d.approved || d.responsible != c.responsible() {
        return Err(DbError::NotFound);
    }
    if d.done {
        return Ok(());
    }
    let now = Utc::now();
    diesel::update(meeting_decisions::table.find(d.id.to_string()))
        .set((
            meeting_decisions::done_at.eq(Some(to_micros(now))),
            meeting_decisions::done_by.eq(Some(c.actor_id().to_string())),
            meeting_decisions::done_note.eq(Some(note)),
        ))
        .execute(conn)?;
    crate::log::insert_entry(
        conn,
        c.log_id(),
        EntryKind::DecisionDone,
        Some(c.actor_id()),
        Some(note),
        serde_json::json!({
            "mote": d.meeting.to_string(),
            "vedtak": d.id.to_string(),
            "tekst": d.text,
        }),
        now,
    )?;
    write_record(conn, &r, c, rid)
}

/// Links the decision `id` of approved minutes to the measure made from it
/// (in the same transaction as the measure). The measure's own timeline
/// event tells that it was added. A decision becomes a measure once only:
/// one that has a measure already (a second submit, even one racing the
/// first) is [`DbError::Conflict`], so the transaction — and the second
/// measure — is rolled back; the update is conditional on `measure_id IS
/// NULL`, so two concurrent submits cannot both link.
pub fn link_measure(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: DecisionId,
    measure: MeasureId,
    rid: &str,
) -> DbResult<()> {
    let d = decision_of_log(conn, w.reader(), id)?;
    if !d.approved {
        return Err(DbError::NotFound);
    }
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
    write_record(conn, w.reader(), w, rid)
}

/// Why a rating was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateRefused {
    /// The meeting was cancelled.
    Cancelled,
    /// The meeting has not begun.
    NotYetHeld,
    /// The rater may not rate this meeting (not invited, absent, too young).
    NotARater,
    /// The rater has rated the meeting already.
    Rated,
}

/// Records a guardian's or the child's rating of `meeting`, given to the
/// staff member `w` acts as (`recorded_by`). A timeline event whose body is
/// the comment.
pub fn rate(
    conn: &mut DbConnection,
    w: &LogWriter,
    meeting: MeetingId,
    rating: &NewRating,
    rid: &str,
) -> DbResult<Result<RatingId, RateRefused>> {
    let view = minutes(conn, w.reader(), meeting)?;
    let now = Utc::now();
    if view.meeting.status == MeetingStatus::Cancelled {
        return Ok(Err(RateRefused::Cancelled));
    }
    if view.meeting.starts_at > now {
        return Ok(Err(RateRefused::NotYetHeld));
    }
    if !view.raters().contains(&rating.rater) {
        return Ok(Err(RateRefused::NotARater));
    }
    if view.rated().contains(&rating.rater) {
        return Ok(Err(RateRefused::Rated));
    }
    let id = RatingId::new();
    let guardian = match rating.rater {
        RaterChoice::Guardian(g) => Some(g),
        RaterChoice::Child => None,
    };
    diesel::insert_into(meeting_ratings::table)
        .values((
            meeting_ratings::id.eq(id.to_string()),
            meeting_ratings::meeting_id.eq(meeting.to_string()),
            meeting_ratings::rater.eq(rating.rater.rater().code()),
            meeting_ratings::guardian_id.eq(guardian.map(|g| g.to_string())),
            meeting_ratings::score.eq(i32::from(rating.score.value())),
            meeting_ratings::comment.eq(&rating.comment),
            meeting_ratings::recorded_by.eq(Some(w.actor_id().to_string())),
            meeting_ratings::recorded_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    let name = view
        .participants
        .iter()
        .find(|p| guardian.is_some() && p.guardian == guardian)
        .map(|p| p.name.clone());
    crate::log::insert_entry(
        conn,
        w.log_id(),
        EntryKind::MeetingRated,
        Some(w.actor_id()),
        rating.comment.as_deref(),
        serde_json::json!({
            "mote": meeting.to_string(),
            "dato": iso(view.meeting.day()),
            "hvem": rating.rater.rater().code(),
            "navn": name,
            "poeng": rating.score.value(),
        }),
        now,
    )?;
    write_record(conn, w.reader(), w, rid)?;
    Ok(Ok(id))
}

/// What a minutes task asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinutesTaskKind {
    /// Write and approve the minutes of a meeting that has ended (the lead).
    Minutes,
    /// Carry out a decision (its responsible person).
    Decision,
}

/// A task minutes give, with what `casework::my_tasks` shows of it (it
/// decides, as for every task, whether the log may be opened; this module
/// does not know `casework::Task`, so that neither imports the other).
#[derive(Clone, Debug)]
pub struct MinutesTask {
    pub kind: MinutesTaskKind,
    pub log_id: LogId,
    pub child_name: String,
    pub due: NaiveDate,
    /// The decision's text.
    pub subject: Option<String>,
    pub meeting: MeetingId,
}

/// The tasks minutes give `actor` on «Mine oppgaver»: the decisions of
/// approved minutes they are responsible for, until done (`subject`: the
/// decision), and for the lead of an open log the minutes of every meeting
/// that has ended, was not cancelled and whose minutes are not approved
/// (due [`rules::MINUTES_DUE_DAYS`] after the meeting). Filtered by
/// `casework::my_tasks` like every task (only logs the actor may open).
pub(crate) fn tasks(conn: &mut DbConnection, actor: &Actor) -> DbResult<Vec<MinutesTask>> {
    let mut out = Vec::new();
    let uid = actor.user_id().to_string();
    let mine: Vec<(String, String, String, String, String)> = meeting_decisions::table
        .inner_join(meetings::table.on(meetings::id.eq(meeting_decisions::meeting_id)))
        .inner_join(logs::table.on(logs::id.nullable().eq(meetings::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(meeting_decisions::responsible_user_id.eq(&uid))
        .filter(meeting_decisions::done_at.is_null())
        .filter(meetings::minutes_status.eq(MinutesStatus::Approved.code()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((
            logs::id,
            children::name,
            meetings::id,
            meeting_decisions::text,
            meeting_decisions::deadline,
        ))
        .load(conn)?;
    for (log, child, meeting, text, deadline) in mine {
        out.push(MinutesTask {
            kind: MinutesTaskKind::Decision,
            log_id: parse_id(&log)?,
            child_name: child,
            due: date(&deadline)?,
            subject: Some(text),
            meeting: parse_id(&meeting)?,
        });
    }
    let now = to_micros(Utc::now());
    let to_write: Vec<(String, String, String, i64)> = meetings::table
        .inner_join(logs::table.on(logs::id.nullable().eq(meetings::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(logs::lead_user_id.eq(&uid))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .filter(meetings::status.ne(MeetingStatus::Cancelled.code()))
        .filter(meetings::minutes_status.ne(MinutesStatus::Approved.code()))
        .filter(meetings::ends_at.le(now))
        .select((logs::id, children::name, meetings::id, meetings::starts_at))
        .load(conn)?;
    for (log, child, meeting, starts) in to_write {
        let day = from_micros(starts).with_timezone(&Oslo).date_naive();
        out.push(MinutesTask {
            kind: MinutesTaskKind::Minutes,
            log_id: parse_id(&log)?,
            child_name: child,
            due: day + Duration::days(rules::MINUTES_DUE_DAYS),
            subject: None,
            meeting: parse_id(&meeting)?,
        });
    }
    Ok(out)
}
