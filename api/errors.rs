//! API errors as `application/problem+json` (RFC 9457): a stable `type`, a translated `title`,
//! never an internal detail. Features declare their own [`ProblemType`]s next to their rules.

use poem::{Response, http::StatusCode};
use poem_openapi::{
    ApiResponse, Object,
    registry::{MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::ToJSON,
};

use crate::i18n::{Lang, Text, Translated};

/// A kind of problem: its status, its stable slug (the end of `type`) and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    pub status: u16,
    pub slug: &'static str,
    pub title: Text,
}

pub const TYPE_PREFIX: &str = "urn:ent-mobile:problem:";

/// Declares a [`ProblemType`] constant; features declare theirs beside their rules.
macro_rules! problem {
    ($name:ident, $status:expr, $slug:expr, $fr:expr, $en:expr) => {
        pub const $name: $crate::errors::ProblemType = $crate::errors::ProblemType {
            status: $status,
            slug: $slug,
            title: $crate::i18n::Text { fr: $fr, en: $en },
        };
    };
}
pub(crate) use problem;

problem!(
    BAD_REQUEST,
    400,
    "bad-request",
    "Requête invalide",
    "Bad request"
);
problem!(
    INVALID_BODY,
    400,
    "invalid-body",
    "Le contenu envoyé n’est pas du JSON valide ou n’a pas la forme attendue",
    "The request body is not valid JSON or does not have the expected shape"
);
problem!(
    INVALID_PARAMETER,
    400,
    "invalid-parameter",
    "Un paramètre de la requête est invalide",
    "A request parameter is invalid"
);
problem!(NOT_FOUND, 404, "not-found", "Introuvable", "Not found");
problem!(
    METHOD_NOT_ALLOWED,
    405,
    "method-not-allowed",
    "Méthode non autorisée pour cette adresse",
    "Method not allowed for this address"
);
problem!(
    PAYLOAD_TOO_LARGE,
    413,
    "payload-too-large",
    "Le contenu envoyé est trop volumineux",
    "The request body is too large"
);
problem!(
    UNSUPPORTED_MEDIA_TYPE,
    415,
    "unsupported-media-type",
    "Type de contenu non pris en charge (attendu : application/json)",
    "Unsupported content type (expected application/json)"
);
problem!(
    TOO_MANY_REQUESTS,
    429,
    "too-many-requests",
    "Trop de requêtes : réessayez dans un instant",
    "Too many requests: try again in a moment"
);
problem!(
    INTERNAL,
    500,
    "internal",
    "Erreur interne : l’incident a été enregistré",
    "Internal error: the incident has been logged"
);
problem!(
    SERVICE_UNAVAILABLE,
    503,
    "service-unavailable",
    "Service momentanément indisponible : réessayez dans quelques instants",
    "Service temporarily unavailable: try again in a few moments"
);

/// The body of every API error.
#[derive(Debug, Clone, Object, serde::Deserialize)]
#[oai(skip_serializing_if_is_none)]
#[oai(rename = "Problem")]
pub struct Problem {
    /// Stable identifier of the kind of problem (`urn:ent-mobile:problem:<slug>`).
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, translated summary.
    pub title: String,
    pub status: u16,
    /// Translated explanation of this occurrence, when there is more to say.
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
    /// Identifier of the request, to quote to the help desk.
    #[oai(skip_serializing_if_is_none)]
    pub instance: Option<String>,
}

/// An error a handler returns. The language is applied later, when the response is built.
#[derive(Debug)]
pub struct ApiError {
    pub kind: ProblemType,
    pub detail: Option<Box<Translated>>,
    /// Logged, never shown.
    pub cause: Option<String>,
    /// Seconds after which trying again makes sense (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(kind: ProblemType) -> Self {
        ApiError {
            kind,
            detail: None,
            cause: None,
            retry_after: None,
        }
    }

    /// Keeps `cause` for the log.
    pub fn caused_by(mut self, cause: impl std::fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_detail(mut self, detail: impl Into<Translated>) -> Self {
        self.detail = Some(Box::new(detail.into()));
        self
    }

    /// An unavailable dependency (PostgreSQL, Redis): 503, with the cause kept for the log.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        ApiError::new(SERVICE_UNAVAILABLE).caused_by(cause)
    }

    /// A bug: 500, with the cause kept for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::new(INTERNAL).caused_by(cause)
    }

    pub fn problem(&self, lang: Lang, request_id: Option<&str>) -> Problem {
        problem_of(self.kind, self.detail.as_deref(), lang, request_id)
    }
}

