//! Staff login through the municipality's identity provider (Entra ID,
//! Feide or another OpenID provider, section `[staff_login]`):
//! `POST /logg-inn/ekstern` begins it; the common callback
//! (`crate::oidc::callback`) maps the configured claim to an existing Laget
//! user. The local login form stays beside it.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form as forms;
use crate::extract::user::Ctx;
use crate::oidc::callback::{failed, redirect_to_provider};
use crate::oidc::client::LoginError;
use axum::extract::State;
use axum::response::Response;

/// `POST /logg-inn/ekstern`: begins the login at the staff provider.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let next = forms::safe_next(forms::get(&pairs, "neste"));
    let Some(provider) = state.config.oidc.staff.clone() else {
        return failed(&state, &ctx, None, &LoginError::NotConfigured);
    };
    redirect_to_provider(&state, &ctx, &provider, &next).await
}
