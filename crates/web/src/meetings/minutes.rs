//! The minutes of a case meeting in a child's log: the form (from the
//! municipality's template, its guide shown as help), approval by the one
//! who holds the log, decisions marked done, the printed minutes for the
//! archive, and the family's rating of the meeting recorded on their behalf.
//!
//! Routes (all under `/logger/{log}/moter/{meeting}`):
//! - `GET  referat` — the form while the minutes may be written, else the
//!   minutes read-only ([`MinutesSummary`]);
//! - `POST referat` — save the draft (fields below);
//! - `POST referat/godkjenn` — approve what is saved;
//! - `GET  referat/utskrift` — the printable minutes;
//! - `POST vedtak/{decision}/utfort` — mark a decision done (`notat`);
//! - `GET`/`POST vurdering` — the rating form (`hvem`, `poeng`, `kommentar`).
//!
//! The minutes form's fields: `tilstede_<participant>` (`ja`/`nei`),
//! `stemme`, `droftet`, `neste`, `neste_dato`, `vedtak_antall` (how many
//! decision rows the form had) and per row `vedtak_<n>_id` (a written
//! decision), `vedtak_<n>_tekst`, `vedtak_<n>_ansvarlig` (a user id),
//! `vedtak_<n>_frist`. The form offers the written decisions and three
//! empty rows; saving gives three more (no script needed).
//!
//! The meeting page (`invitations.rs`) shows the minutes with
//! [`summary`] and the partial `templates/meetings/minutes_summary.html`,
//! which needs `layout: Layout` and `minutes: MinutesSummary` in its page.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{OpenLog, WholeLog, WritableLog, closed_notice};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::meetings::{templates, words};
use crate::view::choices::Choice;
use crate::view::format::{birth_text, date, deadline_text, time, today};
use crate::view::layout::Layout;
use crate::view::notice::NoticeQuery;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use laget_db::log as logs;
use laget_db::meetings::minutes::{self as db, Draft, MinutesView, RateRefused};
use laget_domain::UserId;
use laget_domain::access::{LogReader, WriteRefused};
use laget_domain::audit::Action;
use laget_domain::ids::{DecisionId, MeetingId};
use laget_domain::meetings::minutes::{
    self as rules, ApprovalRefused, Attendance, DecisionForm, DraftDecision, DraftRefused,
    MinutesForm, MinutesText, NewDecision, NewRating, RaterChoice,
};
use laget_domain::meetings::{MeetingStatus, MinutesStatus, ParticipantKind};
use laget_domain::validation::{FieldError, Problem};

/// The meeting's pages' common start.
fn base(log: impl std::fmt::Display, meeting: MeetingId) -> String {
    format!("/logger/{log}/moter/{meeting}")
}

/// Back to the minutes with a notice.
fn to_minutes(log: impl std::fmt::Display, meeting: MeetingId, notice: &str) -> Response {
    Redirect::to(&format!("{}/referat?melding={notice}", base(log, meeting))).into_response()
}

/// A refused write: a closed log answers with the log page's notice; anyone
/// else who may not is told nothing (404).
fn refused(log: laget_domain::ids::LogId, e: WriteRefused) -> Response {
    match e {
        WriteRefused::Closed => closed_notice(log),
        WriteRefused::Denied => AppError::NotFound.into_response(),
    }
}

fn notice(m: &Messages, q: &NoticeQuery) -> Option<&'static str> {
    Some(match q.melding.as_deref()? {
        "utkast-lagret" => m.minutes_saved,
        "godkjent" => m.minutes_approved,
        "vedtak-utfort" => m.minutes_decision_done_notice,
        "vurdert" => m.minutes_rated,
        "referat-last" => m.minutes_locked,
        "avlyst" => m.minutes_cancelled,
        _ => return None,
    })
}

fn participant_label(m: &Messages, p: &db::Participant) -> String {
    let kind = match p.kind {
        ParticipantKind::Staff => m.minutes_participant_ansatt,
        ParticipantKind::Unit => m.minutes_participant_enhet,
        ParticipantKind::Guardian => m.minutes_participant_foresatt,
        ParticipantKind::Child => m.minutes_participant_barn,
    };
    format!("{} ({kind})", p.name)
}

