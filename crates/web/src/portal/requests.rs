//! What the family asks for, and the answer.
//!
//! - The family (`/familie/logger/{log}/be-om`): ask for a meeting about
//!   the child (a message, a wished time if they like) or to bring the case
//!   to one of the municipality's tidlig innsatsteam (the one for the
//!   child's age group first); see their own requests and the answers. A
//!   closed log takes no new request: the page says so (POST 409).
//! - The log's holder (the lead, or the keeping unit's leader;
//!   `/logger/{log}/henvendelser/{request}`): sees the open requests on the
//!   log page and on «Mine oppgaver», answers with a short text; for a
//!   meeting the page links to calling one, for a team the team's leader
//!   may take the case up at once as brought by the guardians
//!   (`laget_db::meetings::team_cases::bring` with `BroughtBy::Guardian`).
//!   Anyone else who opens the log gets 404 on the answer page.

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::{FamilyLog, SignedInCitizen};
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{OpenLog, closed_notice, record_read};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{time, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::meetings::team_cases::NewTeamCase;
use laget_db::portal::requests::{self as db, Request, TeamChoice};
use laget_domain::access::{FamilyReader, LogReader, TeamMember, WriteRefused};
use laget_domain::ids::FamilyRequestId;
use laget_domain::meetings::BroughtBy;
use laget_domain::portal::RequestKind;
use laget_domain::portal::voice::{MAX_ANSWER, MAX_FAMILY_TEXT, NewRequest, answer, case_band};

/// A request as a list shows it.
pub struct RequestLine {
    pub id: String,
    pub what: String,
    pub asked: String,
    pub message: String,
    pub answer: Option<String>,
    /// «Svar fra Tora Testansatt, 7.12.2026 kl. 10:00».
    pub answered: String,
}

fn what(m: &Messages, r: &Request) -> String {
    match (r.kind, &r.team) {
        (RequestKind::Meeting, _) => m.portal_request_kind_meeting.to_owned(),
        (RequestKind::Team, Some((_, name))) => {
            m.portal_request_kind_team_named.replace("{team}", name)
        }
        (RequestKind::Team, None) => m.portal_request_kind_team.to_owned(),
    }
}

fn line(m: &Messages, r: &Request) -> RequestLine {
    RequestLine {
        id: r.id.to_string(),
        what: what(m, r),
        asked: time(r.created_at),
        message: r.message.clone(),
        answer: r.answer.clone(),
        answered: match (&r.answered_by, r.answered_at) {
            (Some(by), Some(at)) => m
                .portal_request_answered_by
                .replace("{navn}", by)
                .replace("{tid}", &time(at)),
            (None, Some(at)) => time(at),
            _ => String::new(),
        },
    }
}

// ── The family's page ───────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "portal/requests.html")]
struct RequestsPage {
    layout: Layout,
    log: String,
    closed: bool,
    kinds: Vec<Choice>,
    teams: Vec<Choice>,
    message_hint: String,
    requests: Vec<RequestLine>,
    form: FormState,
}

#[derive(serde::Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

fn team_label(m: &Messages, t: &TeamChoice) -> String {
    let mut label = t.name.clone();
    // The band with an en dash, «1–5 år», and not again when the team's
    // name says it already (stranger 12, #12: «Tidlig innsatsteam 1–5 år
    // (1-5 år)»).
    if let Some(band) = &t.age_band {
        let band = band.replace('-', "–");
        if !t.name.replace('-', "–").contains(&band) {
            label.push_str(&format!(
                " ({})",
                m.portal_request_ages.replace("{alder}", &band)
            ));
        }
    }
    if t.matches_age {
        label.push_str(&format!(" – {}", m.portal_request_team_matches));
    }
    label
}

async fn requests_page(
    state: &AppState,
    citizen: &SignedInCitizen,
    r: &FamilyReader,
    notice: bool,
    form: FormState,
) -> Result<(RequestsPage, Vec<TeamChoice>), AppError> {
    let m = citizen.m;
    let (reader, rid) = (r.clone(), citizen.ctx.request_id.clone());
    let (teams, requests) = state
        .db
        .write(move |c| Ok((db::team_choices(c, &reader)?, db::mine(c, &reader, &rid)?)))
        .await?;
    let mut layout = Layout::citizen(citizen, m.portal_request_title);
    if notice {
        layout.notice = Some(m.portal_request_sent);
    }
    let mut kinds = vec![Choice {
        value: RequestKind::Meeting.code().into(),
        label: m.portal_request_kind_meeting.into(),
    }];
    if !teams.is_empty() {
        kinds.push(Choice {
            value: RequestKind::Team.code().into(),
            label: m.portal_request_kind_team.into(),
        });
    }
    let page = RequestsPage {
        layout,
        log: r.log_id().to_string(),
        closed: r.writer().is_err(),
        kinds,
        teams: teams
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: team_label(m, t),
            })
            .collect(),
        message_hint: m
            .portal_request_message_hint
            .replace("{max}", &MAX_FAMILY_TEXT.to_string()),
        requests: requests.iter().map(|q| line(m, q)).collect(),
        form: form.fields(&[
            ("type", m.portal_request_kind),
            ("melding", m.portal_request_message),
            ("tidspunkt", m.portal_request_wished),
            ("team", m.portal_request_team),
        ]),
    };
    Ok((page, teams))
}

