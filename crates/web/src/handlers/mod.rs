//! Request handlers, one module per resource.

pub mod access_log;
pub mod api;
pub mod casework;
pub mod catalogue;
pub mod catalogue_admin;
pub mod child_edit;
pub mod children;
pub mod consultations;
pub mod health;
pub mod home;
pub mod log_work;
pub mod login;
pub mod logs;
pub mod measure_offers;
pub mod municipalities;
pub mod offer_edit;
pub mod proposals;
pub mod role_grants;
pub mod units;
pub mod users;

use axum::response::{Html, IntoResponse, Response};

/// Renders a page template.
pub fn page(t: &impl askama::Template) -> Result<Response, crate::error::AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a page with status 422 (the form had errors).
pub fn invalid(t: &impl askama::Template) -> Result<Response, crate::error::AppError> {
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Html(t.render()?),
    )
        .into_response())
}

/// `?melding=…` after a redirect: which confirmation to show.
#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub melding: Option<String>,
}

/// The confirmation text for a notice code; unknown codes show nothing.
pub fn notice(q: &NoticeQuery) -> Option<&'static str> {
    let m = &crate::i18n::NB;
    Some(match q.melding.as_deref()? {
        "opprettet" => m.municipalities_created,
        "enhet-opprettet" => m.units_created,
        "enhet-lagret" => m.units_saved,
        "vertskommune-lagret" => m.units_host_saved,
        "tildeling-gjennomgatt" => m.grants_reviewed_notice,
        "bruker-opprettet" => m.users_created,
        "bruker-lagret" => m.users_saved,
        "deaktivert" => m.users_disabled,
        "aktivert" => m.users_enabled,
        "passord" => m.users_password_set,
        "rolle-lagt-til" => m.users_membership_added,
        "rolle-fjernet" => m.users_membership_removed,
        "tilbud-opprettet" => m.editor_created,
        "tilbud-lagret" => m.editor_saved,
        "tilbud-uendret" => m.editor_unchanged,
        "tilbud-foreslatt" => m.editor_proposed,
        "tilbud-forslag-utvidet" => m.editor_extended,
        "forslag-trukket" => m.editor_withdrawn,
        "forslag-godkjent" => m.proposal_approved,
        "forslag-avvist" => m.proposal_rejected,
        "omrade-lagt-til" => m.areas_added,
        "omrade-endret" => m.areas_renamed,
        _ => return None,
    })
}

/// Parses an id from the path; a malformed id is simply not found.
pub fn path_id<T: std::str::FromStr>(raw: &str) -> Result<T, crate::error::AppError> {
    raw.parse().map_err(|_| crate::error::AppError::NotFound)
}

/// The municipality-administrator capability for the municipality named in
/// the path (`/kommuner/{municipality}/…`); anything else is a 404.
pub fn municipality_admin(
    user: &crate::context::SignedIn,
    raw: &str,
) -> Result<laget_domain::access::MunicipalityAdmin, crate::error::AppError> {
    Ok(user
        .actor
        .administer(path_id::<laget_domain::MunicipalityId>(raw)?)?)
}
