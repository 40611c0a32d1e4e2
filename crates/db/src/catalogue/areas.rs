//! A new municipality's challenge areas (the written standard's defaults).
//! Apart from `offers` so that making a municipality
//! (`admin::municipalities::create`) does not depend on the offers' module,
//! whose tests make municipalities.

use crate::schema::challenge_areas;
use crate::{DbConnection, DbResult};
use diesel::prelude::*;
use laget_domain::MunicipalityId;
use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::catalogue::default_challenge_areas;

/// Gives a new municipality the default challenge areas, named in its
/// written standard (it may rename them afterwards; the codes are the same
/// in both).
pub fn add_default_areas(
    conn: &mut DbConnection,
    m: MunicipalityId,
    standard: WrittenStandard,
) -> DbResult<()> {
    for (i, (code, name)) in default_challenge_areas(standard).iter().enumerate() {
        diesel::insert_into(challenge_areas::table)
            .values((
                challenge_areas::municipality_id.eq(m.to_string()),
                challenge_areas::code.eq(*code),
                challenge_areas::name.eq(*name),
                challenge_areas::position.eq(i32::try_from(i).unwrap_or(0) + 1),
            ))
            .execute(conn)?;
    }
    Ok(())
}
