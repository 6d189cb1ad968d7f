//! Conversations, their members and messages, and blocks, in PostgreSQL.

use crate::db::words::{stored_id, stored_word};
use crate::people::model::PersonId;
use crate::people::model::{Enrolment, Role};
use chrono::{DateTime, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, JoinOnDsl, NullableExpressionMethods,
    OptionalExtension, QueryDsl, Queryable, QueryableByName, Selectable, SelectableHelper,
    TextExpressionMethods,
    dsl::exists,
    insert_into,
    sql_types::{Array, BigInt, Text, Timestamptz, Uuid as SqlUuid},
    update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::{
    folded,
    schema::{
        blocks, conversation_members as members, conversations, course_groups, group_memberships,
        messages, people, timetable_event_groups as event_groups,
        timetable_event_teachers as event_teachers,
    },
};

stored_id!(pub ConversationId(i64): BigInt);

stored_word! {
    #[derive(poem_openapi::Enum)]
    #[oai(rename = "ConversationKind", rename_all = "snake_case")]
    pub enum Kind {
        Direct = "direct",
        Group = "group",
        Service = "service",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = conversations)]
pub struct Conversation {
    pub id: ConversationId,
    pub kind: Kind,
    pub group_code: Option<String>,
    pub service: Option<String>,
    pub unique_key: String,
    pub created_at: DateTime<Utc>,
    pub last_message_id: Option<i64>,
    pub last_message_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub author_id: PersonId,
    pub body: String,
    pub client_key: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = members)]
pub struct Member {
    pub person_id: PersonId,
    pub staff_side: bool,
    pub muted: bool,
    pub left_at: Option<DateTime<Utc>>,
    pub last_read_id: i64,
}

