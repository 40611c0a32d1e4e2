//! The municipality's texts for families in other languages than bokmål and
//! nynorsk (`portal_texts`): per language its own name, what consent means,
//! and the portal's welcome. Municipalities hand out consent forms in
//! English, Arabic, Somali, Tigrinya, Polish and more; here the
//! administrator writes them once, and a citizen who picks the language
//! reads them beside the bokmål or nynorsk pages.
//!
//! The administrator's functions take `MunicipalityAdmin` and record an
//! access-log row on the municipality; a citizen reads the texts of their
//! child's log's municipality under the log's `FamilyReader` (no access-log
//! row: the municipality's settings, not the child's data — the page that
//! shows them records its read of the log).

use crate::children::record;
use crate::schema::portal_texts;
use crate::{DbConnection, DbResult, from_micros, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::MunicipalityId;
use laget_domain::access::{Capability, FamilyReader, MunicipalityAdmin};
use laget_domain::audit::{Action, ObjectType, Scope};

/// One language's texts, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalText {
    /// The language tag: `en`, `ar`, `so`, `ti`, `pl`, …
    pub language: String,
    /// The language's name in itself: English, العربية, Soomaali, …
    pub language_name: String,
    pub consent_info: String,
    pub portal_info: String,
    pub updated_at: DateTime<Utc>,
}

type Row = (String, String, String, String, i64);

fn text(row: Row) -> PortalText {
    let (language, language_name, consent_info, portal_info, updated_at) = row;
    PortalText {
        language,
        language_name,
        consent_info,
        portal_info,
        updated_at: from_micros(updated_at),
    }
}

fn of_municipality(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Vec<PortalText>> {
    let rows: Vec<Row> = portal_texts::table
        .filter(portal_texts::municipality_id.eq(m.to_string()))
        .order(portal_texts::language)
        .select((
            portal_texts::language,
            portal_texts::language_name,
            portal_texts::consent_info,
            portal_texts::portal_info,
            portal_texts::updated_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(text).collect())
}

fn scope(cap: &MunicipalityAdmin) -> Scope {
    Scope {
        municipality_id: Some(cap.municipality_id()),
        unit_id: None,
    }
}

/// Every language the municipality has texts in, for its administrator.
pub fn all(conn: &mut DbConnection, cap: &MunicipalityAdmin) -> DbResult<Vec<PortalText>> {
    of_municipality(conn, cap.municipality_id())
}

/// Adds or replaces one language's texts. One access-log row on the
/// municipality.
pub fn save(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    t: &PortalText,
    rid: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    let by = cap.actor().map(|u| u.to_string());
    diesel::delete(portal_texts::table.find((&m, &t.language))).execute(conn)?;
    diesel::insert_into(portal_texts::table)
        .values((
            portal_texts::municipality_id.eq(&m),
            portal_texts::language.eq(&t.language),
            portal_texts::language_name.eq(&t.language_name),
            portal_texts::consent_info.eq(&t.consent_info),
            portal_texts::portal_info.eq(&t.portal_info),
            portal_texts::updated_at.eq(to_micros(Utc::now())),
            portal_texts::updated_by.eq(by.as_deref()),
        ))
        .execute(conn)?;
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        scope(cap),
        rid,
    )
}

/// Deletes one language's texts; `false` if there were none.
pub fn delete(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    language: &str,
    rid: &str,
) -> DbResult<bool> {
    let n = diesel::delete(portal_texts::table.find((cap.municipality_id().to_string(), language)))
        .execute(conn)?;
    if n > 0 {
        record(
            conn,
            cap,
            ObjectType::Municipality,
            cap.municipality_id(),
            Action::Update,
            scope(cap),
            rid,
        )?;
    }
    Ok(n > 0)
}

/// The languages the log's municipality has texts in, for the citizen
/// reading the log (the language picker, and the texts in the chosen one).
pub fn for_family(conn: &mut DbConnection, r: &FamilyReader) -> DbResult<Vec<PortalText>> {
    of_municipality(conn, r.municipality_id())
}
