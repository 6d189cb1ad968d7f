//! What messaging shows and takes: conversations, messages and the bodies of its requests, and
//! how stored rows become them. Shared by the routes and the live events.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use poem_openapi::{Object, Union};

use super::store::{Conversation, ConversationId, Kind, Message};
use crate::errors::ApiResult;
use crate::people::model::PersonId;

#[derive(Debug, Clone, Object)]
pub struct ChatMessage {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub author_id: PersonId,
    pub author: String,
    /// Shown as text; links may be made clickable.
    pub body: String,
    /// The key the sender's device chose (to match its queued copy).
    pub client_key: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationView {
    pub id: ConversationId,
    pub kind: Kind,
    /// The other person, the group, or the service (for its staff: the person who wrote to it;
    /// `service` says which).
    pub title: String,
    pub group_code: Option<String>,
    pub service: Option<String>,
    pub muted: bool,
    pub unread: i64,
    pub last_message: Option<ChatMessage>,
    /// The caller answers for the service.
    pub as_service_staff: bool,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationPage {
    pub items: Vec<ConversationView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MessagePage {
    /// Newest first with `before`; oldest first with `after`.
    pub items: Vec<ChatMessage>,
    /// Give it as `before` for older messages; none at the beginning.
    pub next_before: Option<i64>,
}

/// One of `person`, `group`, `service`.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NewConversation {
    pub person: Option<PersonId>,
    #[oai(validator(max_length = 40))]
    pub group: Option<String>,
    #[oai(validator(max_length = 40))]
    pub service: Option<String>,
}

#[derive(Debug, Object)]
pub struct NewMessage {
    /// 4 000 characters at most by default (`messaging.max_chars`).
    pub body: String,
    /// Chosen by the device, one per message: sending again with it changes nothing.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub client_key: String,
}

#[derive(Debug, Object)]
pub struct ReadUpTo {
    pub up_to: i64,
}

#[derive(Debug, Object)]
pub struct MembershipChange {
    pub muted: bool,
}

#[derive(Debug, Object)]
pub struct UnreadTotal {
    pub total: i64,
}

pub async fn chat_messages(
    conn: &mut AsyncPgConnection,
    messages: Vec<Message>,
) -> ApiResult<Vec<ChatMessage>> {
    let authors: Vec<PersonId> = messages.iter().map(|m| m.author_id).collect();
    let names = crate::people::store::names(conn, &authors).await?;
    Ok(messages
        .into_iter()
        .map(|m| ChatMessage {
            author: names.get(&m.author_id).cloned().unwrap_or_default(),
            id: m.id,
            conversation_id: m.conversation_id,
            author_id: m.author_id,
            body: m.body,
            client_key: m.client_key,
            at: m.created_at,
        })
        .collect())
}

/// What the caller's list knows of their place in a conversation.
pub struct Seen {
    pub muted: bool,
    pub unread: i64,
    pub staff: bool,
}

pub fn view(
    c: Conversation,
    title: String,
    last_message: Option<ChatMessage>,
    seen: Seen,
) -> ConversationView {
    ConversationView {
        kind: c.kind,
        id: c.id,
        title,
        group_code: c.group_code,
        service: c.service,
        muted: seen.muted,
        unread: seen.unread,
        last_message,
        as_service_staff: seen.staff,
    }
}

/// A new message; `counted` when it adds one to the receiving person's unread total (not
/// theirs, conversation not muted). Replayed ones are not: a reconnecting device asks the total.
#[derive(Debug, Object)]
pub struct MessageEvent {
    pub message: ChatMessage,
    pub counted: bool,
}

/// Someone in the conversation read it up to a message.
#[derive(Debug, Object)]
pub struct ReadEvent {
    pub conversation_id: ConversationId,
    pub person_id: PersonId,
    pub up_to: i64,
}

/// A person's unread counts after they read, muted or left a conversation (for their other
/// devices).
#[derive(Debug, Object)]
pub struct UnreadEvent {
    pub conversation_id: ConversationId,
    pub unread: i64,
    pub total: i64,
}

/// A live event of `GET /api/me/events`, its SSE type in `type`.
#[derive(Debug, Union)]
#[oai(discriminator_name = "type")]
pub enum LiveUpdate {
    #[oai(mapping = "message")]
    Message(MessageEvent),
    #[oai(mapping = "read")]
    Read(ReadEvent),
    #[oai(mapping = "unread")]
    Unread(UnreadEvent),
}