fn attendance_label(m: &Messages, a: Option<Attendance>) -> &'static str {
    match a {
        Some(Attendance::Present) => m.minutes_present,
        Some(Attendance::Absent) => m.minutes_absent,
        None => m.minutes_not_marked,
    }
}

fn rater_label(m: &Messages, view: &MinutesView, r: RaterChoice) -> String {
    match r {
        RaterChoice::Child => m.minutes_rater_child.to_owned(),
        RaterChoice::Guardian(g) => view
            .participants
            .iter()
            .find(|p| p.guardian == Some(g))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
    }
}

/// The meeting as the minutes' pages head it.
pub struct MeetingInfo {
    pub kind: &'static str,
    pub when: String,
    pub place: Option<String>,
    pub video: Option<String>,
    pub purpose: String,
    pub agenda: String,
}

fn info(m: &Messages, v: &MinutesView) -> MeetingInfo {
    let mt = &v.meeting;
    MeetingInfo {
        kind: words::kind_label(m, mt.kind),
        when: words::span(m, mt.starts_at, mt.ends_at),
        place: mt.place.clone(),
        video: mt.video_link.clone(),
        purpose: mt.purpose.clone(),
        agenda: mt.agenda.clone(),
    }
}

// ---------------------------------------------------------------------------
// The minutes as shown (the meeting page, approved minutes)

/// A decision as the minutes show it.
pub struct DecisionLine {
    pub id: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    pub overdue: bool,
    /// «Utført 07.12.2026 av Petra Testppt», when done.
    pub done: Option<String>,
    pub note: Option<String>,
    /// The measure it became: its page and name.
    pub measure: Option<(String, String)>,
    /// The new-measure form made from it, for those who may write.
    pub to_measure: Option<String>,
    /// Whether the reader may mark it done (its responsible person or the
    /// holder of the log, approved minutes, not done).
    pub may_close: bool,
    /// The note field of the «done» form, its value and problem.
    pub note_field: String,
    pub note_value: String,
    pub note_error: Option<String>,
}

/// A rating as the minutes show it.
pub struct RatingLine {
    pub who: String,
    pub score: u8,
    pub comment: Option<String>,
    pub recorded: String,
}