pub async fn form(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    axum::extract::Query(q): axum::extract::Query<Notice>,
) -> Result<Response, AppError> {
    let sent = q.melding.as_deref() == Some("sendt");
    let form = FormState::with_values([("type", RequestKind::Meeting.code())]);
    page(
        &requests_page(&state, &citizen, &reader, sent, form)
            .await?
            .0,
    )
}

pub async fn ask(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let kept = || FormState::with_values(forms::redisplayable(&pairs));
    let Ok(w) = reader.writer() else {
        let (p, _) = requests_page(&state, &citizen, &reader, false, kept()).await?;
        return Ok((StatusCode::CONFLICT, page(&p)?).into_response());
    };
    let (mut p, teams) = requests_page(&state, &citizen, &reader, false, kept()).await?;
    let ids: Vec<_> = teams.iter().map(|t| t.id).collect();
    let req = match NewRequest::parse(
        forms::get(&pairs, "type"),
        forms::get(&pairs, "melding"),
        forms::get(&pairs, "tidspunkt"),
        forms::get(&pairs, "team"),
        &ids,
        citizen.m.portal_request_wished,
    ) {
        Ok(req) => req,
        Err(problems) => {
            p.form = kept()
                .with_problems(citizen.m, problems.into_vec())
                .fields(&[
                    ("type", citizen.m.portal_request_kind),
                    ("melding", citizen.m.portal_request_message),
                    ("tidspunkt", citizen.m.portal_request_wished),
                    ("team", citizen.m.portal_request_team),
                ]);
            return invalid(&p);
        }
    };
    let log = w.log_id();
    let rid = citizen.ctx.request_id.clone();
    state.db.write(move |c| db::ask(c, &w, &req, &rid)).await?;
    Ok(Redirect::to(&format!("/familie/logger/{log}/be-om?melding=sendt")).into_response())
}

// ── The holder's side ───────────────────────────────────────────────────

/// The log page's lines of the family's open requests `list` (read with the
/// log, `laget_db::log::OpenedLog::family_requests`): for the log's holder
/// only.
pub(crate) fn lines_for_log_page(
    m: &'static Messages,
    r: &LogReader,
    list: &[db::Request],
) -> Vec<RequestLine> {
    if r.holder().is_err() {
        return Vec::new();
    }
    list.iter().map(|q| line(m, q)).collect()
}

#[derive(Template)]
#[template(path = "portal/request_answer.html")]
struct AnswerPage {
    layout: Layout,
    log: String,
    request: RequestLine,
    is_meeting: bool,
    /// The user leads the team asked for: may take the case up.
    team_leader: bool,
    answer_hint: String,
    form: FormState,
}

/// The team member capability of the user on the team a request names,
/// when the user leads that team.
async fn as_team_leader(
    state: &AppState,
    user: &SignedIn,
    q: &Request,
) -> Result<Option<TeamMember>, AppError> {
    let Some((team, _)) = &q.team else {
        return Ok(None);
    };
    let team = *team;
    let facts = state
        .db
        .read(move |c| laget_db::meetings::teams::facts(c, team))
        .await?;
    Ok(user
        .actor
        .team_member(&facts)
        .ok()
        .filter(|t| t.is_leader() && t.case_bringer().is_ok()))
}

