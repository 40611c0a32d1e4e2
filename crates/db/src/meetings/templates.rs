//! The municipality's templates for case meetings (meeting_templates): per
//! kind the purpose and agenda an invitation starts from, a guide for the
//! minutes, and how many days before the meeting the child's voice is due.
//! A kind without a row uses the message catalogue's default in the
//! municipality's written standard: that is words, so the web layer fills
//! it in (`laget_web::meetings::templates`); here a missing row is `None`.

use crate::children::record;
use crate::schema::meeting_templates;
use crate::{DbConnection, DbError, DbResult, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::MunicipalityId;
use laget_domain::access::MunicipalityAdmin;
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::meetings::MeetingKind;
use laget_domain::meetings::invitation::MAX_VOICE_DAYS_BEFORE;

/// A municipality's template for one kind of case meeting, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingTemplate {
    pub kind: MeetingKind,
    pub purpose: String,
    pub agenda: String,
    pub minutes_guide: String,
    /// 0–60.
    pub voice_days_before: u8,
}

type Row = (String, String, String, String, i32);

fn template(row: Row) -> DbResult<MeetingTemplate> {
    let (kind, purpose, agenda, minutes_guide, days) = row;
    Ok(MeetingTemplate {
        kind: MeetingKind::from_code(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("meeting kind {kind:?}")))?,
        purpose,
        agenda,
        minutes_guide,
        voice_days_before: u8::try_from(days)
            .ok()
            .filter(|d| *d <= MAX_VOICE_DAYS_BEFORE)
            .ok_or_else(|| DbError::Corrupt(format!("voice_days_before {days}")))?,
    })
}

/// The municipality's own template for `kind`, or `None` when it has not
/// written one (the catalogue's default applies). A municipality's
/// settings, no child's data: the invitation form and the minutes read it
/// under the log's capability.
pub fn for_kind(
    conn: &mut DbConnection,
    municipality: MunicipalityId,
    kind: MeetingKind,
) -> DbResult<Option<MeetingTemplate>> {
    let row: Option<Row> = meeting_templates::table
        .find((municipality.to_string(), kind.code()))
        .select((
            meeting_templates::kind,
            meeting_templates::purpose,
            meeting_templates::agenda,
            meeting_templates::minutes_guide,
            meeting_templates::voice_days_before,
        ))
        .first(conn)
        .optional()?;
    row.map(template).transpose()
}

/// Every template the municipality has written, for its administrator.
pub fn all(conn: &mut DbConnection, cap: &MunicipalityAdmin) -> DbResult<Vec<MeetingTemplate>> {
    let rows: Vec<Row> = meeting_templates::table
        .filter(meeting_templates::municipality_id.eq(cap.municipality_id().to_string()))
        .order(meeting_templates::kind)
        .select((
            meeting_templates::kind,
            meeting_templates::purpose,
            meeting_templates::agenda,
            meeting_templates::minutes_guide,
            meeting_templates::voice_days_before,
        ))
        .load(conn)?;
    rows.into_iter().map(template).collect()
}

/// Saves the municipality's templates (one per kind given), replacing what
/// it had; the kinds in `standard` go back to the standard text (their rows
/// deleted). One access-log row on the municipality.
pub fn save(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    templates: &[MeetingTemplate],
    standard: &[laget_domain::meetings::MeetingKind],
    rid: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    let now = to_micros(Utc::now());
    let by = laget_domain::access::Capability::actor(cap).map(|u| u.to_string());
    for kind in standard {
        diesel::delete(meeting_templates::table.find((&m, kind.code()))).execute(conn)?;
    }
    for t in templates {
        diesel::delete(meeting_templates::table.find((&m, t.kind.code()))).execute(conn)?;
        diesel::insert_into(meeting_templates::table)
            .values((
                meeting_templates::municipality_id.eq(&m),
                meeting_templates::kind.eq(t.kind.code()),
                meeting_templates::purpose.eq(&t.purpose),
                meeting_templates::agenda.eq(&t.agenda),
                meeting_templates::minutes_guide.eq(&t.minutes_guide),
                meeting_templates::voice_days_before.eq(i32::from(t.voice_days_before)),
                meeting_templates::updated_at.eq(now),
                meeting_templates::updated_by.eq(by.as_deref()),
            ))
            .execute(conn)?;
    }
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        Scope {
            municipality_id: Some(cap.municipality_id()),
            unit_id: None,
        },
        rid,
    )
}
