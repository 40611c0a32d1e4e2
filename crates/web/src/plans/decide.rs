//! The coordinating unit's side: its queue of requests
//! (`/kommuner/{municipality}/planer`, `PlanQueue`), the decision on one
//! (`/logger/{log}/plan/beslutning`, `PlanDecider`) and a new coordinator
//! for an active plan (`/logger/{log}/plan/koordinator`). Anyone else: 404.

use super::kind_label;
use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::record_read;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::view::choices::Choice;
use crate::view::format::{time, today};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::log as logs;
use laget_db::plans::{self as db, Plan, TeamChoice};
use laget_domain::MunicipalityId;
use laget_domain::access::PlanDecider;
use laget_domain::plans::form::{self as plan_form, Decision};
use laget_domain::plans::{CoordinatorKind, PlanStatus};

#[derive(Template)]
#[template(path = "plans/decide.html")]
struct DecidePage {
    layout: Layout,
    log: String,
    child_name: String,
    /// Deciding a request (else: changing the coordinator of an active plan).
    deciding: bool,
    requested: String,
    request_note: String,
    coordinator: Option<String>,
    units_involved: String,
    decisions: Vec<Choice>,
    coordinators: Vec<Choice>,
    kinds: Vec<Choice>,
    none_may: bool,
    /// No valid consent covers the log today (the plan needs one).
    consent_missing: bool,
    kind_hint: &'static str,
    form: FormState,
}

/// The coordinating unit's decider for the path's log (the plan asked for
/// or active), or 404.
async fn decider(state: &AppState, user: &SignedIn, raw: &str) -> Result<PlanDecider, AppError> {
    let log: laget_domain::ids::LogId = path_id(raw)?;
    let actor = user.actor.clone();
    let today = today();
    state
        .db
        .read(move |c| db::decider(c, &actor, log, today))
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize)]
pub struct LogPath {
    log: String,
}

/// The plan, the child's name, the team, and whether a valid consent
/// covers the log today.
type Loaded = (Plan, String, Vec<TeamChoice>, bool);

async fn load(state: &AppState, d: &PlanDecider) -> Result<Loaded, AppError> {
    let d2 = d.clone();
    let today = today();
    let (plan, name, team, consent) = state
        .db
        .read(move |c| {
            Ok((
                db::request_of(c, &d2)?,
                logs::child_name(c, d2.reader())?,
                db::team_choices(c, d2.reader(), today)?,
                db::consent_in_place(c, d2.reader(), today)?,
            ))
        })
        .await?;
    let plan = plan
        .filter(|p| matches!(p.status, PlanStatus::Requested | PlanStatus::Active))
        .ok_or(AppError::NotFound)?;
    Ok((plan, name, team, consent))
}

fn decide_page(
    user: &SignedIn,
    d: &PlanDecider,
    plan: &Plan,
    name: String,
    team: &[TeamChoice],
    consent: bool,
    form: FormState,
) -> DecidePage {
    let m = user.m;
    let deciding = plan.status == PlanStatus::Requested;
    let v = super::view(m, plan, true);
    let mut units: Vec<&str> = team.iter().map(|t| t.unit_name.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    let mut layout = Layout::signed_in(
        user,
        if deciding {
            m.plan_decide_title
        } else {
            m.plan_change_coordinator
        },
    );
    layout.title = format!("{} – {name}", layout.title);
    DecidePage {
        layout,
        log: d.log_id().to_string(),
        child_name: name,
        deciding,
        requested: v.requested,
        request_note: v.request_note,
        coordinator: v
            .coordinator
            .map(|c| format!("{}: {} ({})", c.kind, c.name, c.unit)),
        units_involved: units.join(", "),
        consent_missing: !consent,
        decisions: vec![
            Choice {
                value: "innvilg".into(),
                label: m.plan_decide_grant.into(),
            },
            Choice {
                value: "avsla".into(),
                label: m.plan_decide_refuse.into(),
            },
        ],
        coordinators: team
            .iter()
            .filter(|t| t.may_open)
            .map(|t| Choice {
                value: t.member.to_string(),
                label: format!("{} ({})", t.name, t.unit_name),
            })
            .collect(),
        kinds: CoordinatorKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: kind_label(m, *k).into(),
            })
            .collect(),
        none_may: !team.iter().any(|t| t.may_open),
        kind_hint: m.plan_decide_kind_hint,
        form: form.fields(&[
            ("beslutning", m.plan_decide_choice),
            ("koordinator", m.plan_coordinator),
            ("type", m.plan_decide_kind),
            ("begrunnelse", m.plan_decide_note),
        ]),
    }
}

pub async fn form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(LogPath { log }): Path<LogPath>,
) -> Result<Response, AppError> {
    let d = decider(&state, &user, &log).await?;
    let (plan, name, team, consent) = load(&state, &d).await?;
    record_read(&state, &user, d.reader()).await?;
    let form = FormState::with_values([("type", CoordinatorKind::Coordinator.code())]);
    page(&decide_page(&user, &d, &plan, name, &team, consent, form))
}

