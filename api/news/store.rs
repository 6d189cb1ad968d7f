//! News items and what people read, in PostgreSQL.

use chrono::{DateTime, Utc};
use diesel::{
    AsChangeset, BoolExpressionMethods, ExpressionMethods, Insertable, OptionalExtension, QueryDsl,
    Queryable, QueryableByName, Selectable, SelectableHelper, insert_into,
    sql_types::{Array, BigInt, Bool, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid},
    update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    db::{
        schema::{news_items as news, news_reads as reads},
        words::stored_id,
    },
    people::model::PersonId,
    people::model::Role,
};

/// An item as staff write it.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = news, treat_none_as_null = true)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub image_url: Option<String>,
    pub audience: serde_json::Value,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub pinned: bool,
    pub urgent: bool,
}

stored_id!(pub NewsId(i64): BigInt);

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = news)]
pub struct Item {
    pub id: NewsId,
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub image_url: Option<String>,
    pub audience: serde_json::Value,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub pinned: bool,
    pub urgent: bool,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub announced_at: Option<DateTime<Utc>>,
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    draft: &Draft,
    author: PersonId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Item> {
    insert_into(news::table)
        .values((
            draft,
            news::author_id.eq(author),
            news::created_at.eq(now),
            news::updated_at.eq(now),
        ))
        .returning(Item::as_returning())
        .get_result(conn)
        .await
}

/// Rewrites an item that is not withdrawn; an urgent one is announced again only if it was not
/// yet.
pub async fn edit(
    conn: &mut AsyncPgConnection,
    id: NewsId,
    draft: &Draft,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<Item>> {
    update(news::table.find(id).filter(news::withdrawn_at.is_null()))
        .set((draft, news::updated_at.eq(now)))
        .returning(Item::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    id: NewsId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    let n = update(news::table.find(id).filter(news::withdrawn_at.is_null()))
        .set((news::withdrawn_at.eq(now), news::updated_at.eq(now)))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Every item, newest publication first (for staff), `limit` after the cursor.
pub async fn all(
    conn: &mut AsyncPgConnection,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> diesel::QueryResult<Vec<Item>> {
    let mut query = news::table
        .select(Item::as_select())
        .order((news::publish_at.desc(), news::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            news::publish_at
                .lt(at)
                .or(news::publish_at.eq(at).and(news::id.lt(id))),
        );
    }
    query.load(conn).await
}

/// Who reads: their role, campus, program and groups (no role: someone signed out).
#[derive(Debug, Clone, Default)]
pub struct Reader {
    pub person: Option<PersonId>,
    pub role: Option<Role>,
    pub campus: Option<String>,
    pub program: Option<String>,
    pub groups: Vec<String>,
}

/// Where a page of the feed starts: after this (pinned, publication, id).
pub type Cursor = (bool, DateTime<Utc>, i64);

#[derive(Debug, Clone, QueryableByName)]
pub struct FeedRow {
    #[diesel(embed)]
    pub item: Item,
    #[diesel(sql_type = Bool)]
    pub read: bool,
}

/// The items `reader` may see now (everyone's only when `reader.person` is none), pinned first
/// then newest, `limit` after `cursor` (or the one item `only`). Keyset pagination: items published meanwhile never
/// shift a page.
pub async fn feed(
    conn: &mut AsyncPgConnection,
    reader: &Reader,
    now: DateTime<Utc>,
    cursor: Option<Cursor>,
    only: Option<NewsId>,
    limit: i64,
) -> diesel::QueryResult<Vec<FeedRow>> {
    let (pinned, at, id) = cursor.unwrap_or((true, DateTime::<Utc>::MAX_UTC, i64::MAX));
    diesel::sql_query(
        "SELECT n.*, (r.item_id IS NOT NULL) AS read FROM news_items n \
         LEFT JOIN news_reads r ON r.item_id = n.id AND r.person_id = $1 \
         WHERE n.withdrawn_at IS NULL AND n.publish_at <= $2 \
           AND (n.expires_at IS NULL OR n.expires_at > $2) \
           AND news_reaches(n.audience, $3, $4, $5, $6) \
           AND (n.pinned, n.publish_at, n.id) < ($7, $8, $9) \
           AND ($11::bigint IS NULL OR n.id = $11) \
         ORDER BY n.pinned DESC, n.publish_at DESC, n.id DESC LIMIT $10",
    )
    .bind::<Nullable<SqlUuid>, _>(reader.person)
    .bind::<Timestamptz, _>(now)
    .bind::<Nullable<Text>, _>(reader.role)
    .bind::<Nullable<Text>, _>(&reader.campus)
    .bind::<Nullable<Text>, _>(&reader.program)
    .bind::<Array<Text>, _>(&reader.groups)
    .bind::<Bool, _>(pinned)
    .bind::<Timestamptz, _>(at)
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(limit)
    .bind::<Nullable<BigInt>, _>(only)
    .load(conn)
    .await
}

pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    item: NewsId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    insert_into(reads::table)
        .values((
            reads::person_id.eq(person),
            reads::item_id.eq(item),
            reads::read_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

/// Urgent items published by `now` and not announced yet, taken for announcing (other
/// instances skip them).
pub async fn claim_unannounced(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Item>> {
    diesel::sql_query(
        "UPDATE news_items SET announced_at = $1 WHERE id IN ( \
           SELECT id FROM news_items WHERE urgent AND announced_at IS NULL \
             AND withdrawn_at IS NULL AND publish_at <= $1 \
             AND (expires_at IS NULL OR expires_at > $1) \
           ORDER BY publish_at LIMIT 10 FOR UPDATE SKIP LOCKED) \
         RETURNING *",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await
}

/// The people in an item's audience who have a device to notify.
pub async fn audience_with_devices(
    conn: &mut AsyncPgConnection,
    item: &Item,
) -> diesel::QueryResult<Vec<PersonId>> {
    #[derive(QueryableByName)]
    struct Person {
        #[diesel(sql_type = SqlUuid)]
        id: PersonId,
    }
    let people: Vec<Person> = diesel::sql_query(
        "SELECT DISTINCT p.id FROM (SELECT $1::jsonb AS a) q, people p \
         JOIN push_subscriptions s ON s.person_id = p.id \
         WHERE p.enrolment = 'enrolled' AND news_reaches(a, p.role, p.campus_code, p.program_code, \
           ARRAY(SELECT m.group_code FROM group_memberships m WHERE m.person_id = p.id))",
    )
    .bind::<Jsonb, _>(&item.audience)
    .load(conn)
    .await?;
    Ok(people.into_iter().map(|p| p.id).collect())
}

/// A reader's role, campus, program and groups.
pub async fn reader(conn: &mut AsyncPgConnection, person: PersonId) -> diesel::QueryResult<Reader> {
    use crate::db::schema::{group_memberships as members, people};
    let (role, campus, program): (Role, Option<String>, Option<String>) = people::table
        .find(person)
        .select((people::role, people::campus_code, people::program_code))
        .first(conn)
        .await?;
    let groups = members::table
        .filter(members::person_id.eq(person))
        .select(members::group_code)
        .load(conn)
        .await?;
    Ok(Reader {
        person: Some(person),
        role: Some(role),
        campus,
        program,
        groups,
    })
}
