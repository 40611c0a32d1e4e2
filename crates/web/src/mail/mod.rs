//! Sending e-mail: the SMTP settings ([`MailConfig`], section `[mail]` of
//! the configuration), the transport ([`Mailer`], `lettre` over STARTTLS or
//! TLS with rustls), and the shape of a message Laget sends ([`Letter`]: a
//! short text with a link, and for meetings a calendar invitation built by
//! [`ics`]).
//!
//! What goes into a message is decided by the outbox job that sends it
//! (`crate::outbox::mail`): no child's name, nothing written in the log, in
//! the recipient's written standard. Without `[mail]` Laget sends nothing
//! and says so on the meeting page ([`crate::AppState::mailer`] is `None`).

pub mod ics;
pub mod status;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a relay on the same machine (see
    /// [`MailConfig::check`]).
    None,
}

impl Security {
    /// The port the security usually goes with.
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }
}

/// A secret from the configuration (the SMTP password): never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The value, to hand to the SMTP client.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// The SMTP server and what Laget's messages say about themselves.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Both or neither of `username` and `password`.
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The sender, `laget@kommune.no` or `Laget <laget@kommune.no>`.
    pub from: String,
    /// Where Laget is reached, `https://laget.kommune.no`: links in messages
    /// start with it, and its host names the calendar invitations' UIDs.
    pub base_url: String,
    /// How long one SMTP conversation may take.
    pub timeout: Duration,
}

/// Why the mail settings cannot be used. The messages name the setting, never
/// the password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MailSetupError {
    #[error("mail.smtp_host is empty")]
    NoHost,
    #[error("mail.smtp_port must not be 0")]
    NoPort,
    #[error(
        "mail.security = \"none\" is allowed only for a relay on this machine (127.0.0.1, ::1 or \
         localhost): without TLS the password and the messages (addresses, the meeting's time and \
         place) would cross the network in clear text. Use \"starttls\" or \"tls\""
    )]
    PlainOverNetwork,
    #[error("mail.username and mail.password must be given together")]
    HalfCredentials,
    #[error("mail.from is not an e-mail address such as «Laget <laget@kommune.no>»")]
    From,
    #[error(
        "mail.base_url must be the address Laget is reached at, such as https://laget.kommune.no \
         (https, or http only for 127.0.0.1/localhost), without a query"
    )]
    BaseUrl,
    #[error("mail.smtp_host cannot be used for TLS: {0}")]
    Tls(String),
}

/// Whether `host` is this machine's loopback interface.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The address Laget is reached at, as links in messages need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// Without a trailing slash.
    url: String,
    host: String,
}

impl BaseUrl {
    /// `https://host[:port][/prefix]`; `http://` only for the loopback.
    pub fn parse(text: &str) -> Option<Self> {
        let url = text.trim().trim_end_matches('/');
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
            None => authority.split(':').next().unwrap_or_default().to_owned(),
        };
        let ok_scheme = scheme == "https" || (scheme == "http" && is_loopback(&host));
        let clean = !url.contains(['?', '#', ' ', '@']);
        (ok_scheme && clean && !host.is_empty()).then(|| Self {
            url: url.to_owned(),
            host: host.to_ascii_lowercase(),
        })
    }

    /// The host, which names the calendar invitations' UIDs.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The full address of a path of Laget's (`/logger/…`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

impl MailConfig {
    /// Checks the settings before anything starts.
    pub fn check(&self) -> Result<(), MailSetupError> {
        self.parts().map(|_| ())
    }

    fn parts(&self) -> Result<(Mailbox, BaseUrl), MailSetupError> {
        if self.host.trim().is_empty() {
            return Err(MailSetupError::NoHost);
        }
        if self.port == 0 {
            return Err(MailSetupError::NoPort);
        }
        if self.security == Security::None && !is_loopback(self.host.trim()) {
            return Err(MailSetupError::PlainOverNetwork);
        }
        if self.username.is_some() != self.password.is_some() {
            return Err(MailSetupError::HalfCredentials);
        }
        let from: Mailbox = self.from.parse().map_err(|_| MailSetupError::From)?;
        let base = BaseUrl::parse(&self.base_url).ok_or(MailSetupError::BaseUrl)?;
        Ok((from, base))
    }
}

/// A message Laget sends: a short text and, for a meeting, the calendar
/// invitation (inline as `text/calendar` and as an `.ics` attachment).
#[derive(Clone, Debug)]
pub struct Letter {
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub calendar: Option<ics::Calendar>,
    /// Made from the e-mail's id (`outgoing_mail.id`), so that a message sent
    /// twice (the outbox delivers at least once) can be dropped as a repeat.
    pub message_id: String,
}

/// Why a message was not handed to the SMTP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendError {
    /// The server refused it for good (5xx: no such mailbox, refused
    /// sender); trying again cannot help.
    pub permanent: bool,
    /// For the operator (the outbox row); no personal data from Laget, but
    /// the server's answer may name the address.
    pub detail: String,
}

