//! Case meetings in a child's log: calling one (`/logger/{log}/moter/ny`,
//! the form prefilled from the municipality's template), the meeting's page
//! (details, the invited and their answers, who has not answered, the
//! e-mail sent, links to the minutes), changing, cancelling, answering,
//! marking the child's voice gathered, and the printed invitation.
//!
//! Access is the log's: `OpenLog`/`WholeLog` give the reader, and
//! `LogReader::meeting_convener` (the lead or the keeping unit's leader)
//! decides who calls, changes and cancels. This module uses nothing of
//! `crate::log`, which uses it (the log page's «Møter», the timeline).

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{OpenLog, WholeLog, WritableLog, closed_notice, record_read};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::mail::status::MailStatus;
use crate::meetings::minutes::MinutesSummary;
use crate::meetings::templates::{self, TemplateText};
use crate::meetings::words::{kind_label, minutes_label, span, status_label};
use crate::view::choices::Choice;
use crate::view::format::{date, time, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::meetings::invitations::{
    self as db, AnswerRefused, CallRefused, Choices, Meeting, Participant,
};
use laget_domain::access::{LogReader, MeetingConvener, WriteRefused};
use laget_domain::audit::Action;
use laget_domain::casework::anonymity::{self, Identifying};
use laget_domain::ids::MeetingId;
use laget_domain::meetings::invitation::{
    self, Answer, FieldProblems, MeetingForm, MeetingProblem, NewMeeting,
};
use laget_domain::meetings::{MeetingKind, MeetingStatus, ParticipantKind, Response as Reply};

// ---------------------------------------------------------------------------
// Words

fn response_label(m: &Messages, r: Reply) -> &'static str {
    match r {
        Reply::Pending => m.meetings_response_venter,
        Reply::Accepted => m.meetings_response_kommer,
        Reply::Declined => m.meetings_response_kommer_ikke,
    }
}

