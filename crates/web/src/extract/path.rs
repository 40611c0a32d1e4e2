//! Path segments turned into ids and capabilities; anything else is a 404.

/// Parses an id from the path; a malformed id is simply not found.
pub fn path_id<T: std::str::FromStr>(raw: &str) -> Result<T, crate::error::AppError> {
    raw.parse().map_err(|_| crate::error::AppError::NotFound)
}

/// The municipality-administrator capability for the municipality named in
/// the path (`/kommuner/{municipality}/…`); anything else is a 404.
pub fn municipality_admin(
    user: &crate::extract::user::SignedIn,
    raw: &str,
) -> Result<laget_domain::access::MunicipalityAdmin, crate::error::AppError> {
    Ok(user
        .actor
        .administer(path_id::<laget_domain::MunicipalityId>(raw)?)?)
}
