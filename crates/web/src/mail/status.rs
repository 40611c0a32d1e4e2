//! The list «E-post om møtet» on a meeting's page: who was written to, about
//! what, and how it went; and, when Laget has no SMTP server, the notice
//! «Laget er ikke satt opp for e-post; ingen e-post ble sendt».
//!
//! The meeting page reads the lines with
//! `laget_db::meetings::mail::for_meeting(conn, &reader, meeting)` (the
//! meeting's capability; the page records the read), makes a [`MailStatus`]
//! with [`MailStatus::new`], puts it in its template struct as `mail_status`
//! and writes `{% include "meetings/mail_status.html" %}`.

use crate::AppState;
use crate::i18n::Messages;
use crate::view::format;
use laget_db::meetings::mail::{MailLine, RecipientKind};
use laget_domain::meetings::mail::{MailKind, MailReason, MailState};

/// What `templates/meetings/mail_status.html` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailStatus {
    /// Laget has no SMTP server: nothing was or will be sent.
    pub off: bool,
    pub lines: Vec<MailStatusLine>,
}

/// One e-mail, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailStatusLine {
    /// «Tora Testansatt», or «Mona Fikstursen (foresatt)».
    pub to: String,
    pub what: &'static str,
    pub state: &'static str,
    pub reason: Option<&'static str>,
    /// Sent at, or else queued at.
    pub when: String,
    pub failed: bool,
}

impl MailStatus {
    /// The list for `lines`, and whether `state` can send at all.
    pub fn new(state: &AppState, m: &Messages, lines: &[MailLine]) -> Self {
        Self::of(state.mailer.is_none(), m, lines)
    }

    /// As [`MailStatus::new`], for a page that knows whether mail is off.
    pub fn of(off: bool, m: &Messages, lines: &[MailLine]) -> Self {
        Self {
            off,
            lines: lines.iter().map(|l| line(m, l)).collect(),
        }
    }
}

/// The notice for a page that only says whether anything is sent:
/// `Some(«Laget er ikke satt opp for e-post; ingen e-post ble sendt.»)` when
/// SMTP is off.
pub fn off_notice(state: &AppState, m: &Messages) -> Option<&'static str> {
    state.mailer.is_none().then_some(m.mail_status_off)
}

pub fn kind_label(m: &Messages, kind: MailKind) -> &'static str {
    match kind {
        MailKind::Invitation => m.mail_kind_innkalling,
        MailKind::Update => m.mail_kind_endring,
        MailKind::Cancellation => m.mail_kind_avlysning,
        MailKind::Minutes => m.mail_kind_referat,
        MailKind::Decision => m.mail_kind_vedtak,
        MailKind::FamilyRequest => m.mail_kind_henvendelse,
        MailKind::ConsentChanged | MailKind::ConsentReceipt => m.mail_kind_samtykke,
        MailKind::ReportFeedback => m.mail_kind_report_feedback,
    }
}

pub fn state_label(m: &Messages, state: MailState) -> &'static str {
    match state {
        MailState::Queued => m.mail_state_venter,
        MailState::Sent => m.mail_state_sendt,
        MailState::Failed => m.mail_state_feilet,
        MailState::NotSent => m.mail_state_ikke_sendt,
    }
}

pub fn reason_label(m: &Messages, reason: MailReason) -> &'static str {
    match reason {
        MailReason::SmtpOff => m.mail_reason_smtp_off,
        MailReason::NoAddress => m.mail_reason_no_address,
        MailReason::SmtpUnavailable => m.mail_reason_smtp_unavailable,
        MailReason::SmtpRefused => m.mail_reason_smtp_refused,
        MailReason::Gone => m.mail_reason_gone,
        MailReason::Demo => m.mail_reason_demo,
    }
}

fn line(m: &Messages, l: &MailLine) -> MailStatusLine {
    let to = match l.recipient_kind {
        RecipientKind::Staff => l.recipient.clone(),
        RecipientKind::Guardian => format!("{} ({})", l.recipient, m.mail_guardian),
    };
    MailStatusLine {
        to,
        what: kind_label(m, l.kind),
        state: state_label(m, l.state),
        reason: l.reason.map(|r| reason_label(m, r)),
        when: format::time(l.sent_at.unwrap_or(l.created_at)),
        failed: l.state == MailState::Failed,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use askama::Template;
    use laget_domain::admin::municipality::WrittenStandard;

    /// The partial, as a page includes it.
    #[derive(Template)]
    #[template(source = r#"{% include "meetings/mail_status.html" %}"#, ext = "html")]
    struct Page<'a> {
        layout: Layout<'a>,
        mail_status: MailStatus,
    }

    struct Layout<'a> {
        m: &'a Messages,
    }

    fn mail(state: MailState, reason: Option<MailReason>) -> MailLine {
        MailLine {
            id: laget_domain::ids::MailId::new(),
            recipient: "Mona Fikstursen".into(),
            recipient_kind: RecipientKind::Guardian,
            kind: MailKind::Invitation,
            state,
            reason,
            created_at: chrono::Utc::now(),
            sent_at: None,
        }
    }

    #[test]
    fn the_list_says_when_smtp_is_off_and_how_each_mail_went() {
        let m = Messages::of(WrittenStandard::Bokmal);
        let off = Page {
            layout: Layout { m },
            mail_status: MailStatus::of(
                true,
                m,
                &[mail(MailState::NotSent, Some(MailReason::SmtpOff))],
            ),
        }
        .render()
        .unwrap();
        assert!(off.contains("Laget er ikke satt opp for e-post; ingen e-post ble sendt."));
        assert!(off.contains("Mona Fikstursen (foresatt)"));
        assert!(off.contains("Ikke sendt – Laget er ikke satt opp for e-post"));
        let nn = Messages::of(WrittenStandard::Nynorsk);
        let failed = Page {
            layout: Layout { m: nn },
            mail_status: MailStatus::of(
                false,
                nn,
                &[mail(MailState::Failed, Some(MailReason::SmtpUnavailable))],
            ),
        }
        .render()
        .unwrap();
        assert!(!failed.contains("ikkje sett opp"));
        assert!(failed.contains("Feila"), "{failed}");
        assert!(failed.contains("(føresett)"));
        let empty = Page {
            layout: Layout { m },
            mail_status: MailStatus::of(false, m, &[]),
        }
        .render()
        .unwrap();
        assert!(empty.contains(m.mail_status_empty));
    }
}