/// The minutes of one meeting as the meeting page and the approved minutes
/// show them: status, and once approved, who was present, the text and the
/// decisions (with the «done» forms and the way to a measure); and the
/// family's ratings. Rendered by `templates/meetings/minutes_summary.html`.
pub struct MinutesSummary {
    /// `/logger/<log>/moter/<meeting>`.
    pub base: String,
    pub status: &'static str,
    pub approved: bool,
    pub cancelled: bool,
    /// Whether the reader may write the minutes (a draft, or none yet).
    pub may_write: bool,
    pub written: Option<String>,
    pub approved_by: Option<String>,
    pub attendance: Vec<(String, &'static str)>,
    pub voice: Option<String>,
    pub discussed: Option<String>,
    pub next: Option<String>,
    pub decisions: Vec<DecisionLine>,
    pub ratings: Vec<RatingLine>,
    /// Whether the reader may record a rating (someone may still rate a
    /// held meeting).
    pub may_rate: bool,
    /// Whether to show the links to the minutes and the print (not on the
    /// minutes' own form and print).
    pub links: bool,
    /// Whether to show who was present, the text and the decisions: once
    /// approved, and in the print of a draft.
    pub full: bool,
}

/// The next meeting in words and/or its date.
fn next_meeting(v: &MinutesView) -> Option<String> {
    let mn = &v.meeting.minutes;
    match (&mn.next, mn.next_on) {
        (Some(t), Some(d)) => Some(format!("{} – {t}", date(d))),
        (Some(t), None) => Some(t.clone()),
        (None, Some(d)) => Some(date(d)),
        (None, None) => None,
    }
}

/// The minutes of `v` as `reader` sees them; `done_form` holds a «done»
/// form sent back with a problem.
pub fn summary_of(
    m: &Messages,
    reader: &LogReader,
    v: &MinutesView,
    done_form: &FormState,
    today: NaiveDate,
) -> MinutesSummary {
    let mt = &v.meeting;
    let approved = mt.minutes.status == MinutesStatus::Approved;
    let cancelled = mt.status == MeetingStatus::Cancelled;
    let may_write = reader.minutes_writer().is_ok() && !approved && !cancelled;
    let writes = reader.writer().is_ok();
    let by_at = |who: &Option<String>, at: Option<chrono::DateTime<chrono::Utc>>| {
        who.as_ref()
            .zip(at)
            .map(|(w, at)| format!("{w}, {}", time(at)))
    };
    let decisions = v
        .decisions
        .iter()
        .map(|d| {
            let (deadline, overdue) = deadline_text(m, d.deadline, today);
            let note_field = format!("notat_{}", d.id);
            DecisionLine {
                id: d.id.to_string(),
                text: d.text.clone(),
                responsible: d.responsible_name.clone().unwrap_or_default(),
                deadline: if d.done_at.is_some() {
                    date(d.deadline)
                } else {
                    deadline
                },
                overdue: overdue && d.done_at.is_none(),
                done: d.done_at.map(|at| {
                    format!(
                        "{} {} {} {}",
                        m.minutes_decision_done,
                        time(at),
                        m.minutes_decision_done_by,
                        d.done_by.clone().unwrap_or_default()
                    )
                }),
                note: d.done_note.clone(),
                measure: d.measure.as_ref().map(|(id, name)| {
                    (
                        format!("/logger/{}/tiltak/{id}", reader.log_id()),
                        name.clone(),
                    )
                }),
                to_measure: (approved && writes && d.measure.is_none())
                    .then(|| format!("/logger/{}/tiltak?vedtak={}", reader.log_id(), d.id)),
                may_close: approved
                    && d.done_at.is_none()
                    && reader.decision_closer(d.id, d.responsible).is_ok(),
                note_value: done_form.value(&note_field).to_owned(),
                note_error: done_form.error(&note_field).map(str::to_owned),
                note_field,
            }
        })
        .collect();
    let ratings = v
        .ratings
        .iter()
        .map(|r| RatingLine {
            who: if r.name.is_empty() {
                rater_label(m, v, r.rater)
            } else {
                r.name.clone()
            },
            score: r.score.value(),
            comment: r.comment.clone(),
            recorded: match &r.recorded_by {
                Some(by) => format!("{}, {} {by}", time(r.recorded_at), m.minutes_recorded_by),
                // Given in the family's portal (H5).
                None => format!("{}, {}", time(r.recorded_at), m.minutes_rated_in_portal),
            },
        })
        .collect();
    let rated = v.rated();
    let may_rate = reader.rating_recorder().is_ok()
        && !cancelled
        && mt.starts_at <= chrono::Utc::now()
        && v.raters().iter().any(|r| !rated.contains(r));
    MinutesSummary {
        base: base(reader.log_id(), mt.id),
        status: words::minutes_label(m, mt.minutes.status),
        approved,
        cancelled,
        may_write,
        written: by_at(&mt.minutes.written_by, mt.minutes.updated_at),
        approved_by: by_at(&mt.minutes.approved_by, mt.minutes.approved_at),
        attendance: v
            .participants
            .iter()
            .map(|p| (participant_label(m, p), attendance_label(m, p.attended)))
            .collect(),
        voice: mt.minutes.voice.clone(),
        discussed: mt.minutes.discussed.clone(),
        next: next_meeting(v),
        decisions,
        ratings,
        may_rate,
        links: true,
        full: approved,
    }
}

async fn load(
    state: &AppState,
    reader: &LogReader,
    meeting: MeetingId,
) -> Result<MinutesView, AppError> {
    let r = reader.clone();
    Ok(state.db.read(move |c| db::minutes(c, &r, meeting)).await?)
}

/// The minutes of `meeting` for the meeting page, as `reader` sees them.
/// Reads only: the meeting page records its read of the log before showing
/// it, as every log page does. A meeting of another log is a 404.
pub async fn summary(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
    meeting: MeetingId,
) -> Result<MinutesSummary, AppError> {
    let v = load(state, reader, meeting).await?;
    Ok(summary_of(
        user.m,
        reader,
        &v,
        &FormState::default(),
        today(),
    ))
}

// ---------------------------------------------------------------------------
// The minutes form

/// A participant's row of the attendance fieldset.
struct AttendanceRow {
    field: String,
    label: String,
}

/// A decision row of the form: the names of its fields.
struct DecisionRow {
    n: usize,
    id_field: String,
    id: String,
    text_field: String,
    responsible_field: String,
    deadline_field: String,
}

#[derive(Template)]
#[template(path = "meetings/minutes.html")]
struct MinutesPage {
    layout: Layout,
    log: String,
    base: String,
    child_name: String,
    info: MeetingInfo,
    guide: String,
    /// The form is shown (the reader may write, the minutes are not
    /// approved, the meeting was not cancelled).
    editable: bool,
    /// The approval form is shown (the holder, a saved draft).
    may_approve: bool,
    attendance: Vec<AttendanceRow>,
    attendance_choices: Vec<Choice>,
    decisions: Vec<DecisionRow>,
    staff: Vec<Choice>,
    rows: usize,
    form: FormState,
    minutes: MinutesSummary,
}

/// Field names of the form in the order it shows them, with their labels
/// (the error summary lists problems in this order).
fn labelled(m: &Messages, v: &MinutesView, rows: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![("tilstede".into(), m.minutes_attendance.into())];
    for p in &v.participants {
        out.push((format!("tilstede_{}", p.id), participant_label(m, p)));
    }
    out.push(("stemme".into(), m.minutes_voice.into()));
    out.push(("droftet".into(), m.minutes_discussed.into()));
    for n in 1..=rows {
        let what = format!("{} {n}", m.minutes_decision_n);
        out.push((
            format!("vedtak_{n}_tekst"),
            format!("{what}: {}", m.minutes_decision_text),
        ));
        out.push((
            format!("vedtak_{n}_ansvarlig"),
            format!("{what}: {}", m.minutes_decision_responsible),
        ));
        out.push((
            format!("vedtak_{n}_frist"),
            format!("{what}: {}", m.minutes_decision_deadline),
        ));
    }
    out.push(("neste".into(), m.minutes_next.into()));
    out.push(("neste_dato".into(), m.minutes_next_on.into()));
    out.push(("godkjenn".into(), m.minutes_approve_title.into()));
    out
}

/// How many decision rows the form offers: those written and three empty,
/// at most [`rules::MAX_DECISIONS`].
fn rows_for(written: usize) -> usize {
    (written + rules::EMPTY_DECISION_ROWS).min(rules::MAX_DECISIONS)
}

/// The form filled with what is stored.
fn stored_form(v: &MinutesView) -> FormState {
    let mn = &v.meeting.minutes;
    let mut values: Vec<(String, String)> = Vec::new();
    for p in &v.participants {
        values.push((
            format!("tilstede_{}", p.id),
            p.attended.map(Attendance::code).unwrap_or("").to_owned(),
        ));
    }
    values.push(("stemme".into(), mn.voice.clone().unwrap_or_default()));
    values.push(("droftet".into(), mn.discussed.clone().unwrap_or_default()));
    values.push(("neste".into(), mn.next.clone().unwrap_or_default()));
    values.push((
        "neste_dato".into(),
        mn.next_on.map(date).unwrap_or_default(),
    ));
    for (i, d) in v.decisions.iter().enumerate() {
        let n = i + 1;
        values.push((format!("vedtak_{n}_id"), d.id.to_string()));
        values.push((format!("vedtak_{n}_tekst"), d.text.clone()));
        values.push((
            format!("vedtak_{n}_ansvarlig"),
            d.responsible.map(|u| u.to_string()).unwrap_or_default(),
        ));
        values.push((format!("vedtak_{n}_frist"), date(d.deadline)));
    }
    FormState::with_values(values)
}

/// Adds problems under the form's field names, in the reader's words; the
/// caller orders them with [`FormState::fields`].
fn with_errors(mut form: FormState, m: &Messages, errors: &[(String, Problem)]) -> FormState {
    for (field, problem) in errors {
        form.add_error(field, &m.problem(*problem));
    }
    form
}

fn order(form: FormState, labels: &[(String, String)]) -> FormState {
    let pairs: Vec<(&str, &str)> = labels
        .iter()
        .map(|(f, l)| (f.as_str(), l.as_str()))
        .collect();
    form.fields(&pairs)
}

async fn minutes_page(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
    v: MinutesView,
    form: Option<FormState>,
    done_form: &FormState,
    rows: Option<usize>,
) -> Result<MinutesPage, AppError> {
    let today = today();
    let r = reader.clone();
    let kind = v.meeting.kind;
    let (staff, guide) = state
        .db
        .read(move |c| {
            Ok((
                db::responsible_choices(c, &r, today)?,
                laget_db::meetings::templates::for_kind(c, r.municipality_id(), kind)?,
            ))
        })
        .await?;
    crate::extract::log::record_read(state, user, reader).await?;
    let mt = &v.meeting;
    let approved = mt.minutes.status == MinutesStatus::Approved;
    let cancelled = mt.status == MeetingStatus::Cancelled;
    let editable = reader.minutes_writer().is_ok() && !approved && !cancelled;
    let rows = rows.unwrap_or_else(|| rows_for(v.decisions.len()));
    let labels = labelled(user.m, &v, rows);
    let form = order(form.unwrap_or_else(|| stored_form(&v)), &labels);
    let mut layout = Layout::signed_in(user, user.m.minutes_title);
    layout.title = format!("{} – {}", user.m.minutes_title, v.child_name);
    Ok(MinutesPage {
        layout,
        log: reader.log_id().to_string(),
        base: base(reader.log_id(), mt.id),
        child_name: v.child_name.clone(),
        info: info(user.m, &v),
        guide: templates::text(user.m, kind, guide.as_ref()).minutes_guide,
        editable,
        may_approve: editable
            && mt.minutes.status == MinutesStatus::Draft
            && reader.minutes_approver().is_ok(),
        attendance: v
            .participants
            .iter()
            .map(|p| AttendanceRow {
                field: format!("tilstede_{}", p.id),
                label: participant_label(user.m, p),
            })
            .collect(),
        attendance_choices: Attendance::ALL
            .iter()
            .map(|a| Choice {
                value: a.code().into(),
                label: attendance_label(user.m, Some(*a)).into(),
            })
            .collect(),
        decisions: (1..=rows)
            .map(|n| DecisionRow {
                n,
                id_field: format!("vedtak_{n}_id"),
                id: form.value(&format!("vedtak_{n}_id")).to_owned(),
                text_field: format!("vedtak_{n}_tekst"),
                responsible_field: format!("vedtak_{n}_ansvarlig"),
                deadline_field: format!("vedtak_{n}_frist"),
            })
            .collect(),
        staff: staff
            .iter()
            .map(|(u, name)| Choice {
                value: u.to_string(),
                label: name.clone(),
            })
            .collect(),
        rows,
        minutes: MinutesSummary {
            links: false,
            ..summary_of(user.m, reader, &v, done_form, today)
        },
        form,
    })
}

pub async fn show(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Path((_, meeting)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let v = load(&state, &reader, meeting).await?;
    let mut p = minutes_page(&state, &user, &reader, v, None, &FormState::default(), None).await?;
    p.layout = p.layout.with_notice(notice(user.m, &q));
    page(&p)
}

/// The draft from the form's pairs, or the problems by field.
fn parse_draft(
    pairs: &[(String, String)],
    v: &MinutesView,
    staff: &[UserId],
    today: NaiveDate,
) -> Result<Draft, Vec<(String, Problem)>> {
    let get = |k: &str| forms::get(pairs, k);
    let mut errors: Vec<(String, Problem)> = Vec::new();
    let mut attendance = Vec::new();
    for p in &v.participants {
        let field = format!("tilstede_{}", p.id);
        match Attendance::parse(get(&field)) {
            Ok(a) => attendance.push((p.id, a)),
            Err(e) => errors.push((field, e)),
        }
    }
    let text = MinutesText::parse(
        &MinutesForm {
            voice: get("stemme"),
            discussed: get("droftet"),
            next: get("neste"),
            next_on: get("neste_dato"),
        },
        v.meeting.minutes.next_on,
        today,
    );
    let text = match text {
        Ok(t) => Some(t),
        Err(p) => {
            errors.extend(p.into_vec().into_iter().map(field_error));
            None
        }
    };
    let rows = get("vedtak_antall")
        .parse::<usize>()
        .unwrap_or(0)
        .min(rules::MAX_DECISIONS);
    let mut decisions = Vec::new();
    for n in 1..=rows {
        let id = match get(&format!("vedtak_{n}_id")) {
            "" => None,
            raw => Some(
                raw.parse::<DecisionId>()
                    .map_err(|_| vec![(format!("vedtak_{n}_tekst"), Problem::UnknownChoice)])?,
            ),
        };
        let kept = id.and_then(|id| v.decisions.iter().find(|d| d.id == id).map(|d| d.deadline));
        let form = DecisionForm {
            text: get(&format!("vedtak_{n}_tekst")),
            responsible: get(&format!("vedtak_{n}_ansvarlig")),
            deadline: get(&format!("vedtak_{n}_frist")),
        };
        match NewDecision::parse(&form, staff, kept, today) {
            Ok(Some(decision)) => decisions.push(DraftDecision { id, decision }),
            Ok(None) => {}
            Err(p) => errors.extend(
                p.into_vec()
                    .into_iter()
                    .map(|e| (format!("vedtak_{n}_{}", e.field), e.problem)),
            ),
        }
    }
    match text {
        Some(text) if errors.is_empty() => Ok(Draft {
            attendance,
            text,
            decisions,
        }),
        _ => Err(errors),
    }
}

fn field_error(e: FieldError) -> (String, Problem) {
    (e.field.to_owned(), e.problem)
}

pub async fn save(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, meeting)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let reader = w.reader().clone();
    if let Err(e) = reader.minutes_writer() {
        return Ok(refused(reader.log_id(), e));
    }
    let pairs = forms::pairs(&body);
    let v = load(&state, &reader, meeting).await?;
    if let Err(r) = rules::check_draft(v.meeting.status, v.meeting.minutes.status) {
        return Ok(draft_refused(reader.log_id(), meeting, r));
    }
    let today = today();
    let r = reader.clone();
    let staff: Vec<UserId> = state
        .db
        .read(move |c| db::responsible_choices(c, &r, today))
        .await?
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    let draft = match parse_draft(&pairs, &v, &staff, today) {
        Ok(d) => d,
        Err(errors) => {
            let rows = forms::get(&pairs, "vedtak_antall")
                .parse::<usize>()
                .unwrap_or(0)
                .min(rules::MAX_DECISIONS);
            let form = with_errors(
                FormState::with_values(forms::redisplayable(&pairs)),
                user.m,
                &errors,
            );
            let p = minutes_page(
                &state,
                &user,
                &reader,
                v,
                Some(form),
                &FormState::default(),
                Some(rows),
            )
            .await?;
            return invalid(&p);
        }
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    let outcome = state
        .db
        .write(move |c| db::save_draft(c, &w, meeting, &draft, &rid))
        .await?;
    Ok(match outcome {
        Ok(()) => to_minutes(log, meeting, "utkast-lagret"),
        Err(r) => draft_refused(log, meeting, r),
    })
}

fn draft_refused(log: laget_domain::ids::LogId, meeting: MeetingId, r: DraftRefused) -> Response {
    match r {
        DraftRefused::Locked => to_minutes(log, meeting, "referat-last"),
        DraftRefused::Cancelled => to_minutes(log, meeting, "avlyst"),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, meeting)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let approver = match reader.minutes_approver() {
        Ok(a) => a,
        Err(e) => return Ok(refused(reader.log_id(), e)),
    };
    let log = reader.log_id();
    let rid = user.ctx.request_id.clone();
    let outcome = state
        .db
        .write(move |c| db::approve(c, &approver, meeting, &rid))
        .await?;
    let errors: Vec<(String, Problem)> = match outcome {
        Ok(_) => return Ok(to_minutes(log, meeting, "godkjent")),
        Err(ApprovalRefused::Approved) => return Ok(to_minutes(log, meeting, "godkjent")),
        Err(ApprovalRefused::Cancelled) => return Ok(to_minutes(log, meeting, "avlyst")),
        Err(ApprovalRefused::NotYetHeld) => Vec::new(),
        Err(ApprovalRefused::Incomplete(p)) => p.into_vec().into_iter().map(field_error).collect(),
    };
    let v = load(&state, &reader, meeting).await?;
    let mut form = with_errors(stored_form(&v), user.m, &errors);
    if errors.is_empty() {
        form.add_error("godkjenn", user.m.minutes_not_yet_held);
    }
    let p = minutes_page(
        &state,
        &user,
        &reader,
        v,
        Some(form),
        &FormState::default(),
        None,
    )
    .await?;
    invalid(&p)
}

pub async fn mark_done(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, meeting, decision)): Path<(String, String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let decision: DecisionId = path_id(&decision)?;
    let r = reader.clone();
    let d = state
        .db
        .read(move |c| db::decision(c, &r, meeting, decision))
        .await?;
    let closer = match reader.decision_closer(d.id, d.responsible) {
        Ok(c) => c,
        Err(e) => return Ok(refused(reader.log_id(), e)),
    };
    if !d.approved {
        return Err(AppError::NotFound);
    }
    let pairs = forms::pairs(&body);
    let note = match rules::done_note(forms::get(&pairs, "notat")) {
        Ok(n) => n,
        Err(p) => {
            let field = format!("notat_{}", d.id);
            let mut done_form =
                FormState::with_values([(field.clone(), forms::get(&pairs, "notat").to_owned())]);
            for e in p.into_vec() {
                done_form.add_error(&field, &user.m.problem(e.problem));
            }
            let v = load(&state, &reader, meeting).await?;
            let mut p = minutes_page(&state, &user, &reader, v, None, &done_form, None).await?;
            p.form.errors = done_form.errors.clone();
            return invalid(&p);
        }
    };
    let log = reader.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| db::mark_done(c, &closer, &note, &rid))
        .await?;
    Ok(to_minutes(log, meeting, "vedtak-utfort"))
}