fn clock(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&Oslo);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A local time in Norway as UTC; `None` for the hour skipped in spring. In
/// the hour repeated in autumn the first is meant.
fn oslo_to_utc(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    Oslo.from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// A form's meeting problems in the reader's words.
fn with_problems(mut form: FormState, m: &Messages, problems: FieldProblems) -> FormState {
    for (field, p) in problems {
        let text = match p {
            MeetingProblem::Common(p) => m.problem(p),
            MeetingProblem::InvalidTime => m.meetings_problem_time.to_owned(),
            MeetingProblem::EndsBeforeStart => m.meetings_problem_ends_before.to_owned(),
            MeetingProblem::StartsInPast => m.meetings_problem_starts_past.to_owned(),
            MeetingProblem::PlaceOrLink => m.meetings_problem_place.to_owned(),
            MeetingProblem::NobodyInvited => m.meetings_problem_nobody.to_owned(),
            MeetingProblem::FamilyNotInvited => m.meetings_problem_family.to_owned(),
            MeetingProblem::DeclineNeedsReason => m.meetings_problem_decline_reason.to_owned(),
        };
        form.add_error(field, &text);
    }
    form
}

/// The convener's capability, or the answer for a closed log (back to the
/// log, which says so) or for anyone else (404).
macro_rules! convener {
    ($reader:expr) => {{
        let reader = $reader;
        match reader.meeting_convener() {
            Ok(c) => c,
            Err(WriteRefused::Closed) => return Ok(closed_notice(reader.log_id())),
            Err(WriteRefused::Denied) => return Err(AppError::NotFound),
        }
    }};
}

fn to_meeting(log: impl std::fmt::Display, meeting: MeetingId, notice: &str) -> Response {
    Redirect::to(&format!("/logger/{log}/moter/{meeting}?melding={notice}")).into_response()
}

// ---------------------------------------------------------------------------
// The invitation form (calling and changing)

#[derive(Template)]
#[template(path = "meetings/form.html")]
struct FormPage {
    layout: Layout,
    log: String,
    child_name: String,
    heading: &'static str,
    lead_text: &'static str,
    action: String,
    submit: &'static str,
    kinds: Vec<Choice>,
    staff: Vec<Choice>,
    units: Vec<Choice>,
    guardians: Vec<Choice>,
    attendance_required: bool,
    promise: Option<String>,
    template_hint: bool,
    /// On a new meeting: «Bruk malen for …» per kind, `(href, text)`.
    template_links: Vec<(String, String)>,
    /// The place looked like a name: the checkbox to confirm it is not.
    place_check: bool,
    form: FormState,
}

fn form_page(
    user: &SignedIn,
    log: &LogReader,
    choices: &Choices,
    editing: Option<MeetingId>,
    form: FormState,
) -> FormPage {
    let m = user.m;
    let mark = |covered: bool| {
        if covered {
            String::new()
        } else {
            format!(" – {}", m.meetings_not_covered_mark)
        }
    };
    let log_id = log.log_id();
    let (heading, lead_text, action, submit) = match editing {
        None => (
            m.meetings_new_title,
            m.meetings_new_lead,
            format!("/logger/{log_id}/moter/ny"),
            m.meetings_send,
        ),
        Some(id) => (
            m.meetings_change_title,
            m.meetings_change_lead,
            format!("/logger/{log_id}/moter/{id}/endre"),
            m.meetings_save_changes,
        ),
    };
    FormPage {
        layout: Layout::signed_in(user, heading),
        log: log_id.to_string(),
        child_name: choices.child_name.clone(),
        heading,
        lead_text,
        action,
        submit,
        kinds: MeetingKind::CASE
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: kind_label(m, *k).into(),
            })
            .collect(),
        staff: choices
            .staff
            .iter()
            .map(|s| Choice {
                value: format!("{}:{}", s.user, s.unit),
                label: format!("{} ({}){}", s.name, s.unit_name, mark(s.covered)),
            })
            .collect(),
        units: choices
            .units
            .iter()
            .map(|(u, n, covered)| Choice {
                value: u.to_string(),
                label: format!("{n}{}", mark(*covered)),
            })
            .collect(),
        guardians: choices
            .guardians
            .iter()
            .map(|(g, n)| Choice {
                value: g.to_string(),
                label: n.clone(),
            })
            .collect(),
        attendance_required: choices.attendance_required,
        promise: choices
            .meeting_due
            .map(|d| m.meetings_promise.replace("{dato}", &date(d))),
        template_hint: editing.is_none(),
        template_links: if editing.is_none() {
            MeetingKind::CASE
                .iter()
                .map(|k| {
                    (
                        format!("/logger/{log_id}/moter/ny?type={}", k.code()),
                        m.meetings_use_template
                            .replace("{type}", &kind_label(m, *k).to_lowercase()),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        place_check: false,
        form: form.fields(&[
            ("type", m.meetings_kind),
            ("formal", m.meetings_purpose),
            ("agenda", m.meetings_agenda),
            ("dato", m.meetings_date),
            ("fra", m.meetings_from),
            ("til", m.meetings_to),
            ("sted", m.meetings_place),
            ("video", m.meetings_video),
            ("ansatte", m.meetings_invite_staff),
            ("enheter", m.meetings_invite_units),
            ("foresatte", m.meetings_invite_guardians),
            ("barnet", m.meetings_invite_child),
        ]),
    }
}

async fn read_choices(
    state: &AppState,
    user: &SignedIn,
    r: &LogReader,
) -> Result<Choices, AppError> {
    let r2 = r.clone();
    let today = today();
    let choices = state.db.read(move |c| db::choices(c, &r2, today)).await?;
    record_read(state, user, r).await?;
    Ok(choices)
}

#[derive(serde::Deserialize, Default)]
pub struct KindQuery {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// The invitation form, prefilled from the municipality's template for the
/// kind asked for (`?type=…`; a cooperation meeting first).
pub async fn new_form(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Query(q): Query<KindQuery>,
) -> Result<Response, AppError> {
    let c = convener!(reader);
    let choices = read_choices(&state, &user, c.reader()).await?;
    let kind = q
        .kind
        .as_deref()
        .and_then(MeetingKind::from_code)
        .filter(|k| MeetingKind::CASE.contains(k))
        .unwrap_or(MeetingKind::Cooperation);
    let mid = c.reader().municipality_id();
    let stored = state
        .db
        .read(move |conn| laget_db::meetings::templates::for_kind(conn, mid, kind))
        .await?;
    let t: TemplateText = templates::text(user.m, kind, stored.as_ref());
    let mut values = vec![
        ("type".to_owned(), kind.code().to_owned()),
        ("formal".to_owned(), t.purpose),
        ("agenda".to_owned(), t.agenda),
    ];
    // The guardians are invited to the family's meetings by default.
    if kind.with_family() {
        values.extend(
            choices
                .guardians
                .iter()
                .map(|(g, _)| ("foresatte".to_owned(), g.to_string())),
        );
    }
    let form = FormState::with_values(values);
    page(&form_page(&user, c.reader(), &choices, None, form))
}

fn meeting_form(pairs: &[(String, String)]) -> MeetingForm<'_> {
    MeetingForm {
        kind: forms::get(pairs, "type"),
        purpose: forms::get(pairs, "formal"),
        agenda: forms::get(pairs, "agenda"),
        date: forms::get(pairs, "dato"),
        from: forms::get(pairs, "fra"),
        to: forms::get(pairs, "til"),
        place: forms::get(pairs, "sted"),
        video_link: forms::get(pairs, "video"),
        staff: forms::get_all(pairs, "ansatte"),
        units: forms::get_all(pairs, "enheter"),
        guardians: forms::get_all(pairs, "foresatte"),
        child: forms::get(pairs, "barnet") == "ja",
    }
}

/// The place goes into the calendar invitation (LOCATION), outside Laget:
/// a national id, a phone number or the child's own name (as registered,
/// in any case) is refused beside the field; a full name is a warning the
/// writer may confirm with «sted_sjekket». The problem, and whether the
/// confirmation checkbox is to be shown.
fn place_problem(
    m: &Messages,
    place: &str,
    child_name: &str,
    checked: bool,
) -> (Option<String>, bool) {
    let lower = place.to_lowercase();
    let child = child_name.trim().to_lowercase();
    if !child.is_empty() && lower.contains(&child) {
        return (Some(m.meetings_place_child_name.to_owned()), false);
    }
    let found = anonymity::findings(place);
    if let Some(f) = found.iter().find(|f| f.kind != Identifying::FullName) {
        let what = match f.kind {
            Identifying::NationalId => m.consultation_identifying_national_id,
            _ => m.consultation_identifying_phone,
        };
        return (
            Some(m.meetings_place_identifying.replace("{hva}", what)),
            false,
        );
    }
    match found.first() {
        Some(f) if !checked => (
            Some(m.meetings_place_name_warning.replace("{navn}", &f.text)),
            true,
        ),
        Some(_) => (None, true),
        None => (None, false),
    }
}

/// The form's meeting, or the form again with its problems (422).
async fn parsed(
    state: &AppState,
    user: &SignedIn,
    c: &MeetingConvener,
    editing: Option<MeetingId>,
    pairs: &[(String, String)],
) -> Result<Result<(NewMeeting, Choices), Response>, AppError> {
    let choices = read_choices(state, user, c.reader()).await?;
    let (place, place_check) = place_problem(
        user.m,
        forms::get(pairs, "sted"),
        &choices.child_name,
        forms::get(pairs, "sted_sjekket") == "ja",
    );
    let parsed = NewMeeting::parse(
        &meeting_form(pairs),
        &choices.invite_choices(),
        today(),
        Utc::now(),
        &oslo_to_utc,
    );
    let problems = match (parsed, &place) {
        (Ok(m), None) => return Ok(Ok((m, choices))),
        (Ok(_), Some(_)) => Vec::new(),
        (Err(problems), _) => problems,
    };
    let mut form = with_problems(
        FormState::with_values(forms::redisplayable(pairs)),
        user.m,
        problems,
    );
    if let Some(text) = place
        && form.error("sted").is_none()
    {
        form.add_error("sted", &text);
    }
    let mut page = form_page(user, c.reader(), &choices, editing, form);
    page.place_check = place_check;
    Ok(Err(invalid(&page)?))
}

/// The form again, the refusal beside the invitees.
fn refused(
    user: &SignedIn,
    c: &MeetingConvener,
    choices: &Choices,
    editing: Option<MeetingId>,
    pairs: &[(String, String)],
    why: CallRefused,
) -> Result<Response, AppError> {
    let mut form = FormState::with_values(forms::redisplayable(pairs));
    let text = match why {
        CallRefused::NotCovered(names) => user
            .m
            .meetings_problem_not_covered
            .replace("{navn}", &names.join(", ")),
        CallRefused::NotOnTeam => user.m.meetings_problem_not_on_team.to_owned(),
    };
    form.add_error("ansatte", &text);
    invalid(&form_page(user, c.reader(), choices, editing, form))
}

pub async fn call(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    body: String,
) -> Result<Response, AppError> {
    let c = convener!(reader);
    let pairs = forms::pairs(&body);
    let (meeting, choices) = match parsed(&state, &user, &c, None, &pairs).await? {
        Ok(p) => p,
        Err(answer) => return Ok(answer),
    };
    let log = c.log_id();
    let rid = user.ctx.request_id.clone();
    let today = today();
    let c2 = c.clone();
    let result = state
        .db
        .write(move |conn| db::call(conn, &c2, &meeting, today, &rid))
        .await?;
    match result {
        Ok(id) => Ok(to_meeting(log, id, "innkalt")),
        Err(why) => refused(&user, &c, &choices, None, &pairs, why),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, m)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let c = convener!(reader);
    let id: MeetingId = path_id(&m)?;
    let r = c.reader().clone();
    let meeting = state.db.read(move |conn| db::meeting(conn, &r, id)).await?;
    if meeting.status != MeetingStatus::Planned {
        // Held or cancelled: nothing to change; the meeting says why.
        return Ok(to_meeting(c.log_id(), id, "ikke-planlagt"));
    }
    let choices = read_choices(&state, &user, c.reader()).await?;
    let start = meeting.starts_at.with_timezone(&Oslo);
    let mut values = vec![
        ("type".to_owned(), meeting.kind.code().to_owned()),
        ("formal".to_owned(), meeting.purpose.clone()),
        ("agenda".to_owned(), meeting.agenda.clone()),
        ("dato".to_owned(), date(start.date_naive())),
        ("fra".to_owned(), clock(meeting.starts_at)),
        ("til".to_owned(), clock(meeting.ends_at)),
        ("sted".to_owned(), meeting.place.clone().unwrap_or_default()),
        (
            "video".to_owned(),
            meeting.video_link.clone().unwrap_or_default(),
        ),
    ];
    // Those who lost access are left out: saving the change drops them.
    for p in meeting.participants.iter().filter(|p| !p.lost_access) {
        match (p.kind, p.user, p.unit, p.guardian) {
            (ParticipantKind::Staff, Some(u), Some(unit), _) => {
                values.push(("ansatte".into(), format!("{u}:{unit}")));
            }
            (ParticipantKind::Unit, _, Some(unit), _) => {
                values.push(("enheter".into(), unit.to_string()));
            }
            (ParticipantKind::Guardian, _, _, Some(g)) => {
                values.push(("foresatte".into(), g.to_string()));
            }
            (ParticipantKind::Child, ..) => values.push(("barnet".into(), "ja".into())),
            _ => {}
        }
    }
    let form = FormState::with_values(values);
    page(&form_page(&user, c.reader(), &choices, Some(id), form))
}

pub async fn change(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, m)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let c = convener!(reader);
    let id: MeetingId = path_id(&m)?;
    let pairs = forms::pairs(&body);
    let (meeting, choices) = match parsed(&state, &user, &c, Some(id), &pairs).await? {
        Ok(p) => p,
        Err(answer) => return Ok(answer),
    };
    let log = c.log_id();
    let rid = user.ctx.request_id.clone();
    let today = today();
    let c2 = c.clone();
    let result = state
        .db
        .write(move |conn| db::change(conn, &c2, id, &meeting, today, &rid))
        .await?;
    match result {
        Ok(()) => Ok(to_meeting(log, id, "endret")),
        Err(why) => refused(&user, &c, &choices, Some(id), &pairs, why),
    }
}

// ---------------------------------------------------------------------------
// The meeting's page

pub struct ParticipantRow {
    pub name: String,
    pub kind: &'static str,
    pub answer: &'static str,
    pub note: Option<String>,
    pub must_answer: bool,
    pub pending: bool,
}

fn participant_row(m: &Messages, p: &Participant) -> ParticipantRow {
    let name = match &p.unit_name {
        Some(unit) => format!("{} ({unit})", p.name),
        None => p.name.clone(),
    };
    let serves = matches!(p.kind, ParticipantKind::Staff | ParticipantKind::Unit);
    ParticipantRow {
        name,
        kind: match p.kind {
            ParticipantKind::Staff => m.team_kind_staff,
            ParticipantKind::Unit => m.meetings_invite_units,
            ParticipantKind::Guardian => m.team_kind_guardian,
            ParticipantKind::Child => m.team_kind_child,
        },
        answer: if p.lost_access {
            m.meetings_lost_access
        } else if serves {
            response_label(m, p.response)
        } else {
            ""
        },
        note: p.note.clone(),
        must_answer: p.must_answer,
        pending: serves && p.response == Reply::Pending && !p.lost_access,
    }
}

#[derive(Template)]
#[template(path = "meetings/meeting.html")]
struct MeetingPage {
    layout: Layout,
    log: String,
    meeting: String,
    child_name: String,
    kind: &'static str,
    status: &'static str,
    when: String,
    place: Option<String>,
    video_link: Option<String>,
    purpose: String,
    agenda: String,
    called_by: String,
    version: i32,
    attendance_required: bool,
    cancelled: Option<String>,
    cancel_reason: Option<String>,
    participants: Vec<ParticipantRow>,
    /// For the convener: who must answer and has not.
    not_answered: Vec<String>,
    may_convene: bool,
    voice_due: Option<String>,
    voice_done: Option<String>,
    /// My invitation: the unit I answer for, if not for myself; my answer.
    my_invitation: Option<MyInvitation>,
    /// The e-mail sent about the meeting (`meetings/mail_status.html`).
    mail_status: MailStatus,
    /// The minutes and the family's ratings (`meetings/minutes_summary.html`).
    minutes_summary: MinutesSummary,
    form: FormState,
}

pub struct MyInvitation {
    pub for_unit: Option<String>,
    pub answered: Option<&'static str>,
    pub must_answer: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct MeetingQuery {
    #[serde(default)]
    melding: Option<String>,
}

fn notice(m: &Messages, code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "innkalt" => m.meetings_notice_called,
        "endret" => m.meetings_notice_changed,
        "avlyst" => m.meetings_notice_cancelled,
        "svart" => m.meetings_notice_answered,
        "stemme" => m.meetings_notice_voice,
        "ikke-planlagt" => m.meetings_notice_not_planned,
        _ => return None,
    })
}

async fn meeting_page(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
    id: MeetingId,
    notice_text: Option<&'static str>,
    form: FormState,
) -> Result<MeetingPage, AppError> {
    let r = reader.clone();
    let writer = reader.writer().ok();
    let (meeting, mine, mail) = state
        .db
        .read(move |c| {
            let meeting = db::meeting(c, &r, id)?;
            let mine = match &writer {
                Some(w) => db::invitation_of(c, w, id)?,
                None => None,
            };
            let mail = laget_db::meetings::mail::for_meeting(c, &r, id)?;
            Ok((meeting, mine, mail))
        })
        .await?;
    record_read(state, user, reader).await?;
    let m = user.m;
    // The answer form starts from the answer given, if any (a form sent
    // back with problems keeps what was sent).
    let form = match &mine {
        Some(p)
            if p.response != Reply::Pending
                && form.value("svar").is_empty()
                && !form.has_errors() =>
        {
            let svar = if p.response == Reply::Accepted {
                "kommer"
            } else {
                "kommer_ikke"
            };
            let mut values = vec![("svar".to_owned(), svar.to_owned())];
            if let Some(n) = &p.note {
                values.push(("merknad".to_owned(), n.clone()));
            }
            FormState::with_values(values)
        }
        _ => form,
    };
    let may_convene = reader.meeting_convener().is_ok();
    let minutes_summary = crate::meetings::minutes::summary(state, user, reader, id).await?;
    Ok(page_of(
        user,
        reader,
        meeting,
        mine,
        may_convene,
        MailStatus::new(state, m, &mail),
        minutes_summary,
        notice_text,
        form.fields(&[
            ("svar", m.meetings_answer),
            ("merknad", m.meetings_answer_note),
            ("grunn", m.meetings_cancel_reason),
        ]),
    ))
}

#[allow(clippy::too_many_arguments)]
fn page_of(
    user: &SignedIn,
    reader: &LogReader,
    meeting: Meeting,
    mine: Option<Participant>,
    may_convene: bool,
    mail_status: MailStatus,
    minutes_summary: MinutesSummary,
    notice_text: Option<&'static str>,
    form: FormState,
) -> MeetingPage {
    let m = user.m;
    let planned = meeting.status == MeetingStatus::Planned;
    let mut layout = Layout::signed_in(user, kind_label(m, meeting.kind)).with_notice(notice_text);
    layout.title = format!("{} – {}", kind_label(m, meeting.kind), meeting.child_name);
    MeetingPage {
        log: reader.log_id().to_string(),
        meeting: meeting.id.to_string(),
        child_name: meeting.child_name.clone(),
        kind: kind_label(m, meeting.kind),
        status: status_label(m, meeting.status),
        when: span(m, meeting.starts_at, meeting.ends_at),
        place: meeting.place.clone(),
        video_link: meeting.video_link.clone(),
        purpose: meeting.purpose.clone(),
        agenda: meeting.agenda.clone(),
        called_by: meeting.called_by.clone().unwrap_or_default(),
        version: meeting.sequence + 1,
        attendance_required: meeting.attendance_required,
        cancelled: meeting
            .cancelled_at
            .map(|t| m.meetings_cancelled.replace("{tid}", &time(t))),
        cancel_reason: meeting.cancel_reason.clone(),
        not_answered: if may_convene && planned {
            meeting
                .not_answered()
                .map(|p| participant_row(m, p).name)
                .collect()
        } else {
            Vec::new()
        },
        participants: meeting
            .participants
            .iter()
            .map(|p| participant_row(m, p))
            .collect(),
        may_convene: may_convene && planned,
        voice_due: meeting
            .voice_due
            .filter(|_| meeting.voice_done_at.is_none())
            .map(|d| m.meetings_voice_due.replace("{dato}", &date(d))),
        voice_done: meeting
            .voice_done_at
            .map(|t| m.meetings_voice_done.replace("{tid}", &time(t))),
        my_invitation: mine.filter(|_| planned).map(|p| MyInvitation {
            for_unit: (p.kind == ParticipantKind::Unit)
                .then(|| m.meetings_answer_for_unit.replace("{enhet}", &p.name)),
            answered: (p.response != Reply::Pending).then(|| response_label(m, p.response)),
            must_answer: p.must_answer,
        }),
        mail_status,
        minutes_summary,
        form,
        layout,
    }
}

pub async fn show(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Path((_, m)): Path<(String, String)>,
    Query(q): Query<MeetingQuery>,
) -> Result<Response, AppError> {
    let id: MeetingId = path_id(&m)?;
    let text = notice(user.m, q.melding.as_deref());
    page(&meeting_page(&state, &user, &reader, id, text, FormState::default()).await?)
}

pub async fn cancel(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, m)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let c = convener!(reader);
    let id: MeetingId = path_id(&m)?;
    let pairs = forms::pairs(&body);
    let reason = match invitation::cancel_reason(forms::get(&pairs, "grunn")) {
        Ok(r) => r,
        Err(problems) => {
            let form = with_problems(
                FormState::with_values(forms::redisplayable(&pairs)),
                user.m,
                problems,
            );
            return invalid(&meeting_page(&state, &user, c.reader(), id, None, form).await?);
        }
    };
    let log = c.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |conn| db::cancel(conn, &c, id, &reason, &rid))
        .await?;
    Ok(to_meeting(log, id, "avlyst"))
}

