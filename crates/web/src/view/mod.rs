//! How pages look: the layout and navigation every page shares, formatting
//! of dates and labels, choices for forms, notices, the error page and the
//! static assets. Nothing here reads the database or decides access.

pub mod assets;
pub mod choices;
pub mod error_page;
pub mod format;
pub mod layout;
pub mod nav;
pub mod notice;

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
