//! Categories of notifications and what a notification carries.

use poem_openapi::Enum;
use serde::Serialize;

use crate::{
    db::words::stored_word,
    i18n::{Lang, Translated},
};

stored_word! {
    #[derive(Enum)]
    #[oai(rename_all = "snake_case")]
    pub enum Category {
        /// Always on: it can be muted on one device, never turned off.
        Security = "security",
        Timetable = "timetable",
        Messages = "messages",
        HelpRequests = "help_requests",
        News = "news",
        /// « Scolarité »: registration windows, missing documents, a registration complete.
        Registration = "registration",
    }
}

/// `Urgency` header values (RFC 8030 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Low,
    Normal,
    High,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Low => "low",
            Urgency::Normal => "normal",
            Urgency::High => "high",
        }
    }
}

impl Category {
    /// Security alerts cannot be turned off (only muted per device), nor held by quiet hours.
    pub fn can_disable(self) -> bool {
        self != Category::Security
    }

    /// How long a push service keeps an undelivered notification (seconds).
    pub fn ttl(self) -> u32 {
        match self {
            Category::Security => 7 * 86_400,
            Category::Timetable => 86_400,
            Category::Messages => 3 * 86_400,
            Category::HelpRequests | Category::Registration => 3 * 86_400,
            Category::News => 2 * 86_400,
        }
    }

    pub fn urgency(self) -> Urgency {
        match self {
            Category::Security | Category::Timetable => Urgency::High,
            Category::Messages | Category::HelpRequests | Category::Registration => Urgency::Normal,
            Category::News => Urgency::Low,
        }
    }
}

/// A notification for a person, before it is written for each device.
#[derive(Debug, Clone)]
pub struct Notification {
    pub category: Category,
    pub title: Translated,
    pub body: Translated,
    /// App path opened on tap (`/more/security`).
    pub url: String,
    /// Names the subject: a newer notification with the same tag replaces an older one on the
    /// device, and (as the push `Topic`) in the push service's queue.
    pub tag: String,
}

/// What the service worker receives, decrypted.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub url: &'a str,
    pub category: &'static str,
    pub tag: &'a str,
}

impl Notification {
    pub fn payload(&self, lang: Lang) -> String {
        serde_json::to_string(&Payload {
            title: self.title.get(lang),
            body: self.body.get(lang),
            url: &self.url,
            category: self.category.as_str(),
            tag: &self.tag,
        })
        .expect("a payload is JSON")
    }

    /// `Topic`: at most 32 characters of the URL-safe base64 alphabet (RFC 8030 §5.4).
    pub fn topic(&self) -> String {
        self.tag
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(32)
            .collect()
    }
}
