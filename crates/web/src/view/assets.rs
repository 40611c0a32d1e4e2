//! Static files, embedded in the binary under fingerprinted names (see build.rs).

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The URL of an asset by its logical name, e.g. `app.css`.
pub fn url(logical: &str) -> String {
    ASSETS
        .iter()
        .find(|(name, ..)| *name == logical)
        .map(|(_, served, ..)| format!("/static/{served}"))
        .unwrap_or_default()
}

pub async fn serve(Path(name): Path<String>) -> Result<Response, AppError> {
    let Some((_, _, content_type, bytes)) = ASSETS.iter().find(|(_, served, ..)| *served == name)
    else {
        return Err(AppError::NotFound);
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
