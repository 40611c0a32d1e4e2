//! The minutes of a standing team's meeting, within the team's pages
//! (`/team/{team}/moter/{meeting}/referat`): who was present (each invited
//! unit and person, members and those called in), a general part, and per
//! case a short note on what was discussed and whether its guardians were
//! present; approval by the team's leader. No script: the form saves the
//! whole draft, and approval is a separate button that approves what is
//! saved.
//!
//! - `GET  referat` — the form while the minutes may be written (the
//!   meeting has begun, is not cancelled, the minutes are not approved);
//!   otherwise why not, with the way back to the meeting, whose page shows
//!   the minutes.
//! - `POST referat` — any member saves the draft: `tilstede_<participant>`
//!   (`ja`/`nei`), `generelt`, `notat_<case>`, `foresatte_<case>`
//!   (`ja`/`nei`). Too long a text comes back beside its field (422).
//! - `POST referat/godkjenn` — the leader approves what is saved; what is
//!   missing (attendance, a case's note) is said beside each field (422).
//!
//! Someone called in reads the minutes on the meeting's page, not here.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::meetings::team_cases::{self as cases_db, TeamCase};
use laget_db::meetings::team_minutes::{
    self as db, ApproveRefused, CaseMinutes, TeamDraft, TeamMinutes,
};
use laget_db::meetings::teams::{self as teams_db, TeamMeeting};
use laget_domain::access::{TeamMeetingReader, TeamMember};
use laget_domain::ids::MeetingId;
use laget_domain::meetings::teams::{CASE_NOTE_MAX, MINUTES_TEXT_MAX, MinutesClosed};
use laget_domain::validation::Problem;

use super::team_meetings::minutes_status_label;
use super::teams::{NoticeQuery, case_row, notice_of, open_team, when_text};

/// One invited's attendance field.
pub struct AttendanceRow {
    pub field: String,
    pub label: String,
}

/// One case's part of the form.
pub struct CaseMinutesRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub note_field: String,
    pub guardians_field: String,
}

#[derive(Template)]
#[template(path = "meetings/team_minutes.html")]
struct MinutesPage {
    layout: Layout,
    team_id: String,
    team_name: String,
    meeting_id: String,
    when: String,
    status: &'static str,
    /// Why the minutes may not be written now, if so.
    closed: Option<&'static str>,
    attendance: Vec<AttendanceRow>,
    cases: Vec<CaseMinutesRow>,
    presence: Vec<Choice>,
    yes_no: Vec<Choice>,
    may_approve: bool,
    form: FormState,
}

fn attendance_field(id: impl std::fmt::Display) -> String {
    format!("tilstede_{id}")
}
fn note_field(id: impl std::fmt::Display) -> String {
    format!("notat_{id}")
}
fn guardians_field(id: impl std::fmt::Display) -> String {
    format!("foresatte_{id}")
}

fn yes_no(b: bool) -> &'static str {
    if b { "ja" } else { "nei" }
}

fn closed_text(m: &Messages, c: MinutesClosed) -> &'static str {
    match c {
        MinutesClosed::Cancelled => m.teams_minutes_cancelled,
        MinutesClosed::NotBegun => m.teams_minutes_not_begun,
        MinutesClosed::Approved => m.teams_minutes_locked,
    }
}

/// What the page reads: the team's name, the meeting, its minutes and its
/// cases (a named case naming its child where the member may open the log,
/// each recorded as a read).
struct Read {
    team_name: String,
    meeting: TeamMeeting,
    minutes: TeamMinutes,
    cases: Vec<TeamCase>,
}

async fn read(
    state: &AppState,
    user: &SignedIn,
    reader: &TeamMeetingReader,
) -> Result<Read, AppError> {
    let (cap, actor, rid) = (
        reader.clone(),
        user.actor.clone(),
        user.ctx.request_id.clone(),
    );
    let today = today();
    Ok(state
        .db
        .write(move |c| {
            Ok(Read {
                team_name: teams_db::name_of(c, &cap)?,
                meeting: teams_db::meeting(c, &cap)?.0,
                minutes: db::minutes(c, &cap)?,
                cases: cases_db::meeting_cases(c, &actor, &cap, today, &rid)?,
            })
        })
        .await?)
}

