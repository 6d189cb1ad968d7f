//! Directory queries: who is listed, in family-name order, a page at a time.

use diesel::{
    BoolExpressionMethods, ExpressionMethods, NullableExpressionMethods, OptionalExtension,
    QueryDsl, Queryable, TextExpressionMethods,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    db::{
        folded,
        schema::{campuses, people},
    },
    people::model::{Enrolment, PersonId, Role},
    text,
};

/// A member of staff or a teacher, at work.
#[derive(Debug, Clone, Queryable, poem_openapi::Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DirectoryEntry {
    pub id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub role: Role,
    /// « Maîtresse de conférences », « Gestionnaire de scolarité ».
    pub title: Option<String>,
    /// Service or department.
    pub service: Option<String>,
    /// The campus's name.
    pub campus: Option<String>,
    pub office: Option<String>,
    /// E.164 (`tel:` takes it as it is).
    pub professional_phone: Option<String>,
    /// Institutional address.
    pub email: Option<String>,
}

/// What a search asks for; each part narrows it.
#[derive(Debug, Default)]
pub struct Search<'a> {
    /// Part of a name, accents and case aside.
    pub name: Option<&'a str>,
    pub service: Option<&'a str>,
    pub campus: Option<&'a str>,
    /// Strictly after this (family name, given name, id).
    pub after: Option<(String, String, PersonId)>,
}

/// Teachers and staff still at the university who did not ask to be unlisted.
macro_rules! listed {
    () => {
        people::table
            .left_join(campuses::table)
            .filter(people::role.ne(Role::Student))
            .filter(people::enrolment.eq(Enrolment::Enrolled))
            .filter(people::unlisted.eq(false))
            .select((
                people::id,
                people::given_name,
                people::family_name,
                people::role,
                people::title,
                people::service,
                campuses::name.nullable(),
                people::office,
                people::professional_phone,
                people::institutional_email,
            ))
    };
}

pub async fn search(
    conn: &mut AsyncPgConnection,
    s: Search<'_>,
    limit: i64,
) -> diesel::QueryResult<Vec<DirectoryEntry>> {
    let mut query = listed!().into_boxed();
    if let Some(name) = s.name {
        let anywhere = folded(text::like_anywhere(&text::fold(name)));
        // Any part of the given or the family name, or both together.
        query = query.filter(people::directory_name.like(anywhere));
    }
    if let Some(service) = s.service {
        query = query.filter(people::service.eq(service));
    }
    if let Some(campus) = s.campus {
        query = query.filter(people::campus_code.eq(campus));
    }
    if let Some((family, given, id)) = s.after {
        query = query.filter(
            people::family_name
                .gt(family.clone())
                .or(people::family_name
                    .eq(family.clone())
                    .and(people::given_name.gt(given.clone())))
                .or(people::family_name
                    .eq(family)
                    .and(people::given_name.eq(given))
                    .and(people::id.gt(id))),
        );
    }
    query
        .order((people::family_name, people::given_name, people::id))
        .limit(limit)
        .load(conn)
        .await
}

pub async fn card(
    conn: &mut AsyncPgConnection,
    id: PersonId,
) -> diesel::QueryResult<Option<DirectoryEntry>> {
    listed!()
        .filter(people::id.eq(id))
        .first(conn)
        .await
        .optional()
}

/// The services people are listed under, for the search's filter.
pub async fn services(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<String>> {
    people::table
        .filter(people::role.ne(Role::Student))
        .filter(people::enrolment.eq(Enrolment::Enrolled))
        .filter(people::unlisted.eq(false))
        .filter(people::service.is_not_null())
        .select(people::service.assume_not_null())
        .distinct()
        .order(people::service.assume_not_null())
        .load(conn)
        .await
}