// ---------------------------------------------------------------------------
// The printed minutes

#[derive(Template)]
#[template(path = "meetings/minutes_print.html")]
struct PrintPage {
    layout: Layout,
    reference: String,
    base: String,
    child_name: String,
    birth: String,
    info: MeetingInfo,
    draft: bool,
    printed: String,
    printed_by: String,
    minutes: MinutesSummary,
}

pub async fn print(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Path((_, meeting)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let v = load(&state, &reader, meeting).await?;
    state
        .db
        .record_reads(vec![logs::read_record(
            &reader,
            Action::Print,
            &user.ctx.request_id,
        )])
        .await?;
    let today = today();
    let mut layout = Layout::signed_in(&user, user.m.minutes_title);
    layout.title = format!("{} – {}", user.m.minutes_title, v.child_name);
    // The archive copy: no forms, whoever prints it.
    let mut minutes = summary_of(user.m, &reader, &v, &FormState::default(), today);
    minutes.may_write = false;
    minutes.may_rate = false;
    minutes.links = false;
    minutes.full = !minutes.cancelled;
    // Deadlines as dates only: a printed copy is read later, when «(om 39
    // dager)» would no longer be true.
    for (d, of) in minutes.decisions.iter_mut().zip(&v.decisions) {
        d.may_close = false;
        d.to_measure = None;
        d.deadline = date(of.deadline);
        d.overdue = false;
    }
    page(&PrintPage {
        layout,
        // The reference is the meeting's id, as on the printed invitation.
        reference: v.meeting.id.to_string(),
        base: base(reader.log_id(), v.meeting.id),
        child_name: v.child_name.clone(),
        birth: birth_text(user.m, v.child_birth, today),
        info: info(user.m, &v),
        draft: v.meeting.minutes.status != MinutesStatus::Approved,
        printed: time(chrono::Utc::now()),
        printed_by: user.display_name.clone(),
        minutes,
    })
}

// ---------------------------------------------------------------------------
// The family's rating

#[derive(Template)]
#[template(path = "meetings/rating.html")]
struct RatingPage {
    layout: Layout,
    log: String,
    base: String,
    child_name: String,
    info: MeetingInfo,
    child_age: String,
    /// Why nobody can rate now, when nobody can.
    closed: Option<&'static str>,
    raters: Vec<Choice>,
    scores: Vec<Choice>,
    form: FormState,
    minutes: MinutesSummary,
}

async fn rating_page(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
    v: MinutesView,
    form: FormState,
) -> Result<RatingPage, AppError> {
    crate::extract::log::record_read(state, user, reader).await?;
    let m = user.m;
    let rated = v.rated();
    let raters: Vec<Choice> = v
        .raters()
        .into_iter()
        .filter(|r| !rated.contains(r))
        .map(|r| Choice {
            value: r.code(),
            label: rater_label(m, &v, r),
        })
        .collect();
    let closed = if v.meeting.status == MeetingStatus::Cancelled {
        Some(m.minutes_cancelled)
    } else if v.meeting.starts_at > chrono::Utc::now() {
        Some(m.minutes_rate_not_yet)
    } else if v.raters().is_empty() {
        Some(m.minutes_no_raters)
    } else if raters.is_empty() {
        Some(m.minutes_all_rated)
    } else {
        None
    };
    let mut layout = Layout::signed_in(user, m.minutes_rate_title);
    layout.title = format!("{} – {}", m.minutes_rate_title, v.child_name);
    let form = form.fields(&[
        ("hvem", m.minutes_rater),
        ("poeng", m.minutes_score),
        ("kommentar", m.minutes_comment),
    ]);
    Ok(RatingPage {
        layout,
        log: reader.log_id().to_string(),
        base: base(reader.log_id(), v.meeting.id),
        child_name: v.child_name.clone(),
        info: info(m, &v),
        child_age: m
            .minutes_rate_child_age
            .replace("{alder}", &rules::CHILD_RATES_FROM_AGE.to_string()),
        closed,
        raters,
        scores: (1..=5u8)
            .map(|s| Choice {
                value: s.to_string(),
                label: match s {
                    1 => m.minutes_score_1.to_owned(),
                    5 => m.minutes_score_5.to_owned(),
                    _ => s.to_string(),
                },
            })
            .collect(),
        minutes: MinutesSummary {
            may_rate: false,
            ..summary_of(m, reader, &v, &FormState::default(), today())
        },
        form,
    })
}

pub async fn rating_form(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, meeting)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let reader = w.reader().clone();
    if let Err(e) = reader.rating_recorder() {
        return Ok(refused(reader.log_id(), e));
    }
    let v = load(&state, &reader, meeting).await?;
    page(&rating_page(&state, &user, &reader, v, FormState::default()).await?)
}

