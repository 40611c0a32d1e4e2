//! A log id from the path turned into a capability on the log, or a 404.

use crate::AppState;
use crate::error::AppError;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::view::format::today;
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

/// Opens a log for writing. A closed log answers with the log page's notice;
/// a reader who may not write gets a 404.
pub async fn open_for_writing(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
) -> Result<Result<LogWriter, Response>, AppError> {
    let reader = open(state, user, raw).await?;
    match reader.writer() {
        Ok(w) => Ok(Ok(w)),
        Err(WriteRefused::Closed) => Ok(Err(closed_notice(reader.log_id()))),
        Err(WriteRefused::Denied) => Err(AppError::NotFound),
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
