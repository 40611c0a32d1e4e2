//! The family's own voice (`/familie/logger/{log}/stemme`): a guardian
//! writes what the child says — the day and how it was heard («barnet skrev
//! selv», «fortalt til foresatt», …) — or the guardians' own view
//! («Foresattes syn»); a youth writes their own voice. Saved as an entry of
//! the log's timeline with the citizen as author; staff see it in the
//! child's part of the log as written on the family's side.
//!
//! A closed log takes no more: the page says so (200 on GET, 409 on POST)
//! instead of showing the form. Anyone who may not open the log gets the
//! `FamilyLog` extractor's 404.

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::{FamilyLog, SignedInCitizen};
use crate::extract::form::{self as forms, FormState};
use crate::view::choices::Choice;
use crate::view::format::{date, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laget_domain::access::FamilyReader;
use laget_domain::portal::FamilyRole;
use laget_domain::portal::voice::{FAMILY_VOICE_METHODS, FamilyVoice, MAX_FAMILY_TEXT};

#[derive(Template)]
#[template(path = "portal/voice.html")]
struct VoicePage {
    layout: Layout,
    log: String,
    child_name: String,
    youth: bool,
    /// The log is closed: no form, a notice.
    closed: bool,
    whose: Vec<Choice>,
    methods: Vec<Choice>,
    words_hint: String,
    form: FormState,
}

#[derive(serde::Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

async fn voice_page(
    state: &AppState,
    citizen: &SignedInCitizen,
    r: &FamilyReader,
    notice: bool,
    form: FormState,
) -> Result<VoicePage, AppError> {
    let m = citizen.m;
    let (reader, rid) = (r.clone(), citizen.ctx.request_id.clone());
    let child_name = state
        .db
        .write(move |c| laget_db::portal::voice::child_name(c, &reader, &rid))
        .await?;
    let youth = r.role() == FamilyRole::Youth;
    let mut layout = Layout::citizen(citizen, m.portal_voice_title);
    if notice {
        layout.notice = Some(m.portal_voice_saved);
    }
    Ok(VoicePage {
        layout,
        log: r.log_id().to_string(),
        child_name,
        youth,
        closed: r.writer().is_err(),
        whose: vec![
            Choice {
                value: "barnet".into(),
                label: m.portal_voice_whose_child.into(),
            },
            Choice {
                value: "foresatte".into(),
                label: m.portal_voice_whose_guardians.into(),
            },
        ],
        methods: FAMILY_VOICE_METHODS
            .iter()
            .map(|c| Choice {
                value: (*c).into(),
                label: crate::log::words::voice_method(m, c).into(),
            })
            .collect(),
        // A youth writes about themself (stranger 12, #12).
        words_hint: if youth {
            m.portal_voice_words_hint_youth
        } else {
            m.portal_voice_words_hint
        }
        .replace("{max}", &MAX_FAMILY_TEXT.to_string()),
        form: form.fields(&[
            ("hvem", m.portal_voice_whose),
            ("dato", m.portal_voice_date),
            ("metode", m.portal_voice_method),
            ("ord", m.portal_voice_words),
        ]),
    })
}

pub async fn form(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    axum::extract::Query(q): axum::extract::Query<Notice>,
) -> Result<Response, AppError> {
    let form = FormState::with_values([("dato", date(today())), ("hvem", "barnet".into())]);
    let saved = q.melding.as_deref() == Some("lagret");
    page(&voice_page(&state, &citizen, &reader, saved, form).await?)
}

pub async fn save(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let Ok(w) = reader.writer() else {
        let form = FormState::with_values(forms::redisplayable(&pairs));
        let p = voice_page(&state, &citizen, &reader, false, form).await?;
        return Ok((StatusCode::CONFLICT, page(&p)?).into_response());
    };
    let v = match FamilyVoice::parse(
        reader.role(),
        forms::get(&pairs, "hvem"),
        forms::get(&pairs, "dato"),
        forms::get(&pairs, "metode"),
        forms::get(&pairs, "ord"),
        today(),
    ) {
        Ok(v) => v,
        Err(p) => {
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(citizen.m, p.into_vec());
            return invalid(&voice_page(&state, &citizen, &reader, false, form).await?);
        }
    };
    let log = w.log_id();
    let rid = citizen.ctx.request_id.clone();
    state
        .db
        .write(move |c| laget_db::portal::voice::add(c, &w, &v, &rid))
        .await?;
    Ok(Redirect::to(&format!("/familie/logger/{log}/stemme?melding=lagret")).into_response())
}