/// The form's values as saved.
fn saved_values(r: &Read) -> Vec<(String, String)> {
    let mut values = vec![(
        "generelt".to_owned(),
        r.minutes.general.clone().unwrap_or_default(),
    )];
    for i in &r.minutes.attendance {
        if let Some(a) = i.attended {
            values.push((attendance_field(i.id), yes_no(a).to_owned()));
        }
    }
    for c in &r.cases {
        values.push((note_field(c.id), c.minutes_note.clone().unwrap_or_default()));
        values.push((
            guardians_field(c.id),
            yes_no(c.guardians_present).to_owned(),
        ));
    }
    values
}

fn minutes_page(user: &SignedIn, member: &TeamMember, r: &Read, form: FormState) -> MinutesPage {
    let m = user.m;
    let meetings = [r.meeting.clone()];
    let mut labels: Vec<(String, String)> =
        vec![("generelt".to_owned(), m.teams_minutes_general.to_owned())];
    let attendance: Vec<AttendanceRow> = r
        .minutes
        .attendance
        .iter()
        .map(|i| AttendanceRow {
            field: attendance_field(i.id),
            label: if i.called_in {
                format!("{} ({})", i.name, m.teams_called_in_mark)
            } else {
                i.name.clone()
            },
        })
        .collect();
    labels.extend(
        attendance
            .iter()
            .map(|a| (a.field.clone(), a.label.clone())),
    );
    let cases: Vec<CaseMinutesRow> = r
        .cases
        .iter()
        .map(|c| {
            let row = case_row(m, c, &meetings, None);
            CaseMinutesRow {
                id: c.id.to_string(),
                title: row.title,
                summary: row.summary,
                note_field: note_field(c.id),
                guardians_field: guardians_field(c.id),
            }
        })
        .collect();
    for c in &cases {
        labels.push((
            c.note_field.clone(),
            format!("{}: {}", c.title, m.teams_minutes_case_note),
        ));
        labels.push((
            c.guardians_field.clone(),
            format!("{}: {}", c.title, m.teams_minutes_case_guardians),
        ));
    }
    labels.push(("godkjenn".to_owned(), m.teams_minutes_approve.to_owned()));
    let refs: Vec<(&str, &str)> = labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let choice = |value: &str, label: &str| Choice {
        value: value.into(),
        label: label.into(),
    };
    MinutesPage {
        layout: Layout::signed_in(user, m.teams_minutes_title),
        team_id: member.team_id().to_string(),
        team_name: r.team_name.clone(),
        meeting_id: r.meeting.id.to_string(),
        when: when_text(m, &r.meeting),
        status: minutes_status_label(m, r.minutes.status),
        closed: r.minutes.open.err().map(|c| closed_text(m, c)),
        attendance,
        cases,
        presence: vec![
            choice("ja", m.teams_minutes_present),
            choice("nei", m.teams_minutes_absent),
        ],
        yes_no: vec![choice("ja", m.teams_yes), choice("nei", m.teams_no)],
        may_approve: member.minutes_approver().is_ok(),
        form: form.fields(&refs),
    }
}

/// The meeting in the path, read by a member of the team (someone called
/// in, or anyone else, gets a 404).
async fn member_and_meeting(
    state: &AppState,
    user: &SignedIn,
    team: &str,
    meeting: &str,
) -> Result<(TeamMember, TeamMeetingReader), AppError> {
    let member = open_team(state, user, team).await?;
    let id: MeetingId = crate::extract::path::path_id(meeting)?;
    let reader = member.meeting_reader(id);
    Ok((member, reader))
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let (member, reader) = member_and_meeting(&state, &user, &t, &mt).await?;
    let r = read(&state, &user, &reader).await?;
    let form = FormState::with_values(saved_values(&r));
    let mut p = minutes_page(&user, &member, &r, form);
    p.layout = p
        .layout
        .with_notice(notice_of(user.m, q.melding.as_deref()));
    page(&p)
}

