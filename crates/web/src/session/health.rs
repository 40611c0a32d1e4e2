//! Liveness for load balancers and the operator: answers when the database does.

use crate::AppState;
use crate::error::AppError;
use axum::extract::State;

pub async fn get(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state
        .db
        .read(|c| laget_db::audit::count(c).map(|_| ()))
        .await?;
    Ok("ok")
}
