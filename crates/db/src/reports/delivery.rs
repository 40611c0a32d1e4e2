//! Delivery of a sent report as the KS Fiks message (R3 fills this in):
//! the job is written in the transaction that sends the report, and the
//! worker (`laget_web::outbox::fiks`) hands the stored message to the
//! configured adapter.

use crate::DbConnection;
use crate::DbResult;
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
}

/// Adds the delivery job for `report` to the open write transaction. Call
/// it from the function that marks the report sent.
pub fn enqueue(conn: &mut DbConnection, report: ReportId) -> DbResult<JobId> {
    crate::outbox::enqueue(conn, &DeliverReport { report })
}
