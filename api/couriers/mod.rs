//! SMS and e-mail couriers. A feature writes a [`Message`] into the outbox inside the
//! transaction that promises it ([`enqueue`]); workers send it later with retries, so a gateway
//! that is down delays messages but never loses them.

pub mod outbox;

pub use outbox::enqueue;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }
}

/// A message ready to go: already rendered in the recipient's language.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    /// E.164 phone number or e-mail address.
    pub recipient: String,
    /// E-mail only.
    pub subject: Option<String>,
    pub body: String,
}
