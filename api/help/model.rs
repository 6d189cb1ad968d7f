//! A request's statuses and the rules of who may do what to it, whatever the storage.

use chrono::{DateTime, Duration, Utc};
use poem_openapi::Enum;

use crate::{
    config::{Config, HelpCategory},
    db::words::stored_word,
    errors::ApiError,
    i18n::{Lang, Translated},
};

crate::errors::problem!(
    INVALID_HELP_REQUEST,
    400,
    "invalid-help-request",
    "Demande invalide",
    "Invalid request"
);
crate::errors::problem!(
    REQUEST_CLOSED,
    409,
    "help-request-closed",
    "Cette demande est fermée : déposez-en une nouvelle",
    "This request is closed: file a new one"
);
crate::errors::problem!(
    REQUEST_RESOLVED,
    409,
    "help-request-resolved",
    "Cette demande est résolue : rouvrez-la pour répondre",
    "This request is resolved: reopen it to answer"
);
crate::errors::problem!(
    REOPEN_EXPIRED,
    409,
    "help-request-reopen-expired",
    "Le délai pour rouvrir cette demande est passé : déposez-en une nouvelle",
    "This request can no longer be reopened: file a new one"
);

/// The longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// The longest message, in characters.
pub const MESSAGE_MAX: usize = 10_000;

/// A refusal of what someone typed, with why.
pub fn invalid(fr: &str, en: &str) -> ApiError {
    ApiError::new(INVALID_HELP_REQUEST).with_detail(Translated {
        fr: fr.into(),
        en: en.into(),
    })
}

/// A category of the configuration, or a clear refusal.
pub fn category<'a>(config: &'a Config, code: &str) -> Result<&'a HelpCategory, ApiError> {
    config.help.category(code).ok_or_else(|| {
        invalid(
            "Catégorie inconnue : choisissez-en une dans la liste.",
            "Unknown category: choose one from the list.",
        )
    })
}

/// The language of a request, as stored.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    }
}

stored_word! {
    #[derive(Enum)]
    #[oai(rename = "HelpStatus", rename_all = "snake_case")]
    pub enum Status {
        /// Nouvelle: no one has taken it yet.
        New = "new",
        /// En cours.
        InProgress = "in_progress",
        /// En attente de votre réponse: staff wait for the requester.
        Waiting = "waiting",
        /// Résolue: the requester may still reopen it.
        Resolved = "resolved",
        /// Fermée.
        Closed = "closed",
    }
}

stored_word! {
    /// What an entry of a request's thread is.
    #[derive(Enum)]
    #[oai(rename = "HelpMessageKind", rename_all = "snake_case")]
    pub enum MessageKind {
        Reply = "reply",
        /// Staff only: the requester never sees it.
        Note = "note",
        Status = "status",
        /// Staff only: who took the request (`body` names them; none when released).
        Assignment = "assignment",
    }
}

stored_word! {
    /// How what someone who cannot log in said compares with the registrar's records.
    #[derive(Enum)]
    #[oai(rename_all = "snake_case")]
    pub enum RegistrarMatch {
        /// Number, birth date and names agree with a record.
        Matched = "matched",
        /// The number exists but the birth date or a name differs.
        Partial = "partial",
        /// No record has this number.
        None = "none",
    }
}

/// An entry added to a request's thread.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    Reply(&'a str),
    Note(&'a str),
    Status(Status),
    /// To whom it is assigned, by name (none: released).
    Assignment(Option<&'a str>),
}

impl Entry<'_> {
    pub fn kind(self) -> MessageKind {
        match self {
            Entry::Reply(_) => MessageKind::Reply,
            Entry::Note(_) => MessageKind::Note,
            Entry::Status(_) => MessageKind::Status,
            Entry::Assignment(_) => MessageKind::Assignment,
        }
    }
}

impl Status {
    /// What a queue shows when no status is asked for.
    pub const OPEN: [Status; 3] = [Status::New, Status::InProgress, Status::Waiting];

    /// As the requester reads it.
    pub fn label(self) -> Translated {
        let (fr, en) = match self {
            Status::New => ("nouvelle", "new"),
            Status::InProgress => ("en cours", "in progress"),
            Status::Waiting => ("en attente de votre réponse", "waiting for your answer"),
            Status::Resolved => ("résolue", "resolved"),
            Status::Closed => ("fermée", "closed"),
        };
        Translated {
            fr: fr.into(),
            en: en.into(),
        }
    }
}

