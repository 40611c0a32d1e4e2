//! The e-mail Laget sends (outgoing_mail): what it is about and how it went.
//! A message says only that something waits in Laget, with a link: never a
//! child's name or anything else from the log.

use super::coded;

coded!(
    /// What an e-mail is about (outgoing_mail.kind).
    MailKind {
        /// An invitation to a meeting, with a calendar invitation (METHOD:REQUEST).
        Invitation => "innkalling",
        /// A changed meeting: the same UID, a higher SEQUENCE.
        Update => "endring",
        /// A cancelled meeting (METHOD:CANCEL).
        Cancellation => "avlysning",
        /// The minutes were approved.
        Minutes => "referat",
        /// A decision gave the recipient a task.
        Decision => "vedtak",
        /// A family asked for something in the portal (a meeting, a team):
        /// the log's holder is told that a request waits (H5).
        FamilyRequest => "henvendelse",
        /// To a log's lead: a citizen gave or withdrew a consent in the
        /// family's portal (a link to the log).
        ConsentChanged => "samtykke_endret",
        /// To a guardian: the consent they gave or withdrew in the portal
        /// is registered (a link to the portal).
        ConsentReceipt => "samtykke_kvittering",
        /// To the reporter of a report of concern: child welfare gave
        /// feedback (receipt, an investigation, the outcome); a link to the
        /// reporter's reports, no personal data (issue #13, R2).
        ReportFeedback => "bekymringsmelding_svar",
    }
);

coded!(
    /// How an e-mail went (outgoing_mail.state).
    MailState {
        /// Waiting in the outbox.
        Queued => "venter",
        Sent => "sendt",
        /// Given up after the outbox's attempts.
        Failed => "feilet",
        /// Not sent: no address, or no SMTP server configured.
        NotSent => "ikke_sendt",
    }
);

coded!(
    /// Why an e-mail was not sent, or failed (outgoing_mail.reason).
    MailReason {
        /// Laget has no SMTP server configured (no `[mail]` section).
        SmtpOff => "smtp_off",
        /// The recipient has no e-mail address.
        NoAddress => "no_address",
        /// The SMTP server could not be reached, or answered «try later»,
        /// on every attempt.
        SmtpUnavailable => "smtp_unavailable",
        /// The SMTP server refused the message for good (a 5xx answer: no
        /// such mailbox, a refused sender).
        SmtpRefused => "smtp_refused",
        /// What the message is about no longer exists.
        Gone => "gone",
        /// Queued while the demo data was seeded: the demo's people are
        /// made up, so nothing is sent.
        Demo => "demo",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for &k in MailKind::ALL {
            assert_eq!(MailKind::from_code(k.code()), Some(k));
        }
        for &s in MailState::ALL {
            assert_eq!(MailState::from_code(s.code()), Some(s));
        }
        for &r in MailReason::ALL {
            assert_eq!(MailReason::from_code(r.code()), Some(r));
        }
        assert_eq!(MailReason::from_code("ukjent"), None);
    }
}
