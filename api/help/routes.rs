//! `/api/me/help-requests` (a person's own requests), `/api/help-requests/{id}` (one request, for
//! its requester and its queue's staff; 404 for anyone else), `/api/help/queues…` (staff).

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

use super::{
    model::{
        self, Entry, INVALID_HELP_REQUEST, MESSAGE, MESSAGE_MAX, MessageKind, RegistrarMatch,
        SUBJECT, SUBJECT_MAX, Status, Viewer,
    },
    notices::{self, Update},
    store::{self, Change, Filed, HelpRequestId, QueueFilter, Request},
};
use crate::{
    config::{Config, HelpCategory},
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::{Lang, Translated},
    limits::{self, Limit},
    pagination,
    sessions::Caller,
    state::AppState,
};

/// Requests a page.
const PAGE: i64 = 20;
/// Help requests filed, and replies written, by one person.
const REQUESTS_PER_PERSON: Limit = Limit::per_hour("help-file", 10);
const REPLIES_PER_PERSON: Limit = Limit::per_hour("help-reply", 60);

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
pub struct HelpRequestPage {
    pub items: Vec<HelpRequestSummary>,
    /// Give it as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Object)]
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

#[derive(ApiResponse)]
pub enum FiledRequest {
    #[oai(status = 201)]
    Filed(Json<HelpRequestDetail>),
}

#[derive(Default)]
pub struct HelpApi;

#[OpenApi(tag = "crate::app::Tag::Assistance")]
impl HelpApi {
    /// What a request may be about.
    #[oai(
        path = "/help/categories",
        method = "get",
        operation_id = "help_categories"
    )]
    async fn categories(&self, state: Data<&AppState>, lang: Lang) -> Json<Vec<HelpCategoryInfo>> {
        Json(
            state
                .config
                .help
                .categories
                .iter()
                .map(|c| HelpCategoryInfo {
                    code: c.code.to_string(),
                    label: c.label(lang).to_string(),
                })
                .collect(),
        )
    }

    /// Files a request; it goes to its category's queue.
    #[oai(
        path = "/me/help-requests",
        method = "post",
        operation_id = "file_help_request"
    )]
    async fn file(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        body: Json<NewHelpRequest>,
    ) -> ApiResult<FiledRequest> {
        let config = &state.config;
        let category = category(config, &body.category)?;
        let subject = model::text(&body.subject, SUBJECT_MAX, SUBJECT)?;
        let message = model::text(&body.message, MESSAGE_MAX, MESSAGE)?;
        let person = caller.person_id;
        limits::enforce(&state, REQUESTS_PER_PERSON, &person.to_string()).await?;
        let now = state.clock.now();
        let mut conn = state.conn().await?;
        let filed = Filed {
            category: category.code.as_str(),
            queue: category.queue.as_str(),
            requester_id: Some(person),
            subject: &subject,
            lang: lang_code(lang),
        };
        let request = store::file(&mut conn, &filed, &message, now).await?;
        tracing::info!(request = request.id.0, queue = %request.queue, "help request filed");
        let viewer = viewer_of(&mut conn, person, &request).await?;
        let detail = detail(
            &mut conn,
            config,
            (lang, person),
            request,
            viewer.unwrap_or(Viewer::Requester),
        )
        .await?;
        Ok(FiledRequest::Filed(Json(detail)))
    }

    /// The caller's requests, latest activity first.
    #[oai(
        path = "/me/help-requests",
        method = "get",
        operation_id = "my_help_requests"
    )]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        #[oai(validator(max_length = 100))] cursor: Query<Option<String>>,
    ) -> ApiResult<Json<HelpRequestPage>> {
        let after = after(cursor.as_deref())?;
        let mut conn = state.conn().await?;
        let rows = store::of_requester(&mut conn, caller.person_id, after, PAGE).await?;
        let next_cursor = pagination::next(&rows, PAGE, |r| (false, r.updated_at, r.id.0));
        let items = summaries(&mut conn, &state.config, (lang, caller.person_id), rows).await?;
        Ok(Json(HelpRequestPage { items, next_cursor }))
    }

    /// One request with its thread: for its requester (who then has read it) and its queue's
    /// staff (who also see notes and connection details).
    #[oai(
        path = "/help-requests/:id",
        method = "get",
        operation_id = "help_request"
    )]
    async fn one(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        id: Path<HelpRequestId>,
    ) -> ApiResult<Json<HelpRequestDetail>> {
        let mut conn = state.conn().await?;
        let request = store::find(&mut conn, *id)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        let viewer = viewer_of(&mut conn, caller.person_id, &request)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        if request.requester_id == Some(caller.person_id) {
            store::mark_seen(&mut conn, request.id, state.clock.now()).await?;
        }
        detail(
            &mut conn,
            &state.config,
            (lang, caller.person_id),
            request,
            viewer,
        )
        .await
        .map(Json)
    }

    /// Adds a reply (or, for staff, an internal note) to the thread.
    #[oai(
        path = "/help-requests/:id/messages",
        method = "post",
        operation_id = "reply_to_help_request"
    )]
    async fn reply(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        id: Path<HelpRequestId>,
        body: Json<HelpReply>,
    ) -> ApiResult<Json<HelpRequestDetail>> {
        let text = model::text(&body.body, MESSAGE_MAX, MESSAGE)?;
        let person = caller.person_id;
        limits::enforce(&state, REPLIES_PER_PERSON, &person.to_string()).await?;
        let config = &state.config;
        let now = state.clock.now();
        let mut conn = state.conn().await?;
        let (request, viewer) = conn
            .transaction(async |conn| {
                let (request, viewer) = locked(conn, person, *id).await?;
                let staff = viewer == Viewer::Staff;
                if !staff && (body.internal || body.status.is_some()) {
                    return Err(invalid(
                        "Seul le personnel peut écrire une note interne ou changer le statut.",
                        "Only staff may write internal notes or change the status.",
                    ));
                }
                let before = request.status;
                let status = match (body.status, body.internal) {
                    (Some(s), _) => settable(s)?,
                    (None, true) => before,
                    (None, false) => model::after_reply(before, viewer)?,
                };
                if !body.internal && before == Status::Closed {
                    return Err(ApiError::new(model::REQUEST_CLOSED));
                }
                let entry = if body.internal {
                    Entry::Note(&text)
                } else {
                    Entry::Reply(&text)
                };
                store::add(conn, request.id, Some(person), entry, now).await?;
                let reply = (staff && !body.internal).then_some(text.as_str());
                let action = Action {
                    by: person,
                    viewer,
                    status,
                    staff_reply: reply,
                };
                change(conn, config, &request, action, now).await?;
                Ok::<_, ApiError>((request, viewer))
            })
            .await?;
        reread(&mut conn, config, (lang, person), request.id, viewer).await
    }

    /// Reopens a resolved request (its requester, within `help.reopen_days` of its resolution).
    #[oai(
        path = "/help-requests/:id/reopen",
        method = "post",
        operation_id = "reopen_help_request"
    )]
    async fn reopen(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        id: Path<HelpRequestId>,
    ) -> ApiResult<Json<HelpRequestDetail>> {
        let person = caller.person_id;
        let config = &state.config;
        let now = state.clock.now();
        let mut conn = state.conn().await?;
        let viewer = conn
            .transaction(async |conn| {
                let (request, viewer) = locked(conn, person, *id).await?;
                if request.requester_id != Some(person) {
                    return Err(ApiError::new(NOT_FOUND));
                }
                let days = config.help.reopen_days;
                let status = model::reopen(request.status, request.resolved_at, days, now)?;
                let action = Action {
                    by: person,
                    viewer: Viewer::Requester,
                    status,
                    staff_reply: None,
                };
                change(conn, config, &request, action, now).await?;
                Ok::<_, ApiError>(viewer)
            })
            .await?;
        reread(&mut conn, config, (lang, person), *id, viewer).await
    }

    /// Staff of the queue: assigns the request to themselves (or to nobody), changes its status.
    #[oai(
        path = "/help-requests/:id",
        method = "patch",
        operation_id = "change_help_request"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        id: Path<HelpRequestId>,
        body: Json<HelpRequestChange>,
    ) -> ApiResult<Json<HelpRequestDetail>> {
        let person = caller.person_id;
        let config = &state.config;
        let now = state.clock.now();
        let mut conn = state.conn().await?;
        conn.transaction(async |conn| {
            let (mut request, viewer) = locked(conn, person, *id).await?;
            if viewer != Viewer::Staff {
                return Err(ApiError::new(NOT_FOUND));
            }
            if let Some(assignee) = body.assignee {
                let to = (assignee == Assignee::Me).then_some(person);
                if to != request.assignee_id {
                    let name = match to {
                        Some(p) => crate::people::store::names(conn, &[p]).await?.remove(&p),
                        None => None,
                    };
                    let entry = Entry::Assignment(name.as_deref());
                    store::add(conn, request.id, Some(person), entry, now).await?;
                    request.assignee_id = to;
                }
            }
            let status = body
                .status
                .map(settable)
                .transpose()?
                .unwrap_or(request.status);
            let action = Action {
                by: person,
                viewer: Viewer::Staff,
                status,
                staff_reply: None,
            };
            change(conn, config, &request, action, now).await
        })
        .await?;
        reread(&mut conn, config, (lang, person), *id, Viewer::Staff).await
    }

    /// The queues the caller answers, with how many requests are in each status.
    #[oai(path = "/help/queues", method = "get", operation_id = "help_queues")]
    async fn queues(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
    ) -> ApiResult<Json<Vec<HelpQueue>>> {
        let mut conn = state.conn().await?;
        let mine = store::queues_of(&mut conn, caller.person_id).await?;
        let help = &state.config.help;
        let queues: Vec<&str> = help
            .queues()
            .into_iter()
            .filter(|q| mine.iter().any(|m| m == q))
            .collect();
        let counts = store::counts(&mut conn, &queues).await?;
        Ok(Json(
            queues
                .into_iter()
                .map(|code| {
                    let count = |s: Status| {
                        counts
                            .iter()
                            .find(|(q, st, _)| q == code && st == s.as_str())
                            .map_or(0, |c| c.2)
                    };
                    HelpQueue {
                        code: code.to_string(),
                        categories: help
                            .categories
                            .iter()
                            .filter(|c| c.queue.as_str() == code)
                            .map(|c| c.label(lang).to_string())
                            .collect(),
                        counts: StatusCounts {
                            new: count(Status::New),
                            in_progress: count(Status::InProgress),
                            waiting: count(Status::Waiting),
                            resolved: count(Status::Resolved),
                            closed: count(Status::Closed),
                        },
                    }
                })
                .collect(),
        ))
    }

    /// A queue's requests, oldest first: the open ones, or those of one status; only those
    /// assigned to the caller with `mine`; `q` searches subjects, messages and requesters.
    #[oai(
        path = "/help/queues/:queue/requests",
        method = "get",
        operation_id = "help_queue_requests"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn queue(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        #[oai(validator(max_length = 40))] queue: Path<String>,
        status: Query<Option<Status>>,
        #[oai(default)] mine: Query<bool>,
        #[oai(validator(max_length = 100))] q: Query<Option<String>>,
        #[oai(validator(max_length = 100))] cursor: Query<Option<String>>,
    ) -> ApiResult<Json<HelpRequestPage>> {
        let after = after(cursor.as_deref())?;
        let mut conn = state.conn().await?;
        if !store::queues_of(&mut conn, caller.person_id)
            .await?
            .contains(&queue)
        {
            return Err(ApiError::new(NOT_FOUND));
        }
        let filter = QueueFilter {
            queue: &queue,
            statuses: status.map_or(Status::OPEN.to_vec(), |s| vec![s]),
            assignee: mine.then_some(caller.person_id),
            search: q.as_deref(),
        };
        let rows = store::queue(&mut conn, &filter, after, PAGE).await?;
        let next_cursor = pagination::next(&rows, PAGE, |r| (false, r.created_at, r.id.0));
        let items = summaries(&mut conn, &state.config, (lang, caller.person_id), rows).await?;
        Ok(Json(HelpRequestPage { items, next_cursor }))
    }
}

