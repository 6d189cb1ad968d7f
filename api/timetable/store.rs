//! Courses, events and who attends them, in PostgreSQL.

use crate::people::model::PersonId;
use crate::people::model::Role;
use chrono::{DateTime, Utc};
use diesel::{
    AsChangeset, CombineDsl, ExpressionMethods, Insertable, JoinOnDsl, NullableExpressionMethods,
    OptionalExtension, QueryDsl, Queryable, Selectable, SelectableHelper, delete, insert_into,
    update, upsert::excluded,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::model::{Change, Kind, Previous, Slot, Status};
use crate::db::words::stored_id;

stored_id!(pub EventId(i64): BigInt);
use crate::db::schema::{
    calendar_feeds as feeds, course_groups, courses, group_memberships as members, people,
    programs, timetable_changes as changes, timetable_event_groups as links,
    timetable_event_teachers as teaching, timetable_events as ev, timetable_imports as imports,
};

/// The last change of an event, as stored in `last_change`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastChange {
    pub at: DateTime<Utc>,
    pub changes: Vec<Change>,
    pub previous: Previous,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ev)]
pub struct StoredEvent {
    pub id: EventId,
    pub uid: String,
    pub course_code: String,
    pub kind: Kind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub rooms: Vec<String>,
    pub campus_code: Option<String>,
    pub teachers: Vec<String>,
    pub groups: Vec<String>,
    pub status: Status,
    pub source_fingerprint: Option<String>,
    pub last_change: Option<serde_json::Value>,
}

impl StoredEvent {
    pub fn slot(&self) -> Slot {
        Slot {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            rooms: self.rooms.clone(),
            teachers: self.teachers.clone(),
            status: self.status,
        }
    }
}

/// An event's fields as an import or an edit sets them.
#[derive(Debug, Clone)]
pub struct Version {
    pub course_code: String,
    pub kind: Kind,
    pub slot: Slot,
    pub campus_code: Option<String>,
    pub groups: Vec<String>,
    pub fingerprint: Option<String>,
}

/// A group, and the campus of its program.
pub async fn group_campus(
    conn: &mut AsyncPgConnection,
    group: &str,
) -> diesel::QueryResult<Option<Option<String>>> {
    course_groups::table
        .left_join(programs::table.on(programs::code.nullable().eq(course_groups::program_code)))
        .filter(course_groups::code.eq(group))
        .select(programs::campus_code.nullable())
        .first::<Option<String>>(conn)
        .await
        .optional()
}

/// Every group's code and name (to recognise them in descriptions).
pub async fn groups(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<(String, String)>> {
    course_groups::table
        .select((course_groups::code, course_groups::name))
        .load(conn)
        .await
}

/// Every teacher's id and names (to link them by name).
pub async fn teachers(
    conn: &mut AsyncPgConnection,
) -> diesel::QueryResult<Vec<(PersonId, String, String)>> {
    people::table
        .filter(people::role.eq(Role::Teacher))
        .select((people::id, people::family_name, people::given_name))
        .load(conn)
        .await
}

pub async fn course_title(conn: &mut AsyncPgConnection, code: &str) -> diesel::QueryResult<String> {
    courses::table
        .find(code)
        .select(courses::title)
        .first(conn)
        .await
}

pub async fn upsert_courses(
    conn: &mut AsyncPgConnection,
    rows: &[(&str, &str, &str)],
) -> diesel::QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<_> = rows
        .iter()
        .map(|(code, title, colour)| {
            (
                courses::code.eq(*code),
                courses::title.eq(*title),
                courses::colour.eq(*colour),
            )
        })
        .collect();
    insert_into(courses::table)
        .values(values)
        .on_conflict(courses::code)
        .do_update()
        .set(courses::title.eq(excluded(courses::title)))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn by_uids(
    conn: &mut AsyncPgConnection,
    uids: &[&str],
) -> diesel::QueryResult<Vec<StoredEvent>> {
    ev::table
        .filter(ev::uid.eq_any(uids))
        .select(StoredEvent::as_select())
        .load(conn)
        .await
}

pub async fn by_id(
    conn: &mut AsyncPgConnection,
    id: EventId,
) -> diesel::QueryResult<Option<StoredEvent>> {
    ev::table
        .find(id)
        .select(StoredEvent::as_select())
        .first(conn)
        .await
        .optional()
}

/// The events a group's export held last time.
pub async fn of_group(
    conn: &mut AsyncPgConnection,
    group: &str,
) -> diesel::QueryResult<Vec<StoredEvent>> {
    ev::table
        .inner_join(links::table)
        .filter(links::group_code.eq(group))
        .select(StoredEvent::as_select())
        .load(conn)
        .await
}

/// The columns an import or an edit writes.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = ev, treat_none_as_null = true)]
struct Fields<'a> {
    course_code: &'a str,
    kind: Kind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    rooms: &'a [String],
    campus_code: Option<&'a str>,
    teachers: &'a [String],
    groups: &'a [String],
    status: Status,
    source_fingerprint: Option<&'a str>,
    updated_at: DateTime<Utc>,
}

