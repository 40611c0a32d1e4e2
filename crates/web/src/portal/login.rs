//! Logging in and out of the family's portal with ID-porten:
//! `GET /familie/logg-inn` (the page with the button), `POST
//! /familie/logg-inn` (begins the login at the provider) and `POST
//! /familie/logg-ut` (ends the session here and at ID-porten). The login
//! finishes at the common callback, `crate::oidc::callback`.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form as forms;
use crate::extract::user::{Ctx, cookie, cookie_names};
use crate::oidc::callback::redirect_to_provider;
use crate::oidc::client::end_session_url;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::portal::sessions as citizen_sessions;

#[derive(Template)]
#[template(path = "portal/login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    info: Option<&'static str>,
    /// ID-porten is configured.
    configured: bool,
}

/// Where a citizen goes after the login: `neste` when it is a path in
/// Laget, the portal's start page otherwise.
fn next_of(raw: &str) -> String {
    if raw.is_empty() {
        "/familie".to_owned()
    } else {
        match forms::safe_next(raw) {
            p if p == "/" => "/familie".to_owned(),
            p => p,
        }
    }
}

/// `GET /familie/logg-inn` (`neste`, `utlopt`, `utlogget`, read leniently
/// as on the staff login page). A signed-in citizen goes on to `neste`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(query.as_deref().unwrap_or(""));
    let next = next_of(forms::get(&pairs, "neste"));
    if ctx.citizen.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let has = |key: &str| pairs.iter().any(|(k, _)| k == key);
    let info = if has("utlopt") {
        Some(ctx.m.session_expired)
    } else if has("utlogget") {
        Some(ctx.m.logged_out)
    } else {
        None
    };
    state
        .oidc
        .prepare(state.config.oidc.citizens.as_ref())
        .await;
    page(&LoginPage {
        layout: Layout::anonymous(&ctx, ctx.m.oidc_login_title),
        next,
        info,
        configured: state.config.oidc.citizens.is_some(),
    })
}

/// `POST /familie/logg-inn`: begins the login at ID-porten (303 there).
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let next = next_of(forms::get(&pairs, "neste"));
    let Some(provider) = state.config.oidc.citizens.clone() else {
        return crate::oidc::callback::failed(
            &state,
            &ctx,
            None,
            &crate::oidc::client::LoginError::NotConfigured,
        );
    };
    redirect_to_provider(&state, &ctx, &provider, &next).await
}

/// `POST /familie/logg-ut`: ends the citizen's session, then logs out at
/// the provider too (its `end_session_endpoint`, with the ID token as
/// `id_token_hint`), which sends the browser back to the login page; with
/// no such endpoint, straight to the login page.
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let back = "/familie/logg-inn?utlogget=1";
    let mut target = back.to_owned();
    if let Some(session) = ctx.citizen {
        let hash = session.token_hash.clone();
        state
            .db
            .write(move |c| citizen_sessions::delete(c, &hash))
            .await?;
        if let Some(provider) = state.config.oidc.provider(&session.provider)
            && let Some(url) =
                end_session_url(&state, provider, session.id_token_hint.as_deref(), back).await
        {
            target = url;
        }
    }
    let secure = state.config.secure_cookies;
    let mut response = Redirect::to(&target).into_response();
    let expired = cookie(cookie_names(secure).session, "", secure, Some(0));
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&expired).map_err(AppError::internal)?,
    );
    Ok(response)
}
