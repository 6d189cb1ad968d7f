//! `/api/me/help-requests` (a person's own requests), `/api/help-requests/{id}` (one request, for
//! its requester and its queue's staff; 404 for anyone else), `/api/help/queues…` (staff).

use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    model::{
        self, Entry, MESSAGE, MESSAGE_MAX, SUBJECT, SUBJECT_MAX, Status, Viewer, category, invalid,
        lang_code,
    },
    store::{self, Filed, HelpRequestId, QueueFilter},
    view::{
        Assignee, HelpCategoryInfo, HelpQueue, HelpReply, HelpRequestChange, HelpRequestDetail,
        HelpRequestPage, NewHelpRequest, StatusCounts, detail, reread, summaries,
    },
    workflow::{Action, change, locked, settable, viewer_of},
};
use crate::{
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::Lang,
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

fn after(cursor: Option<&str>) -> Result<Option<store::Cursor>, ApiError> {
    Ok(cursor
        .map(pagination::decode)
        .transpose()?
        .map(|(_, at, id)| (at, id)))
}