impl<'a> Fields<'a> {
    fn of(v: &'a Version, now: DateTime<Utc>) -> Self {
        Fields {
            course_code: &v.course_code,
            kind: v.kind,
            starts_at: v.slot.starts_at,
            ends_at: v.slot.ends_at,
            rooms: &v.slot.rooms,
            campus_code: v.campus_code.as_deref(),
            teachers: &v.slot.teachers,
            groups: &v.groups,
            status: v.slot.status,
            source_fingerprint: v.fingerprint.as_deref(),
            updated_at: now,
        }
    }
}

/// Inserts new events; returns their ids, in order.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    rows: &[(&str, &Version, Option<serde_json::Value>)],
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<EventId>> {
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(2_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(uid, v, last_change)| {
                (
                    ev::uid.eq(*uid),
                    Fields::of(v, now),
                    ev::last_change.eq(last_change),
                    ev::created_at.eq(now),
                )
            })
            .collect();
        ids.extend(
            insert_into(ev::table)
                .values(values)
                .returning(ev::id)
                .get_results::<EventId>(conn)
                .await?,
        );
    }
    Ok(ids)
}

/// Writes a new version of an event (its last change too, when there is one).
pub async fn update_event(
    conn: &mut AsyncPgConnection,
    id: EventId,
    v: &Version,
    last_change: Option<&LastChange>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(ev::table.find(id))
        .set((Fields::of(v, now), ev::revision.eq(ev::revision + 1)))
        .execute(conn)
        .await?;
    if let Some(change) = last_change {
        update(ev::table.find(id))
            .set(ev::last_change.eq(to_json(change)))
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub fn to_json(change: &LastChange) -> serde_json::Value {
    serde_json::to_value(change).expect("a change is JSON")
}

/// Appends to the audit history.
pub async fn record_change(
    conn: &mut AsyncPgConnection,
    event: EventId,
    change: &LastChange,
    actor: Option<PersonId>,
) -> diesel::QueryResult<()> {
    let kinds: Vec<&str> = change.changes.iter().map(|c| c.as_str()).collect();
    insert_into(changes::table)
        .values((
            changes::event_id.eq(event),
            changes::at.eq(change.at),
            changes::changes.eq(kinds),
            changes::previous.eq(serde_json::to_value(&change.previous).ok()),
            changes::reason.eq(&change.reason),
            changes::actor_id.eq(actor),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Links events to a group (already linked ones are left as they are); returns how many links
/// are new.
pub async fn link_group(
    conn: &mut AsyncPgConnection,
    group: &str,
    events: &[(EventId, DateTime<Utc>)],
) -> diesel::QueryResult<usize> {
    let mut new = 0;
    for chunk in events.chunks(5_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, starts_at)| {
                (
                    links::group_code.eq(group),
                    links::starts_at.eq(starts_at),
                    links::event_id.eq(id),
                )
            })
            .collect();
        new += insert_into(links::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(new)
}

pub async fn unlink_group(
    conn: &mut AsyncPgConnection,
    group: &str,
    event: EventId,
) -> diesel::QueryResult<()> {
    delete(
        links::table
            .filter(links::group_code.eq(group))
            .filter(links::event_id.eq(event)),
    )
    .execute(conn)
    .await
    .map(drop)
}

pub async fn groups_of(conn: &mut AsyncPgConnection, event: EventId) -> diesel::QueryResult<i64> {
    links::table
        .filter(links::event_id.eq(event))
        .count()
        .get_result(conn)
        .await
}

/// The copies of `starts_at` follow a move.
pub async fn move_links(
    conn: &mut AsyncPgConnection,
    event: EventId,
    starts_at: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(links::table.filter(links::event_id.eq(event)))
        .set(links::starts_at.eq(starts_at))
        .execute(conn)
        .await?;
    update(teaching::table.filter(teaching::event_id.eq(event)))
        .set(teaching::starts_at.eq(starts_at))
        .execute(conn)
        .await
        .map(drop)
}

/// The people who teach an event.
pub async fn teachers_of(
    conn: &mut AsyncPgConnection,
    event: EventId,
) -> diesel::QueryResult<Vec<PersonId>> {
    teaching::table
        .filter(teaching::event_id.eq(event))
        .select(teaching::person_id)
        .load(conn)
        .await
}

/// The people who teach each of `events`: (event, person, given name, family name).
pub async fn teaching_people(
    conn: &mut AsyncPgConnection,
    events: &[EventId],
) -> diesel::QueryResult<Vec<(EventId, PersonId, String, String)>> {
    teaching::table
        .inner_join(people::table.on(people::id.eq(teaching::person_id)))
        .filter(teaching::event_id.eq_any(events))
        .select((
            teaching::event_id,
            people::id,
            people::given_name,
            people::family_name,
        ))
        .load(conn)
        .await
}

pub async fn set_teachers(
    conn: &mut AsyncPgConnection,
    event: EventId,
    starts_at: DateTime<Utc>,
    people: &[PersonId],
) -> diesel::QueryResult<()> {
    delete(teaching::table.filter(teaching::event_id.eq(event)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = people.iter().map(|p| (*p, starts_at, event)).collect();
    add_teachers(conn, &rows).await
}

/// Links teachers (person, start, event) to events, in few statements.
pub async fn add_teachers(
    conn: &mut AsyncPgConnection,
    rows: &[(PersonId, DateTime<Utc>, EventId)],
) -> diesel::QueryResult<()> {
    for chunk in rows.chunks(5_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(person, starts_at, event)| {
                (
                    teaching::person_id.eq(person),
                    teaching::starts_at.eq(starts_at),
                    teaching::event_id.eq(event),
                )
            })
            .collect();
        insert_into(teaching::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The students of an event's groups and its teachers.
pub async fn audience(
    conn: &mut AsyncPgConnection,
    event: EventId,
) -> diesel::QueryResult<Vec<PersonId>> {
    let mut people: Vec<PersonId> = links::table
        .inner_join(members::table.on(members::group_code.eq(links::group_code)))
        .inner_join(people::table.on(people::id.eq(members::person_id)))
        .filter(links::event_id.eq(event))
        .filter(people::role.eq(Role::Student))
        .select(members::person_id)
        .distinct()
        .load(conn)
        .await?;
    people.extend(teachers_of(conn, event).await?);
    Ok(people)
}

/// The students of a group.
pub async fn students_of(
    conn: &mut AsyncPgConnection,
    group: &str,
) -> diesel::QueryResult<Vec<PersonId>> {
    members::table
        .inner_join(people::table.on(people::id.eq(members::person_id)))
        .filter(members::group_code.eq(group))
        .filter(people::role.eq(Role::Student))
        .select(members::person_id)
        .load(conn)
        .await
}

/// The fingerprint of a group's last import, if any.
pub async fn last_import(
    conn: &mut AsyncPgConnection,
    group: &str,
) -> diesel::QueryResult<Option<String>> {
    imports::table
        .find(group)
        .select(imports::file_fingerprint)
        .first(conn)
        .await
        .optional()
}

pub async fn set_import(
    conn: &mut AsyncPgConnection,
    group: &str,
    fingerprint: &str,
    events: usize,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    insert_into(imports::table)
        .values((
            imports::group_code.eq(group),
            imports::imported_at.eq(now),
            imports::file_fingerprint.eq(fingerprint),
            imports::events.eq(events as i32),
        ))
        .on_conflict(imports::group_code)
        .do_update()
        .set((
            imports::imported_at.eq(now),
            imports::file_fingerprint.eq(fingerprint),
            imports::events.eq(events as i32),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// An event as people read it.
#[derive(Debug, Clone, Queryable)]
pub struct Row {
    pub id: EventId,
    pub course_code: String,
    pub title: String,
    pub colour: String,
    pub kind: Kind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub rooms: Vec<String>,
    pub campus_code: Option<String>,
    pub teachers: Vec<String>,
    pub groups: Vec<String>,
    pub status: Status,
    pub last_change: Option<serde_json::Value>,
    pub revision: i32,
}

/// The events `ids`, in order, as people read them. Like every query of a person's week, a
/// prepared statement: planning would cost more than running it.
async fn rows(conn: &mut AsyncPgConnection, ids: &[EventId]) -> diesel::QueryResult<Vec<Row>> {
    ev::table
        .inner_join(courses::table)
        .filter(ev::id.eq_any(ids))
        .order((ev::starts_at, ev::id))
        .select((
            ev::id,
            ev::course_code,
            courses::title,
            courses::colour,
            ev::kind,
            ev::starts_at,
            ev::ends_at,
            ev::rooms,
            ev::campus_code,
            ev::teachers,
            ev::groups,
            ev::status,
            ev::last_change,
            ev::revision,
        ))
        .load(conn)
        .await
}

/// A person's classes starting in [from, to): a student's through their groups, a teacher's
/// through what they teach. Index ranges only, whatever the size of the year.
pub async fn of_person(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Row>> {
    let attended = links::table
        .inner_join(members::table.on(members::group_code.eq(links::group_code)))
        .inner_join(people::table.on(people::id.eq(members::person_id)))
        .filter(members::person_id.eq(person))
        .filter(people::role.eq(Role::Student))
        .filter(links::starts_at.ge(from))
        .filter(links::starts_at.lt(to))
        .select(links::event_id);
    let taught = teaching::table
        .filter(teaching::person_id.eq(person))
        .filter(teaching::starts_at.ge(from))
        .filter(teaching::starts_at.lt(to))
        .select(teaching::event_id);
    let ids: Vec<EventId> = attended.union(taught).load(conn).await?;
    rows(conn, &ids).await
}

/// A group's classes starting in [from, to) (for staff).
pub async fn of_group_between(
    conn: &mut AsyncPgConnection,
    group: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Row>> {
    let ids: Vec<EventId> = links::table
        .filter(links::group_code.eq(group))
        .filter(links::starts_at.ge(from))
        .filter(links::starts_at.lt(to))
        .select(links::event_id)
        .load(conn)
        .await?;
    rows(conn, &ids).await
}

pub async fn row(conn: &mut AsyncPgConnection, id: EventId) -> diesel::QueryResult<Option<Row>> {
    Ok(rows(conn, &[id]).await?.pop())
}

/// The generation of a person's calendar feed, if they made one.
pub async fn feed(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Option<(i32, DateTime<Utc>)>> {
    feeds::table
        .find(person)
        .select((feeds::generation, feeds::created_at))
        .first(conn)
        .await
        .optional()
}

/// A new feed URL generation (the previous URL stops working).
pub async fn renew_feed(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<i32> {
    insert_into(feeds::table)
        .values((
            feeds::person_id.eq(person),
            feeds::generation.eq(1),
            feeds::created_at.eq(now),
        ))
        .on_conflict(feeds::person_id)
        .do_update()
        .set((
            feeds::generation.eq(feeds::generation + 1),
            feeds::created_at.eq(now),
        ))
        .returning(feeds::generation)
        .get_result(conn)
        .await
}
