//! The coordinating unit's queue of proposed changes to published offers
//! (seed 000 §5.2.8): comment, then approve or reject. Municipality
//! administrators see the overdue ones.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::format;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::notice::NoticeQuery;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::catalogue::offers::{self, Proposal};
use laget_domain::catalogue::{OfferFields, ProposalStatus};
use laget_domain::ids::ProposalId;
use laget_domain::validation::{Problems, required_text};

pub struct QueueLine {
    pub href: String,
    pub offer: String,
    pub provider: String,
    pub changes: String,
    pub by: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "catalogue/proposals.html")]
struct QueuePage {
    layout: Layout,
    lines: Vec<QueueLine>,
    reviewer: bool,
}

fn line(msgs: &Messages, p: &Proposal, reviewer: bool) -> QueueLine {
    QueueLine {
        href: if reviewer {
            format!("/tiltak/forslag/{}", p.id)
        } else {
            format!("/tiltak/{}/historikk", p.offer.id)
        },
        offer: p.offer.fields.name.clone(),
        provider: p.offer.provider_name.clone(),
        changes: p
            .changes
            .iter()
            .map(|c| msgs.change(c))
            .collect::<Vec<_>>()
            .join(", "),
        by: p
            .proposed_by
            .clone()
            .unwrap_or_else(|| msgs.access_log_operator.to_owned()),
        due: format::date(p.due_date),
        overdue: p.due_date < today(),
    }
}

/// The proposals waiting for the user as coordinating unit, due first:
/// a section of «Mine oppgaver» and the count on the start page.
pub async fn waiting_for_reviewer(
    state: &AppState,
    user: &SignedIn,
) -> Result<Vec<QueueLine>, AppError> {
    let reviewers: Vec<_> = user
        .actor
        .reviewed_municipalities()
        .iter()
        .filter_map(|m| user.actor.review_catalogue(*m).ok())
        .collect();
    if reviewers.is_empty() {
        return Ok(Vec::new());
    }
    let msgs = user.m;
    state
        .db
        .read(move |c| {
            let mut lines = Vec::new();
            for r in &reviewers {
                lines.extend(offers::pending(c, r)?.iter().map(|p| line(msgs, p, true)));
            }
            Ok(lines)
        })
        .await
        .map_err(AppError::from)
}

pub async fn queue(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let reviewed = user.actor.reviewed_municipalities();
    let administered = user.actor.administered_municipalities();
    if reviewed.is_empty() && administered.is_empty() {
        return Err(AppError::NotFound);
    }
    let reviewers: Vec<_> = reviewed
        .iter()
        .filter_map(|m| user.actor.review_catalogue(*m).ok())
        .collect();
    let today = today();
    let lines = state
        .db
        .read(move |c| {
            let mut lines = Vec::new();
            for r in &reviewers {
                lines.extend(offers::pending(c, r)?.iter().map(|p| line(user.m, p, true)));
            }
            for m in administered.iter().filter(|m| !reviewed.contains(m)) {
                lines.extend(
                    offers::overdue(c, *m, today)?
                        .iter()
                        .map(|p| line(user.m, p, false)),
                );
            }
            Ok(lines)
        })
        .await?;
    let reviewer = !user.actor.reviewed_municipalities().is_empty();
    page(&QueuePage {
        layout: Layout::signed_in(&user, user.m.proposals_title)
            .with_notice(crate::view::notice::notice(user.m, &q)),
        lines,
        reviewer,
    })
}

pub struct Comparison {
    pub label: String,
    pub now: String,
    pub proposed: String,
}

#[derive(Template)]
#[template(path = "catalogue/proposal.html")]
struct ProposalPage {
    layout: Layout,
    proposal: Proposal,
    offer_href: String,
    rows: Vec<Comparison>,
    by: String,
    due: String,
    status: String,
    pending: bool,
    form: FormState,
}

