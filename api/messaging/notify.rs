//! What a new message sets off: an event on the live stream of each person in the conversation
//! (Redis pub/sub, so that it reaches streams held by any instance), and a push in the messages
//! category to those who have no stream open and have not muted the conversation, collapsed
//! per conversation.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel_async::AsyncPgConnection;
use redis::AsyncCommands;

use super::{
    events::{self, LiveEvent},
    store::{self, Conversation, Member},
    view::ChatMessage,
};
use crate::{
    errors::ApiError,
    i18n::Translated,
    people::model::PersonId,
    push::{self, Category, Notification},
    redis::Redis,
};

/// The channel of a person's live events.
pub fn channel(redis: &Redis, person: PersonId) -> String {
    redis.key(&format!("events:{person}"))
}

/// The key that says a person has a stream open (refreshed by the stream while it lives).
pub fn online_key(redis: &Redis, person: PersonId) -> String {
    redis.key(&format!("online:{person}"))
}

/// Queues a push for each person in the conversation but the author who has no open stream and
/// has not muted it.
pub async fn away(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    tz: Tz,
    conversation: &Conversation,
    message: &ChatMessage,
    members: &[Member],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let recipients: Vec<PersonId> = members
        .iter()
        .filter(|m| m.person_id != message.author_id && !m.muted)
        .map(|m| m.person_id)
        .collect();
    if recipients.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = recipients.iter().map(|p| online_key(redis, *p)).collect();
    let online: Vec<Option<String>> = redis.run(|mut c| async move { c.mget(keys).await }).await?;
    let author = message.author.clone();
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
    let away: Vec<(PersonId, &Notification)> = recipients
        .iter()
        .zip(online)
        .filter(|(_, online)| online.is_none())
        .map(|(p, _)| (*p, &notification))
        .collect();
    push::notify::notify_each(conn, tz, &away, now).await?;
    Ok(())
}

/// Publishes a new message to the live streams of everyone in the conversation (its `members`
/// who have not left, the author's other devices too), telling each whether it counts in their
/// unread total.
pub async fn publish_message(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    conversation: &Conversation,
    message: &ChatMessage,
    members: Vec<Member>,
) {
    let counted = LiveEvent::of(&events::message(message, true)).encode();
    let not_counted = LiveEvent::of(&events::message(message, false)).encode();
    let Some(people) = audience(conn, conversation, Some(members)).await else {
        return;
    };
    let payloads = people.into_iter().map(|(person, muted)| {
        let counts = person != message.author_id && !muted;
        (person, if counts { &counted } else { &not_counted })
    });
    send(redis, payloads).await;
}

/// Publishes an event to the live streams of everyone in the conversation.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    conversation: &Conversation,
    event: &serde_json::Value,
) {
    let event = LiveEvent::of(event).encode();
    if let Some(people) = audience(conn, conversation, None).await {
        send(
            redis,
            people.into_iter().map(|(person, _)| (person, &event)),
        )
        .await;
    }
}

/// Publishes an event to one person's live streams.
pub async fn tell(redis: &Redis, person: PersonId, event: &serde_json::Value) {
    send(redis, [(person, &LiveEvent::of(event).encode())]).await;
}

/// Best effort: a stream that misses an event fetches what it missed when it reconnects.
async fn send<'a>(redis: &Redis, payloads: impl IntoIterator<Item = (PersonId, &'a String)>) {
    let mut pipe = redis::pipe();
    for (person, payload) in payloads {
        pipe.publish(channel(redis, person), payload.as_str())
            .ignore();
    }
    let published = redis
        .run(|mut c| async move { pipe.query_async::<()>(&mut c).await })
        .await;
    if let Err(e) = published {
        tracing::warn!(error = %e.cause.unwrap_or_default(), "live event not published");
    }
}

/// Everyone in the conversation (its members who have not left, read unless given), and the
/// staff of its service; whether each muted it. None (logged) when the database does not answer.
async fn audience(
    conn: &mut AsyncPgConnection,
    conversation: &Conversation,
    members: Option<Vec<Member>>,
) -> Option<Vec<(PersonId, bool)>> {
    let found = async {
        let members = match members {
            Some(members) => members,
            None => store::present(conn, conversation.id).await?,
        };
        let mut people: Vec<(PersonId, bool)> = members
            .into_iter()
            .map(|m| (m.person_id, m.muted))
            .collect();
        if let Some(service) = &conversation.service {
            let staff = format!("messages:{service}");
            let holders = crate::accounts::store::holders_of(conn, &staff).await?;
            people.extend(holders.into_iter().map(|p| (p, false)));
        }
        // A staff member who took part is listed twice: their own place (with its mute) wins.
        people.sort_unstable_by_key(|(p, muted)| (*p, !*muted));
        people.dedup_by_key(|(p, _)| *p);
        Ok::<_, diesel::result::Error>(people)
    };
    match found.await {
        Ok(people) => Some(people),
        Err(e) => {
            tracing::warn!(error = %e, "live event not published");
            None
        }
    }
}
