//! The outbox table: messages waiting for a courier.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, insert_into};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::Message;
use crate::db::schema::outbox;

/// Queues `message`; call it inside the transaction whose change the message announces.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    message: &Message,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    insert_into(outbox::table)
        .values((
            outbox::channel.eq(message.channel.as_str()),
            outbox::recipient.eq(&message.recipient),
            outbox::subject.eq(&message.subject),
            outbox::body.eq(&message.body),
            outbox::created_at.eq(now),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}
