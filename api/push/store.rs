//! Subscriptions, preferences and the push outbox in PostgreSQL.

use crate::people::model::PersonId;
use chrono::{DateTime, NaiveTime, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, Queryable, QueryableByName, Selectable,
    SelectableHelper, delete, insert_into,
    sql_types::{BigInt, Integer, Nullable, Text, Timestamptz},
    update,
    upsert::excluded,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::Category;
use crate::db::schema::{
    push_outbox as outbox, push_preferences as prefs, push_subscriptions as subs,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subs)]
pub struct Subscription {
    pub id: i64,
    pub person_id: PersonId,
    pub session_key: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub security_muted: bool,
    pub language: String,
}

pub struct NewSubscription<'a> {
    pub person: PersonId,
    pub session_key: &'a str,
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub language: &'a str,
}

/// The device's subscription replaces whatever it had, and any other session's copy of the same
/// endpoint (the same browser, logged in again).
pub async fn subscribe(
    conn: &mut AsyncPgConnection,
    s: &NewSubscription<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    delete(
        subs::table
            .filter(subs::endpoint.eq(s.endpoint))
            .filter(subs::session_key.ne(s.session_key)),
    )
    .execute(conn)
    .await?;
    insert_into(subs::table)
        .values((
            subs::person_id.eq(s.person),
            subs::session_key.eq(s.session_key),
            subs::endpoint.eq(s.endpoint),
            subs::p256dh.eq(s.p256dh),
            subs::auth.eq(s.auth),
            subs::language.eq(s.language),
            subs::created_at.eq(now),
        ))
        .on_conflict(subs::session_key)
        .do_update()
        .set((
            subs::endpoint.eq(excluded(subs::endpoint)),
            subs::p256dh.eq(excluded(subs::p256dh)),
            subs::auth.eq(excluded(subs::auth)),
            subs::language.eq(excluded(subs::language)),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Drops the subscriptions of ended sessions.
pub async fn forget_sessions(
    conn: &mut AsyncPgConnection,
    keys: &[String],
) -> diesel::QueryResult<usize> {
    delete(subs::table.filter(subs::session_key.eq_any(keys)))
        .execute(conn)
        .await
}

/// A renewed session keeps its device's subscription.
pub async fn move_session(
    conn: &mut AsyncPgConnection,
    from: &str,
    to: &str,
) -> diesel::QueryResult<()> {
    update(subs::table.filter(subs::session_key.eq(from)))
        .set(subs::session_key.eq(to))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn forget(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<()> {
    delete(subs::table.find(id)).execute(conn).await.map(drop)
}

pub async fn mute_security(
    conn: &mut AsyncPgConnection,
    session_key: &str,
    muted: bool,
) -> diesel::QueryResult<bool> {
    let n = update(subs::table.filter(subs::session_key.eq(session_key)))
        .set(subs::security_muted.eq(muted))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn of_person(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<Subscription>> {
    of_people(conn, &[person]).await
}

pub async fn of_people(
    conn: &mut AsyncPgConnection,
    people: &[PersonId],
) -> diesel::QueryResult<Vec<Subscription>> {
    subs::table
        .filter(subs::person_id.eq_any(people))
        .select(Subscription::as_select())
        .order(subs::id)
        .load(conn)
        .await
}

pub async fn of_session(
    conn: &mut AsyncPgConnection,
    session_key: &str,
) -> diesel::QueryResult<Option<Subscription>> {
    subs::table
        .filter(subs::session_key.eq(session_key))
        .select(Subscription::as_select())
        .first(conn)
        .await
        .optional()
}

/// A person's choices: turned-off categories and quiet hours.
#[derive(Debug, Clone, Default, Queryable)]
pub struct Preferences {
    pub disabled: Vec<Category>,
    pub quiet_start: Option<NaiveTime>,
    pub quiet_end: Option<NaiveTime>,
}

pub async fn preferences(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Preferences> {
    Ok(preferences_of(conn, &[person])
        .await?
        .remove(&person)
        .unwrap_or_default())
}

/// The choices of those of `people` who made some.
pub async fn preferences_of(
    conn: &mut AsyncPgConnection,
    people: &[PersonId],
) -> diesel::QueryResult<std::collections::HashMap<PersonId, Preferences>> {
    let rows: Vec<(PersonId, Preferences)> = prefs::table
        .filter(prefs::person_id.eq_any(people))
        .select((
            prefs::person_id,
            (
                prefs::disabled_categories,
                prefs::quiet_start,
                prefs::quiet_end,
            ),
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn set_preferences(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    p: &Preferences,
) -> diesel::QueryResult<()> {
    insert_into(prefs::table)
        .values((
            prefs::person_id.eq(person),
            prefs::disabled_categories.eq(&p.disabled),
            prefs::quiet_start.eq(p.quiet_start),
            prefs::quiet_end.eq(p.quiet_end),
        ))
        .on_conflict(prefs::person_id)
        .do_update()
        .set((
            prefs::disabled_categories.eq(excluded(prefs::disabled_categories)),
            prefs::quiet_start.eq(excluded(prefs::quiet_start)),
            prefs::quiet_end.eq(excluded(prefs::quiet_end)),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub struct Queued<'a> {
    pub subscription: i64,
    pub category: Category,
    pub payload: String,
    pub topic: String,
    pub urgency: &'a str,
    pub ttl: u32,
    pub not_before: DateTime<Utc>,
}

/// Queues pushes in one statement.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    pushes: &[Queued<'_>],
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let rows: Vec<_> = pushes
        .iter()
        .map(|q| {
            (
                outbox::subscription_id.eq(q.subscription),
                outbox::category.eq(q.category),
                outbox::payload.eq(&q.payload),
                outbox::topic.eq(Some(&q.topic).filter(|t| !t.is_empty())),
                outbox::urgency.eq(q.urgency),
                outbox::ttl.eq(q.ttl as i32),
                outbox::created_at.eq(now),
                outbox::next_attempt_at.eq(q.not_before),
            )
        })
        .collect();
    // PostgreSQL takes at most 65 535 parameters a statement: 8 a row.
    for chunk in rows.chunks(5_000) {
        insert_into(outbox::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A claimed push, with its subscription.
#[derive(Debug, Clone, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub subscription_id: i64,
    #[diesel(sql_type = Text)]
    pub endpoint: String,
    #[diesel(sql_type = Text)]
    pub p256dh: String,
    #[diesel(sql_type = Text)]
    pub auth: String,
    #[diesel(sql_type = Text)]
    pub payload: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub topic: Option<String>,
    #[diesel(sql_type = Text)]
    pub urgency: String,
    #[diesel(sql_type = Integer)]
    pub ttl: i32,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

/// Leases up to `batch` due pushes until `lease_until`: other workers skip them meanwhile, and a
/// worker that dies leaves them to be sent again when the lease ends.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    batch: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Due>> {
    diesel::sql_query(
        "WITH due AS ( \
           SELECT id FROM push_outbox \
           WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1 \
           ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
         UPDATE push_outbox o SET next_attempt_at = $3, attempts = o.attempts + 1 \
         FROM due, push_subscriptions s \
         WHERE o.id = due.id AND s.id = o.subscription_id \
         RETURNING o.id, o.subscription_id, s.endpoint, s.p256dh, s.auth, o.payload, o.topic, \
                   o.urgency, o.ttl, o.attempts",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<BigInt, _>(batch)
    .bind::<Timestamptz, _>(lease_until)
    .load(conn)
    .await
}

/// Records deliveries, several in one statement.
pub async fn sent(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::sent_at.eq(now),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// A failed try: again at `retry_at`, or never (given up) when `None`.
pub async fn failed(
    conn: &mut AsyncPgConnection,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let error: String = error.chars().take(200).collect();
    match retry_at {
        Some(at) => {
            update(outbox::table.find(id))
                .set((outbox::next_attempt_at.eq(at), outbox::last_error.eq(error)))
                .execute(conn)
                .await
        }
        None => {
            update(outbox::table.find(id))
                .set((outbox::given_up_at.eq(now), outbox::last_error.eq(error)))
                .execute(conn)
                .await
        }
    }
    .map(drop)
}
