//! The `registrations` table: one row per person and academic year.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::{Administrative, Pedagogical};
use crate::db::schema::{people, registrations};
use crate::people::model::PersonId;

/// A registration as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub person_id: PersonId,
    pub academic_year: String,
    pub program: String,
    pub administrative: Administrative,
    pub pedagogical: Pedagogical,
    pub cvec: bool,
    pub missing_documents: Vec<String>,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    pub certificate_code: Option<String>,
    pub opening_announced: bool,
    pub reminded_days: Option<i16>,
    pub updated_at: DateTime<Utc>,
}

impl Registration {
    pub fn complete(&self) -> bool {
        self.administrative == Administrative::Complete
    }

    /// The window is open on `today`.
    pub fn open_on(&self, today: NaiveDate) -> bool {
        matches!((self.opens_on, self.closes_on), (Some(o), Some(c)) if o <= today && today <= c)
    }
}

/// Person ids of the `numbers` the registrar's file names (unknown numbers are left out).
pub async fn people_numbered(
    conn: &mut AsyncPgConnection,
    numbers: &[String],
) -> QueryResult<Vec<(String, PersonId)>> {
    people::table
        .filter(people::number.eq_any(numbers))
        .select((people::number, people::id))
        .load(conn)
        .await
}

/// Every year of these people's registrations.
pub async fn of_people(
    conn: &mut AsyncPgConnection,
    people: &[PersonId],
) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::person_id.eq_any(people))
        .select(Registration::as_select())
        .load(conn)
        .await
}

/// A person's registrations, the latest year first.
pub async fn of_person(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::person_id.eq(person))
        .order(registrations::academic_year.desc())
        .select(Registration::as_select())
        .load(conn)
        .await
}

/// The registration a certificate's code names.
pub async fn by_certificate(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::certificate_code.eq(code))
        .select(Registration::as_select())
        .first(conn)
        .await
        .optional()
}

/// Creates or replaces these rows, whole.
pub async fn write(conn: &mut AsyncPgConnection, rows: &[Registration]) -> QueryResult<usize> {
    use registrations::*;
    diesel::insert_into(table)
        .values(rows)
        .on_conflict((person_id, academic_year))
        .do_update()
        .set((
            program.eq(excluded(program)),
            administrative.eq(excluded(administrative)),
            pedagogical.eq(excluded(pedagogical)),
            cvec.eq(excluded(cvec)),
            missing_documents.eq(excluded(missing_documents)),
            opens_on.eq(excluded(opens_on)),
            closes_on.eq(excluded(closes_on)),
            certificate_code.eq(excluded(certificate_code)),
            opening_announced.eq(excluded(opening_announced)),
            reminded_days.eq(excluded(reminded_days)),
            updated_at.eq(excluded(updated_at)),
        ))
        .execute(conn)
        .await
}

/// Claims the windows open on `today` whose opening nobody announced, of incomplete
/// registrations (a second worker waits on the rows, then finds them claimed).
pub async fn claim_openings(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
) -> QueryResult<Vec<Registration>> {
    use registrations::*;
    diesel::update(
        table
            .filter(opening_announced.eq(false))
            .filter(administrative.ne(Administrative::Complete))
            .filter(opens_on.le(today))
            .filter(closes_on.ge(today)),
    )
    .set(opening_announced.eq(true))
    .returning(Registration::as_returning())
    .get_results(conn)
    .await
}

/// Claims the open windows of incomplete registrations closing within `days` and not yet
/// reminded this close to the end.
pub async fn claim_reminders(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
    days: u16,
) -> QueryResult<Vec<Registration>> {
    use registrations::*;
    let last = today + chrono::Days::new(days.into());
    let days = i16::try_from(days).unwrap_or(i16::MAX);
    diesel::update(
        table
            .filter(administrative.ne(Administrative::Complete))
            .filter(opens_on.le(today))
            .filter(closes_on.ge(today))
            .filter(closes_on.le(last))
            .filter(reminded_days.is_null().or(reminded_days.gt(days))),
    )
    .set(reminded_days.eq(days))
    .returning(Registration::as_returning())
    .get_results(conn)
    .await
}

/// Which of these registrations follow an earlier year of the same person (a re-registration).
pub async fn returning(
    conn: &mut AsyncPgConnection,
    of: &[Registration],
) -> QueryResult<Vec<(PersonId, String)>> {
    use diesel::sql_types::{Array, Text, Uuid};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Uuid)]
        person_id: PersonId,
        #[diesel(sql_type = Text)]
        academic_year: String,
    }
    if of.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<PersonId> = of.iter().map(|r| r.person_id).collect();
    let years: Vec<&str> = of.iter().map(|r| r.academic_year.as_str()).collect();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT DISTINCT t.p AS person_id, t.y AS academic_year \
         FROM unnest($1::uuid[], $2::text[]) AS t(p, y) \
         JOIN registrations e ON e.person_id = t.p AND e.academic_year < t.y",
    )
    .bind::<Array<Uuid>, _>(people)
    .bind::<Array<Text>, _>(years)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.person_id, r.academic_year))
        .collect())
}