/// A new conversation, or the one that already has this key.
pub async fn open(
    conn: &mut AsyncPgConnection,
    kind: Kind,
    group: Option<&str>,
    service: Option<&str>,
    key: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<(Conversation, bool)> {
    let created = insert_into(conversations::table)
        .values((
            conversations::kind.eq(kind),
            conversations::group_code.eq(group),
            conversations::service.eq(service),
            conversations::unique_key.eq(key),
            conversations::created_at.eq(now),
        ))
        .on_conflict(conversations::unique_key)
        .do_nothing()
        .returning(Conversation::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    match created {
        Some(c) => Ok((c, true)),
        None => conversations::table
            .filter(conversations::unique_key.eq(key))
            .select(Conversation::as_select())
            .first(conn)
            .await
            .map(|c| (c, false)),
    }
}

/// Adds these people (back) to the conversation.
pub async fn join(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    people: &[PersonId],
    staff_side: bool,
) -> diesel::QueryResult<()> {
    let rows: Vec<_> = people
        .iter()
        .map(|p| {
            (
                members::conversation_id.eq(conversation),
                members::person_id.eq(*p),
                members::staff_side.eq(staff_side),
            )
        })
        .collect();
    insert_into(members::table)
        .values(rows)
        .on_conflict((members::conversation_id, members::person_id))
        .do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: ConversationId,
) -> diesel::QueryResult<Option<Conversation>> {
    conversations::table
        .find(id)
        .select(Conversation::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn member(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    person: PersonId,
) -> diesel::QueryResult<Option<Member>> {
    members::table
        .find((conversation, person))
        .select(Member::as_select())
        .first(conn)
        .await
        .optional()
}

/// Everyone in the conversation who has not left it.
pub async fn present(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
) -> diesel::QueryResult<Vec<Member>> {
    members::table
        .filter(members::conversation_id.eq(conversation))
        .filter(members::left_at.is_null())
        .select(Member::as_select())
        .load(conn)
        .await
}

/// Stores a message; the one already sent with this key by this author if there is one
/// (`false`: nothing new).
pub async fn post(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    author: PersonId,
    body: &str,
    client_key: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<(Message, bool)> {
    let created = insert_into(messages::table)
        .values((
            messages::conversation_id.eq(conversation),
            messages::author_id.eq(author),
            messages::body.eq(body),
            messages::client_key.eq(client_key),
            messages::created_at.eq(now),
        ))
        .on_conflict((messages::author_id, messages::client_key))
        .do_nothing()
        .returning(Message::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    let Some(message) = created else {
        let first = messages::table
            .filter(messages::author_id.eq(author))
            .filter(messages::client_key.eq(client_key))
            .select(Message::as_select())
            .first(conn)
            .await?;
        return Ok((first, false));
    };
    update(conversations::table.find(conversation))
        .set((
            conversations::last_message_id.eq(message.id),
            conversations::last_message_at.eq(now),
        ))
        .execute(conn)
        .await?;
    // The author has read what they wrote.
    read(conn, conversation, author, message.id).await?;
    Ok((message, true))
}

/// Moves the person's read marker forward to `up_to` (never back).
pub async fn read(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    person: PersonId,
    up_to: i64,
) -> diesel::QueryResult<()> {
    update(members::table.find((conversation, person)))
        .filter(members::last_read_id.lt(up_to))
        .set(members::last_read_id.eq(up_to))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn set_muted(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    person: PersonId,
    muted: bool,
) -> diesel::QueryResult<()> {
    update(members::table.find((conversation, person)))
        .set(members::muted.eq(muted))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn leave(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    person: PersonId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(members::table.find((conversation, person)))
        .set(members::left_at.eq(now))
        .execute(conn)
        .await
        .map(drop)
}

/// Messages of a conversation, newest first, before the message `before` (or the newest).
pub async fn page(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    before: Option<i64>,
    limit: i64,
) -> diesel::QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation))
        .filter(messages::id.lt(before.unwrap_or(i64::MAX)))
        .order(messages::id.desc())
        .limit(limit)
        .select(Message::as_select())
        .load(conn)
        .await
}

/// Messages after `after`, oldest first: what a reconnecting client missed.
pub async fn since(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    after: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation))
        .filter(messages::id.gt(after))
        .order(messages::id)
        .limit(limit)
        .select(Message::as_select())
        .load(conn)
        .await
}

/// Whether the person `$1`, whose membership `m` of the conversation `c` is left-joined, takes
/// part in it with the services `$2` they staff: the SQL statement of `rules::part_in`, for the
/// queries over all of a person's conversations.
macro_rules! takes_part {
    () => {
        "((m.person_id IS NOT NULL AND m.left_at IS NULL AND NOT m.staff_side) \
           OR c.service = ANY($2))"
    };
}

/// Messages after `after` in every conversation the person is in (or staffs), oldest first:
/// what a stream that reconnects missed.
pub async fn missed(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    services: &[String],
    after: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<Message>> {
    diesel::sql_query(concat!(
        "SELECT x.* FROM messages x JOIN conversations c ON c.id = x.conversation_id \
         LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.person_id = $1 \
         WHERE x.id > $3 AND ",
        takes_part!(),
        " ORDER BY x.id LIMIT $4",
    ))
    .bind::<SqlUuid, _>(person)
    .bind::<Array<Text>, _>(services)
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// A line of the person's conversation list.
#[derive(Debug, Clone, QueryableByName)]
pub struct Listed {
    #[diesel(embed)]
    pub conversation: Conversation,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub muted: bool,
    #[diesel(sql_type = BigInt)]
    pub unread: i64,
}

/// The conversations the person is in (and those of the services they staff), latest activity
/// first, after the cursor (time, id); each with its unread count.
pub async fn list(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    services: &[String],
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> diesel::QueryResult<Vec<Listed>> {
    let (at, id) = after.unwrap_or((DateTime::<Utc>::MAX_UTC, i64::MAX));
    diesel::sql_query(concat!(
        "SELECT c.*, coalesce(m.muted, false) AS muted, \
           (SELECT count(*) FROM messages x WHERE x.conversation_id = c.id \
              AND x.id > coalesce(m.last_read_id, 0) AND x.author_id <> $1) AS unread \
         FROM conversations c \
         LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.person_id = $1 \
         WHERE ",
        takes_part!(),
        " AND c.last_message_at IS NOT NULL \
           AND (c.last_message_at, c.id) < ($3, $4) \
         ORDER BY c.last_message_at DESC, c.id DESC LIMIT $5",
    ))
    .bind::<SqlUuid, _>(person)
    .bind::<Array<Text>, _>(services)
    .bind::<Timestamptz, _>(at)
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Unread messages in one conversation (muted or not) for a person in it.
pub async fn unread_in(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    person: PersonId,
) -> diesel::QueryResult<i64> {
    let read_up_to = members::table
        .find((conversation, person))
        .select(members::last_read_id)
        .single_value();
    messages::table
        .filter(messages::conversation_id.eq(conversation))
        .filter(messages::author_id.ne(person))
        .filter(messages::id.nullable().gt(read_up_to))
        .count()
        .get_result(conn)
        .await
}

/// Unread messages in the conversations the person has not muted or left.
pub async fn unread_total(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    services: &[String],
) -> diesel::QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Total {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let total: Total = diesel::sql_query(concat!(
        "SELECT count(*) AS n FROM messages x JOIN conversations c ON c.id = x.conversation_id \
         LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.person_id = $1 \
         WHERE x.author_id <> $1 AND x.id > coalesce(m.last_read_id, 0) \
           AND NOT coalesce(m.muted, false) AND ",
        takes_part!(),
    ))
    .bind::<SqlUuid, _>(person)
    .bind::<Array<Text>, _>(services)
    .get_result(conn)
    .await?;
    Ok(total.n)
}

/// Whether a course group of this code exists.
pub async fn group_exists(conn: &mut AsyncPgConnection, code: &str) -> diesel::QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        course_groups::table.filter(course_groups::code.eq(code)),
    ))
    .get_result(conn)
    .await
}

/// The group's students and the teachers of its classes.
pub async fn group_people(
    conn: &mut AsyncPgConnection,
    group: &str,
) -> diesel::QueryResult<Vec<PersonId>> {
    let mut people: Vec<PersonId> = group_memberships::table
        .filter(group_memberships::group_code.eq(group))
        .select(group_memberships::person_id)
        .load(conn)
        .await?;
    people.extend(teachers_of(conn, &[group.to_string()]).await?);
    people.sort_unstable();
    people.dedup();
    Ok(people)
}

/// The teachers of the classes of these groups.
pub async fn teachers_of(
    conn: &mut AsyncPgConnection,
    groups: &[String],
) -> diesel::QueryResult<Vec<PersonId>> {
    event_teachers::table
        .inner_join(
            event_groups::table.on(event_groups::event_id
                .eq(event_teachers::event_id)
                .and(event_groups::starts_at.eq(event_teachers::starts_at))),
        )
        .filter(event_groups::group_code.eq_any(groups))
        .select(event_teachers::person_id)
        .distinct()
        .load(conn)
        .await
}

/// The groups a person is in, and those whose classes they teach.
pub async fn groups_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<String>> {
    let mut groups: Vec<String> = group_memberships::table
        .filter(group_memberships::person_id.eq(person))
        .select(group_memberships::group_code)
        .load(conn)
        .await?;
    let taught: Vec<String> = event_groups::table
        .inner_join(
            event_teachers::table.on(event_teachers::event_id
                .eq(event_groups::event_id)
                .and(event_teachers::starts_at.eq(event_groups::starts_at))),
        )
        .filter(event_teachers::person_id.eq(person))
        .select(event_groups::group_code)
        .distinct()
        .load(conn)
        .await?;
    groups.extend(taught);
    groups.sort_unstable();
    groups.dedup();
    Ok(groups)
}

/// A person's role, if they are enrolled.
pub async fn role_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Option<Role>> {
    people::table
        .find(person)
        .filter(people::enrolment.eq(Enrolment::Enrolled))
        .select(people::role)
        .first(conn)
        .await
        .optional()
}

/// Whether either person blocked the other.
pub async fn blocked(
    conn: &mut AsyncPgConnection,
    a: PersonId,
    b: PersonId,
) -> diesel::QueryResult<bool> {
    diesel::select(exists(
        blocks::table.filter(
            blocks::person_id
                .eq(a)
                .and(blocks::blocked_id.eq(b))
                .or(blocks::person_id.eq(b).and(blocks::blocked_id.eq(a))),
        ),
    ))
    .get_result(conn)
    .await
}

pub async fn block(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    blocked: PersonId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    insert_into(blocks::table)
        .values((
            blocks::person_id.eq(person),
            blocks::blocked_id.eq(blocked),
            blocks::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

pub async fn unblock(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    blocked: PersonId,
) -> diesel::QueryResult<()> {
    diesel::delete(blocks::table.find((person, blocked)))
        .execute(conn)
        .await
        .map(drop)
}

/// The other person of a direct conversation.
pub async fn other_member(
    conn: &mut AsyncPgConnection,
    conversation: ConversationId,
    person: PersonId,
) -> diesel::QueryResult<Option<PersonId>> {
    members::table
        .filter(members::conversation_id.eq(conversation))
        .filter(members::person_id.ne(person))
        .select(members::person_id)
        .first(conn)
        .await
        .optional()
}

/// For each conversation, its member on the people's side other than `person`: the other one of
/// a pair, the person who wrote to a service.
pub async fn counterparts(
    conn: &mut AsyncPgConnection,
    conversations: &[ConversationId],
    person: PersonId,
) -> diesel::QueryResult<std::collections::HashMap<ConversationId, PersonId>> {
    if conversations.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(ConversationId, PersonId)> = members::table
        .filter(members::conversation_id.eq_any(conversations))
        .filter(members::staff_side.eq(false))
        .filter(members::person_id.ne(person))
        .select((members::conversation_id, members::person_id))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Messages by id, for the list's last message.
pub async fn messages_by_id(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> diesel::QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::id.eq_any(ids))
        .select(Message::as_select())
        .load(conn)
        .await
}

/// Enrolled people, other than `me`, who are among `listed` or (when `roles` is given) have one
/// of these roles; only those whose names contain `query` (accents and case aside) when there
/// is one. By name, `limit` at
/// most.
pub async fn people_among(
    conn: &mut AsyncPgConnection,
    me: PersonId,
    listed: &[PersonId],
    roles: Option<&[Role]>,
    query: Option<&str>,
    limit: i64,
) -> diesel::QueryResult<Vec<(PersonId, String, String, Role)>> {
    let mut chosen = people::table
        .filter(people::enrolment.eq(Enrolment::Enrolled))
        .filter(people::id.ne(me))
        .into_boxed();
    chosen = match roles {
        Some(roles) => chosen.filter(
            people::id
                .eq_any(listed.to_vec())
                .or(people::role.eq_any(roles.to_vec())),
        ),
        None => chosen.filter(people::id.eq_any(listed.to_vec())),
    };
    if let Some(query) = query {
        let anywhere = folded(crate::text::like_anywhere(query));
        chosen = chosen.filter(
            folded(people::family_name)
                .like(anywhere.clone())
                .or(folded(people::given_name).like(anywhere)),
        );
    }
    chosen
        .order((people::family_name, people::given_name, people::id))
        .limit(limit)
        .select((
            people::id,
            people::given_name,
            people::family_name,
            people::role,
        ))
        .load(conn)
        .await
}

/// Course groups among `codes`, or any (when `codes` is none); whose code or name contains
/// `query` (accents and case aside) when there is one. By name, `limit` at most.
pub async fn groups_among(
    conn: &mut AsyncPgConnection,
    codes: Option<&[String]>,
    query: Option<&str>,
    limit: i64,
) -> diesel::QueryResult<Vec<(String, String)>> {
    let mut chosen = course_groups::table.into_boxed();
    if let Some(codes) = codes {
        chosen = chosen.filter(course_groups::code.eq_any(codes.to_vec()));
    }
    if let Some(query) = query {
        let anywhere = folded(crate::text::like_anywhere(query));
        chosen = chosen.filter(
            folded(course_groups::code)
                .like(anywhere.clone())
                .or(folded(course_groups::name).like(anywhere)),
        );
    }
    chosen
        .order((course_groups::name, course_groups::code))
        .limit(limit)
        .select((course_groups::code, course_groups::name))
        .load(conn)
        .await
}

/// The students of these groups.
pub async fn students_of(
    conn: &mut AsyncPgConnection,
    groups: &[String],
) -> diesel::QueryResult<Vec<PersonId>> {
    group_memberships::table
        .filter(group_memberships::group_code.eq_any(groups))
        .select(group_memberships::person_id)
        .distinct()
        .load(conn)
        .await
}
