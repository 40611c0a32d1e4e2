//! Logins through an OpenID provider that are under way (table
//! `oidc_logins`), and what a finished staff login needs: the Laget user a
//! provider's claim names, and the provider and ID token kept on the staff
//! session for logging out there too.
//!
//! A login under way is keyed by the SHA-256 hash of its `state`; it holds
//! the nonce and the PKCE verifier, which never leave the server. It is
//! taken (read and deleted in one transaction) at the callback, so a state
//! is used once; rows older than [`MAX_AGE_MINUTES`] are refused and purged.

use crate::schema::{oidc_logins, sessions, users};
use crate::{DbConnection, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use laget_domain::UserId;

/// How long a login may take at the provider.
pub const MAX_AGE_MINUTES: i64 = 10;

/// A login begun: written when the browser is sent to the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogin {
    /// The configured provider (`idporten`, `ansatt`).
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go after the login (a path in Laget).
    pub next_path: String,
    pub created_at: DateTime<Utc>,
}

/// Records a login under way (`state_hash`: the SHA-256 of its state), and
/// purges the ones that have run out.
pub fn begin(conn: &mut DbConnection, state_hash: &str, login: &PendingLogin) -> DbResult<()> {
    purge_expired(conn, login.created_at)?;
    diesel::insert_into(oidc_logins::table)
        .values((
            oidc_logins::state_hash.eq(state_hash),
            oidc_logins::provider.eq(&login.provider),
            oidc_logins::nonce.eq(&login.nonce),
            oidc_logins::pkce_verifier.eq(&login.pkce_verifier),
            oidc_logins::next_path.eq(&login.next_path),
            oidc_logins::created_at.eq(to_micros(login.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes the login with this state hash: returns it and deletes it, so a
/// second callback with the same state finds nothing. A login older than
/// [`MAX_AGE_MINUTES`] is deleted and not returned.
pub fn take(
    conn: &mut DbConnection,
    state_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<PendingLogin>> {
    type Row = (String, String, String, String, i64);
    let row: Option<Row> = oidc_logins::table
        .find(state_hash)
        .select((
            oidc_logins::provider,
            oidc_logins::nonce,
            oidc_logins::pkce_verifier,
            oidc_logins::next_path,
            oidc_logins::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((provider, nonce, pkce_verifier, next_path, created)) = row else {
        return Ok(None);
    };
    let deleted = diesel::delete(oidc_logins::table.find(state_hash)).execute(conn)?;
    let created_at = from_micros(created);
    // Another request took it first (a replay racing the real callback).
    if deleted == 0 || now - created_at > Duration::minutes(MAX_AGE_MINUTES) {
        return Ok(None);
    }
    Ok(Some(PendingLogin {
        provider,
        nonce,
        pkce_verifier,
        next_path,
        created_at,
    }))
}

/// Deletes logins begun more than [`MAX_AGE_MINUTES`] before `now`.
pub fn purge_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> DbResult<usize> {
    let before = to_micros(now - Duration::minutes(MAX_AGE_MINUTES));
    Ok(
        diesel::delete(oidc_logins::table.filter(oidc_logins::created_at.lt(before)))
            .execute(conn)?,
    )
}

diesel::define_sql_function! {
    /// SQL `lower`, the same in both engines for ASCII addresses.
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Which field of a Laget user a staff provider's claim is matched to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserMatch {
    Username,
    Email,
}

/// The Laget user, not disabled, whose username or e-mail address equals
/// `value` (compared without regard to case). An e-mail address shared by
/// several users names none of them.
pub fn staff_user(
    conn: &mut DbConnection,
    field: UserMatch,
    value: &str,
) -> DbResult<Option<UserId>> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return Ok(None);
    }
    let found: Vec<String> = match field {
        UserMatch::Username => users::table
            .filter(users::username.eq(&value))
            .filter(users::disabled_at.is_null())
            .select(users::id)
            .load(conn)?,
        UserMatch::Email => users::table
            .filter(lower(users::email).eq(Some(&value)))
            .filter(users::disabled_at.is_null())
            .select(users::id)
            .load(conn)?,
    };
    match found.as_slice() {
        [one] => Ok(Some(parse_id(one)?)),
        _ => Ok(None),
    }
}

/// Marks a staff session as opened through `provider`, keeping the ID
/// token for logging out at the provider too.
pub fn mark_session(
    conn: &mut DbConnection,
    token_hash: &str,
    provider: &str,
    id_token_hint: Option<&str>,
) -> DbResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set((
            sessions::provider.eq(Some(provider)),
            sessions::id_token_hint.eq(id_token_hint),
        ))
        .execute(conn)?;
    Ok(())
}

/// The provider and ID token of a staff session opened through an OpenID
/// provider; `None` for a local login.
pub fn session_provider(
    conn: &mut DbConnection,
    token_hash: &str,
) -> DbResult<Option<(String, Option<String>)>> {
    let row: Option<(Option<String>, Option<String>)> = sessions::table
        .find(token_hash)
        .select((sessions::provider, sessions::id_token_hint))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(provider, hint)| provider.map(|p| (p, hint))))
}
