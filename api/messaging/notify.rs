//! What a new message sets off: an event on the live stream of each person in the conversation
//! (Redis pub/sub, so that it reaches streams held by any instance), and a push in the messages
//! category to those who have no stream open and have not muted the conversation, collapsed
//! per conversation.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel_async::AsyncPgConnection;
use redis::AsyncCommands;
use uuid::Uuid;

use super::store::{self, Conversation, Message};
use crate::{
    errors::ApiError,
    i18n::Translated,
    push::{self, Category, Notification},
    redis::Redis,
};

/// The channel of a person's live events.
pub fn channel(redis: &Redis, person: Uuid) -> String {
    redis.key(&format!("events:{person}"))
}

/// The key that says a person has a stream open (refreshed by the stream while it lives).
pub fn online_key(redis: &Redis, person: Uuid) -> String {
    redis.key(&format!("online:{person}"))
}

/// Queues a push for each person in the conversation but the author who has no open stream and
/// has not muted it.
pub async fn away(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    tz: Tz,
    conversation: &Conversation,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let recipients: Vec<Uuid> = store::present(conn, conversation.id)
        .await?
        .into_iter()
        .filter(|m| m.person_id != message.author_id && !m.muted)
        .map(|m| m.person_id)
        .collect();
    if recipients.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = recipients.iter().map(|p| online_key(redis, *p)).collect();
    let online: Vec<Option<String>> = redis.run(|mut c| async move { c.mget(keys).await }).await?;
    let author = crate::people::store::names(conn, &[message.author_id])
        .await?
        .remove(&message.author_id)
        .unwrap_or_default();
    let notification = Notification {
        category: Category::Messages,
        title: Translated {
            fr: author.clone(),
            en: author,
        },
        body: Translated {
            fr: crate::text::preview(&message.body, 100),
            en: crate::text::preview(&message.body, 100),
        },
        url: format!("/messages/{}", conversation.id),
        tag: format!("conversation-{}", conversation.id),
    };
    let away: Vec<(Uuid, &Notification)> = recipients
        .iter()
        .zip(online)
        .filter(|(_, online)| online.is_none())
        .map(|(p, _)| (*p, &notification))
        .collect();
    push::notify::notify_each(conn, tz, &away, now).await?;
    Ok(())
}

/// Publishes an event to the live streams of everyone in the conversation (the author's other
/// devices too). Best effort: a stream that misses it fetches what it missed when it reconnects.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    conversation: &Conversation,
    event: &serde_json::Value,
) {
    let people = match audience(conn, conversation).await {
        Ok(people) => people,
        Err(e) => {
            tracing::warn!(error = %e, "live event not published");
            return;
        }
    };
    let channels: Vec<String> = people.iter().map(|p| channel(redis, *p)).collect();
    let event = event.to_string();
    let published = redis
        .run(|mut c| async move {
            let mut pipe = redis::pipe();
            for ch in &channels {
                pipe.publish(ch, &event).ignore();
            }
            pipe.query_async::<()>(&mut c).await
        })
        .await;
    if let Err(e) = published {
        tracing::warn!(error = %e.cause.unwrap_or_default(), "live event not published");
    }
}

/// Everyone in the conversation, and the staff of its service.
async fn audience(
    conn: &mut AsyncPgConnection,
    conversation: &Conversation,
) -> diesel::QueryResult<Vec<Uuid>> {
    let mut people: Vec<Uuid> = store::present(conn, conversation.id)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect();
    if let Some(service) = &conversation.service {
        let staff = format!("messages:{service}");
        people.extend(crate::accounts::store::holders_of(conn, &staff).await?);
    }
    people.sort_unstable();
    people.dedup();
    Ok(people)
}