/// The substantive parts of an offer now and as proposed, each as a row;
/// with `only_changed`, just the parts the proposal changes.
pub fn comparison(
    m: &Messages,
    now: &OfferFields,
    proposed: &OfferFields,
    only_changed: bool,
) -> Vec<Comparison> {
    summary(m, now)
        .into_iter()
        .zip(summary(m, proposed))
        .filter(|((_, a), (_, b))| !only_changed || a != b)
        .map(|((label, now), (_, proposed))| Comparison {
            label,
            now,
            proposed,
        })
        .collect()
}

fn summary(m: &Messages, f: &OfferFields) -> Vec<(String, String)> {
    let waiting = f
        .waiting_weeks
        .map(|w| format!("{w} {}", m.offer_weeks))
        .unwrap_or_else(|| "–".into());
    vec![
        (m.change_niva.to_owned(), m.level(f.level).to_owned()),
        (
            m.change_alder.to_owned(),
            format!(
                "{}–{} {}{}",
                f.age_from,
                f.age_to,
                m.catalogue_years,
                if f.pregnant {
                    format!(", {}", m.catalogue_pregnant)
                } else {
                    String::new()
                }
            ),
        ),
        (
            m.change_tilgang.to_owned(),
            format!("{}. {}", m.access(f.access), f.access_requirements),
        ),
        (
            m.change_kapasitet.to_owned(),
            format!("{} · {waiting}", f.capacity),
        ),
        (
            m.change_status.to_owned(),
            m.offer_status(f.status).to_owned(),
        ),
    ]
}

async fn show_page(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
    form: FormState,
) -> Result<ProposalPage, AppError> {
    let id: ProposalId = path_id(raw)?;
    let reviewers: Vec<_> = user
        .actor
        .reviewed_municipalities()
        .iter()
        .filter_map(|m| user.actor.review_catalogue(*m).ok())
        .collect();
    if reviewers.is_empty() {
        return Err(AppError::NotFound);
    }
    let proposal = state
        .db
        .read(move |c| {
            for r in &reviewers {
                match offers::proposal(c, r, id) {
                    Ok(p) => return Ok(p),
                    Err(laget_db::DbError::NotFound) => continue,
                    Err(e) => return Err(e),
                }
            }
            Err(laget_db::DbError::NotFound)
        })
        .await?;
    let rows = comparison(user.m, &proposal.offer.fields, &proposal.fields, false);
    Ok(ProposalPage {
        layout: Layout::signed_in(user, user.m.proposal_title),
        offer_href: format!("/tiltak/{}", proposal.offer.id),
        by: proposal
            .proposed_by
            .clone()
            .unwrap_or_else(|| user.m.access_log_operator.to_owned()),
        due: format::date(proposal.due_date),
        status: user.m.proposal_status(proposal.status),
        pending: proposal.status == ProposalStatus::Venter,
        rows,
        proposal,
        form: form.fields(&[("kommentar", user.m.proposal_comment)]),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    page(&show_page(&state, &user, &raw, FormState::default()).await?)
}

pub async fn decide(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let shown = show_page(&state, &user, &raw, FormState::default()).await?;
    let mut problems = Problems::new();
    let comment = problems.check(
        "kommentar",
        required_text(forms::get(&pairs, "kommentar"), 2_000),
    );
    let approve = match forms::get(&pairs, "beslutning") {
        "godkjenn" => true,
        "avvis" => false,
        _ => return Err(AppError::BadRequest),
    };
    let Some(comment) = comment else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, problems.into_vec());
        return invalid(&show_page(&state, &user, &raw, form).await?);
    };
    if shown.proposal.status != ProposalStatus::Venter {
        return Err(AppError::NotFound);
    }
    let reviewer = user
        .actor
        .review_catalogue(shown.proposal.offer.municipality_id)?;
    let id = shown.proposal.id;
    state
        .db
        .write(move |c| offers::decide(c, &reviewer, id, approve, &comment))
        .await?;
    let notice = if approve {
        "forslag-godkjent"
    } else {
        "forslag-avvist"
    };
    Ok(Redirect::to(&format!("/tiltak/forslag?melding={notice}")).into_response())
}
