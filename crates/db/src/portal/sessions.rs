//! Citizens' login sessions, kept like staff sessions (`crate::session`):
//! the cookie holds a random token, the database its SHA-256 hash.

use crate::schema::{citizen_sessions, citizens};
use crate::{DbConnection, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::ids::CitizenId;

/// A live citizen session, as the middleware finds it.
#[derive(Clone, Debug)]
pub struct CitizenSession {
    pub citizen_id: CitizenId,
    /// The citizen's national identity number (for the access decision).
    pub national_id: String,
    pub csrf_token: String,
    pub acr: String,
    pub provider: String,
    pub id_token_hint: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// A session to open at login.
#[derive(Clone, Debug)]
pub struct NewCitizenSession<'a> {
    pub token_hash: &'a str,
    pub citizen_id: CitizenId,
    pub csrf_token: &'a str,
    pub acr: &'a str,
    pub provider: &'a str,
    pub id_token_hint: Option<&'a str>,
}

pub fn create(conn: &mut DbConnection, s: &NewCitizenSession, now: DateTime<Utc>) -> DbResult<()> {
    diesel::insert_into(citizen_sessions::table)
        .values((
            citizen_sessions::token_hash.eq(s.token_hash),
            citizen_sessions::citizen_id.eq(s.citizen_id.to_string()),
            citizen_sessions::csrf_token.eq(s.csrf_token),
            citizen_sessions::acr.eq(s.acr),
            citizen_sessions::provider.eq(s.provider),
            citizen_sessions::id_token_hint.eq(s.id_token_hint),
            citizen_sessions::created_at.eq(to_micros(now)),
            citizen_sessions::last_seen_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    Ok(())
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
);

/// The citizen session with this token hash.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> DbResult<Option<CitizenSession>> {
    let row: Option<Row> = citizen_sessions::table
        .inner_join(citizens::table)
        .filter(citizen_sessions::token_hash.eq(token_hash))
        .select((
            citizen_sessions::citizen_id,
            citizens::national_id,
            citizen_sessions::csrf_token,
            citizen_sessions::acr,
            citizen_sessions::provider,
            citizen_sessions::id_token_hint,
            citizen_sessions::created_at,
            citizen_sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    row.map(
        |(citizen, national_id, csrf_token, acr, provider, hint, created, seen)| {
            Ok(CitizenSession {
                citizen_id: parse_id(&citizen)?,
                national_id,
                csrf_token,
                acr,
                provider,
                id_token_hint: hint,
                created_at: from_micros(created),
                last_seen_at: from_micros(seen),
            })
        },
    )
    .transpose()
}

pub fn touch(conn: &mut DbConnection, token_hash: &str, now: DateTime<Utc>) -> DbResult<()> {
    diesel::update(citizen_sessions::table.find(token_hash))
        .set(citizen_sessions::last_seen_at.eq(to_micros(now)))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> DbResult<()> {
    diesel::delete(citizen_sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Removes sessions that can no longer be alive.
pub fn purge_expired(
    conn: &mut DbConnection,
    absolute_before: DateTime<Utc>,
    idle_before: DateTime<Utc>,
) -> DbResult<usize> {
    Ok(diesel::delete(
        citizen_sessions::table.filter(
            citizen_sessions::created_at
                .lt(to_micros(absolute_before))
                .or(citizen_sessions::last_seen_at.lt(to_micros(idle_before))),
        ),
    )
    .execute(conn)?)
}
