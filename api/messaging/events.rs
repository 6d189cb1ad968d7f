//! `GET /api/me/events`: the signed-in person's live events as Server-Sent Events. The stream
//! listens on the person's Redis channel, so an event raised on any instance reaches it; it
//! subscribes before it reads what was missed (`Last-Event-ID`, a message id), so nothing falls
//! in between. While it lives it marks the person online (no push for them) and checks every
//! beat (`messaging.beat_seconds`) that their session still exists, ending when it does not.

use std::time::Duration;

use futures_util::{StreamExt, stream::BoxStream};
use poem::web::Data;
use poem_openapi::{OpenApi, param::Header, payload::EventStream, types::ToJSON};
use redis::AsyncCommands;
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::{notify, routes::ChatMessage, store};
use crate::{
    accounts::store::scopes_of,
    errors::{ApiError, ApiResult},
    redis::Redis,
    sessions::{Caller, store::SessionKey},
    state::AppState,
};

/// Beats the online mark outlives the last one by.
const ONLINE_BEATS: u64 = 3;
/// Missed messages given on reconnection at most (the client re-fetches beyond).
const MISSED: i64 = 200;

/// A new message; `counted` when it adds one to the receiving person's unread total (not
/// theirs, conversation not muted). Replayed ones are not: a reconnecting device asks the total.
pub fn message(m: &ChatMessage, counted: bool) -> Value {
    json!({"type": "message", "message": m.to_json(), "counted": counted})
}

/// A person's unread counts after they read, muted or left a conversation (for their other
/// devices).
pub fn unread(conversation: i64, unread: i64, total: i64) -> Value {
    json!({"type": "unread", "conversation_id": conversation, "unread": unread, "total": total})
}

pub fn read(conversation: i64, person: Uuid, up_to: i64) -> Value {
    json!({"type": "read", "conversation_id": conversation, "person_id": person, "up_to": up_to})
}

#[derive(Default)]
pub struct EventsApi;

#[OpenApi(tag = "crate::app::Tag::Messages")]
impl EventsApi {
    /// Live events (`message`, whose SSE id is the message's; `read`; `unread`), resumed after
    /// `Last-Event-ID`.
    #[oai(path = "/me/events", method = "get", operation_id = "my_events")]
    async fn events(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        #[oai(name = "Last-Event-ID")] last_event_id: Header<Option<i64>>,
    ) -> ApiResult<EventStream<BoxStream<'static, Value>>> {
        let me = caller.person_id;
        let redis = state.redis.clone();
        let live = redis.subscribe(&notify::channel(&redis, me)).await?;
        let missed = match *last_event_id {
            Some(after) => missed(&state, me, after).await?,
            None => Vec::new(),
        };
        let beat = state.config.messaging.beat_seconds.get();
        let (ended, heart) = heartbeat(redis, me, caller.key, beat);
        let live = live
            .filter_map(|payload| async move { serde_json::from_str::<Value>(&payload).ok() })
            .take_until(ended)
            .map(move |event| {
                let _beating = &heart;
                event
            });
        let stream = futures_util::stream::iter(missed).chain(live).boxed();
        Ok(EventStream::new(stream)
            .keep_alive(Duration::from_secs(beat))
            .to_event(|event| {
                let kind = event["type"].as_str().unwrap_or("message").to_string();
                let sse = poem::web::sse::Event::message(event.to_string()).event_type(kind);
                match event["message"]["id"].as_i64() {
                    Some(id) => sse.id(id.to_string()),
                    None => sse,
                }
            }))
    }
}

/// The messages of the person's conversations after `after`, as events.
async fn missed(state: &AppState, me: Uuid, after: i64) -> ApiResult<Vec<Value>> {
    let mut conn = state.db.get().await.map_err(ApiError::unavailable)?;
    let services = scopes_of(&mut conn, me, "messages").await?;
    let rows = store::missed(&mut conn, me, &services, after, MISSED).await?;
    let messages = super::routes::chat_messages(&mut conn, rows).await?;
    Ok(messages.iter().map(|m| message(m, false)).collect())
}

/// Stops the beat when the stream is dropped.
struct Heart(JoinHandle<()>);

impl Drop for Heart {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Marks the person online every beat while their session exists; the future resolves when
/// it no longer does.
fn heartbeat(
    redis: Redis,
    me: Uuid,
    session: SessionKey,
    beat: u64,
) -> (tokio::sync::oneshot::Receiver<()>, Heart) {
    let (end, ended) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let online = notify::online_key(&redis, me);
        loop {
            let key = online.clone();
            let marked = redis
                .run(
                    |mut c| async move { c.set_ex::<_, _, ()>(&key, 1, beat * ONLINE_BEATS).await },
                )
                .await;
            if let Err(e) = marked {
                tracing::warn!(error = %e.cause.unwrap_or_default(), "online mark not set");
            }
            tokio::time::sleep(Duration::from_secs(beat)).await;
            if !matches!(
                crate::sessions::store::exists(&redis, &session).await,
                Ok(true)
            ) {
                let _ = end.send(());
                return;
            }
        }
    });
    (ended, Heart(task))
}