pub async fn answer(
    State(state): State<AppState>,
    WritableLog { user, writer }: WritableLog,
    Path((_, m)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let id: MeetingId = path_id(&m)?;
    let w = writer.clone();
    let mine = state
        .db
        .read(move |c| db::invitation_of(c, &w, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let pairs = forms::pairs(&body);
    let answer = match Answer::parse(
        forms::get(&pairs, "svar"),
        forms::get(&pairs, "merknad"),
        mine.must_answer,
    ) {
        Ok(a) => a,
        Err(problems) => {
            let form = with_problems(
                FormState::with_values(forms::redisplayable(&pairs)),
                user.m,
                problems,
            );
            return invalid(&meeting_page(&state, &user, writer.reader(), id, None, form).await?);
        }
    };
    let log = writer.log_id();
    let rid = user.ctx.request_id.clone();
    let w = writer.clone();
    let result = state
        .db
        .write(move |c| db::answer(c, &w, id, &answer, &rid))
        .await?;
    match result {
        Ok(()) => Ok(to_meeting(log, id, "svart")),
        Err(AnswerRefused::NeedsReason) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            form.add_error("merknad", user.m.meetings_problem_decline_reason);
            invalid(&meeting_page(&state, &user, writer.reader(), id, None, form).await?)
        }
    }
}

pub async fn voice_gathered(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, m)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let c = convener!(reader);
    let id: MeetingId = path_id(&m)?;
    let log = c.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |conn| db::voice_gathered(conn, &c, id, &rid))
        .await?;
    Ok(to_meeting(log, id, "stemme"))
}

