//! SMS, e-mail and back-channel couriers. A feature writes a [`Message`] into the outbox inside the
//! transaction that promises it ([`enqueue`]); workers ([`Couriers`]) send it later with retries,
//! so a gateway that is down delays messages but never loses them.

pub mod back_channel;
pub mod email;
pub mod outbox;
pub mod sms;
pub mod worker;

use std::{error::Error, fmt};

pub use outbox::enqueue;
pub use worker::{Couriers, backoff, every_pass};

crate::db::words::stored_word! {
    /// How a message travels.
    pub enum Channel {
        Sms = "sms",
        Email = "email",
        /// A form posted to a registered service's address (CAS Single Logout).
        BackChannel = "back_channel",
    }
}

/// A message ready to go: already rendered in the recipient's language.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    /// E.164 phone number, e-mail address, or the back channel's https address.
    pub recipient: String,
    /// E-mail only.
    pub subject: Option<String>,
    /// Text, or the back channel's `application/x-www-form-urlencoded` form.
    pub body: String,
}

/// Why a send failed, in one short line. It is stored in `outbox.last_error` and logged, so it
/// is built from the transport's error only: never from the message's body or a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError(String);

impl SendError {
    /// Long enough for a status line or an SMTP reply, short enough for a log line.
    const MAX_CHARS: usize = 200;

    pub fn new(what: impl fmt::Display) -> SendError {
        let line = what.to_string().replace(['\r', '\n'], " ");
        SendError(line.chars().take(Self::MAX_CHARS).collect())
    }

    /// The error and its causes (`connect: connection refused`): the top level alone is often
    /// too vague to act on. Some errors print their cause already; it is not repeated.
    pub fn chain(e: &dyn Error) -> SendError {
        let mut text = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            let said = c.to_string();
            if !text.contains(&said) {
                text.push_str(": ");
                text.push_str(&said);
            }
            cause = c.source();
        }
        SendError::new(text)
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for SendError {}
