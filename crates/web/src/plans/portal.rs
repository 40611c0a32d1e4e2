//! The family's view of the plan (`/familie/logger/{log}/plan`): guardians
//! with parental responsibility and the youth read the plan as it stands
//! (goals, contributions, responsible people, evaluation dates, the
//! coordinator), and may ask for one when the log has none (or it was
//! refused or closed). Read-only otherwise.

use super::PlanView;
use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::FamilyLog;
use crate::extract::form::{self as forms, FormState};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::plans as db;
use laget_domain::access::FamilyReader;
use laget_domain::plans::PlanStatus;
use laget_domain::plans::form as plan_form;

#[derive(Template)]
#[template(path = "portal/plan.html")]
struct FamilyPlanPage {
    layout: Layout,
    log: String,
    child_name: String,
    /// The plan, when granted (active or closed).
    plan: Option<PlanView>,
    /// What stands instead: asked for, refused, none.
    state: &'static str,
    /// A refused request: the coordinating unit's reason (the family may
    /// complain about the decision, so they are told why; #13 stranger #10).
    refusal: Option<String>,
    may_ask: bool,
    form: FormState,
}

async fn family_page(
    state: &AppState,
    citizen: &crate::extract::citizen::SignedInCitizen,
    r: &FamilyReader,
    form: FormState,
) -> Result<FamilyPlanPage, AppError> {
    let m = citizen.m;
    let (reader, rid) = (r.clone(), citizen.ctx.request_id.clone());
    let (plan, name) = state
        .db
        .write(move |c| {
            Ok((
                db::for_family(c, &reader, &rid)?,
                db::child_name_for_family(c, &reader)?,
            ))
        })
        .await?;
    let status = plan.as_ref().map(|p| p.status);
    let shown = plan
        .as_ref()
        .filter(|p| matches!(p.status, PlanStatus::Active | PlanStatus::Closed))
        .map(|p| super::view(m, p, true));
    let refusal = plan
        .as_ref()
        .filter(|p| p.status == PlanStatus::Refused)
        .map(|p| p.decision_note.clone().unwrap_or_default());
    let mut layout = Layout::citizen(citizen, m.plan_title);
    layout.title = format!("{} – {name}", m.plan_title);
    Ok(FamilyPlanPage {
        layout,
        log: r.log_id().to_string(),
        child_name: name,
        plan: shown,
        state: match status {
            None => m.portal_plan_none,
            Some(PlanStatus::Requested) => m.portal_plan_waiting,
            Some(PlanStatus::Refused) => m.portal_plan_refused,
            Some(PlanStatus::Active) => "",
            Some(PlanStatus::Closed) => m.portal_plan_closed,
        },
        refusal,
        may_ask: r.writer().is_ok()
            && matches!(
                status,
                None | Some(PlanStatus::Refused | PlanStatus::Closed)
            ),
        form: form.fields(&[("begrunnelse", m.portal_plan_ask_reason)]),
    })
}

#[derive(serde::Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    Query(q): Query<Notice>,
) -> Result<Response, AppError> {
    let mut p = family_page(&state, &citizen, &reader, FormState::default()).await?;
    if q.melding.as_deref() == Some("sendt") {
        p.layout.notice = Some(citizen.m.portal_plan_asked);
    }
    page(&p)
}

/// The family asks for a plan (a guardian with parental responsibility or
/// the youth, on an open log). A closed log: 409 with the page.
pub async fn ask(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let kept = || FormState::with_values(forms::redisplayable(&pairs));
    let Ok(w) = reader.writer() else {
        let p = family_page(&state, &citizen, &reader, kept()).await?;
        return Ok((StatusCode::CONFLICT, page(&p)?).into_response());
    };
    let note = match plan_form::reason("begrunnelse", forms::get(&pairs, "begrunnelse")) {
        Ok(n) => n,
        Err(p) => {
            let form = kept().with_problems(citizen.m, p.into_vec());
            return invalid(&family_page(&state, &citizen, &reader, form).await?);
        }
    };
    let (log, rid) = (w.log_id(), citizen.ctx.request_id.clone());
    state
        .db
        .write(move |c| db::request_by_family(c, &w, &note, &rid))
        .await?;
    Ok(Redirect::to(&format!("/familie/logger/{log}/plan?melding=sendt")).into_response())
}
