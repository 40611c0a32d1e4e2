//! The error page.

use crate::AppState;
use crate::error::AppError;
use crate::extract::user::Ctx;
use crate::view::layout::Layout;
use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    heading: &'a str,
    text: &'a str,
    request_id: Option<&'a str>,
}

/// The page for an error. Internal details are logged (without personal
/// data) and never shown.
pub fn render_error_page(
    state: &AppState,
    error: &AppError,
    request_id: &str,
    ctx: Option<&Ctx>,
) -> Response {
    let m = ctx.map_or_else(crate::i18n::Messages::for_visitors, |c| c.m);
    let (heading, text, shown_id) = match error {
        AppError::NotFound
        | AppError::Denied
        | AppError::LoginRequired { .. }
        | AppError::CitizenLoginRequired { .. } => (m.not_found_title, m.not_found_text, None),
        AppError::BadRequest => (m.bad_request_title, m.bad_request_text, None),
        AppError::Conflict => (m.conflict_title, m.conflict_text, None),
        AppError::TooLarge => (m.too_large_title, m.too_large_text, None),
        AppError::Internal(detail) => {
            tracing::error!(request_id, error = %detail, "request failed");
            (m.server_error_title, m.server_error_text, Some(request_id))
        }
    };
    if ctx.is_some_and(|c| c.path.starts_with("/api/")) {
        let body = serde_json::json!({ "error": heading, "request_id": shown_id });
        return (error.status(), axum::Json(body)).into_response();
    }
    let layout = Layout::for_error(state, m, heading, ctx);
    let page = ErrorPage {
        layout,
        heading,
        text,
        request_id: shown_id,
    };
    let body = page
        .render()
        .unwrap_or_else(|_| format!("<!doctype html><title>{heading}</title><p>{text}</p>"));
    let mut response = (error.status(), Html(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