pub async fn rate(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, meeting)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let reader = w.reader().clone();
    let w = match reader.rating_recorder() {
        Ok(w) => w,
        Err(e) => return Ok(refused(reader.log_id(), e)),
    };
    let pairs = forms::pairs(&body);
    let v = load(&state, &reader, meeting).await?;
    let back = |v: MinutesView, errors: Vec<(String, String)>| {
        let mut form = FormState::with_values(forms::redisplayable(&pairs));
        for (field, message) in &errors {
            form.add_error(field, message);
        }
        (v, form)
    };
    let m = user.m;
    let problem_text = |e: &FieldError| match (e.field, e.problem) {
        ("hvem", Problem::Taken) => m.minutes_rated_already.to_owned(),
        // Radio buttons: nothing to write, one to choose.
        ("poeng", _) => m.minutes_score_problem.to_owned(),
        (_, p) => m.problem(p),
    };
    let parsed = NewRating::parse(
        forms::get(&pairs, "hvem"),
        forms::get(&pairs, "poeng"),
        forms::get(&pairs, "kommentar"),
        &v.raters(),
        &v.rated(),
    );
    let rating = match parsed {
        Ok(r) => r,
        Err(p) => {
            let errors = p
                .into_vec()
                .iter()
                .map(|e| (e.field.to_owned(), problem_text(e)))
                .collect();
            let (v, form) = back(v, errors);
            return invalid(&rating_page(&state, &user, &reader, v, form).await?);
        }
    };
    let log = reader.log_id();
    let rid = user.ctx.request_id.clone();
    let outcome = state
        .db
        .write(move |c| db::rate(c, &w, meeting, &rating, &rid))
        .await?;
    let message = match outcome {
        Ok(_) => return Ok(to_minutes(log, meeting, "vurdert")),
        Err(RateRefused::Cancelled) => m.minutes_cancelled,
        Err(RateRefused::NotYetHeld) => m.minutes_rate_not_yet,
        Err(RateRefused::NotARater) => m.problem_unknown_choice,
        Err(RateRefused::Rated) => m.minutes_rated_already,
    };
    let v = load(&state, &reader, meeting).await?;
    let (v, form) = back(v, vec![("hvem".to_owned(), message.to_owned())]);
    invalid(&rating_page(&state, &user, &reader, v, form).await?)
}
