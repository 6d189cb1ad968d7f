//! `POST /api/client-errors`

use poem_openapi::{ApiResponse, Enum, Object, OpenApi, payload::Json};

use crate::errors::ApiResult;

#[derive(Default)]
pub struct ClientErrorsApi;

#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One error caught by the PWA (an uncaught exception, a failed chunk load…).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ClientError {
    pub severity: Severity,
    /// The error's message.
    #[oai(validator(min_length = 1, max_length = 2000))]
    pub message: String,
    /// The app path where it happened (`/timetable`).
    #[oai(validator(max_length = 500))]
    pub path: String,
    #[oai(validator(max_length = 8000))]
    pub stack: Option<String>,
    /// The build that ran (hash of the service worker's precache, or the app version).
    #[oai(validator(max_length = 100))]
    pub release: Option<String>,
}

#[derive(ApiResponse)]
pub enum Recorded {
    /// Written to the log.
    #[oai(status = 204)]
    Recorded,
}

#[OpenApi(tag = "crate::app::Tag::Diagnostics")]
impl ClientErrorsApi {
    /// Report an error seen in the browser; it goes to the server log.
    #[oai(
        path = "/client-errors",
        method = "post",
        operation_id = "report_client_error"
    )]
    async fn report(&self, report: Json<ClientError>) -> ApiResult<Recorded> {
        let r = report.0;
        // Text from browsers is logged as data fields, so it cannot forge log lines.
        match r.severity {
            Severity::Error => tracing::warn!(
                client.message = %r.message, client.path = %r.path,
                client.stack = r.stack.as_deref().unwrap_or(""),
                client.release = r.release.as_deref().unwrap_or(""), "error in a browser"),
            Severity::Warning => tracing::info!(
                client.message = %r.message, client.path = %r.path,
                client.release = r.release.as_deref().unwrap_or(""), "warning in a browser"),
        }
        Ok(Recorded::Recorded)
    }
}
