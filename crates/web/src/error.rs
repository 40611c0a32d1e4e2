//! One error type for the web layer and its one mapping to responses.
//!
//! A handler returns `AppError`; the response it becomes carries the error as
//! an extension, and the context middleware renders the page (it knows the
//! request id and who is signed in). A 500 page shows the request id and
//! nothing internal; «forbidden» and «not found» are the same 404.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::DbError;
use laget_domain::access::Denied;

#[derive(Clone, Debug)]
pub enum AppError {
    /// Unknown, or not for this user: the same answer either way.
    NotFound,
    /// The domain refused access. Shown exactly as [`AppError::NotFound`]
    /// (a log's existence is not revealed), but logged as a refusal.
    Denied,
    /// Not signed in: go to the login page, then back to `next`.
    LoginRequired {
        next: String,
        expired: bool,
    },
    /// Not signed in as a citizen: go to the family portal's login page
    /// (ID-porten), then back to `next`.
    CitizenLoginRequired {
        next: String,
        expired: bool,
    },
    /// A missing or wrong CSRF token, or a malformed request.
    BadRequest,
    /// The object changed meanwhile (a stale form, a double submit).
    Conflict,
    TooLarge,
    /// Something failed on our side. The text goes to the server log only.
    Internal(String),
}

impl AppError {
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::Internal(what.to_string())
    }

    /// The reason code under which the request is logged as refused, if
    /// this error is a refusal (see `context::log_refusal`).
    pub fn refusal_code(&self) -> Option<&'static str> {
        match self {
            Self::Denied => Some("access_denied"),
            Self::BadRequest => Some("bad_request"),
            Self::TooLarge => Some("too_large"),
            Self::NotFound
            | Self::LoginRequired { .. }
            | Self::CitizenLoginRequired { .. }
            | Self::Conflict
            | Self::Internal(_) => None,
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::NotFound,
            DbError::Conflict | DbError::Taken => Self::Conflict,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<Denied> for AppError {
    fn from(_: Denied) -> Self {
        Self::Denied
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

impl From<crate::auth::HashError> for AppError {
    fn from(e: crate::auth::HashError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::LoginRequired { next, expired } = &self {
            let mut target = format!("/logg-inn?neste={}", urlencode(next));
            if *expired {
                target.push_str("&utlopt=1");
            }
            return Redirect::to(&target).into_response();
        }
        if let Self::CitizenLoginRequired { next, expired } = &self {
            let mut target = format!("/familie/logg-inn?neste={}", urlencode(next));
            if *expired {
                target.push_str("&utlopt=1");
            }
            return Redirect::to(&target).into_response();
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl AppError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::NotFound | Self::Denied => StatusCode::NOT_FOUND,
            Self::LoginRequired { .. } | Self::CitizenLoginRequired { .. } => StatusCode::SEE_OTHER,
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Conflict => StatusCode::CONFLICT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
