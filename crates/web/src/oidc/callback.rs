//! The callback every provider sends the browser back to,
//! `GET /innlogging/tilbake?code&state` (or `?error&state`): the stored
//! login says which provider and where to go next. A citizen's login (the
//! citizens' provider, ID-porten) opens a citizen session for the `pid`; a
//! staff login opens a staff session for the Laget user the configured
//! claim names. Every refusal is a Norwegian page, never a 500; nothing is
//! made for a refused login, and a new session id is made at every login.
//!
//! Also here: [`redirect_to_provider`], the answer that sends the browser to
//! the provider with the state cookie set, used by both login buttons.

use super::client::{self, LoginError, Verified, state_cookie_name};
use super::{ProviderConfig, UserField};
use crate::AppState;
use crate::auth::{random_token, token_hash};
use crate::error::AppError;
use crate::extract::form as forms;
use crate::extract::user::{Ctx, cookie, cookie_names, read_cookie};
use crate::view::layout::Layout;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use laget_db::portal::{citizens, sessions as citizen_sessions};
use laget_db::session::{self as sessions, oidc_logins};
use laget_domain::children::national_id::NationalId;

/// How long the state cookie lives: as long as a login may take.
const STATE_COOKIE_SECONDS: i64 = oidc_logins::MAX_AGE_MINUTES * 60;

#[derive(Template)]
#[template(path = "oidc/failed.html")]
struct FailedPage {
    layout: Layout,
    heading: &'static str,
    text: &'static str,
    /// The login page to try again from; `None`: both are offered.
    retry: Option<&'static str>,
}

/// Where a provider's users log in.
fn login_page(state: &AppState, provider: &str) -> &'static str {
    match &state.config.oidc.citizens {
        Some(p) if p.key == provider => "/familie/logg-inn",
        _ => "/logg-inn",
    }
}

/// The page for a login that could not start or finish, with the state
/// cookie cleared.
pub(crate) fn failed(
    state: &AppState,
    ctx: &Ctx,
    provider: Option<&str>,
    error: &LoginError,
) -> Result<Response, AppError> {
    let m = ctx.m;
    let (status, heading, text) = match error {
        LoginError::NotConfigured => (
            StatusCode::NOT_FOUND,
            m.oidc_failed_title,
            m.oidc_not_configured,
        ),
        LoginError::State => (
            StatusCode::BAD_REQUEST,
            m.oidc_failed_title,
            m.oidc_failed_state,
        ),
        LoginError::Provider(code) if code == "access_denied" => (
            StatusCode::BAD_REQUEST,
            m.oidc_cancelled_title,
            m.oidc_cancelled_text,
        ),
        LoginError::Provider(_) | LoginError::Token(_) => (
            StatusCode::BAD_REQUEST,
            m.oidc_failed_title,
            m.oidc_failed_token,
        ),
        LoginError::Discovery(_) => (
            StatusCode::BAD_GATEWAY,
            m.oidc_failed_title,
            m.oidc_failed_provider,
        ),
        LoginError::LowAcr => (
            StatusCode::FORBIDDEN,
            m.oidc_low_acr_title,
            m.oidc_low_acr_text,
        ),
        LoginError::NoPid => (StatusCode::FORBIDDEN, m.oidc_failed_title, m.oidc_no_pid),
        LoginError::UnknownUser => (
            StatusCode::FORBIDDEN,
            m.oidc_unknown_user_title,
            m.oidc_unknown_user_text,
        ),
    };
    tracing::info!(request_id = %ctx.request_id, provider, reason = %error, "login through an OpenID provider refused");
    let page = FailedPage {
        layout: Layout::anonymous(ctx, heading),
        heading,
        text,
        retry: provider.map(|p| login_page(state, p)),
    };
    let mut response = (status, Html(page.render()?)).into_response();
    clear_state_cookie(state, &mut response)?;
    Ok(response)
}

fn clear_state_cookie(state: &AppState, response: &mut Response) -> Result<(), AppError> {
    let secure = state.config.secure_cookies;
    let expired = cookie(state_cookie_name(secure), "", secure, Some(0));
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&expired).map_err(AppError::internal)?,
    );
    Ok(())
}

/// Begins a login at `provider` and sends the browser there (303), with
/// the state in a short-lived cookie (HttpOnly, SameSite=Lax: it comes
/// back with the provider's top-level redirect, and only from this
/// browser).
pub(crate) async fn redirect_to_provider(
    state: &AppState,
    ctx: &Ctx,
    provider: &ProviderConfig,
    next: &str,
) -> Result<Response, AppError> {
    let started = match client::start(state, provider, next).await {
        Ok(s) => s,
        Err(e) => return failed(state, ctx, Some(&provider.key), &e),
    };
    let secure = state.config.secure_cookies;
    let mut response = Redirect::to(&started.url).into_response();
    let value = cookie(
        state_cookie_name(secure),
        &started.state,
        secure,
        Some(STATE_COOKIE_SECONDS),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&value).map_err(AppError::internal)?,
    );
    Ok(response)
}

