//! The plan page of a log (`/logger/{log}/plan`), its forms, and the
//! printed plan (`/logger/{log}/plan/utskrift`).

use super::{PlanView, view};
use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{WholeLog, WritableLog, record_read};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{birth_text, time, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use laget_db::plans::{self as db, ContributionRefused, Requested};
use laget_db::{children, log as logs};
use laget_domain::access::{LogReader, LogWriter};
use laget_domain::audit::Action;
use laget_domain::ids::{LogId, PlanContributionId, PlanGoalId};
use laget_domain::plans::form::{self as plan_form, MAX_WORDS, NewContribution, NewGoal};
use laget_domain::plans::{PlanStatus, SaidBy};

pub struct ParticipantRow {
    pub name: String,
    pub unit: String,
    pub state: &'static str,
    pub covered: bool,
}

/// Which form of the page came back with problems (the others start empty).
#[derive(Default)]
pub struct Forms {
    pub request: FormState,
    pub goal: FormState,
    /// The goal whose words were being changed, and that form.
    pub edit: Option<(String, FormState)>,
    pub contribution: FormState,
    pub close: FormState,
}

#[derive(Template)]
#[template(path = "plans/plan.html")]
struct PlanPage {
    layout: Layout,
    log: String,
    child_name: String,
    plan: Option<PlanView>,
    may_request: bool,
    may_work: bool,
    may_close: bool,
    may_decide: bool,
    /// Asked for or active, and no valid consent covers the log today.
    consent_missing: bool,
    participants: Vec<ParticipantRow>,
    said_by: Vec<Choice>,
    goal_choices: Vec<Choice>,
    unit_choices: Vec<Choice>,
    measure_choices: Vec<Choice>,
    people_choices: Vec<Choice>,
    words_hint: String,
    request: FormState,
    goal: FormState,
    edit_goal: String,
    edit: FormState,
    contribution: FormState,
    close: FormState,
}

fn said_by_choices(m: &Messages) -> Vec<Choice> {
    SaidBy::ALL
        .iter()
        .map(|s| Choice {
            value: s.code().into(),
            label: super::said_by_label(m, *s).into(),
        })
        .collect()
}

fn labelled(m: &Messages, f: FormState) -> FormState {
    f.fields(&[
        ("begrunnelse", m.plan_request_reason),
        ("ord", m.plan_goal_words),
        ("sagt_av", m.plan_goal_said_by_label),
        ("mal", m.plan_contribution_goal),
        ("enhet", m.plan_contribution_unit),
        ("tiltak", m.plan_contribution_measure),
        ("hva", m.plan_contribution_what),
        ("ansvarlig", m.plan_contribution_responsible),
        ("evaluering", m.plan_contribution_evaluate),
    ])
}

async fn plan_page(
    state: &AppState,
    user: &SignedIn,
    r: &LogReader,
    f: Forms,
) -> Result<PlanPage, AppError> {
    let m = user.m;
    let reader = r.clone();
    let today = today();
    let (plan, name, participants, form, coordinator, consent) = state
        .db
        .read(move |c| {
            Ok((
                db::of_log(c, &reader)?,
                logs::child_name(c, &reader)?,
                db::participants(c, &reader, today)?,
                db::contribution_form(c, &reader, today)?,
                db::coordinator_of(c, &reader)?,
                db::consent_in_place(c, &reader, today)?,
            ))
        })
        .await?;
    record_read(state, user, r).await?;
    let writer = r.writer().ok();
    let status = plan.as_ref().map(|p| p.status);
    let active = status == Some(PlanStatus::Active);
    let may_close = active
        && writer
            .as_ref()
            .is_some_and(|w| w.plan_closer(coordinator).is_ok());
    let mut layout = Layout::signed_in(user, m.plan_title);
    layout.title = format!("{} – {}", m.plan_title, name);
    let goal_choices = plan
        .as_ref()
        .map(|p| {
            p.goals
                .iter()
                .filter(|g| g.reached_at.is_none() && g.ended_at.is_none())
                .enumerate()
                .map(|(i, g)| Choice {
                    value: g.id.to_string(),
                    label: format!("{}. {}", i + 1, g.words),
                })
                .collect()
        })
        .unwrap_or_default();
    let (edit_goal, edit) = f.edit.unwrap_or_default();
    Ok(PlanPage {
        layout,
        log: r.log_id().to_string(),
        child_name: name,
        may_request: writer.is_some()
            && matches!(
                status,
                None | Some(PlanStatus::Refused | PlanStatus::Closed)
            ),
        may_work: writer.is_some() && active,
        may_close,
        may_decide: status == Some(PlanStatus::Requested) && r.plan_decider().is_ok(),
        consent_missing: !consent
            && matches!(status, Some(PlanStatus::Requested | PlanStatus::Active)),
        plan: plan.as_ref().map(|p| view(m, p, false)),
        participants: participants
            .into_iter()
            .map(|p| ParticipantRow {
                state: if p.keeps {
                    m.plan_participant_keeps
                } else if p.covered {
                    m.plan_participant_covered
                } else {
                    m.plan_participant_not_covered
                },
                covered: p.covered,
                name: p.name,
                unit: p.unit_name,
            })
            .collect(),
        said_by: said_by_choices(m),
        goal_choices,
        unit_choices: form
            .units
            .iter()
            .map(|(id, name, covered)| Choice {
                value: id.to_string(),
                label: if *covered {
                    name.clone()
                } else {
                    format!("{name} ({})", m.plan_unit_not_covered)
                },
            })
            .collect(),
        measure_choices: form
            .measures
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect(),
        people_choices: form
            .people
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect(),
        words_hint: m
            .plan_goal_words_hint
            .replace("{max}", &MAX_WORDS.to_string()),
        request: labelled(m, f.request),
        goal: labelled(m, f.goal),
        edit_goal,
        edit: labelled(m, edit),
        contribution: labelled(m, f.contribution),
        close: f.close.fields(&[("begrunnelse", m.plan_close_reason)]),
    })
}

#[derive(serde::Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

fn notice(m: &'static Messages, code: Option<&str>) -> Option<&'static str> {
    match code? {
        "bedt-om" => Some(m.plan_requested_notice),
        "finnes" => Some(m.plan_request_exists),
        "avgjort" => Some(m.plan_decided_notice),
        "lagret" => Some(m.plan_saved),
        _ => None,
    }
}

pub async fn show(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Query(q): Query<Notice>,
) -> Result<Response, AppError> {
    let mut p = plan_page(&state, &user, &reader, Forms::default()).await?;
    p.layout.notice = notice(user.m, q.melding.as_deref());
    page(&p)
}

fn back(log: LogId, code: &str) -> Response {
    Redirect::to(&format!("/logger/{log}/plan?melding={code}")).into_response()
}

async fn redisplay(
    state: &AppState,
    user: &SignedIn,
    w: &LogWriter,
    f: Forms,
) -> Result<Response, AppError> {
    invalid(&plan_page(state, user, w.reader(), f).await?)
}

fn kept(pairs: &[(String, String)]) -> FormState {
    FormState::with_values(forms::redisplayable(pairs))
}

/// Asks for a plan (a writer of the log, typically at level 3).
pub async fn request(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    w.reader().whole()?;
    let pairs = forms::pairs(&body);
    let note = match plan_form::reason("begrunnelse", forms::get(&pairs, "begrunnelse")) {
        Ok(n) => n,
        Err(p) => {
            let f = Forms {
                request: kept(&pairs).with_problems(user.m, p.into_vec()),
                ..Forms::default()
            };
            return redisplay(&state, &user, &w, f).await;
        }
    };
    let (log, rid) = (w.log_id(), user.ctx.request_id.clone());
    let asked = state
        .db
        .write(move |c| db::request(c, &w, &note, &rid))
        .await?;
    Ok(back(
        log,
        match asked {
            Requested::New(_) => "bedt-om",
            Requested::Exists(_) => "finnes",
        },
    ))
}

/// A writer on an active plan; the page says why not otherwise.
async fn active_writer(
    state: &AppState,
    user: &SignedIn,
    w: &LogWriter,
) -> Result<Option<Response>, AppError> {
    w.reader().whole()?;
    let reader = w.reader().clone();
    let status = state.db.read(move |c| db::status_of(c, &reader)).await?;
    if status == Some(PlanStatus::Active) {
        Ok(None)
    } else {
        let mut p = plan_page(state, user, w.reader(), Forms::default()).await?;
        p.layout.notice = Some(user.m.plan_not_active);
        Ok(Some(
            (axum::http::StatusCode::CONFLICT, page(&p)?).into_response(),
        ))
    }
}

pub async fn add_goal(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    if let Some(r) = active_writer(&state, &user, &w).await? {
        return Ok(r);
    }
    let pairs = forms::pairs(&body);
    let goal = match NewGoal::parse(forms::get(&pairs, "ord"), forms::get(&pairs, "sagt_av")) {
        Ok(g) => g,
        Err(p) => {
            let f = Forms {
                goal: kept(&pairs).with_problems(user.m, p.into_vec()),
                ..Forms::default()
            };
            return redisplay(&state, &user, &w, f).await;
        }
    };
    let (log, rid) = (w.log_id(), user.ctx.request_id.clone());
    state
        .db
        .write(move |c| db::add_goal(c, &w, &goal, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

pub async fn edit_goal(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, goal)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let id: PlanGoalId = path_id(&goal)?;
    if let Some(r) = active_writer(&state, &user, &w).await? {
        return Ok(r);
    }
    let pairs = forms::pairs(&body);
    let words = match plan_form::words(forms::get(&pairs, "ord")) {
        Ok(words) => words,
        Err(p) => {
            let f = Forms {
                edit: Some((goal, kept(&pairs).with_problems(user.m, p.into_vec()))),
                ..Forms::default()
            };
            return redisplay(&state, &user, &w, f).await;
        }
    };
    let (log, rid) = (w.log_id(), user.ctx.request_id.clone());
    state
        .db
        .write(move |c| db::edit_goal(c, &w, id, &words, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

async fn finish_goal(
    state: AppState,
    user: SignedIn,
    w: LogWriter,
    goal: String,
    reached: bool,
) -> Result<Response, AppError> {
    let id: PlanGoalId = path_id(&goal)?;
    if let Some(r) = active_writer(&state, &user, &w).await? {
        return Ok(r);
    }
    let (log, rid) = (w.log_id(), user.ctx.request_id.clone());
    state
        .db
        .write(move |c| db::finish_goal(c, &w, id, reached, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

pub async fn reach_goal(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, goal)): Path<(String, String)>,
) -> Result<Response, AppError> {
    finish_goal(state, user, w, goal, true).await
}

pub async fn end_goal(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, goal)): Path<(String, String)>,
) -> Result<Response, AppError> {
    finish_goal(state, user, w, goal, false).await
}

pub async fn add_contribution(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    if let Some(r) = active_writer(&state, &user, &w).await? {
        return Ok(r);
    }
    let pairs = forms::pairs(&body);
    let reader = w.reader().clone();
    let today = today();
    let form = state
        .db
        .read(move |c| db::contribution_form(c, &reader, today))
        .await?;
    let parsed = NewContribution::parse(
        forms::get(&pairs, "mal"),
        forms::get(&pairs, "enhet"),
        forms::get(&pairs, "tiltak"),
        forms::get(&pairs, "hva"),
        forms::get(&pairs, "ansvarlig"),
        forms::get(&pairs, "evaluering"),
        |id| {
            form.measures
                .iter()
                .find(|(m, _)| *m == id)
                .map(|(_, n)| n.clone())
        },
        &form.choices,
        today,
    );
    let problems = |p: laget_domain::validation::Problems| {
        let mut f = kept(&pairs).with_problems(user.m, Vec::new());
        for e in p.into_vec() {
            let message = match e.problem {
                laget_domain::validation::Problem::NotCoveredByConsent => {
                    user.m.plan_contribution_not_covered.to_owned()
                }
                other => user.m.problem(other),
            };
            f.add_error(e.field, &message);
        }
        Forms {
            contribution: f,
            ..Forms::default()
        }
    };
    let c = match parsed {
        Ok(c) => c,
        Err(p) => return redisplay(&state, &user, &w, problems(p)).await,
    };
    let (log, rid, w2) = (w.log_id(), user.ctx.request_id.clone(), w.clone());
    let done = state
        .db
        .write(move |conn| db::add_contribution(conn, &w2, &c, today, &rid))
        .await?;
    match done {
        Ok(_) => Ok(back(log, "lagret")),
        Err(ContributionRefused::NotCovered) => {
            let mut f = kept(&pairs);
            f.add_error("enhet", user.m.plan_contribution_not_covered);
            let f = Forms {
                contribution: f,
                ..Forms::default()
            };
            redisplay(&state, &user, &w, f).await
        }
    }
}

pub async fn end_contribution(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, contribution)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id: PlanContributionId = path_id(&contribution)?;
    if let Some(r) = active_writer(&state, &user, &w).await? {
        return Ok(r);
    }
    let (log, rid) = (w.log_id(), user.ctx.request_id.clone());
    state
        .db
        .write(move |c| db::end_contribution(c, &w, id, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

/// Closes the plan: its coordinator or the keeping unit's leader; anyone
/// else gets 404.
pub async fn close(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    w.reader().whole()?;
    let reader = w.reader().clone();
    let coordinator = state
        .db
        .read(move |c| db::coordinator_of(c, &reader))
        .await?;
    let closer = w.plan_closer(coordinator)?;
    if let Some(r) = active_writer(&state, &user, &w).await? {
        return Ok(r);
    }
    let pairs = forms::pairs(&body);
    let reason = match plan_form::reason("begrunnelse", forms::get(&pairs, "begrunnelse")) {
        Ok(r) => r,
        Err(p) => {
            let f = Forms {
                close: kept(&pairs).with_problems(user.m, p.into_vec()),
                ..Forms::default()
            };
            return redisplay(&state, &user, &w, f).await;
        }
    };
    let (log, rid) = (w.log_id(), user.ctx.request_id.clone());
    state
        .db
        .write(move |c| db::close(c, &closer, &reason, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

// ── The printed plan ────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "plans/print.html")]
struct PrintPage {
    layout: Layout,
    log: String,
    heading: String,
    birth: String,
    printed: String,
    printed_by: String,
    plan: PlanView,
}

/// The family's document: the child, the goals, the contributions with the
/// responsible people and evaluation dates, the coordinator; absolute dates.
/// 404 without a plan granted (asked for or refused: nothing to print).
pub async fn print(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
) -> Result<Response, AppError> {
    let r = reader.clone();
    let (plan, name, birth) = state
        .db
        .read(move |c| {
            Ok((
                db::of_log(c, &r)?,
                logs::child_name(c, &r)?,
                children::birth_of_log_child(c, &r)?,
            ))
        })
        .await?;
    let plan = plan
        .filter(|p| matches!(p.status, PlanStatus::Active | PlanStatus::Closed))
        .ok_or(AppError::NotFound)?;
    state
        .db
        .record_reads(vec![logs::read_record(
            &reader,
            Action::Print,
            &user.ctx.request_id,
        )])
        .await?;
    let m = user.m;
    let heading = m.plan_print_title.replace("{navn}", &name);
    let mut layout = Layout::signed_in(&user, &heading);
    layout.title = heading.clone();
    page(&PrintPage {
        layout,
        log: reader.log_id().to_string(),
        heading,
        birth: birth_text(m, birth, today()),
        printed: time(Utc::now()),
        printed_by: user.display_name.clone(),
        plan: view(m, &plan, true),
    })
}
