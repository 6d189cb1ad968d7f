//! `GET /api/me/events`: the signed-in person's live events as Server-Sent Events. The stream
//! listens on the person's Redis channel, so an event raised on any instance reaches it; it
//! subscribes before it reads what was missed (`Last-Event-ID`, a message id), so nothing falls
//! in between. While it lives it marks the person online (no push for them) and checks every
//! beat (`messaging.beat_seconds`) that their session still exists, ending when it does not.

use std::{borrow::Cow, time::Duration};

use futures_util::{StreamExt, stream::BoxStream};
use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::Header,
    payload::EventStream,
    registry::{MetaSchemaRef, Registry},
    types::{ToJSON, Type},
};
use redis::AsyncCommands;
use serde_json::Value;
use tokio::task::JoinHandle;

use super::{
    notify,
    store::{self, ConversationId},
    view::{ChatMessage, LiveUpdate, MessageEvent, ReadEvent, UnreadEvent},
};
use crate::{
    accounts::store::scopes_of,
    errors::ApiResult,
    people::model::PersonId,
    redis::Redis,
    sessions::{Caller, store::SessionKey},
    state::AppState,
};

/// Beats the online mark outlives the last one by.
const ONLINE_BEATS: u64 = 3;
/// Missed messages given on reconnection at most (the client re-fetches beyond).
const MISSED: i64 = 200;

/// A new message (see [`MessageEvent`]).
pub fn message(message: &ChatMessage, counted: bool) -> Value {
    encoded(LiveUpdate::Message(MessageEvent {
        message: message.clone(),
        counted,
    }))
}

pub fn unread(conversation_id: ConversationId, unread: i64, total: i64) -> Value {
    encoded(LiveUpdate::Unread(UnreadEvent {
        conversation_id,
        unread,
        total,
    }))
}

pub fn read(conversation_id: ConversationId, person_id: PersonId, up_to: i64) -> Value {
    encoded(LiveUpdate::Read(ReadEvent {
        conversation_id,
        person_id,
        up_to,
    }))
}

fn encoded(update: LiveUpdate) -> Value {
    update.to_json().unwrap_or_default()
}

/// An event as it travels between instances and to devices: its SSE type and id, and its data
/// (JSON). Whoever raises it encodes it once (`<type> <id or ->` on a line, then the JSON), so
/// that each of the many streams carrying it only cuts it instead of parsing and re-serialising.
pub struct LiveEvent {
    kind: String,
    id: Option<i64>,
    data: String,
}

impl LiveEvent {
    /// `message` events carry their message's id (what `Last-Event-ID` resumes after).
    pub fn of(event: &Value) -> LiveEvent {
        LiveEvent {
            kind: event["type"].as_str().unwrap_or("message").to_string(),
            id: event["message"]["id"].as_i64(),
            data: event.to_string(),
        }
    }

    pub fn encode(&self) -> String {
        let id = self.id.map_or_else(|| "-".to_string(), |id| id.to_string());
        format!("{} {id}\n{}", self.kind, self.data)
    }

    fn decode(wire: &str) -> Option<LiveEvent> {
        let (head, data) = wire.split_once('\n')?;
        let (kind, id) = head.split_once(' ')?;
        Some(LiveEvent {
            kind: kind.to_string(),
            id: id.parse().ok(),
            data: data.to_string(),
        })
    }

    fn sse(self) -> poem::web::sse::Event {
        let sse = poem::web::sse::Event::message(self.data).event_type(self.kind);
        match self.id {
            Some(id) => sse.id(id.to_string()),
            None => sse,
        }
    }
}

/// Documented as its data: a [`LiveUpdate`].
impl Type for LiveEvent {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        LiveUpdate::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        LiveUpdate::schema_ref()
    }

    fn register(registry: &mut Registry) {
        LiveUpdate::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl ToJSON for LiveEvent {
    fn to_json(&self) -> Option<Value> {
        serde_json::from_str(&self.data).ok()
    }
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
    ) -> ApiResult<EventStream<BoxStream<'static, LiveEvent>>> {
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
            .filter_map(|wire| async move { LiveEvent::decode(&wire) })
            .take_until(ended)
            .map(move |event| {
                let _beating = &heart;
                event
            });
        let stream = futures_util::stream::iter(missed).chain(live).boxed();
        Ok(EventStream::new(stream)
            .keep_alive(Duration::from_secs(beat))
            .to_event(LiveEvent::sse))
    }
}

/// The messages of the person's conversations after `after`, as events.
async fn missed(state: &AppState, me: PersonId, after: i64) -> ApiResult<Vec<LiveEvent>> {
    let mut conn = state.conn().await?;
    let services = scopes_of(&mut conn, me, "messages").await?;
    let rows = store::missed(&mut conn, me, &services, after, MISSED).await?;
    let messages = super::view::chat_messages(&mut conn, rows).await?;
    Ok(messages
        .iter()
        .map(|m| LiveEvent::of(&message(m, false)))
        .collect())
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
    me: PersonId,
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_live_event_names_its_type_beside_its_fields() {
        let person = PersonId(uuid::Uuid::nil());
        assert_eq!(
            read(ConversationId(3), person, 41),
            json!({"type": "read", "conversation_id": 3, "person_id": person, "up_to": 41})
        );
        assert_eq!(
            unread(ConversationId(3), 2, 9),
            json!({"type": "unread", "conversation_id": 3, "unread": 2, "total": 9})
        );
    }

    #[test]
    fn an_event_crosses_the_wire_as_its_type_id_and_data() {
        let event = json!({"type": "message", "message": {"id": 42, "body": "deux\nlignes"}});
        let wire = LiveEvent::of(&event).encode();
        let back = LiveEvent::decode(&wire).expect("decodes");
        assert_eq!((back.kind.as_str(), back.id), ("message", Some(42)));
        assert_eq!(serde_json::from_str::<Value>(&back.data).unwrap(), event);
        let read = LiveEvent::decode(&LiveEvent::of(&json!({"type": "read"})).encode()).unwrap();
        assert_eq!((read.kind.as_str(), read.id), ("read", None));
        assert!(
            LiveEvent::decode("{\"type\":\"message\"}").is_none(),
            "not our wire format"
        );
    }
}
