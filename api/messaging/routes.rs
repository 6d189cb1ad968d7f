//! `/api/me/conversations` (the caller's list, starting one), `/api/conversations/{id}…` (its
//! messages, sending, read state, mute, leave; 404 for anyone not in it), `/api/me/blocks…`.

use std::collections::HashMap;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    events, notify,
    rules::{self, Part, Target},
    store::{self, Conversation, ConversationId, Kind},
    view::{
        ChatMessage, ConversationPage, ConversationView, MembershipChange, MessagePage,
        NewConversation, NewMessage, ReadUpTo, Seen, UnreadTotal, chat_messages, view,
    },
};
use crate::{
    accounts::store::scopes_of,
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::{Lang, Translated},
    limits::{self, Limit},
    pagination,
    people::model::PersonId,
    people::model::Role,
    sessions::Caller,
    state::AppState,
};

crate::errors::problem!(
    INVALID_MESSAGE,
    400,
    "invalid-message",
    "Message invalide",
    "Invalid message"
);

/// Conversations or messages a page.
const PAGE: i64 = 30;

#[derive(ApiResponse)]
pub enum Started {
    #[oai(status = 201)]
    Created(Json<ConversationView>),
    /// It already existed.
    #[oai(status = 200)]
    Existing(Json<ConversationView>),
}

#[derive(ApiResponse)]
pub enum Sent {
    #[oai(status = 201)]
    Created(Json<ChatMessage>),
    /// Already sent with this key: the first copy.
    #[oai(status = 200)]
    Again(Json<ChatMessage>),
}

#[derive(ApiResponse)]
pub enum Done {
    #[oai(status = 204)]
    Done,
}

#[derive(Default)]
pub struct MessagingApi;