pub async fn decide(
    State(state): State<AppState>,
    user: SignedIn,
    Path(LogPath { log }): Path<LogPath>,
    body: String,
) -> Result<Response, AppError> {
    let d = decider(&state, &user, &log).await?;
    let (plan, name, team, consent) = load(&state, &d).await?;
    record_read(&state, &user, d.reader()).await?;
    if plan.status != PlanStatus::Requested {
        return Err(AppError::Conflict);
    }
    let pairs = forms::pairs(&body);
    let kept = || FormState::with_values(forms::redisplayable(&pairs));
    let members: Vec<_> = team
        .iter()
        .filter(|t| t.may_open)
        .map(|t| t.member)
        .collect();
    let decision = match Decision::parse(
        forms::get(&pairs, "beslutning"),
        forms::get(&pairs, "koordinator"),
        forms::get(&pairs, "type"),
        forms::get(&pairs, "begrunnelse"),
        &members,
    ) {
        Ok(x) => x,
        Err(p) => {
            let form = kept().with_problems(user.m, p.into_vec());
            return invalid(&decide_page(&user, &d, &plan, name, &team, consent, form));
        }
    };
    let (rid, d2) = (user.ctx.request_id.clone(), d.clone());
    let today = today();
    let done = state
        .db
        .write(move |c| db::decide(c, &d2, &decision, today, &rid))
        .await;
    match done {
        Ok(()) => {}
        Err(laget_db::DbError::Conflict) => {
            let mut form = kept();
            form.add_error("koordinator", user.m.plan_coordinator_stale);
            return invalid(&decide_page(&user, &d, &plan, name, &team, consent, form));
        }
        Err(e) => return Err(e.into()),
    }
    // The decision ends the unit's reading of the log (unless another
    // ground holds): back to the queue, which names no one it may not open.
    Ok(Redirect::to(&format!(
        "/kommuner/{}/planer?melding=avgjort",
        d.reader().municipality_id()
    ))
    .into_response())
}

/// A new coordinator for an active plan: the coordinating unit, while it may
/// open the log.
pub async fn change_coordinator(
    State(state): State<AppState>,
    user: SignedIn,
    Path(LogPath { log }): Path<LogPath>,
    body: String,
) -> Result<Response, AppError> {
    let d = decider(&state, &user, &log).await?;
    let (plan, name, team, consent) = load(&state, &d).await?;
    record_read(&state, &user, d.reader()).await?;
    if plan.status != PlanStatus::Active {
        return Err(AppError::Conflict);
    }
    let pairs = forms::pairs(&body);
    let kept = || FormState::with_values(forms::redisplayable(&pairs));
    let members: Vec<_> = team
        .iter()
        .filter(|t| t.may_open)
        .map(|t| t.member)
        .collect();
    let (member, kind) = match plan_form::coordinator(
        forms::get(&pairs, "koordinator"),
        forms::get(&pairs, "type"),
        &members,
    ) {
        Ok(x) => x,
        Err(p) => {
            let form = kept().with_problems(user.m, p.into_vec());
            return invalid(&decide_page(&user, &d, &plan, name, &team, consent, form));
        }
    };
    let (log, rid, d2) = (d.log_id(), user.ctx.request_id.clone(), d.clone());
    let today = today();
    state
        .db
        .write(move |c| db::change_coordinator(c, &d2, member, kind, today, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}/plan/beslutning")).into_response())
}

// ── The queue ───────────────────────────────────────────────────────────

pub struct QueueRow {
    pub href: String,
    pub child: String,
    pub asked: String,
    pub by: &'static str,
}

#[derive(Template)]
#[template(path = "plans/queue.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<QueueRow>,
}

#[derive(serde::Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    user: SignedIn,
    Path(municipality): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Notice>,
) -> Result<Response, AppError> {
    let m_id: MunicipalityId = path_id(&municipality)?;
    let cap = user.actor.plan_queue(m_id)?;
    let (actor, rid, today) = (user.actor.clone(), user.ctx.request_id.clone(), today());
    let lines = state
        .db
        .write(move |c| db::queue(c, &cap, &actor, today, &rid))
        .await?;
    let m = user.m;
    let mut layout = Layout::signed_in(&user, m.plan_queue_title);
    if q.melding.as_deref() == Some("avgjort") {
        layout.notice = Some(m.plan_decided_notice);
    }
    page(&QueuePage {
        layout,
        rows: lines
            .into_iter()
            .map(|l| QueueRow {
                href: format!("/logger/{}/plan/beslutning", l.log_id),
                child: l.child_name,
                asked: time(l.requested_at),
                by: if l.by_family {
                    m.plan_queue_by_family
                } else {
                    m.plan_queue_by_staff
                },
            })
            .collect(),
    })
}
