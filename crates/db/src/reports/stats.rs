//! The counts of sent reports of concern about children of one municipality
//! (issue #13, R2): by the kind of the reporting unit, by month sent and by
//! outcome, for one year. Plain numbers, no names, ready for the plan's
//! indicators; the pages publish them through
//! `laget_domain::reports::counts::publish`, which suppresses small numbers.

use crate::children::record;
use crate::schema::{reports, units};
use crate::{DbConnection, DbResult, from_micros};
use chrono::{Datelike, NaiveDate, TimeZone};
use diesel::prelude::*;
use laget_domain::access::ReportStatistics;
use laget_domain::admin::unit::UnitKind;
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::reports::{Outcome, ReportStatus};

/// One year's counts for one municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportCounts {
    pub year: i32,
    /// Every unit kind, in `UnitKind::ALL`'s order (0 where none).
    pub by_kind: Vec<(UnitKind, u64)>,
    /// January to December (Norwegian time).
    pub by_month: Vec<u64>,
    /// Each outcome, then «not decided yet» (`None`).
    pub by_outcome: Vec<(Option<Outcome>, u64)>,
    pub total: u64,
}

/// The start of `year` in Norway, as stored.
fn year_start(year: i32) -> i64 {
    let day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    chrono_tz::Europe::Oslo
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc).timestamp_micros())
        .unwrap_or_default()
}

/// The reports sent in `year` about children of the capability's
/// municipality, counted. One access-log row (a read of the municipality's
/// counts; no report is named).
pub fn counts(
    conn: &mut DbConnection,
    cap: &ReportStatistics,
    year: i32,
    request_id: &str,
) -> DbResult<ReportCounts> {
    let m = cap.municipality_id();
    let sent: Vec<&str> = ReportStatus::ALL
        .iter()
        .filter(|s| s.is_sent())
        .map(|s| s.code())
        .collect();
    let rows: Vec<(Option<i64>, String, Option<String>)> = reports::table
        .inner_join(units::table.on(units::id.eq(reports::reporter_unit_id)))
        .filter(reports::municipality_id.eq(m.to_string()))
        .filter(reports::status.eq_any(&sent))
        .filter(reports::sent_at.ge(year_start(year)))
        .filter(reports::sent_at.lt(year_start(year + 1)))
        .select((reports::sent_at, units::kind, reports::outcome))
        .load(conn)?;
    let mut by_kind: Vec<(UnitKind, u64)> = UnitKind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut by_month = vec![0u64; 12];
    let mut by_outcome: Vec<(Option<Outcome>, u64)> = Outcome::ALL
        .iter()
        .map(|o| (Some(*o), 0))
        .chain(std::iter::once((None, 0)))
        .collect();
    for (at, kind, outcome) in &rows {
        let kind = UnitKind::from_code(kind).unwrap_or(UnitKind::Annet);
        if let Some(slot) = by_kind.iter_mut().find(|(k, _)| *k == kind) {
            slot.1 += 1;
        }
        if let Some(at) = at {
            let month = from_micros(*at)
                .with_timezone(&chrono_tz::Europe::Oslo)
                .month0() as usize;
            if let Some(slot) = by_month.get_mut(month) {
                *slot += 1;
            }
        }
        let outcome = outcome.as_deref().and_then(Outcome::from_code);
        if let Some(slot) = by_outcome.iter_mut().find(|(o, _)| *o == outcome) {
            slot.1 += 1;
        }
    }
    record(
        conn,
        cap,
        ObjectType::Municipality,
        m,
        Action::Read,
        Scope {
            municipality_id: Some(m),
            unit_id: None,
        },
        request_id,
    )?;
    Ok(ReportCounts {
        year,
        by_kind,
        by_month,
        by_outcome,
        total: rows.len() as u64,
    })
}
