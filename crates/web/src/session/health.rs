//! Liveness for load balancers and the operator: answers when the database does.
//!
//! It reads the access log's one-row head, not a count of the log: a load
//! balancer asks every few seconds, and counting a log of millions of rows
//! is a scan of the whole table each time (docs/PRODUCTION.md).

use crate::AppState;
use crate::error::AppError;
use axum::extract::State;

pub async fn get(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state
        .db
        .read(|c| laget_db::audit::head(c).map(|_| ()))
        .await?;
    Ok("ok")
}
