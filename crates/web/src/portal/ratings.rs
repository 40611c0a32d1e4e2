//! The family's rating of a meeting (`/familie/logger/{log}/moter/{meeting}/vurdering`):
//! a guardian who was invited, or the youth, rates a held meeting of their
//! log (its minutes approved) from 1 to 5 with a comment. Once: a second
//! rating is refused with a message, as staff's recording is (the first
//! one stands; staff may have recorded it on the family's behalf already).
//!
//! A meeting not held, not the citizen's (not invited, recorded absent),
//! or already rated: the page says why and shows no form (GET 200, POST
//! 409). A meeting of another log: 404. A closed log: the page says so.

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::{FamilyLog, SignedInCitizen};
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::i18n::Messages;
use crate::meetings::words as meeting_words;
use crate::view::choices::Choice;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::portal::ratings::{self as db, NotRateable, Rateable};
use laget_domain::access::FamilyReader;
use laget_domain::ids::MeetingId;

#[derive(Template)]
#[template(path = "portal/rating.html")]
struct RatingPage {
    layout: Layout,
    log: String,
    meeting: String,
    child_name: String,
    what: String,
    when: String,
    /// Why no form is shown.
    refused: Option<&'static str>,
    scores: Vec<Choice>,
    form: FormState,
}

#[derive(serde::Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

fn why(m: &Messages, r: &FamilyReader, refused: Option<NotRateable>) -> Option<&'static str> {
    if r.writer().is_err() {
        return Some(m.portal_log_closed);
    }
    Some(match refused? {
        NotRateable::NotHeld => m.portal_rating_not_held,
        NotRateable::NotInvited => m.portal_rating_not_invited,
        NotRateable::Rated => m.portal_rating_rated,
    })
}

fn rating_page(
    citizen: &SignedInCitizen,
    r: &FamilyReader,
    x: &Rateable,
    notice: bool,
    form: FormState,
) -> RatingPage {
    let m = citizen.m;
    let mut layout = Layout::citizen(citizen, m.portal_rating_title);
    if notice {
        layout.notice = Some(m.portal_rating_saved);
    }
    let meeting = &x.view.meeting;
    RatingPage {
        layout,
        log: r.log_id().to_string(),
        meeting: meeting.id.to_string(),
        child_name: x.view.child_name.clone(),
        what: meeting_words::kind_label(m, meeting.kind).to_owned(),
        when: meeting_words::span(m, meeting.starts_at, meeting.ends_at),
        refused: if notice { None } else { why(m, r, x.refused) },
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
        form: form.fields(&[("poeng", m.minutes_score), ("kommentar", m.minutes_comment)]),
    }
}

async fn load(
    state: &AppState,
    citizen: &SignedInCitizen,
    r: &FamilyReader,
    meeting: MeetingId,
) -> Result<Rateable, AppError> {
    let (reader, rid) = (r.clone(), citizen.ctx.request_id.clone());
    Ok(state
        .db
        .write(move |c| db::rating_form(c, &reader, meeting, &rid))
        .await?)
}

pub async fn form(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    Path((_, meeting)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<Notice>,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let x = load(&state, &citizen, &reader, meeting).await?;
    let saved = q.melding.as_deref() == Some("lagret");
    page(&rating_page(
        &citizen,
        &reader,
        &x,
        saved,
        FormState::default(),
    ))
}

pub async fn rate(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    Path((_, meeting)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let meeting: MeetingId = path_id(&meeting)?;
    let pairs = forms::pairs(&body);
    let m = citizen.m;
    let kept = || FormState::with_values(forms::redisplayable(&pairs));
    let Ok(w) = reader.writer() else {
        let x = load(&state, &citizen, &reader, meeting).await?;
        let p = rating_page(&citizen, &reader, &x, false, kept());
        return Ok((StatusCode::CONFLICT, page(&p)?).into_response());
    };
    let (score, comment) = (
        forms::get(&pairs, "poeng").to_owned(),
        forms::get(&pairs, "kommentar").to_owned(),
    );
    let rid = citizen.ctx.request_id.clone();
    let outcome = state
        .db
        .write(move |c| db::rate(c, &w, meeting, &score, &comment, &rid))
        .await?;
    let log = reader.log_id();
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!(
            "/familie/logger/{log}/moter/{meeting}/vurdering?melding=lagret"
        ))
        .into_response()),
        Err(Err(_)) => {
            let x = load(&state, &citizen, &reader, meeting).await?;
            let p = rating_page(&citizen, &reader, &x, false, kept());
            Ok((StatusCode::CONFLICT, page(&p)?).into_response())
        }
        Err(Ok(problems)) => {
            let mut form = kept();
            for e in problems.into_vec() {
                // Radio buttons: nothing to write, one to choose.
                let text = match e.field {
                    "poeng" => m.minutes_score_problem.to_owned(),
                    _ => m.problem(e.problem),
                };
                form.add_error(e.field, &text);
            }
            let x = load(&state, &citizen, &reader, meeting).await?;
            invalid(&rating_page(&citizen, &reader, &x, false, form))
        }
    }
}
