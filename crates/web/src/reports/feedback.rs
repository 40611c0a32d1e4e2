//! The reporter's side of a report (issue #13, R2): `/bekymringsmeldinger`
//! lists the user's own reports (drafts lead to the form, sent ones show
//! how they stand and whether there is new feedback), links «Ny
//! bekymringsmelding» (a child without a log) and, for a unit leader, the
//! reports of their units waiting for the co-signature and those sent;
//! `/bekymringsmeldinger/{report}` shows what was sent, where and when, and
//! the feedback the law requires (receipt; whether an investigation was
//! opened; its end), marking the feedback seen when the reporter reads it.
//!
//! Access: `Actor::open_report` as author or leader; child welfare reads a
//! report from its inbox (`crate::reports::inbox`), so here it is a 404 like
//! anyone else's.

use super::inbox::{children_text, status_text, view_page};
use crate::AppState;
use crate::error::AppError;
use crate::extract::form::FormState;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::format::time;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use laget_db::reports::inbox::{self as reports, ReportLine};
use laget_domain::access::ReportRole;
use laget_domain::ids::ReportId;
use laget_domain::reports::ReportStatus;

pub struct MyRow {
    pub href: String,
    pub child: String,
    pub reporter: String,
    pub status: &'static str,
    pub to: String,
    /// Sent, or (a draft) last changed.
    pub when: String,
    pub unseen: usize,
    pub draft: bool,
}

#[derive(Template)]
#[template(path = "reports/feedback_list.html")]
struct ListPage {
    layout: Layout,
    own: Vec<MyRow>,
    to_cosign: Vec<MyRow>,
    /// A leader: reports sent from the units they lead by others.
    unit_sent: Vec<MyRow>,
    /// Staff or leader of a unit: «Ny bekymringsmelding» (a child without
    /// a log) is offered.
    may_report: bool,
}

fn row(m: &Messages, l: &ReportLine, cosign: bool, own: bool) -> MyRow {
    let draft = l.status == ReportStatus::Draft;
    MyRow {
        href: if draft {
            format!("/bekymringsmeldinger/{}/endre", l.id)
        } else if cosign {
            format!("/bekymringsmeldinger/{}/medsigner", l.id)
        } else {
            format!("/bekymringsmeldinger/{}", l.id)
        },
        child: if cosign {
            format!("{} ({})", children_text(m, l), l.reporter_name)
        } else {
            children_text(m, l)
        },
        reporter: l.reporter_name.clone(),
        status: status_text(m, l.status, l.outcome, false),
        to: l.child_welfare_name.clone().unwrap_or_default(),
        when: time(l.sent_at.unwrap_or(l.updated_at)),
        // «Nytt svar» is the reporter's: the leader's reading marks nothing.
        unseen: if own { l.unseen_feedback } else { 0 },
        draft,
    }
}

pub async fn list(State(state): State<AppState>, user: SignedIn) -> Result<Response, AppError> {
    let actor = user.actor.clone();
    let rid = user.ctx.request_id.clone();
    let mine = state
        .db
        .write(move |c| reports::mine(c, &actor, &rid))
        .await?;
    let m = user.m;
    page(&ListPage {
        layout: Layout::signed_in(&user, m.bm_mine_title),
        own: mine.own.iter().map(|l| row(m, l, false, true)).collect(),
        to_cosign: mine
            .to_cosign
            .iter()
            .map(|l| row(m, l, true, false))
            .collect(),
        unit_sent: mine
            .unit_sent
            .iter()
            .map(|l| row(m, l, false, false))
            .collect(),
        may_report: !user.actor.reporting_units().is_empty(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(r): Path<String>,
) -> Result<Response, AppError> {
    let id: ReportId = path_id(&r)?;
    let facts = state
        .db
        .read(move |c| laget_db::lookup::report_facts(c, id))
        .await?;
    let reader = user.actor.open_report(&facts)?;
    if !matches!(reader.role(), ReportRole::Author | ReportRole::Leader) {
        return Err(AppError::NotFound);
    }
    page(&view_page(&state, &user, reader, FormState::default(), None).await?)
}
