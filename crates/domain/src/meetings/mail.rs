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