/// Who looks at a request: its requester sees replies and status changes; its queue's staff see
/// notes, assignments and the connection details too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "HelpViewer", rename_all = "snake_case")]
pub enum Viewer {
    Requester,
    Staff,
}

/// The status after a reply by `viewer`, or why there may be none.
pub fn after_reply(status: Status, viewer: Viewer) -> Result<Status, ApiError> {
    match (status, viewer) {
        (Status::Closed, _) => Err(ApiError::new(REQUEST_CLOSED)),
        (Status::Resolved, Viewer::Requester) => Err(ApiError::new(REQUEST_RESOLVED)),
        // The requester answered what staff asked.
        (Status::Waiting, Viewer::Requester) => Ok(Status::InProgress),
        // Staff took it up by answering.
        (Status::New, Viewer::Staff) => Ok(Status::InProgress),
        (s, _) => Ok(s),
    }
}

/// The requester reopens a request resolved less than `days` ago.
pub fn reopen(
    status: Status,
    resolved_at: Option<DateTime<Utc>>,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Status, ApiError> {
    match (status, reopen_until(status, resolved_at, days)) {
        (Status::Closed, _) => Err(ApiError::new(REQUEST_CLOSED)),
        (Status::Resolved, Some(until)) if now < until => Ok(Status::InProgress),
        (Status::Resolved, _) => Err(ApiError::new(REOPEN_EXPIRED)),
        (s, _) => Ok(s),
    }
}

/// Until when a resolved request may be reopened.
pub fn reopen_until(
    status: Status,
    resolved_at: Option<DateTime<Utc>>,
    days: u32,
) -> Option<DateTime<Utc>> {
    (status == Status::Resolved)
        .then_some(resolved_at)
        .flatten()
        .map(|at| at + Duration::days(days.into()))
}

/// A subject or message, trimmed, or the reason it is refused (its length named).
pub fn text(value: &str, max: usize, what: (&str, &str)) -> Result<String, ApiError> {
    let value = value.trim();
    let length = value.chars().count();
    let invalid = |fr: String, en: String| {
        ApiError::new(INVALID_HELP_REQUEST).with_detail(Translated { fr, en })
    };
    if length == 0 {
        return Err(invalid(
            format!("{} : ce champ est obligatoire.", what.0),
            format!("{}: this field is required.", what.1),
        ));
    }
    if length > max {
        return Err(invalid(
            format!(
                "{} : {max} caractères au plus (vous en avez écrit {length}).",
                what.0
            ),
            format!("{}: {max} characters at most (you wrote {length}).", what.1),
        ));
    }
    Ok(value.to_string())
}

pub const SUBJECT: (&str, &str) = ("Objet", "Subject");
pub const MESSAGE: (&str, &str) = ("Message", "Message");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_move_the_status_on_and_closed_requests_take_none() {
        assert_eq!(
            after_reply(Status::Waiting, Viewer::Requester).unwrap(),
            Status::InProgress
        );
        assert_eq!(
            after_reply(Status::New, Viewer::Staff).unwrap(),
            Status::InProgress
        );
        assert_eq!(
            after_reply(Status::Waiting, Viewer::Staff).unwrap(),
            Status::Waiting
        );
        assert!(after_reply(Status::Closed, Viewer::Staff).is_err());
        assert!(after_reply(Status::Resolved, Viewer::Requester).is_err());
    }

    #[test]
    fn a_resolved_request_reopens_only_within_its_window() {
        let resolved = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .to_utc();
        let day = Duration::days(1);
        assert_eq!(
            reopen(Status::Resolved, Some(resolved), 14, resolved + day * 13).unwrap(),
            Status::InProgress
        );
        assert!(reopen(Status::Resolved, Some(resolved), 14, resolved + day * 14).is_err());
        assert!(reopen(Status::Closed, Some(resolved), 14, resolved).is_err());
    }

    #[test]
    fn texts_are_trimmed_and_their_length_named() {
        assert_eq!(text("  Wi-Fi ", 10, SUBJECT).unwrap(), "Wi-Fi");
        let e = text("   ", 10, SUBJECT).unwrap_err();
        assert!(e.detail.unwrap().fr.contains("obligatoire"));
        let e = text(&"é".repeat(11), 10, SUBJECT).unwrap_err();
        assert!(e.detail.unwrap().en.contains("you wrote 11"));
    }
}