#[OpenApi(tag = "crate::app::Tag::Messages")]
impl MessagingApi {
    /// The caller's conversations, latest activity first, with their unread counts.
    #[oai(
        path = "/me/conversations",
        method = "get",
        operation_id = "my_conversations"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        #[oai(validator(max_length = 100))] cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ConversationPage>> {
        let after = cursor
            .as_deref()
            .map(pagination::decode)
            .transpose()?
            .map(|(_, at, id)| (at, id));
        let me = caller.person_id;
        let mut conn = state.conn().await?;
        let services = scopes_of(&mut conn, me, "messages").await?;
        let rows = store::list(&mut conn, me, &services, after, PAGE).await?;
        let next_cursor = pagination::next(&rows, PAGE, |r| {
            let at = r.conversation.last_message_at.unwrap_or_default();
            (false, at, r.conversation.id.0)
        });
        let last: Vec<i64> = rows
            .iter()
            .filter_map(|r| r.conversation.last_message_id)
            .collect();
        let last = store::messages_by_id(&mut conn, &last).await?;
        let mut last: HashMap<i64, ChatMessage> = chat_messages(&mut conn, last)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let named: Vec<(&Conversation, bool)> = rows
            .iter()
            .map(|r| {
                let staff = r.conversation.service.as_ref();
                (&r.conversation, staff.is_some_and(|s| services.contains(s)))
            })
            .collect();
        let rules = &state.config.messaging;
        let titles = super::titles(&mut conn, rules, lang, me, &named).await?;
        let staff: Vec<bool> = named.iter().map(|(_, staff)| *staff).collect();
        let items = rows
            .into_iter()
            .zip(staff)
            .zip(titles)
            .map(|((row, staff), title)| {
                let message = row
                    .conversation
                    .last_message_id
                    .and_then(|id| last.remove(&id));
                let seen = Seen {
                    muted: row.muted,
                    unread: row.unread,
                    staff,
                };
                view(row.conversation, title, message, seen)
            })
            .collect();
        Ok(Json(ConversationPage { items, next_cursor }))
    }

    /// Starts a conversation with a person, a group or a service, as `messaging.may_start`
    /// allows; gives the existing one when there is one.
    #[oai(
        path = "/me/conversations",
        method = "post",
        operation_id = "start_conversation"
    )]
    async fn start(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        body: Json<NewConversation>,
    ) -> ApiResult<Started> {
        let target = match (body.0.person, body.0.group, body.0.service) {
            (Some(p), None, None) => Target::Person(p),
            (None, Some(g), None) => Target::Group(g),
            (None, None, Some(s)) => Target::Service(s),
            _ => {
                return Err(invalid(
                    "Choisissez une personne, un groupe ou un service.",
                    "Choose one person, group or service.",
                ));
            }
        };
        let me = caller.person_id;
        let now = state.clock.now();
        let rules = &state.config.messaging;
        let mut conn = state.conn().await?;
        let role = store::role_of(&mut conn, me)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        rules::may_start(&mut conn, rules, me, role, &target).await?;
        let (conversation, created) = conn
            .transaction(async |conn| {
                let key = rules::unique_key(me, &target);
                let (kind, group, service, people) = match &target {
                    Target::Person(p) => (Kind::Direct, None, None, vec![me, *p]),
                    Target::Group(g) => {
                        let mut people = store::group_people(conn, g).await?;
                        people.push(me);
                        (Kind::Group, Some(g.as_str()), None, people)
                    }
                    Target::Service(s) => (Kind::Service, None, Some(s.as_str()), vec![me]),
                };
                let opened = store::open(conn, kind, group, service, &key, now).await?;
                store::join(conn, opened.0.id, &people, false).await?;
                Ok::<_, ApiError>(opened)
            })
            .await?;
        let seen = Seen {
            muted: false,
            unread: 0,
            staff: false,
        };
        let title = super::titles(&mut conn, rules, lang, me, &[(&conversation, false)]).await?;
        let view = view(conversation, title.concat(), None, seen);
        Ok(if created {
            Started::Created(Json(view))
        } else {
            Started::Existing(Json(view))
        })
    }

    /// Messages, newest first (`before` a message id for older ones), or those after a message
    /// id (`after`, oldest first: what a device missed).
    #[oai(
        path = "/conversations/:id/messages",
        method = "get",
        operation_id = "conversation_messages"
    )]
    async fn messages(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<ConversationId>,
        before: Query<Option<i64>>,
        after: Query<Option<i64>>,
    ) -> ApiResult<Json<MessagePage>> {
        let mut conn = state.conn().await?;
        let (conversation, _) = access(&mut conn, caller.person_id, *id).await?;
        let items = match *after {
            Some(after) => store::since(&mut conn, conversation.id, after, PAGE).await?,
            None => store::page(&mut conn, conversation.id, *before, PAGE).await?,
        };
        let next_before = (after.is_none() && items.len() as i64 == PAGE)
            .then(|| items.last().map(|m| m.id))
            .flatten();
        let items = chat_messages(&mut conn, items).await?;
        Ok(Json(MessagePage { items, next_before }))
    }

    /// Sends a message; again with the same `client_key`, returns the first one and sends nothing.
    #[oai(
        path = "/conversations/:id/messages",
        method = "post",
        operation_id = "send_message"
    )]
    async fn send(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<ConversationId>,
        body: Json<NewMessage>,
    ) -> ApiResult<Sent> {
        let text = checked(&body.body, state.config.messaging.max_chars)?;
        let me = caller.person_id;
        let now = state.clock.now();
        let rules = &state.config.messaging;
        let mut conn = state.conn().await?;
        let conversation = taking_part(&mut conn, me, *id).await?;
        if conversation.kind == Kind::Direct {
            let other = store::other_member(&mut conn, conversation.id, me).await?;
            if let Some(other) = other
                && store::blocked(&mut conn, me, other).await?
            {
                return Err(ApiError::new(rules::BLOCKED));
            }
        }
        let per_person = Limit::per_minute("messages-person", rules.per_person_per_minute);
        limits::enforce(&state, per_person, &me.to_string()).await?;
        let per_conversation =
            Limit::per_minute("messages-conversation", rules.per_conversation_per_minute);
        limits::enforce(&state, per_conversation, &conversation.id.to_string()).await?;
        let tz = state.config.university.time_zone.tz();
        let (message, members) = conn
            .transaction(async |conn| {
                let (message, new) =
                    store::post(conn, conversation.id, me, &text, &body.client_key, now).await?;
                let message = chat_messages(conn, vec![message])
                    .await?
                    .pop()
                    .ok_or(ApiError::new(NOT_FOUND))?;
                if !new {
                    return Ok::<_, ApiError>((message, None));
                }
                let members = store::present(conn, conversation.id).await?;
                notify::away(
                    conn,
                    &state.redis,
                    tz,
                    &conversation,
                    &message,
                    &members,
                    now,
                )
                .await?;
                Ok((message, Some(members)))
            })
            .await?;
        let new = members.is_some();
        if let Some(members) = members {
            let redis = &state.redis;
            notify::publish_message(&mut conn, redis, &conversation, &message, members).await;
        }
        Ok(if new {
            Sent::Created(Json(message))
        } else {
            Sent::Again(Json(message))
        })
    }

    /// The caller has read the conversation up to this message.
    #[oai(
        path = "/conversations/:id/read",
        method = "post",
        operation_id = "read_conversation"
    )]
    async fn read(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<ConversationId>,
        body: Json<ReadUpTo>,
    ) -> ApiResult<Done> {
        let me = caller.person_id;
        let mut conn = state.conn().await?;
        let conversation = taking_part(&mut conn, me, *id).await?;
        let up_to = body.up_to.min(conversation.last_message_id.unwrap_or(0));
        store::read(&mut conn, conversation.id, me, up_to).await?;
        let event = events::read(conversation.id, me, up_to);
        notify::publish(&mut conn, &state.redis, &conversation, &event).await;
        tell_unread(&mut conn, &state, me, conversation.id).await?;
        Ok(Done::Done)
    }

    /// Mutes the conversation (no push, not in the unread badge) or unmutes it.
    #[oai(
        path = "/conversations/:id/membership",
        method = "patch",
        operation_id = "change_membership"
    )]
    async fn membership(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<ConversationId>,
        body: Json<MembershipChange>,
    ) -> ApiResult<Done> {
        let me = caller.person_id;
        let mut conn = state.conn().await?;
        let conversation = taking_part(&mut conn, me, *id).await?;
        store::set_muted(&mut conn, conversation.id, me, body.muted).await?;
        tell_unread(&mut conn, &state, me, conversation.id).await?;
        Ok(Done::Done)
    }

    /// Leaves a group conversation.
    #[oai(
        path = "/conversations/:id/membership",
        method = "delete",
        operation_id = "leave_conversation"
    )]
    async fn leave(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<ConversationId>,
    ) -> ApiResult<Done> {
        let me = caller.person_id;
        let mut conn = state.conn().await?;
        let (conversation, part) = access(&mut conn, me, *id).await?;
        if conversation.kind != Kind::Group || part != Part::Member {
            return Err(invalid(
                "Seules les conversations de groupe peuvent être quittées.",
                "Only group conversations can be left.",
            ));
        }
        store::leave(&mut conn, conversation.id, me, state.clock.now()).await?;
        tell_unread(&mut conn, &state, me, conversation.id).await?;
        Ok(Done::Done)
    }

    /// Unread messages in the caller's conversations (muted ones aside): the badge.
    #[oai(
        path = "/me/messages/unread",
        method = "get",
        operation_id = "unread_messages"
    )]
    async fn unread(&self, state: Data<&AppState>, caller: Caller) -> ApiResult<Json<UnreadTotal>> {
        let me = caller.person_id;
        let mut conn = state.conn().await?;
        let services = scopes_of(&mut conn, me, "messages").await?;
        let total = store::unread_total(&mut conn, me, &services).await?;
        Ok(Json(UnreadTotal { total }))
    }

    /// Blocks a student: neither may write to the other one to one.
    #[oai(
        path = "/me/blocks/:person",
        method = "put",
        operation_id = "block_person"
    )]
    async fn block(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        person: Path<PersonId>,
    ) -> ApiResult<Done> {
        let mut conn = state.conn().await?;
        match store::role_of(&mut conn, *person).await? {
            Some(Role::Student) if *person != caller.person_id => {}
            Some(_) => {
                return Err(invalid(
                    "Seul un autre étudiant peut être bloqué.",
                    "Only another student can be blocked.",
                ));
            }
            None => return Err(ApiError::new(NOT_FOUND)),
        }
        store::block(&mut conn, caller.person_id, *person, state.clock.now()).await?;
        Ok(Done::Done)
    }

    /// Unblocks a person.
    #[oai(
        path = "/me/blocks/:person",
        method = "delete",
        operation_id = "unblock_person"
    )]
    async fn unblock(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        person: Path<PersonId>,
    ) -> ApiResult<Done> {
        let mut conn = state.conn().await?;
        store::unblock(&mut conn, caller.person_id, *person).await?;
        Ok(Done::Done)
    }
}

