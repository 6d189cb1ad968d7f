//! What help shows and takes: the bodies of its requests and answers, and how stored requests
//! and their threads become them for one reader.

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use poem_openapi::{Enum, Object, payload::Json};

use super::{
    model::{self, MessageKind, RegistrarMatch, Status, Viewer},
    store::{self, HelpRequestId, Request},
};
use crate::{
    config::Config,
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::Lang,
    people::model::PersonId,
};

#[derive(Debug, Object)]
pub struct HelpCategoryInfo {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Object)]
pub struct NewHelpRequest {
    #[oai(validator(max_length = 40))]
    pub category: String,
    /// 200 characters at most (longer is refused with a message saying so).
    pub subject: String,
    /// 10 000 characters at most; shown as text.
    pub message: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HelpMessage {
    pub id: i64,
    pub kind: MessageKind,
    /// Written or done by the requester (else by staff).
    pub from_requester: bool,
    pub author: Option<String>,
    /// Shown as text, never as HTML.
    pub body: Option<String>,
    pub status: Option<Status>,
    pub at: DateTime<Utc>,
}

/// What a person who could not log in said about themselves (staff only).
#[derive(Debug, Object)]
pub struct ConnectionDetails {
    pub number: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    /// Confirmed by a code sent to it.
    pub email: String,
    /// Whether the details match a registrar record.
    pub registrar: RegistrarMatch,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HelpRequestSummary {
    pub id: HelpRequestId,
    pub category: String,
    pub category_label: String,
    pub subject: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Staff answered or changed it since the requester last opened it.
    pub unread: bool,
    /// Who asked (their names as given, for connection assistance).
    pub requester: Option<String>,
    pub assignee: Option<String>,
    /// The caller handles it.
    pub assigned_to_me: bool,
    /// Filed without an account (connection assistance).
    pub connection: bool,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HelpRequestDetail {
    #[oai(flatten)]
    pub summary: HelpRequestSummary,
    pub viewer: Viewer,
    /// The requester may reopen it until then (resolved requests).
    pub reopen_until: Option<DateTime<Utc>>,
    pub messages: Vec<HelpMessage>,
    pub connection_details: Option<ConnectionDetails>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HelpRequestPage {
    pub items: Vec<HelpRequestSummary>,
    /// Give it as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HelpReply {
    /// 10 000 characters at most; shown as text.
    pub body: String,
    /// A note for the queue's staff only.
    #[oai(default)]
    pub internal: bool,
    /// Staff: the status to set with it (otherwise a new request goes to "in progress").
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "HelpAssignee", rename_all = "snake_case")]
pub enum Assignee {
    Me,
    Nobody,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HelpRequestChange {
    pub status: Option<Status>,
    pub assignee: Option<Assignee>,
}

#[derive(Debug, Object)]
pub struct StatusCounts {
    pub new: i64,
    pub in_progress: i64,
    pub waiting: i64,
    pub resolved: i64,
    pub closed: i64,
}

#[derive(Debug, Object)]
pub struct HelpQueue {
    pub code: String,
    /// The categories it answers, in the caller's language.
    pub categories: Vec<String>,
    pub counts: StatusCounts,
}

/// Who reads an answer: its language and the caller.
pub type Reader = (Lang, PersonId);

/// The request as it is after a change.
pub async fn reread(
    conn: &mut AsyncPgConnection,
    config: &Config,
    reader: Reader,
    id: HelpRequestId,
    viewer: Viewer,
) -> ApiResult<Json<HelpRequestDetail>> {
    let request = store::find(conn, id)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    detail(conn, config, reader, request, viewer)
        .await
        .map(Json)
}

pub async fn summaries(
    conn: &mut AsyncPgConnection,
    config: &Config,
    (lang, me): Reader,
    rows: Vec<Request>,
) -> ApiResult<Vec<HelpRequestSummary>> {
    let people: Vec<PersonId> = rows
        .iter()
        .flat_map(|r| [r.requester_id, r.assignee_id])
        .flatten()
        .collect();
    let names = crate::people::store::names(conn, &people).await?;
    let ids: Vec<HelpRequestId> = rows
        .iter()
        .filter(|r| r.requester_id.is_none())
        .map(|r| r.id)
        .collect();
    let contacts = store::contacts_of(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let requester = match r.requester_id {
                Some(p) => names.get(&p).cloned(),
                None => contacts
                    .get(&r.id)
                    .map(|c| format!("{} {}", c.given_name, c.family_name)),
            };
            HelpRequestSummary {
                category_label: config
                    .help
                    .category(&r.category)
                    .map_or(r.category.clone(), |c| c.label(lang).to_string()),
                unread: r.unread(),
                status: r.status,
                assignee: r.assignee_id.and_then(|p| names.get(&p).cloned()),
                assigned_to_me: r.assignee_id == Some(me),
                connection: r.requester_id.is_none(),
                id: r.id,
                category: r.category,
                subject: r.subject,
                created_at: r.created_at,
                updated_at: r.updated_at,
                requester,
            }
        })
        .collect())
}

pub async fn detail(
    conn: &mut AsyncPgConnection,
    config: &Config,
    reader: Reader,
    request: Request,
    viewer: Viewer,
) -> ApiResult<HelpRequestDetail> {
    let staff = viewer == Viewer::Staff;
    let thread = store::thread(conn, request.id, staff).await?;
    let authors: Vec<PersonId> = thread.iter().filter_map(|m| m.author_id).collect();
    let names = crate::people::store::names(conn, &authors).await?;
    let connection_details = match (staff, request.requester_id) {
        (true, None) => store::contact(conn, request.id)
            .await?
            .map(|c| ConnectionDetails {
                number: c.number,
                family_name: c.family_name,
                given_name: c.given_name,
                birth_date: c.birth_date,
                email: c.email,
                registrar: c.registrar,
            }),
        _ => None,
    };
    let reopen_until =
        model::reopen_until(request.status, request.resolved_at, config.help.reopen_days);
    let requester = request.requester_id;
    let messages = thread
        .into_iter()
        .map(|m| HelpMessage {
            id: m.id,
            kind: m.kind,
            from_requester: m.author_id == requester,
            author: m.author_id.and_then(|a| names.get(&a).cloned()),
            body: m.body,
            status: m.status,
            at: m.created_at,
        })
        .collect();
    let summary = summaries(conn, config, reader, vec![request])
        .await?
        .pop()
        .ok_or(ApiError::new(NOT_FOUND))?;
    Ok(HelpRequestDetail {
        summary,
        viewer,
        reopen_until,
        messages,
        connection_details,
    })
}
