//! The `send_mail` job: sends one row of `outgoing_mail` (queued by
//! `laget_db::meetings::mail::enqueue` in the transaction of the change)
//! and records how it went on the row, which the meeting's page lists.
//!
//! - **Words.** Subject and text come from the message catalogue in the
//!   recipient's written standard (a staff member's home municipality's, a
//!   guardian's child's municipality's): one or two sentences, the meeting's
//!   time, and a link to the meeting (or to «Mine oppgaver» for a decision).
//!   Never a child's name, nor anything written about the meeting (purpose,
//!   agenda, minutes). Guardians get no link — they have no account — but
//!   are told the calendar invitation holds time and place.
//! - **Calendar.** Invitations and changes carry METHOD:REQUEST, a
//!   cancellation METHOD:CANCEL ([`crate::mail::ics`]); the UID is the
//!   meeting's, the SEQUENCE the row's.
//! - **Outcomes.** Sent: `sendt` with the time. No `[mail]`: `ikke_sendt`,
//!   `smtp_off`. No address: `ikke_sendt`, `no_address`. The server could
//!   not be reached or said «later»: retried by the outbox, and after the
//!   last attempt `feilet`, `smtp_unavailable` ([`JobKind::gave_up`]). The
//!   server refused the message for good (5xx): `feilet`, `smtp_refused` at
//!   once.
//! - **Repeats.** The Message-ID is made from the e-mail's id, so a message
//!   sent twice (a worker that died after sending) can be dropped by the
//!   receiver; a row no longer waiting is not sent again.

use super::{JobContext, JobError, JobKind};
use crate::i18n::Messages;
use crate::mail::{Letter, Mailer, ics};
use crate::view::format;
use chrono::{DateTime, Timelike, Utc};
use laget_db::DbError;
use laget_db::meetings::mail::{self as mails, MeetingOwner, Outgoing, Recipient, SendMail};
use laget_domain::ids::LogId;
use laget_domain::meetings::mail::{MailKind, MailReason, MailState};
use lettre::message::Mailbox;

/// Sends the e-mail of a [`SendMail`] job.
#[derive(Clone, Copy, Debug, Default)]
pub struct SendMailJob;

impl JobKind for SendMailJob {
    type Payload = SendMail;

    async fn run(&self, ctx: &JobContext, job: SendMail) -> Result<(), JobError> {
        let id = job.mail;
        let outgoing = ctx
            .state
            .db
            .read(move |c| mails::to_send(c, id))
            .await
            .map_err(database)?
            .ok_or_else(|| JobError::permanent("no_mail", format!("no outgoing_mail {id}")))?;
        if outgoing.state != MailState::Queued {
            // Recorded by an earlier run; nothing more to do.
            return Ok(());
        }
        let Some(mailer) = &ctx.state.mailer else {
            return finish(
                ctx,
                &outgoing,
                MailState::NotSent,
                Some(MailReason::SmtpOff),
            )
            .await;
        };
        let Some(to) = outgoing
            .address
            .as_deref()
            .and_then(|a| a.parse::<Mailbox>().ok())
        else {
            return finish(
                ctx,
                &outgoing,
                MailState::NotSent,
                Some(MailReason::NoAddress),
            )
            .await;
        };
        let Some(letter) = letter(mailer, &outgoing, to, job.log) else {
            return finish(ctx, &outgoing, MailState::NotSent, Some(MailReason::Gone)).await;
        };
        match mailer.send(&letter).await {
            Ok(()) => finish(ctx, &outgoing, MailState::Sent, None).await,
            Err(e) if e.permanent => Err(JobError::permanent(REFUSED, e.detail)),
            Err(e) => Err(JobError::transient(UNAVAILABLE, e.detail)),
        }
    }

    async fn gave_up(&self, ctx: &JobContext, job: SendMail, error: &JobError) {
        let reason = if error.code == REFUSED {
            MailReason::SmtpRefused
        } else {
            MailReason::SmtpUnavailable
        };
        let id = job.mail;
        let outcome = ctx
            .state
            .db
            .write(move |c| mails::finish(c, id, MailState::Failed, Some(reason), Utc::now()))
            .await;
        if let Err(e) = outcome {
            tracing::error!(job = %ctx.job, error = %e, "a failed e-mail could not be marked failed");
        }
    }
}

/// The job's error codes (logged; the detail goes to the job's row).
const REFUSED: &str = "smtp_refused";
const UNAVAILABLE: &str = "smtp_unavailable";

fn database(e: DbError) -> JobError {
    JobError::transient("database", e.to_string())
}

