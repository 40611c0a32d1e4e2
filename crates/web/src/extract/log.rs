//! A log id from the path turned into a capability on the log, or a 404.

use crate::AppState;
use crate::error::AppError;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::view::format::today;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::log as logs;
use laget_domain::access::{LogReader, LogWriter, WriteRefused};
use laget_domain::audit::Action;
use laget_domain::ids::LogId;

/// Opens a log for the signed-in user, or 404 (unknown and forbidden alike).
pub async fn open(state: &AppState, user: &SignedIn, raw: &str) -> Result<LogReader, AppError> {
    let log: LogId = path_id(raw)?;
    let uid = user.actor.user_id();
    let today = today();
    let facts = state
        .db
        .read(move |c| laget_db::lookup::log_facts(c, log, uid, today))
        .await?;
    Ok(user.actor.open_log(&facts, today)?)
}

/// Opens a log for a page that shows more than the coordinating unit's
/// question needs (print, measure, consent scan), or 404.
pub async fn open_whole(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
) -> Result<LogReader, AppError> {
    let reader = open(state, user, raw).await?;
    reader.whole()?;
    Ok(reader)
}

/// The `{log}` segment of a route; other segments of the same route are
/// left to the handler.
#[derive(serde::Deserialize)]
struct LogSegment {
    log: String,
}

/// The signed-in user and the log the path names, opened for them: the
/// work every log page does before anything else. Anonymous visitors are
/// sent to the login page; a malformed, unknown or forbidden log is a 404.
async fn user_and_reader(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(SignedIn, LogReader), AppError> {
    let user = SignedIn::from_request_parts(parts, state).await?;
    let Path(LogSegment { log }) = Path::<LogSegment>::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::NotFound)?;
    let reader = open(state, &user, &log).await?;
    Ok((user, reader))
}

/// A handler argument: the log of the path's `{log}`, open for the
/// signed-in user ([`open`]), or a 404.
pub struct OpenLog {
    pub user: SignedIn,
    pub reader: LogReader,
}

impl FromRequestParts<AppState> for OpenLog {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (user, reader) = user_and_reader(parts, state).await?;
        Ok(Self { user, reader })
    }
}

/// A handler argument: the log of the path's `{log}`, open for a page that
/// shows more than the coordinating unit's question needs ([`open_whole`]),
/// or a 404.
pub struct WholeLog {
    pub user: SignedIn,
    pub reader: LogReader,
}

impl FromRequestParts<AppState> for WholeLog {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (user, reader) = user_and_reader(parts, state).await?;
        reader.whole()?;
        Ok(Self { user, reader })
    }
}

/// A handler argument: the log of the path's `{log}`, open for writing. A
/// closed log answers with the log page's notice before the handler runs
/// (nothing is written); a reader who may not write gets a 404.
pub struct WritableLog {
    pub user: SignedIn,
    pub writer: LogWriter,
}

impl FromRequestParts<AppState> for WritableLog {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (user, reader) = user_and_reader(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match reader.writer() {
            Ok(writer) => Ok(Self { user, writer }),
            Err(WriteRefused::Closed) => Err(closed_notice(reader.log_id())),
            Err(WriteRefused::Denied) => Err(AppError::NotFound.into_response()),
        }
    }
}

/// The answer to a write on a closed log: back to the log, which says it is
/// closed. Nothing was written.
pub fn closed_notice(log: LogId) -> Response {
    Redirect::to(&format!("/logger/{log}?melding=logg-lukket")).into_response()
}

/// Records that `user` read the log under `reader` (every page that shows
/// anything of the log or the child calls this before rendering).
pub async fn record_read(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
) -> Result<(), AppError> {
    state
        .db
        .record_reads(vec![logs::read_record(
            reader,
            Action::Read,
            &user.ctx.request_id,
        )])
        .await?;
    Ok(())
}
