//! The e-mail Laget sends about meetings (outgoing_mail), written in the
//! transaction of the change that causes it, and sent by an outbox job
//! (`crates/web/src/outbox/mail.rs`) after the commit. A row holds ids, never
//! words: the message is rendered when it is sent, in the recipient's
//! written standard, and names no child.

use crate::schema::outgoing_mail;
use crate::{DbConnection, DbResult, outbox, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::UserId;
use laget_domain::ids::{DecisionId, GuardianId, MailId, MeetingId};
use laget_domain::meetings::mail::{MailKind, MailState};
use serde::{Deserialize, Serialize};

/// Who an e-mail goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    User(UserId),
    Guardian(GuardianId),
}

/// An e-mail to send once the change commits.
#[derive(Clone, Copy, Debug)]
pub struct MailRequest {
    pub kind: MailKind,
    pub recipient: Recipient,
    pub meeting: Option<MeetingId>,
    pub decision: Option<DecisionId>,
    /// The meeting's iCalendar SEQUENCE when the message carries a calendar
    /// invitation (invitation, update, cancellation).
    pub sequence: i32,
    pub created_by: Option<UserId>,
}

/// The outbox job that sends one row of `outgoing_mail`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendMail {
    pub mail: MailId,
}

impl outbox::Payload for SendMail {
    const KIND: &'static str = "send_mail";
}

/// Records the e-mail and enqueues its job, in the transaction `conn` is in.
/// Always enqueued: without an SMTP server the job marks it not sent, so the
/// sender sees the same list either way.
pub fn enqueue(conn: &mut DbConnection, request: &MailRequest) -> DbResult<MailId> {
    let id = MailId::new();
    let job = outbox::enqueue(conn, &SendMail { mail: id })?;
    let (user, guardian) = match request.recipient {
        Recipient::User(u) => (Some(u.to_string()), None),
        Recipient::Guardian(g) => (None, Some(g.to_string())),
    };
    diesel::insert_into(outgoing_mail::table)
        .values((
            outgoing_mail::id.eq(id.to_string()),
            outgoing_mail::job_id.eq(Some(job.to_string())),
            outgoing_mail::kind.eq(request.kind.code()),
            outgoing_mail::meeting_id.eq(request.meeting.map(|m| m.to_string())),
            outgoing_mail::decision_id.eq(request.decision.map(|d| d.to_string())),
            outgoing_mail::recipient_user_id.eq(user),
            outgoing_mail::recipient_guardian_id.eq(guardian),
            outgoing_mail::sequence.eq(request.sequence),
            outgoing_mail::state.eq(MailState::Queued.code()),
            outgoing_mail::created_by.eq(request.created_by.map(|u| u.to_string())),
            outgoing_mail::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    Ok(id)
}
