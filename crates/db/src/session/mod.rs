//! Server-side login sessions. The cookie holds a random token; the database
//! holds only its SHA-256 hash, so a copy of the database opens no session.

use crate::schema::{sessions, users};
use crate::{DbConnection, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::UserId;

#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub display_name: String,
}

pub fn create(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: UserId,
    csrf_token: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id.to_string()),
            sessions::csrf_token.eq(csrf_token),
            sessions::created_at.eq(to_micros(now)),
            sessions::last_seen_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session with this token hash, if its user is not disabled.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> DbResult<Option<Session>> {
    let row: Option<(String, String, i64, i64, String)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(users::disabled_at.is_null())
        .select((
            sessions::user_id,
            sessions::csrf_token,
            sessions::created_at,
            sessions::last_seen_at,
            users::display_name,
        ))
        .first(conn)
        .optional()?;
    row.map(|(user_id, csrf_token, created, seen, display_name)| {
        Ok(Session {
            user_id: parse_id(&user_id)?,
            csrf_token,
            created_at: from_micros(created),
            last_seen_at: from_micros(seen),
            display_name,
        })
    })
    .transpose()
}

pub fn touch(conn: &mut DbConnection, token_hash: &str, now: DateTime<Utc>) -> DbResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set(sessions::last_seen_at.eq(to_micros(now)))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> DbResult<()> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Removes sessions that can no longer be alive (older than `absolute_before`
/// or unused since `idle_before`).
pub fn purge_expired(
    conn: &mut DbConnection,
    absolute_before: DateTime<Utc>,
    idle_before: DateTime<Utc>,
) -> DbResult<usize> {
    Ok(diesel::delete(
        sessions::table.filter(
            sessions::created_at
                .lt(to_micros(absolute_before))
                .or(sessions::last_seen_at.lt(to_micros(idle_before))),
        ),
    )
    .execute(conn)?)
}

pub fn count_for_user(conn: &mut DbConnection, user_id: UserId) -> DbResult<i64> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id.to_string()))
        .count()
        .get_result(conn)?)
}

/// Failed logins per account and address.
pub mod throttle;

/// Logins through an OpenID provider under way; staff sessions opened
/// through one.
pub mod oidc_logins;