/// `GET /innlogging/tilbake`: finishes the login the state names.
pub async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(query.as_deref().unwrap_or(""));
    let returned = forms::get(&pairs, "state");
    let secure = state.config.secure_cookies;
    let browser = read_cookie(&headers, state_cookie_name(secure));
    let now = Utc::now();
    let pending = match client::take(&state, returned, browser.as_deref(), now).await {
        Ok(p) => p,
        Err(e) => return failed(&state, &ctx, None, &e),
    };
    let key = pending.provider.clone();
    let Some(provider) = state.config.oidc.provider(&key).cloned() else {
        return failed(&state, &ctx, None, &LoginError::NotConfigured);
    };
    let error = forms::get(&pairs, "error");
    if !error.is_empty() {
        // Only a known code is kept: the value is the provider's text.
        let code = match error {
            "access_denied"
            | "login_required"
            | "interaction_required"
            | "consent_required"
            | "invalid_request"
            | "server_error"
            | "temporarily_unavailable" => error,
            _ => "other",
        };
        return failed(&state, &ctx, Some(&key), &LoginError::Provider(code.into()));
    }
    // RFC 9207: a provider that names itself must be the one the login
    // went to (a mix-up of providers is refused before the code is sent
    // anywhere).
    let iss = forms::get(&pairs, "iss");
    if !iss.is_empty() && iss.trim_end_matches('/') != provider.issuer.trim_end_matches('/') {
        return failed(
            &state,
            &ctx,
            Some(&key),
            &LoginError::Token("another issuer in the response".into()),
        );
    }
    let code = forms::get(&pairs, "code");
    if code.is_empty() {
        return failed(
            &state,
            &ctx,
            Some(&key),
            &LoginError::Token("no code".into()),
        );
    }
    let verified = match client::finish(&state, &provider, &pending, code).await {
        Ok(v) => v,
        Err(e) => return failed(&state, &ctx, Some(&key), &e),
    };
    let is_citizens = state
        .config
        .oidc
        .citizens
        .as_ref()
        .is_some_and(|p| p.key == key);
    let signed_in = if is_citizens {
        citizen_session(&state, &ctx, &provider, &verified).await
    } else {
        staff_session(&state, &ctx, &provider, &verified).await
    };
    let token = match signed_in {
        Ok(token) => token,
        Err(e) => return failed(&state, &ctx, Some(&key), &e),
    };
    tracing::info!(request_id = %ctx.request_id, provider = %key, "login through an OpenID provider succeeded");
    let default = if is_citizens { "/familie" } else { "/" };
    let next = if pending.next_path.is_empty() {
        default.to_owned()
    } else {
        forms::safe_next(&pending.next_path)
    };
    let mut response = Redirect::to(&next).into_response();
    let session_cookie = cookie(cookie_names(secure).session, &token, secure, None);
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&session_cookie).map_err(AppError::internal)?,
    );
    clear_state_cookie(&state, &mut response)?;
    Ok(response)
}

/// Ends whatever session the browser had (a new session id at every login).
fn old_sessions(ctx: &Ctx) -> (Option<String>, Option<String>) {
    (
        ctx.session.as_ref().map(|s| s.token_hash.clone()),
        ctx.citizen.as_ref().map(|s| s.token_hash.clone()),
    )
}

/// A citizen's session for the `pid` of the ID token; returns its token.
async fn citizen_session(
    state: &AppState,
    ctx: &Ctx,
    provider: &ProviderConfig,
    verified: &Verified,
) -> Result<String, LoginError> {
    let pid = client::claim(&verified.claims, "pid").ok_or(LoginError::NoPid)?;
    let national_id = NationalId::parse(&pid).map_err(|_| LoginError::NoPid)?;
    let token = random_token();
    let hash = token_hash(&token);
    let csrf = random_token();
    let acr = verified.acr.clone().unwrap_or_default();
    let key = provider.key.clone();
    let hint = verified.id_token.clone();
    let (old_staff, old_citizen) = old_sessions(ctx);
    let now = Utc::now();
    state
        .db
        .write(move |c| {
            if let Some(old) = &old_staff {
                sessions::delete(c, old)?;
            }
            if let Some(old) = &old_citizen {
                citizen_sessions::delete(c, old)?;
            }
            let citizen = citizens::signed_in(c, &national_id, now)?;
            citizen_sessions::create(
                c,
                &citizen_sessions::NewCitizenSession {
                    token_hash: &hash,
                    citizen_id: citizen,
                    csrf_token: &csrf,
                    acr: &acr,
                    provider: &key,
                    id_token_hint: Some(&hint),
                },
                now,
            )
        })
        .await
        .map_err(|e| LoginError::Token(e.to_string()))?;
    Ok(token)
}

/// A staff session for the Laget user the configured claim names (not
/// disabled); nothing is made for an unknown one. Returns its token.
async fn staff_session(
    state: &AppState,
    ctx: &Ctx,
    provider: &ProviderConfig,
    verified: &Verified,
) -> Result<String, LoginError> {
    let rule = provider
        .user_claim
        .as_ref()
        .ok_or(LoginError::NotConfigured)?;
    let value = client::claim(&verified.claims, &rule.claim).ok_or(LoginError::UnknownUser)?;
    let field = match rule.field {
        UserField::Username => oidc_logins::UserMatch::Username,
        UserField::Email => oidc_logins::UserMatch::Email,
    };
    let user = state
        .db
        .read(move |c| oidc_logins::staff_user(c, field, &value))
        .await
        .map_err(|e| LoginError::Token(e.to_string()))?
        .ok_or(LoginError::UnknownUser)?;
    let token = random_token();
    let hash = token_hash(&token);
    let csrf = random_token();
    let key = provider.key.clone();
    let hint = verified.id_token.clone();
    let (old_staff, old_citizen) = old_sessions(ctx);
    let now = Utc::now();
    state
        .db
        .write(move |c| {
            if let Some(old) = &old_staff {
                sessions::delete(c, old)?;
            }
            if let Some(old) = &old_citizen {
                citizen_sessions::delete(c, old)?;
            }
            sessions::create(c, &hash, user, &csrf, now)?;
            oidc_logins::mark_session(c, &hash, &key, Some(&hint))
        })
        .await
        .map_err(|e| LoginError::Token(e.to_string()))?;
    Ok(token)
}