/// The SMTP client, made once from [`MailConfig`].
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base: BaseUrl,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.email.to_string())
            .field("base", &self.base.url)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The client for `config` (no connection is made until a message is sent).
    pub fn new(config: &MailConfig) -> Result<Self, MailSetupError> {
        let (from, base) = config.parts()?;
        let host = config.host.trim();
        let builder = match config.security {
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| MailSetupError::Tls(e.to_string()))?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| MailSetupError::Tls(e.to_string()))?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(config.timeout))
            .hello_name(ClientId::Domain(base.host().to_owned()));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            base,
        })
    }

    /// Where links in messages point.
    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// The sender, also the calendar invitations' organizer.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The message for `letter`, as it goes out.
    pub fn message(&self, letter: &Letter) -> Result<Message, SendError> {
        let builder = Message::builder()
            .from(self.from.clone())
            .to(letter.to.clone())
            .subject(letter.subject.clone())
            .message_id(Some(letter.message_id.clone()));
        let text = SinglePart::plain(letter.text.clone());
        let built = match &letter.calendar {
            None => builder.singlepart(text),
            Some(calendar) => {
                let method = calendar.method.code();
                let inline =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| permanent(format!("content type: {e}")))?;
                let file = ContentType::parse(&format!("application/ics; method={method}"))
                    .map_err(|e| permanent(format!("content type: {e}")))?;
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(
                            MultiPart::alternative().singlepart(text).singlepart(
                                SinglePart::builder()
                                    .header(inline)
                                    .body(calendar.text.clone()),
                            ),
                        )
                        .singlepart(
                            Attachment::new(ics::FILE_NAME.to_owned())
                                .body(calendar.text.clone(), file),
                        ),
                )
            }
        };
        built.map_err(|e| permanent(format!("the message: {e}")))
    }

    /// Sends `letter`.
    pub async fn send(&self, letter: &Letter) -> Result<(), SendError> {
        let message = self.message(letter)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(SendError {
                permanent: e.is_permanent(),
                detail: e.to_string(),
            }),
        }
    }
}

fn permanent(detail: String) -> SendError {
    SendError {
        permanent: true,
        detail,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn config() -> MailConfig {
        MailConfig {
            host: "smtp.kommune.no".into(),
            port: 587,
            security: Security::StartTls,
            username: Some("laget".into()),
            password: Some(Secret::new("hemmelig-passord")),
            from: "Laget <laget@kommune.no>".into(),
            base_url: "https://laget.kommune.no/".into(),
            timeout: Duration::from_secs(30),
        }
    }

    #[test]
    fn the_password_is_never_printed() {
        let c = config();
        assert!(!format!("{c:?}").contains("hemmelig"));
        assert_eq!(format!("{}", Secret::new("hemmelig")), "<hidden>");
        let mailer = Mailer::new(&c);
        assert!(!format!("{mailer:?}").contains("hemmelig"));
    }

    #[test]
    fn plain_smtp_only_to_this_machine() {
        let mut c = config();
        c.security = Security::None;
        assert_eq!(c.check(), Err(MailSetupError::PlainOverNetwork));
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            c.host = host.into();
            assert_eq!(c.check(), Ok(()), "{host}");
        }
        c.host = "10.0.0.1".into();
        assert_eq!(c.check(), Err(MailSetupError::PlainOverNetwork));
    }

    #[test]
    fn settings_are_checked() {
        let mut c = config();
        assert_eq!(c.check(), Ok(()));
        c.password = None;
        assert_eq!(c.check(), Err(MailSetupError::HalfCredentials));
        let mut c = config();
        c.from = "ikke en adresse".into();
        assert_eq!(c.check(), Err(MailSetupError::From));
        let mut c = config();
        c.host = " ".into();
        assert_eq!(c.check(), Err(MailSetupError::NoHost));
        for bad in [
            "laget.kommune.no",
            "http://laget.kommune.no",
            "https://",
            "https://laget.kommune.no/?a=b",
            "ftp://laget.kommune.no",
        ] {
            let mut c = config();
            c.base_url = bad.into();
            assert_eq!(c.check(), Err(MailSetupError::BaseUrl), "{bad}");
        }
    }

    #[test]
    fn links_start_with_the_base_url() {
        let b = BaseUrl::parse("https://Laget.Kommune.no:8443/laget/").unwrap();
        assert_eq!(b.host(), "laget.kommune.no");
        assert_eq!(
            b.link("/mine-oppgaver"),
            "https://Laget.Kommune.no:8443/laget/mine-oppgaver"
        );
        let local = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(local.link("/"), "http://127.0.0.1:8080/");
        assert_eq!(local.host(), "127.0.0.1");
    }
}