fn invalid(fr: &str, en: &str) -> ApiError {
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

/// A status staff may set ("new" is where requests start, not where they go back).
fn settable(status: Status) -> Result<Status, ApiError> {
    if status == Status::New {
        Err(invalid(
            "Une demande ne peut pas redevenir « nouvelle ».",
            "A request cannot become “new” again.",
        ))
    } else {
        Ok(status)
    }
}

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    }
}

fn after(cursor: Option<&str>) -> Result<Option<store::Cursor>, ApiError> {
    Ok(cursor
        .map(pagination::decode)
        .transpose()?
        .map(|(_, at, id)| (at, id)))
}

/// How this person sees the request: as staff of its queue, as its requester, or not at all.
async fn viewer_of(
    conn: &mut AsyncPgConnection,
    person: Uuid,
    request: &Request,
) -> diesel::QueryResult<Option<Viewer>> {
    if store::queues_of(conn, person)
        .await?
        .contains(&request.queue)
    {
        Ok(Some(Viewer::Staff))
    } else if request.requester_id == Some(person) {
        Ok(Some(Viewer::Requester))
    } else {
        Ok(None)
    }
}

/// The request locked for a change, if this person may see it.
async fn locked(
    conn: &mut AsyncPgConnection,
    person: Uuid,
    id: HelpRequestId,
) -> Result<(Request, Viewer), ApiError> {
    let request = store::lock(conn, id)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    let viewer = viewer_of(conn, person, &request)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    Ok((request, viewer))
}