/// The draft the form describes, or its problems beside the fields.
fn parse(m: &Messages, pairs: &[(String, String)], r: &Read) -> Result<TeamDraft, FormState> {
    let mut form = FormState::with_values(forms::redisplayable(pairs));
    let general = forms::get(pairs, "generelt").to_owned();
    if general.trim().chars().count() > MINUTES_TEXT_MAX {
        form.add_error(
            "generelt",
            &m.problem(Problem::TooLong {
                max: MINUTES_TEXT_MAX,
            }),
        );
    }
    let mut draft = TeamDraft {
        general,
        ..TeamDraft::default()
    };
    for i in &r.minutes.attendance {
        let field = attendance_field(i.id);
        let attended = match forms::get(pairs, &field) {
            "ja" => Some(true),
            "nei" => Some(false),
            "" => None,
            _ => {
                form.add_error(&field, &m.problem(Problem::UnknownChoice));
                None
            }
        };
        draft.attendance.push((i.id, attended));
    }
    for c in &r.cases {
        let (nf, gf) = (note_field(c.id), guardians_field(c.id));
        let note = forms::get(pairs, &nf).to_owned();
        if note.trim().chars().count() > CASE_NOTE_MAX {
            form.add_error(&nf, &m.problem(Problem::TooLong { max: CASE_NOTE_MAX }));
        }
        let guardians_present = match forms::get(pairs, &gf) {
            "ja" => true,
            "nei" => false,
            _ => {
                form.add_error(&gf, &m.problem(Problem::Required));
                false
            }
        };
        draft.cases.push(CaseMinutes {
            case: c.id,
            note,
            guardians_present,
        });
    }
    if form.has_errors() {
        Err(form)
    } else {
        Ok(draft)
    }
}

/// Saves the draft (any member).
pub async fn save(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let (member, reader) = member_and_meeting(&state, &user, &t, &mt).await?;
    let r = read(&state, &user, &reader).await?;
    let pairs = forms::pairs(&body);
    let draft = match parse(user.m, &pairs, &r) {
        Ok(d) => d,
        Err(form) => return invalid(&minutes_page(&user, &member, &r, form)),
    };
    let (cap, id) = (member.clone(), reader.meeting_id());
    let saved = state
        .db
        .write(move |c| db::save_draft(c, &cap, id, &draft))
        .await?;
    if saved.is_err() {
        // Closed meanwhile (approved, cancelled): the page says why.
        let r = read(&state, &user, &reader).await?;
        let form = FormState::with_values(forms::redisplayable(&pairs));
        return invalid(&minutes_page(&user, &member, &r, form));
    }
    let team = member.team_id();
    Ok(Redirect::to(&format!(
        "/team/{team}/moter/{id}/referat?melding=referat-lagret"
    ))
    .into_response())
}

/// The leader approves what is saved.
pub async fn approve(
    State(state): State<AppState>,
    user: SignedIn,
    Path((t, mt)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (member, reader) = member_and_meeting(&state, &user, &t, &mt).await?;
    let approver = member.minutes_approver()?;
    let id = reader.meeting_id();
    let result = state
        .db
        .write(move |c| db::approve(c, &approver, id))
        .await?;
    let m = user.m;
    match result {
        Ok(()) => {
            let team = member.team_id();
            Ok(
                Redirect::to(&format!("/team/{team}/moter/{id}?melding=referat-godkjent"))
                    .into_response(),
            )
        }
        Err(refused) => {
            let r = read(&state, &user, &reader).await?;
            let mut form = FormState::with_values(saved_values(&r));
            match refused {
                // Not begun, cancelled or approved already: the page says
                // which instead of the form.
                ApproveRefused::Closed(_) => {}
                ApproveRefused::Gaps(_) => {
                    form.add_error("godkjenn", m.teams_minutes_gaps);
                    for i in r.minutes.attendance.iter().filter(|i| i.attended.is_none()) {
                        form.add_error(&attendance_field(i.id), m.teams_minutes_missing_attendance);
                    }
                    for c in r.cases.iter().filter(|c| {
                        c.minutes_note
                            .as_deref()
                            .is_none_or(|n| n.trim().is_empty())
                    }) {
                        form.add_error(&note_field(c.id), m.teams_minutes_missing_note);
                    }
                }
            }
            invalid(&minutes_page(&user, &member, &r, form))
        }
    }
}
