//! Delivery of a sent report as the KS Fiks message: the job is written in
//! the transaction that sends the report ([`enqueue`]), and the worker
//! (`laget_web::outbox::fiks`) reads the stored message ([`to_deliver`])
//! and hands it to the configured adapter, then records the channel and
//! the time ([`mark_delivered`]).
//!
//! The worker acts for Laget itself, as a consequence of the sending that
//! its author (or co-signer) did under the duty to inform and that was
//! recorded in the access log then; it holds a
//! [`ReportCourier`](laget_domain::access::ReportCourier), made only for a
//! sent report, and records no access-log row of its own (as the e-mail job
//! does not). What it reads goes to the child welfare service the report was
//! sent to, and nowhere else.

use crate::DbConnection;
use crate::DbResult;
use crate::schema::reports;
use crate::{from_micros, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::access::ReportCourier;
use laget_domain::ids::{JobId, ReportId};
use serde::{Deserialize, Serialize};

/// The outbox job that delivers one sent report. Holds the report's id
/// only; the worker reads the stored message when it runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeliverReport {
    pub report: ReportId,
}

impl crate::outbox::Payload for DeliverReport {
    const KIND: &'static str = "fiks_bekymringsmelding";
    /// A report of concern matters: about two and a half days of attempts
    /// (30 s doubling to 6 h) before the job is kept as failed for the
    /// operator.
    const MAX_ATTEMPTS: i32 = 20;
}

/// Adds the delivery job for `report` to the open write transaction. Call
/// it from the function that marks the report sent.
pub fn enqueue(conn: &mut DbConnection, report: ReportId) -> DbResult<JobId> {
    crate::outbox::enqueue(conn, &DeliverReport { report })
}

/// What the delivery job needs of one sent report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToDeliver {
    pub report: ReportId,
    /// The KS Fiks message as stored at sending (JSON); `None` only in a
    /// corrupt row.
    pub message: Option<String>,
    /// Set once an earlier run delivered it.
    pub delivered: Option<Delivered>,
}

/// How and when a report was delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    /// The adapter's channel: `fil`, `http` (and later `fiks_io`).
    pub channel: String,
    pub at: DateTime<Utc>,
}

/// The stored message of the report `courier` carries, and whether it was
/// delivered already. `DbError::NotFound` if the report is gone.
pub fn to_deliver(conn: &mut DbConnection, courier: &ReportCourier) -> DbResult<ToDeliver> {
    let (message, channel, at): (Option<String>, Option<String>, Option<i64>) = reports::table
        .find(courier.report_id().to_string())
        .select((
            reports::message,
            reports::delivery_channel,
            reports::delivered_at,
        ))
        .first(conn)?;
    Ok(ToDeliver {
        report: courier.report_id(),
        message,
        delivered: match (channel, at) {
            (Some(channel), Some(at)) => Some(Delivered {
                channel,
                at: from_micros(at),
            }),
            _ => None,
        },
    })
}

/// Records that the adapter delivered the report through `channel` at
/// `at`. A second delivery (the outbox delivers at least once) keeps the
/// first time.
pub fn mark_delivered(
    conn: &mut DbConnection,
    courier: &ReportCourier,
    channel: &str,
    at: DateTime<Utc>,
) -> DbResult<()> {
    let id = courier.report_id().to_string();
    let n = diesel::update(
        reports::table
            .find(&id)
            .filter(reports::delivered_at.is_null()),
    )
    .set((
        reports::delivery_channel.eq(channel),
        reports::delivered_at.eq(to_micros(at)),
    ))
    .execute(conn)?;
    if n == 0 {
        // Delivered before, or no such report.
        reports::table
            .find(&id)
            .select(reports::id)
            .first::<String>(conn)?;
    }
    Ok(())
}