pub fn problem_of(
    kind: ProblemType,
    detail: Option<&Translated>,
    lang: Lang,
    request_id: Option<&str>,
) -> Problem {
    Problem {
        kind: format!("{TYPE_PREFIX}{}", kind.slug),
        title: kind.title.get(lang).to_string(),
        status: kind.status,
        detail: detail.map(|d| d.get(lang).to_string()),
        instance: request_id.map(|id| format!("urn:ent-mobile:request:{id}")),
    }
}

/// The response for a problem, with its media type and status.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = problem.to_json_string();
    Response::builder()
        .status(status)
        .content_type("application/problem+json")
        .body(body)
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind.slug)
    }
}

impl std::error::Error for ApiError {}

problem!(
    CONFLICT,
    409,
    "conflict",
    "Cette modification en contredit une autre : rechargez et recommencez",
    "This change conflicts with another one: reload and try again"
);

/// A failed query, classified, the cause kept for the log: a duplicate a person can cause (two
/// submissions at once) is 409, PostgreSQL lost or overloaded is 503, and anything else (a
/// CHECK or foreign key refused, a row expected and missing) is a bug: 500. Features that
/// expect a particular conflict match it first and give their own problem.
impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match &e {
            Error::DatabaseError(Kind::UniqueViolation, _) => ApiError::new(CONFLICT).caused_by(e),
            Error::DatabaseError(Kind::ClosedConnection | Kind::SerializationFailure, _)
            | Error::BrokenTransactionManager
            | Error::AlreadyInTransaction => ApiError::unavailable(e),
            // diesel-async reports a lost connection or a server-side error as `Unknown`.
            Error::DatabaseError(Kind::Unknown, info) if lost(info.message()) => {
                ApiError::unavailable(e)
            }
            _ => ApiError::internal(e),
        }
    }
}

/// Whether an unclassified database error says the server went away or refused the work.
fn lost(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "connection",
        "terminat",
        "shutdown",
        "timeout",
        "too many clients",
    ]
    .iter()
    .any(|w| m.contains(w))
}

impl poem::error::ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.kind.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Rendered in French here; the edge middleware re-renders it in the caller's language.
    fn as_response(&self) -> Response {
        problem_response(&self.problem(Lang::Fr, None))
    }
}

/// Documents every operation's error answers as problem+json in the OpenAPI document.
impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "A problem (RFC 9457), with a translated title",
                status: None,
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/problem+json",
                    schema: <Problem as poem_openapi::types::Type>::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        <Problem as poem_openapi::types::Type>::register(registry);
    }
}

/// The result of an API operation.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod classification {
    use diesel::result::{DatabaseErrorKind as Kind, Error};

    use super::ApiError;

    fn status(e: Error) -> u16 {
        ApiError::from(e).kind.status
    }

    #[test]
    fn database_errors_are_told_apart() {
        let info = |m: &str| {
            Box::new(m.to_string())
                as Box<dyn diesel::result::DatabaseErrorInformation + Send + Sync>
        };
        assert_eq!(
            status(Error::DatabaseError(Kind::UniqueViolation, info("dup"))),
            409
        );
        assert_eq!(
            status(Error::DatabaseError(Kind::CheckViolation, info("check"))),
            500
        );
        assert_eq!(
            status(Error::DatabaseError(Kind::ForeignKeyViolation, info("fk"))),
            500
        );
        assert_eq!(status(Error::NotFound), 500);
        assert_eq!(
            status(Error::DatabaseError(Kind::ClosedConnection, info("gone"))),
            503
        );
        assert_eq!(
            status(Error::DatabaseError(
                Kind::Unknown,
                info("terminating connection due to administrator command")
            )),
            503
        );
    }
}