/// What someone does to a request: who, seeing it as whom, the status it gets, and the reply
/// staff wrote with it if any.
struct Action<'a> {
    by: Uuid,
    viewer: Viewer,
    status: Status,
    staff_reply: Option<&'a str>,
}

/// Sets the status (recorded in the thread when it changes) and tells the requester what staff
/// did: a reply, a status change, or both in one notice.
async fn change(
    conn: &mut AsyncPgConnection,
    config: &Config,
    request: &Request,
    Action {
        by,
        viewer,
        status,
        staff_reply,
    }: Action<'_>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let changed = status != request.status;
    if changed {
        store::add(conn, request.id, Some(by), Entry::Status(status), now).await?;
    }
    let by_staff = viewer == Viewer::Staff && (changed || staff_reply.is_some());
    let next = Change {
        status,
        assignee: request.assignee_id,
        by_staff,
    };
    store::apply(conn, request, &next, now).await?;
    if by_staff {
        let update = Update {
            reply: staff_reply,
            status: changed.then_some(status),
        };
        notices::tell_requester(conn, config, request, &update, now).await?;
    }
    Ok(())
}

/// The request as it is after a change.
/// Who reads an answer: its language and the caller.
type Reader = (Lang, Uuid);

async fn reread(
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

async fn summaries(
    conn: &mut AsyncPgConnection,
    config: &Config,
    (lang, me): Reader,
    rows: Vec<Request>,
) -> ApiResult<Vec<HelpRequestSummary>> {
    let people: Vec<Uuid> = rows
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

async fn detail(
    conn: &mut AsyncPgConnection,
    config: &Config,
    reader: Reader,
    request: Request,
    viewer: Viewer,
) -> ApiResult<HelpRequestDetail> {
    let staff = viewer == Viewer::Staff;
    let thread = store::thread(conn, request.id, staff).await?;
    let authors: Vec<Uuid> = thread.iter().filter_map(|m| m.author_id).collect();
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
