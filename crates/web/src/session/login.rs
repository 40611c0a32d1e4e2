//! Logging in and out with a local account.

use crate::AppState;
use crate::auth::{random_token, token_hash};
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::user::{Ctx, cookie, cookie_names};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use laget_db::{admin::users, session as sessions, session::throttle as login_throttle};
use laget_domain::admin::user::Username;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    form: FormState,
    next: String,
    info: Option<&'static str>,
    failure: Option<&'static str>,
    /// «Logg inn med {navn}», when a staff identity provider is configured.
    external: Option<String>,
}

/// The label of the staff identity provider's button, if one is configured.
fn external_button(state: &AppState, ctx: &Ctx) -> Option<String> {
    state
        .config
        .oidc
        .staff
        .as_ref()
        .map(|p| ctx.m.oidc_staff_button.replace("{navn}", &p.display_name))
}

/// The login page's query (`neste`, `utlopt`, `utlogget`), read leniently:
/// a repeated or strange parameter is not an error, since the page must
/// open whatever link led here.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(query.as_deref().unwrap_or(""));
    let next = forms::safe_next(forms::get(&pairs, "neste"));
    if ctx.session.is_some() {
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
    state.oidc.prepare(state.config.oidc.staff.as_ref()).await;
    page(&LoginPage {
        layout: Layout::anonymous(&ctx, ctx.m.login_title),
        form: FormState::default(),
        next,
        info,
        failure: None,
        external: external_button(&state, &ctx),
    })
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let raw_username = forms::get(&pairs, "brukernavn").to_owned();
    let password = forms::get(&pairs, "passord").to_owned();
    let next = forms::safe_next(forms::get(&pairs, "neste"));
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    if raw_username.trim().is_empty() {
        form.add_error("brukernavn", ctx.m.problem_required);
    }
    if password.is_empty() {
        form.add_error("passord", ctx.m.problem_required);
    }
    let retry = |form: FormState, failure: Option<&'static str>| {
        invalid(&LoginPage {
            layout: Layout::anonymous(&ctx, ctx.m.login_title),
            form: form.fields(&[
                ("brukernavn", ctx.m.login_username),
                ("passord", ctx.m.login_password),
            ]),
            next: next.clone(),
            info: None,
            failure,
            external: external_button(&state, &ctx),
        })
    };
    if form.has_errors() {
        return retry(form, None);
    }

    // Throttle before checking the password, by account and by address.
    let account = raw_username.trim().to_lowercase();
    let now = Utc::now();
    let since = now - state.config.throttle_window;
    let (by_account, by_address) = {
        let (account, address) = (account.clone(), ctx.client_address.clone());
        state
            .db
            .read(move |c| login_throttle::failures_since(c, &account, &address, since))
            .await?
    };
    if by_account >= state.config.max_failures_per_account
        || by_address >= state.config.max_failures_per_address
    {
        crate::middleware::log_refusal(
            &ctx.request_id,
            &axum::http::Method::POST,
            "/logg-inn",
            "login_throttled",
        );
        return retry(form, Some(ctx.m.login_throttled));
    }

    let credentials = match Username::parse(&raw_username) {
        Ok(username) => {
            state
                .db
                .read(move |c| users::credentials(c, &username))
                .await?
        }
        Err(_) => None,
    };
    let (user_id, stored) = match credentials {
        Some(c) if !c.disabled => (Some(c.id), Some(c.password_hash)),
        _ => (None, None),
    };
    let valid = state.passwords.verify_async(password, stored).await;
    let Some(user_id) = user_id.filter(|_| valid) else {
        let (account, address) = (account.clone(), ctx.client_address.clone());
        state
            .db
            .write(move |c| login_throttle::record_failure(c, &account, &address, now))
            .await?;
        tracing::info!(request_id = %ctx.request_id, "login failed");
        return retry(form, Some(ctx.m.login_failed));
    };

    // A new session id at every login (no session fixation).
    let token = random_token();
    let hash = token_hash(&token);
    let csrf = random_token();
    state
        .db
        .write(move |c| {
            login_throttle::clear_account(c, &account)?;
            sessions::create(c, &hash, user_id, &csrf, now)
        })
        .await?;
    tracing::info!(request_id = %ctx.request_id, "login succeeded");
    let secure = state.config.secure_cookies;
    let mut response = Redirect::to(&next).into_response();
    let session_cookie = cookie(cookie_names(secure).session, &token, secure, None);
    let value = HeaderValue::from_str(&session_cookie).map_err(AppError::internal)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

/// Ends the session; one opened through the staff identity provider is
/// ended there too (its `end_session_endpoint`, with `id_token_hint`).
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let back = "/logg-inn?utlogget=1";
    let mut target = back.to_owned();
    if let Some(session) = ctx.session {
        let hash = session.token_hash.clone();
        let provider = state
            .db
            .write(move |c| {
                let provider = laget_db::session::oidc_logins::session_provider(c, &hash)?;
                sessions::delete(c, &hash)?;
                Ok(provider)
            })
            .await?;
        if let Some((key, hint)) = provider
            && let Some(provider) = state.config.oidc.provider(&key)
            && let Some(url) =
                crate::oidc::client::end_session_url(&state, provider, hint.as_deref(), back).await
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