async fn load_request(state: &AppState, r: &LogReader, raw: &str) -> Result<Request, AppError> {
    let id: FamilyRequestId = path_id(raw)?;
    let reader = r.clone();
    Ok(state.db.read(move |c| db::of_log(c, &reader, id)).await?)
}

fn answer_page(
    user: &SignedIn,
    r: &LogReader,
    q: &Request,
    team_leader: bool,
    form: FormState,
) -> AnswerPage {
    let m = user.m;
    AnswerPage {
        layout: Layout::signed_in(user, m.portal_request_answer_title),
        log: r.log_id().to_string(),
        request: line(m, q),
        is_meeting: q.kind == RequestKind::Meeting,
        team_leader,
        answer_hint: m
            .portal_request_answer_hint
            .replace("{max}", &MAX_ANSWER.to_string()),
        form: form.fields(&[
            ("svar", m.portal_request_answer),
            ("ta_opp", m.portal_request_take_up),
        ]),
    }
}

fn refused(log: laget_domain::ids::LogId, e: WriteRefused) -> Response {
    match e {
        WriteRefused::Closed => closed_notice(log),
        WriteRefused::Denied => AppError::NotFound.into_response(),
    }
}

pub async fn answer_form(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, request)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if let Err(e) = reader.holder() {
        return Ok(refused(reader.log_id(), e));
    }
    let q = load_request(&state, &reader, &request).await?;
    record_read(&state, &user, &reader).await?;
    let leader = as_team_leader(&state, &user, &q).await?.is_some();
    page(&answer_page(
        &user,
        &reader,
        &q,
        leader,
        FormState::default(),
    ))
}

pub async fn answer_request(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, request)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let holder = match reader.holder() {
        Ok(w) => w,
        Err(e) => return Ok(refused(reader.log_id(), e)),
    };
    let q = load_request(&state, &reader, &request).await?;
    record_read(&state, &user, &reader).await?;
    let m = user.m;
    let pairs = forms::pairs(&body);
    let leader = as_team_leader(&state, &user, &q).await?;
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    let text = match answer(forms::get(&pairs, "svar")) {
        Ok(t) => Some(t),
        Err(p) => {
            form = form.with_problems(m, p.into_vec());
            None
        }
    };
    if q.answered_at.is_some() {
        form.add_error("svar", m.portal_request_already_answered);
    }
    let take_up = forms::get(&pairs, "ta_opp") == "ja" && leader.is_some();
    let today = today();
    if let (true, Some(team)) = (take_up, leader.clone()) {
        let w = holder.clone();
        let missing = state
            .db
            .read(move |c| laget_db::meetings::team_cases::missing_consent(c, &team, &w, today))
            .await?;
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|(_, n)| n.as_str()).collect();
            form.add_error(
                "ta_opp",
                &m.teams_case_consent_missing
                    .replace("{enheter}", &names.join(", ")),
            );
        }
    }
    let Some(text) = text.filter(|_| !form.has_errors()) else {
        return invalid(&answer_page(&user, &reader, &q, leader.is_some(), form));
    };
    let case = take_up.then(|| NewTeamCase {
        meeting: None,
        // Set from the child's age in the transaction below.
        age_band: String::new(),
        summary: q.message.clone(),
        brought_by: BroughtBy::Guardian,
        guardians_present: false,
    });
    let (id, rid, log) = (q.id, user.ctx.request_id.clone(), reader.log_id());
    state
        .db
        .write(move |c| {
            db::answer(c, &holder, id, &text, &rid)?;
            if let (Some(mut case), Some(team)) = (case, leader) {
                let birth = laget_db::children::birth_of_log_child(c, holder.reader())?;
                case.age_band = case_band(birth.age_on(today)).to_owned();
                laget_db::meetings::team_cases::bring(c, &team, &case, Some(&holder), today, &rid)?;
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=henvendelse-besvart")).into_response())
}
