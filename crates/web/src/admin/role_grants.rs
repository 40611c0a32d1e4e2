//! «Tildelte roller»: the grants of roles that open children's data in a
//! unit, for the unit's leader (DESIGN.md, Access, rule 7). Administrators
//! give roles; the leader sees who got which role, from whom and when, and
//! marks each grant as reviewed.

use crate::AppState;
use crate::error::AppError;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::view::format;
use crate::view::layout::Layout;
use crate::view::notice::{NoticeQuery, notice};
use crate::view::page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::{DbError, admin::units, admin::users};
use laget_domain::UnitId;
use laget_domain::ids::MembershipId;

pub struct GrantRow {
    pub when: String,
    pub who: String,
    pub role: &'static str,
    pub by: String,
    pub revoked: Option<String>,
    /// «dd.mm.yyyy hh:mm, name» once reviewed.
    pub reviewed: Option<String>,
    pub review_action: String,
}

#[derive(Template)]
#[template(path = "role_grants.html")]
struct GrantsPage {
    layout: Layout,
    unit_name: String,
    grants: Vec<GrantRow>,
    at_limit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(u): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let reviewer = user.actor.review_role_grants(path_id::<UnitId>(&u)?)?;
    let unit_id = reviewer.unit_id();
    let request_id = user.ctx.request_id.clone();
    let (unit, lines) = state
        .db
        .write(move |c| {
            let unit = units::get_many(c, &[unit_id])?
                .pop()
                .ok_or(DbError::NotFound)?;
            Ok((unit, users::grants_in_unit(c, &reviewer, &request_id)?))
        })
        .await?;
    let at_limit = i64::try_from(lines.len()).unwrap_or(i64::MAX) >= users::GRANT_LIMIT;
    let grants = lines
        .into_iter()
        .map(|g| GrantRow {
            when: format::time(g.granted_at),
            who: g.user_name,
            role: user.m.role(g.role),
            by: match (g.granted_by, g.ground.as_str()) {
                (Some(name), _) => name,
                (None, "ukjent") => user.m.grants_unknown.to_owned(),
                (None, _) => user.m.grants_operator.to_owned(),
            },
            revoked: g.revoked_at.map(format::time),
            reviewed: g.reviewed_at.map(|at| match g.reviewed_by {
                Some(name) => format!("{}, {name}", format::time(at)),
                None => format::time(at),
            }),
            review_action: format!("/enheter/{unit_id}/tildelte-roller/{}/gjennomgatt", g.id),
        })
        .collect();
    page(&GrantsPage {
        layout: Layout::signed_in(&user, user.m.grants_title).with_notice(notice(user.m, &q)),
        unit_name: unit.name,
        grants,
        at_limit,
    })
}

pub async fn review(
    State(state): State<AppState>,
    user: SignedIn,
    Path((u, g)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reviewer = user.actor.review_role_grants(path_id::<UnitId>(&u)?)?;
    let grant = path_id::<MembershipId>(&g)?;
    let unit_id = reviewer.unit_id();
    let request_id = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| users::review_grant(c, &reviewer, grant, &request_id))
        .await?;
    Ok(Redirect::to(&format!(
        "/enheter/{unit_id}/tildelte-roller?melding=tildeling-gjennomgatt"
    ))
    .into_response())
}
