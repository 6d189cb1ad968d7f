//! The outbox table: messages waiting for a courier.

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, QueryDsl, QueryableByName, insert_into,
    sql_types::{BigInt, Int4, Int8, Nullable, Text, Timestamptz},
    update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Channel, Message, SendError};
use crate::db::schema::outbox;

/// Queues `message`; call it inside the transaction whose change the message announces.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    message: &Message,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    insert_into(outbox::table)
        .values((
            outbox::channel.eq(message.channel),
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

/// A message a worker has leased and is about to send.
#[derive(Debug, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = Int8)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub channel: Channel,
    #[diesel(sql_type = Text)]
    pub recipient: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub subject: Option<String>,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Tries made before this one.
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
}

/// Leases up to `limit` due messages until `lease_until`, oldest first. One statement, hence one
/// short transaction: `SKIP LOCKED` makes concurrent workers pass over the rows another one is
/// claiming, and once it commits those rows are no longer due, so no two workers get the same
/// message while its lease runs.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> diesel::QueryResult<Vec<Claimed>> {
    diesel::sql_query(
        "UPDATE outbox SET next_attempt_at = $2 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1 \
                      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, channel, recipient, subject, body, created_at, attempts",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(lease_until)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Sent: the body goes, since it may carry a one-time code or link.
pub async fn mark_sent(
    conn: &mut AsyncPgConnection,
    message: &Claimed,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(outbox::table.find(message.id))
        .set((
            outbox::attempts.eq(message.attempts + 1),
            outbox::sent_at.eq(now),
            outbox::body.eq(""),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Failed, to be tried again at `next_attempt_at`.
pub async fn retry_later(
    conn: &mut AsyncPgConnection,
    message: &Claimed,
    error: &SendError,
    next_attempt_at: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(outbox::table.find(message.id))
        .set((
            outbox::attempts.eq(message.attempts + 1),
            outbox::last_error.eq(error.to_string()),
            outbox::next_attempt_at.eq(next_attempt_at),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Failed for the last time. The body goes too: a code it carries has expired by now, and
/// nobody will send it.
pub async fn give_up(
    conn: &mut AsyncPgConnection,
    message: &Claimed,
    error: &SendError,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(outbox::table.find(message.id))
        .set((
            outbox::attempts.eq(message.attempts + 1),
            outbox::last_error.eq(error.to_string()),
            outbox::given_up_at.eq(now),
            outbox::body.eq(""),
        ))
        .execute(conn)
        .await
        .map(drop)
}