async fn finish(
    ctx: &JobContext,
    outgoing: &Outgoing,
    state: MailState,
    reason: Option<MailReason>,
) -> Result<(), JobError> {
    let id = outgoing.id;
    ctx.state
        .db
        .write(move |c| mails::finish(c, id, state, reason, Utc::now()))
        .await
        .map_err(database)?;
    Ok(())
}

/// «11.01.2027 kl. 09:00», Norwegian time.
fn when(m: &Messages, t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::Oslo);
    format!(
        "{} {} {:02}:{:02}",
        format::date(local.date_naive()),
        m.mail_at,
        local.hour(),
        local.minute()
    )
}

/// «Møtet er kalt inn av Tora Testansatt, Lia skole.» (without the unit
/// when they have none).
fn called_by(m: &Messages, caller: &mails::Caller) -> String {
    let sentence = match &caller.unit {
        Some(unit) => m.mail_guardian_called_by.replace("{enhet}", unit),
        None => m.mail_guardian_called_by.replace(", {enhet}", ""),
    };
    sentence.replace("{navn}", &caller.name)
}

/// The e-mails about consent in the family's portal: to the log's lead,
/// that a consent changed, with a link to the log; to the guardian, a
/// receipt with a link to the portal. One sentence and the link, no names.
fn consent_letter(
    mailer: &Mailer,
    outgoing: &Outgoing,
    to: Mailbox,
    log: Option<LogId>,
) -> Option<Letter> {
    let m = Messages::of(outgoing.written_standard);
    let (subject, sentence, lead, path) = match outgoing.kind {
        MailKind::ConsentChanged => (
            m.mail_subject_consent_changed,
            m.mail_body_consent_changed,
            m.mail_link_consent_log,
            format!("/logger/{}", log?),
        ),
        _ => (
            m.mail_subject_consent_receipt,
            m.mail_body_consent_receipt,
            m.mail_link_consent_portal,
            "/familie".to_owned(),
        ),
    };
    let link = mailer.base().link(&path);
    Some(Letter {
        to,
        subject: subject.to_owned(),
        text: format!("{sentence}\n\n{lead}\n{link}\n\n-- \n{}\n", m.mail_footer),
        calendar: None,
        message_id: format!("<{}@{}>", outgoing.id, mailer.base().host()),
    })
}

/// The e-mail to a log's holder that a family asked for something in the
/// portal (H5): one sentence and a link to «Mine oppgaver», no names.
fn family_request_letter(mailer: &Mailer, outgoing: &Outgoing, to: Mailbox) -> Option<Letter> {
    let m = Messages::of(outgoing.written_standard);
    let link = mailer.base().link("/mine-oppgaver");
    Some(Letter {
        to,
        subject: m.mail_subject_family_request.to_owned(),
        text: format!(
            "{}\n\n{}\n{link}\n\n-- \n{}\n",
            m.mail_body_family_request, m.mail_link_tasks, m.mail_footer
        ),
        calendar: None,
        message_id: format!("<{}@{}>", outgoing.id, mailer.base().host()),
    })
}

/// The e-mail to the reporter of a report of concern that child welfare
/// gave feedback (issue #13): one sentence and a link to the reporter's
/// reports, no names, nothing of the report.
fn report_feedback_letter(mailer: &Mailer, outgoing: &Outgoing, to: Mailbox) -> Option<Letter> {
    let m = Messages::of(outgoing.written_standard);
    let link = mailer.base().link("/bekymringsmeldinger");
    Some(Letter {
        to,
        subject: m.mail_subject_report_feedback.to_owned(),
        text: format!(
            "{}\n\n{}\n{link}\n\n-- \n{}\n",
            m.mail_body_report_feedback, m.mail_link_report_feedback, m.mail_footer
        ),
        calendar: None,
        message_id: format!("<{}@{}>", outgoing.id, mailer.base().host()),
    })
}

