//! Help requests, their threads and connection details, in PostgreSQL.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, Insertable, NullableExpressionMethods,
    OptionalExtension, PgTextExpressionMethods, QueryDsl, Queryable, Selectable, SelectableHelper,
    dsl::{count_star, exists},
    insert_into, update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::{Entry, MessageKind, RegistrarMatch, Status};
use crate::db::schema::{
    help_contacts as contacts, help_messages as messages, help_requests as requests, people,
};
use crate::db::words::stored_id;
use crate::people::model::PersonId;

stored_id!(pub HelpRequestId(i64): BigInt);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct Request {
    pub id: HelpRequestId,
    pub category: String,
    pub queue: String,
    pub requester_id: Option<PersonId>,
    pub subject: String,
    pub status: Status,
    pub assignee_id: Option<PersonId>,
    pub lang: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub staff_activity_at: Option<DateTime<Utc>>,
    pub requester_seen_at: Option<DateTime<Utc>>,
}

impl Request {
    /// Staff replied or changed its status since the requester last looked.
    pub fn unread(&self) -> bool {
        match (self.staff_activity_at, self.requester_seen_at) {
            (Some(activity), Some(seen)) => activity > seen,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// A request as it is filed.
#[derive(Debug, Insertable)]
#[diesel(table_name = requests)]
pub struct Filed<'a> {
    pub category: &'a str,
    pub queue: &'a str,
    pub requester_id: Option<PersonId>,
    pub subject: &'a str,
    pub lang: &'a str,
}

/// What someone who cannot log in said about themselves.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contacts)]
pub struct Contact {
    pub request_id: HelpRequestId,
    pub number: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub email: String,
    pub registrar: RegistrarMatch,
    pub person_id: Option<PersonId>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub kind: MessageKind,
    pub author_id: Option<PersonId>,
    pub body: Option<String>,
    pub status: Option<Status>,
    pub created_at: DateTime<Utc>,
}

/// Files a request with its first message (by `author`; none for connection assistance).
pub async fn file(
    conn: &mut AsyncPgConnection,
    filed: &Filed<'_>,
    body: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Request> {
    let request = insert_into(requests::table)
        .values((
            filed,
            requests::created_at.eq(now),
            requests::updated_at.eq(now),
        ))
        .returning(Request::as_returning())
        .get_result(conn)
        .await?;
    add(
        conn,
        request.id,
        filed.requester_id,
        Entry::Reply(body),
        now,
    )
    .await?;
    Ok(request)
}

pub async fn add_contact(
    conn: &mut AsyncPgConnection,
    contact: &Contact,
) -> diesel::QueryResult<()> {
    insert_into(contacts::table)
        .values(contact)
        .execute(conn)
        .await
        .map(drop)
}

/// Adds a reply, note, status change or assignment to the thread.
pub async fn add(
    conn: &mut AsyncPgConnection,
    request: HelpRequestId,
    author: Option<PersonId>,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let (body, status) = match entry {
        Entry::Reply(text) | Entry::Note(text) => (Some(text), None),
        Entry::Status(status) => (None, Some(status)),
        Entry::Assignment(name) => (name, None),
    };
    insert_into(messages::table)
        .values((
            messages::request_id.eq(request),
            messages::kind.eq(entry.kind()),
            messages::author_id.eq(author),
            messages::body.eq(body),
            messages::status.eq(status),
            messages::created_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: HelpRequestId,
) -> diesel::QueryResult<Option<Request>> {
    requests::table
        .find(id)
        .select(Request::as_select())
        .first(conn)
        .await
        .optional()
}

/// The request, locked until the end of the transaction: changes to one request are serial.
pub async fn lock(
    conn: &mut AsyncPgConnection,
    id: HelpRequestId,
) -> diesel::QueryResult<Option<Request>> {
    requests::table
        .find(id)
        .select(Request::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// What a change sets: the status (and when it was resolved), the assignee, whether staff acted.
pub struct Change {
    pub status: Status,
    pub assignee: Option<PersonId>,
    pub by_staff: bool,
}

pub async fn apply(
    conn: &mut AsyncPgConnection,
    before: &Request,
    change: &Change,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let resolved_at = match (before.status, change.status) {
        (_, Status::Resolved | Status::Closed) => before.resolved_at.or(Some(now)),
        _ => None,
    };
    let staff_activity = if change.by_staff {
        Some(now)
    } else {
        before.staff_activity_at
    };
    update(requests::table.find(before.id))
        .set((
            requests::status.eq(change.status),
            requests::resolved_at.eq(resolved_at),
            requests::assignee_id.eq(change.assignee),
            requests::staff_activity_at.eq(staff_activity),
            requests::updated_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn mark_seen(
    conn: &mut AsyncPgConnection,
    id: HelpRequestId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(requests::table.find(id))
        .set(requests::requester_seen_at.eq(now))
        .execute(conn)
        .await
        .map(drop)
}

/// The thread, oldest first; without notes and assignments for the requester.
pub async fn thread(
    conn: &mut AsyncPgConnection,
    request: HelpRequestId,
    with_internal: bool,
) -> diesel::QueryResult<Vec<Message>> {
    let mut query = messages::table
        .filter(messages::request_id.eq(request))
        .order(messages::id)
        .select(Message::as_select())
        .into_boxed();
    if !with_internal {
        query = query.filter(messages::kind.eq_any([MessageKind::Reply, MessageKind::Status]));
    }
    query.load(conn).await
}

pub async fn contact(
    conn: &mut AsyncPgConnection,
    request: HelpRequestId,
) -> diesel::QueryResult<Option<Contact>> {
    contacts::table
        .find(request)
        .select(Contact::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn contacts_of(
    conn: &mut AsyncPgConnection,
    requests: &[HelpRequestId],
) -> diesel::QueryResult<HashMap<HelpRequestId, Contact>> {
    let rows: Vec<Contact> = contacts::table
        .filter(contacts::request_id.eq_any(requests))
        .select(Contact::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|c| (c.request_id, c)).collect())
}

/// Where a page of requests starts: after this (time, id).
pub type Cursor = (DateTime<Utc>, i64);

/// The requester's requests, latest activity first.
pub async fn of_requester(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    after: Option<Cursor>,
    limit: i64,
) -> diesel::QueryResult<Vec<Request>> {
    let (at, id) = after.unwrap_or((DateTime::<Utc>::MAX_UTC, i64::MAX));
    requests::table
        .filter(requests::requester_id.eq(person))
        .filter(
            requests::updated_at
                .lt(at)
                .or(requests::updated_at.eq(at).and(requests::id.lt(id))),
        )
        .order((requests::updated_at.desc(), requests::id.desc()))
        .limit(limit)
        .select(Request::as_select())
        .load(conn)
        .await
}

/// What a queue's list shows.
pub struct QueueFilter<'a> {
    pub queue: &'a str,
    pub statuses: Vec<Status>,
    /// Only the requests assigned to this person.
    pub assignee: Option<PersonId>,
    /// Words in the subject, a message, or the requester's names or number.
    pub search: Option<&'a str>,
}

/// A queue's requests, oldest first.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    filter: &QueueFilter<'_>,
    after: Option<Cursor>,
    limit: i64,
) -> diesel::QueryResult<Vec<Request>> {
    let (at, id) = after.unwrap_or((DateTime::<Utc>::UNIX_EPOCH, 0));
    let mut query = requests::table
        .filter(requests::queue.eq(filter.queue))
        .filter(requests::status.eq_any(&filter.statuses))
        .filter(
            requests::created_at
                .gt(at)
                .or(requests::created_at.eq(at).and(requests::id.gt(id))),
        )
        .order((requests::created_at, requests::id))
        .limit(limit)
        .select(Request::as_select())
        .into_boxed();
    if let Some(assignee) = filter.assignee {
        query = query.filter(requests::assignee_id.eq(assignee));
    }
    if let Some(words) = filter.search.map(str::trim).filter(|w| !w.is_empty()) {
        let anywhere = crate::text::like_anywhere(words);
        let in_thread = exists(
            messages::table
                .filter(messages::request_id.eq(requests::id))
                .filter(messages::body.ilike(anywhere.clone())),
        );
        let requester = people::table
            .filter(
                people::family_name
                    .ilike(anywhere.clone())
                    .or(people::given_name.ilike(anywhere.clone()))
                    .or(people::number.ilike(anywhere.clone())),
            )
            .select(people::id.nullable());
        let contact = contacts::table
            .filter(
                contacts::family_name
                    .ilike(anywhere.clone())
                    .or(contacts::given_name.ilike(anywhere.clone()))
                    .or(contacts::number.ilike(anywhere.clone()))
                    .or(contacts::email.ilike(anywhere.clone())),
            )
            .select(contacts::request_id);
        query = query.filter(
            requests::subject
                .ilike(anywhere)
                .or(in_thread)
                .or(requests::requester_id.eq_any(requester))
                .or(requests::id.eq_any(contact)),
        );
    }
    query.load(conn).await
}

/// How many requests of each queue are in each status.
pub async fn counts(
    conn: &mut AsyncPgConnection,
    queues: &[&str],
) -> diesel::QueryResult<Vec<(String, String, i64)>> {
    requests::table
        .filter(requests::queue.eq_any(queues))
        .group_by((requests::queue, requests::status))
        .select((requests::queue, requests::status, count_star()))
        .load(conn)
        .await
}

/// The queues whose staff this person is (`help:<queue>` permissions).
pub async fn queues_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<String>> {
    crate::accounts::store::scopes_of(conn, person, "help").await
}

/// Where to write to a requester who has no device to push to: their personal address, else
/// their institutional one.
pub async fn email_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Option<String>> {
    let addresses = crate::accounts::store::addresses(conn, person).await?;
    Ok(addresses.into_iter().next())
}
