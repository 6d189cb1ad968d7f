//! E-mail: written to the log (development) or handed to the configured SMTP relay.

use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};

use super::{SendError, outbox::Claimed};
use crate::config::{self, SmtpSecurity};

pub struct EmailTransport {
    from: Mailbox,
    /// `None`: log only.
    relay: Option<Relay>,
}

struct Relay {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    timeout: Duration,
}

impl EmailTransport {
    /// Checks the `[email]` section (addresses, security, credentials) so that a mistake stops
    /// start-up instead of failing every message.
    pub fn new(cfg: &config::Email) -> anyhow::Result<EmailTransport> {
        let relay = relay(cfg)?;
        if relay.is_none() {
            tracing::warn!("email.kind = \"log\": e-mails are written to the log, not sent");
        }
        let from = cfg.from().as_str().parse().map_err(|_| {
            anyhow::anyhow!("email.from: not an address like «ENT <ent@example.org>»")
        })?;
        Ok(EmailTransport { from, relay })
    }

    /// The longest one message can take.
    pub fn time_limit(&self) -> Duration {
        self.relay.as_ref().map_or(Duration::ZERO, |r| r.timeout)
    }

    /// A plain-text UTF-8 message (lettre encodes the subject and body as the standards want),
    /// dated `now`.
    pub async fn send(&self, message: &Claimed, now: DateTime<Utc>) -> Result<(), SendError> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|_| SendError::new("the recipient is not an e-mail address"))?;
        let subject = message.subject.as_deref().unwrap_or_default();
        let Some(relay) = &self.relay else {
            tracing::info!(to = %mask(&to), subject, body = message.body, "e-mail (log only)");
            return Ok(());
        };
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .date(now.into())
            .message_id(Some(self.message_id(message)))
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| SendError::new(format_args!("cannot build the message: {e}")))?;
        // lettre's timeout bounds each SMTP command; this bounds the whole exchange.
        match tokio::time::timeout(relay.timeout, relay.smtp.send(email)).await {
            Ok(sent) => sent.map(drop).map_err(|e| SendError::chain(&e)),
            Err(_) => Err(SendError::new("SMTP relay timed out")),
        }
    }

    /// The same on every try of one message, so that a copy sent twice (a reply lost on the way
    /// back) can be recognised as such by the receiving side.
    fn message_id(&self, message: &Claimed) -> String {
        format!(
            "<outbox.{}.{}@{}>",
            message.id,
            message.created_at.timestamp_micros(),
            self.from.email.domain()
        )
    }
}

/// The SMTP relay of `kind = "smtp"`; `None` for the log.
fn relay(cfg: &config::Email) -> anyhow::Result<Option<Relay>> {
    let config::Email::Smtp {
        host,
        port,
        security,
        username,
        password,
        timeout_ms,
        ..
    } = cfg
    else {
        return Ok(None);
    };
    let host = host.as_str();
    let builder = match security {
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        SmtpSecurity::None if is_loopback(host) => Ok(
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        ),
        SmtpSecurity::None => {
            bail!(
                "email.security: \"none\" sends passwords and codes in clear: loopback hosts only"
            )
        }
    }
    .context("email.host")?;
    let timeout = Duration::from_millis(*timeout_ms);
    let builder = builder.port(*port).timeout(Some(timeout));
    let builder = match (username, password) {
        (Some(user), Some(password)) => builder.credentials(Credentials::new(
            user.to_string(),
            password.expose().to_string(),
        )),
        (None, None) => builder,
        _ => bail!("email.username and email.password: give both or neither"),
    };
    Ok(Some(Relay {
        smtp: builder.build(),
        timeout,
    }))
}

/// Only a server on this machine may be spoken to in clear.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `chloe.lefevre@etu.univ-tours.fr` → `c…@etu.univ-tours.fr`: enough to tell messages apart in
/// a log.
fn mask(to: &Mailbox) -> String {
    let user = to.email.user();
    let first = user.chars().next().map(String::from).unwrap_or_default();
    format!("{first}…@{}", to.email.domain())
}
