//! Citizens known to Laget: one row per national identity number that has
//! logged in through ID-porten. Nothing else about the person is kept here;
//! who they are to a child follows from the children and guardians carrying
//! the same number (`laget_domain::access::family`).

use crate::schema::citizens;
use crate::{DbConnection, DbResult, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::children::national_id::NationalId;
use laget_domain::ids::CitizenId;

/// The citizen with this national identity number, made at their first
/// login; records the login's time.
pub fn signed_in(
    conn: &mut DbConnection,
    national_id: &NationalId,
    now: DateTime<Utc>,
) -> DbResult<CitizenId> {
    let number = national_id.expose().to_owned();
    let found: Option<String> = citizens::table
        .filter(citizens::national_id.eq(&number))
        .select(citizens::id)
        .first(conn)
        .optional()?;
    let id = match found {
        Some(id) => parse_id(&id)?,
        None => {
            let id = CitizenId::new();
            diesel::insert_into(citizens::table)
                .values((
                    citizens::id.eq(id.to_string()),
                    citizens::national_id.eq(&number),
                    citizens::created_at.eq(to_micros(now)),
                ))
                .execute(conn)?;
            id
        }
    };
    diesel::update(citizens::table.find(id.to_string()))
        .set(citizens::last_login_at.eq(Some(to_micros(now))))
        .execute(conn)?;
    Ok(id)
}

/// The language the citizen chose for the portal (`nb`, `nn` or a
/// language the municipality has texts in), if any.
pub fn language(conn: &mut DbConnection, citizen: CitizenId) -> DbResult<Option<String>> {
    Ok(citizens::table
        .find(citizen.to_string())
        .select(citizens::language)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Records the citizen's choice of language (`None`: back to the
/// municipality's written standard).
pub fn set_language(
    conn: &mut DbConnection,
    citizen: CitizenId,
    language: Option<&str>,
) -> DbResult<()> {
    diesel::update(citizens::table.find(citizen.to_string()))
        .set(citizens::language.eq(language))
        .execute(conn)?;
    Ok(())
}