/// The message for `outgoing`, or `None` when what it is about is missing
/// (a meeting e-mail without its meeting, a consent e-mail without its log).
fn letter(mailer: &Mailer, outgoing: &Outgoing, to: Mailbox, log: Option<LogId>) -> Option<Letter> {
    if matches!(
        outgoing.kind,
        MailKind::ConsentChanged | MailKind::ConsentReceipt
    ) {
        return consent_letter(mailer, outgoing, to, log);
    }
    if outgoing.kind == MailKind::FamilyRequest {
        return family_request_letter(mailer, outgoing, to);
    }
    if outgoing.kind == MailKind::ReportFeedback {
        return report_feedback_letter(mailer, outgoing, to);
    }
    let m = Messages::of(outgoing.written_standard);
    let staff = matches!(outgoing.recipient, Recipient::User(_));
    let meeting = outgoing.meeting.as_ref();
    let time = meeting.map(|mt| when(m, mt.starts_at)).unwrap_or_default();
    let (subject, sentence) = match outgoing.kind {
        MailKind::Invitation => (m.mail_subject_invitation, m.mail_body_invitation),
        MailKind::Update => (m.mail_subject_update, m.mail_body_update),
        MailKind::Cancellation => (m.mail_subject_cancellation, m.mail_body_cancellation),
        MailKind::Minutes => (m.mail_subject_minutes, m.mail_body_minutes),
        MailKind::Decision => (m.mail_subject_decision, m.mail_body_decision),
        MailKind::ConsentChanged
        | MailKind::ConsentReceipt
        | MailKind::FamilyRequest
        | MailKind::ReportFeedback => {
            return None;
        }
    };
    let method = match outgoing.kind {
        MailKind::Invitation | MailKind::Update => Some(ics::Method::Request),
        MailKind::Cancellation => Some(ics::Method::Cancel),
        MailKind::Minutes
        | MailKind::Decision
        | MailKind::ConsentChanged
        | MailKind::ConsentReceipt
        | MailKind::FamilyRequest
        | MailKind::ReportFeedback => None,
    };
    if (method.is_some() || outgoing.kind == MailKind::Minutes) && meeting.is_none() {
        return None;
    }
    let link = match (outgoing.kind, meeting) {
        (MailKind::Decision, _) => Some(mailer.base().link("/mine-oppgaver")),
        (_, Some(mt)) => Some(mailer.base().link(&match mt.owner {
            MeetingOwner::Log(log) => format!("/logger/{log}/moter/{}", mt.id),
            MeetingOwner::Team(team) => format!("/team/{team}/moter/{}", mt.id),
        })),
        (_, None) => None,
    };
    let mut text = sentence.replace("{tid}", &time);
    let link_for_recipient = link.as_deref().filter(|_| staff);
    match link_for_recipient {
        Some(link) => {
            // Only an invitation asks for an answer.
            let lead = match outgoing.kind {
                MailKind::Decision => m.mail_link_tasks,
                MailKind::Invitation => m.mail_link_meeting,
                MailKind::Update
                | MailKind::Cancellation
                | MailKind::Minutes
                | MailKind::ConsentChanged
                | MailKind::ConsentReceipt
                | MailKind::FamilyRequest
                | MailKind::ReportFeedback => m.mail_link_meeting_read,
            };
            text.push_str(&format!("\n\n{lead}\n{link}"));
        }
        None => {
            if method == Some(ics::Method::Request) {
                text.push_str(&format!(" {}", m.mail_guardian_calendar));
            }
            if let Some(caller) = meeting.and_then(|mt| mt.called_by.as_ref()) {
                text.push_str(&format!("\n\n{}", called_by(m, caller)));
                text.push_str(&format!(" {}", m.mail_guardian_contact));
            } else {
                text.push_str(&format!("\n\n{}", m.mail_guardian_contact));
            }
        }
    }
    text.push_str(&format!("\n\n-- \n{}\n", m.mail_footer));
    let calendar = match (method, meeting) {
        (Some(method), Some(mt)) => {
            let mut description = match link_for_recipient {
                Some(link) => format!("{}\n{link}", m.mail_calendar_description),
                None => match &mt.called_by {
                    Some(caller) => format!("{} {}", called_by(m, caller), m.mail_guardian_contact),
                    None => m.mail_guardian_contact.to_owned(),
                },
            };
            // The video link: the place is the LOCATION when there is one,
            // so the link goes in the description (and CONFERENCE).
            if let Some(video) = &mt.video_link {
                description.push_str(&format!("\n\n{} {video}", m.mail_calendar_video));
            }
            // The organizer is the person who called the meeting, at
            // Laget's own address (answers are given in Laget).
            let organizer = match &mt.called_by {
                Some(caller) => {
                    Mailbox::new(Some(caller.name.clone()), mailer.from().email.clone())
                }
                None => mailer.from().clone(),
            };
            Some(
                ics::Invitation {
                    method,
                    meeting: mt.id,
                    host: mailer.base().host(),
                    sequence: u32::try_from(outgoing.sequence).unwrap_or(0),
                    starts: mt.starts_at,
                    ends: mt.ends_at,
                    stamp: outgoing.created_at,
                    summary: m.mail_calendar_summary,
                    location: mt.place.as_deref().or(mt.video_link.as_deref()),
                    description: &description,
                    link: link_for_recipient,
                    conference: mt.video_link.as_deref(),
                    organizer: &organizer,
                    attendee: &to,
                }
                .calendar(),
            )
        }
        _ => None,
    };
    Some(Letter {
        to,
        subject: subject.to_owned(),
        text,
        calendar,
        message_id: format!("<{}@{}>", outgoing.id, mailer.base().host()),
    })
}