fn invalid(fr: &str, en: &str) -> ApiError {
    ApiError::new(INVALID_MESSAGE).with_detail(Translated {
        fr: fr.into(),
        en: en.into(),
    })
}

/// The message trimmed, or why it is refused.
fn checked(body: &str, max: usize) -> Result<String, ApiError> {
    let text = body.trim();
    let length = text.chars().count();
    if length == 0 {
        return Err(invalid("Le message est vide.", "The message is empty."));
    }
    if length > max {
        return Err(ApiError::new(INVALID_MESSAGE).with_detail(Translated {
            fr: format!("{max} caractères au plus (vous en avez écrit {length})."),
            en: format!("{max} characters at most (you wrote {length})."),
        }));
    }
    Ok(text.to_string())
}

/// The conversation, if the person takes part in it; otherwise 404.
async fn access(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    id: ConversationId,
) -> Result<(Conversation, Part), ApiError> {
    let conversation = store::find(conn, id)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    let services = scopes_of(conn, person, "messages").await?;
    let part = rules::part_in(conn, &conversation, person, &services).await?;
    Ok((conversation, part))
}

/// [`access`] for what keeps a state per person: staff of the service get a place of their own
/// (their read marker, their mute).
async fn taking_part(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    id: ConversationId,
) -> Result<Conversation, ApiError> {
    let (conversation, part) = access(conn, person, id).await?;
    if part == Part::ServiceStaff {
        store::join(conn, conversation.id, &[person], true).await?;
    }
    Ok(conversation)
}

/// Tells the person's devices their unread counts once their place in a conversation changed.
async fn tell_unread(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    me: PersonId,
    conversation: ConversationId,
) -> ApiResult<()> {
    let services = scopes_of(conn, me, "messages").await?;
    let total = store::unread_total(conn, me, &services).await?;
    let unread = store::unread_in(conn, conversation, me).await?;
    let event = events::unread(conversation, unread, total);
    notify::tell(&state.redis, me, &event).await;
    Ok(())
}