// ---------------------------------------------------------------------------
// The printed invitation

#[derive(Template)]
#[template(path = "meetings/print.html")]
struct PrintPage {
    layout: Layout,
    log: String,
    meeting: String,
    child_name: String,
    kind: &'static str,
    status: &'static str,
    when: String,
    place: Option<String>,
    video_link: Option<String>,
    purpose: String,
    agenda: String,
    called_by: String,
    version: i32,
    attendance_required: bool,
    cancelled: Option<String>,
    cancel_reason: Option<String>,
    participants: Vec<ParticipantRow>,
    printed: String,
}

pub async fn print(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Path((_, m)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id: MeetingId = path_id(&m)?;
    let r = reader.clone();
    let meeting = state.db.read(move |c| db::meeting(c, &r, id)).await?;
    state
        .db
        .record_reads(vec![laget_db::log::read_record(
            &reader,
            Action::Print,
            &user.ctx.request_id,
        )])
        .await?;
    let ms = user.m;
    let mut layout = Layout::signed_in(&user, ms.meetings_print_title);
    layout.title = format!("{} – {}", ms.meetings_print_title, meeting.child_name);
    page(&PrintPage {
        log: reader.log_id().to_string(),
        meeting: meeting.id.to_string(),
        child_name: meeting.child_name.clone(),
        kind: kind_label(ms, meeting.kind),
        status: status_label(ms, meeting.status),
        when: span(ms, meeting.starts_at, meeting.ends_at),
        place: meeting.place.clone(),
        video_link: meeting.video_link.clone(),
        purpose: meeting.purpose.clone(),
        agenda: meeting.agenda.clone(),
        called_by: meeting.called_by.clone().unwrap_or_default(),
        version: meeting.sequence + 1,
        attendance_required: meeting.attendance_required,
        cancelled: meeting
            .cancelled_at
            .map(|t| ms.meetings_cancelled.replace("{tid}", &time(t))),
        cancel_reason: meeting.cancel_reason.clone(),
        participants: meeting
            .participants
            .iter()
            .map(|p| participant_row(ms, p))
            .collect(),
        printed: ms
            .meetings_printed
            .replace("{tid}", &time(Utc::now()))
            .replace("{navn}", &user.display_name),
        layout,
    })
}

// ---------------------------------------------------------------------------
// The log page's «Møter»

/// A meeting in the log page's list.
pub struct MeetingListRow {
    pub href: String,
    pub when: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub minutes: &'static str,
}

/// The log page's rows for its meetings.
pub fn list_rows(
    m: &Messages,
    log: impl std::fmt::Display,
    meetings: &[db::MeetingSummary],
) -> Vec<MeetingListRow> {
    meetings
        .iter()
        .map(|s| MeetingListRow {
            href: format!("/logger/{log}/moter/{}", s.id),
            when: span(m, s.starts_at, s.ends_at),
            kind: kind_label(m, s.kind),
            status: status_label(m, s.status),
            // A cancelled meeting has no minutes: its status says it all.
            minutes: if s.status == MeetingStatus::Cancelled {
                ""
            } else {
                minutes_label(m, s.minutes_status)
            },
        })
        .collect()
}
