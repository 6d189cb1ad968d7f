//! Writing people, programs and groups. Whole files go in a few statements (`unnest` of
//! arrays), so that 50 000 lines take seconds, not minutes.

use chrono::{DateTime, Utc};
use diesel::{
    QueryableByName,
    sql_types::{Array, Bool, Date, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::PersonRecord;

/// What one batch changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub created: usize,
    pub updated: usize,
    pub memberships_added: usize,
    pub memberships_removed: usize,
}

impl std::ops::AddAssign for Written {
    fn add_assign(&mut self, o: Written) {
        self.created += o.created;
        self.updated += o.updated;
        self.memberships_added += o.memberships_added;
        self.memberships_removed += o.memberships_removed;
    }
}

#[derive(QueryableByName)]
struct Upserted {
    #[diesel(sql_type = Bool)]
    inserted: bool,
}

/// Creates programs (and groups) not seen before, named by their code until someone names
/// them. Returns how many were new.
pub async fn ensure_codes(
    conn: &mut AsyncPgConnection,
    table: CodeTable,
    codes: Vec<String>,
) -> diesel::QueryResult<usize> {
    let sql = match table {
        CodeTable::Programs => {
            "INSERT INTO programs (code, name) SELECT DISTINCT c, c FROM unnest($1::text[]) AS c \
             ON CONFLICT (code) DO NOTHING"
        }
        CodeTable::Groups => {
            "INSERT INTO course_groups (code, name) SELECT DISTINCT c, c FROM unnest($1::text[]) AS c \
             ON CONFLICT (code) DO NOTHING"
        }
    };
    diesel::sql_query(sql)
        .bind::<Array<Text>, _>(codes)
        .execute(conn)
        .await
}

#[derive(Debug, Clone, Copy)]
pub enum CodeTable {
    Programs,
    Groups,
}

/// Names programs and groups (creating them when needed): the demo and future reference imports.
pub async fn name_codes(
    conn: &mut AsyncPgConnection,
    table: CodeTable,
    rows: &[(&str, &str, Option<&str>)],
) -> diesel::QueryResult<usize> {
    let sql = match table {
        CodeTable::Programs => {
            "INSERT INTO programs (code, name, campus_code) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, campus_code = excluded.campus_code"
        }
        CodeTable::Groups => {
            "INSERT INTO course_groups (code, name, program_code) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, program_code = excluded.program_code"
        }
    };
    diesel::sql_query(sql)
        .bind::<Array<Text>, _>(rows.iter().map(|r| r.0).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|r| r.1).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|r| r.2).collect::<Vec<_>>())
        .execute(conn)
        .await
}

/// Inserts or updates people by number; a line identical to the stored record changes nothing
/// (not even `updated_at`). An address given out at activation stays when the file has none.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    people: &[PersonRecord],
    now: DateTime<Utc>,
) -> diesel::QueryResult<Written> {
    let col = |f: fn(&PersonRecord) -> String| people.iter().map(f).collect::<Vec<_>>();
    let opt = |f: fn(&PersonRecord) -> Option<String>| people.iter().map(f).collect::<Vec<_>>();
    let rows: Vec<Upserted> = diesel::sql_query(
        "INSERT INTO people (number, role, family_name, given_name, birth_date, \
            institutional_email, personal_email, mobile_phone, campus_code, program_code, \
            enrolment, title, service, office, professional_phone, unlisted, \
            created_at, updated_at) \
         SELECT n, r, f, g, b, ie, pe, mp, c, p, e, ti, sv, o, pp, u, $17, $17 \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], \
            $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
            $13::text[], $14::text[], $15::text[], $16::bool[]) \
            AS t(n, r, f, g, b, ie, pe, mp, c, p, e, ti, sv, o, pp, u) \
         ON CONFLICT (number) DO UPDATE SET role = excluded.role, \
            family_name = excluded.family_name, given_name = excluded.given_name, \
            birth_date = excluded.birth_date, \
            institutional_email = COALESCE(excluded.institutional_email, people.institutional_email), \
            personal_email = excluded.personal_email, mobile_phone = excluded.mobile_phone, \
            campus_code = excluded.campus_code, program_code = excluded.program_code, \
            enrolment = excluded.enrolment, title = excluded.title, service = excluded.service, \
            office = excluded.office, professional_phone = excluded.professional_phone, \
            unlisted = excluded.unlisted, updated_at = excluded.updated_at \
         WHERE (people.role, people.family_name, people.given_name, people.birth_date, \
            people.institutional_email, people.personal_email, people.mobile_phone, \
            people.campus_code, people.program_code, people.enrolment, people.title, \
            people.service, people.office, people.professional_phone, people.unlisted) \
            IS DISTINCT FROM (excluded.role, excluded.family_name, excluded.given_name, \
            excluded.birth_date, COALESCE(excluded.institutional_email, people.institutional_email), \
            excluded.personal_email, \
            excluded.mobile_phone, excluded.campus_code, excluded.program_code, excluded.enrolment, \
            excluded.title, excluded.service, excluded.office, excluded.professional_phone, \
            excluded.unlisted) \
         RETURNING (xmax = 0) AS inserted",
    )
    .bind::<Array<Text>, _>(col(|p| p.number.clone()))
    .bind::<Array<Text>, _>(col(|p| p.role.as_str().into()))
    .bind::<Array<Text>, _>(col(|p| p.family_name.clone()))
    .bind::<Array<Text>, _>(col(|p| p.given_name.clone()))
    .bind::<Array<Date>, _>(people.iter().map(|p| p.birth_date).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.institutional_email.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.personal_email.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.mobile_phone.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.campus.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.program.clone()))
    .bind::<Array<Text>, _>(col(|p| p.enrolment.as_str().into()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.work.title.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.work.service.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.work.office.clone()))
    .bind::<Array<Nullable<Text>>, _>(opt(|p| p.work.professional_phone.clone()))
    .bind::<Array<Bool>, _>(people.iter().map(|p| p.work.unlisted).collect::<Vec<_>>())
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    let created = rows.iter().filter(|r| r.inserted).count();
    let mut written = Written {
        created,
        updated: rows.len() - created,
        ..Written::default()
    };
    let (removed, added) = sync_memberships(conn, people).await?;
    written.memberships_removed = removed;
    written.memberships_added = added;
    Ok(written)
}

/// Makes each person's groups those of the file (for people whose line has a groups column).
async fn sync_memberships(
    conn: &mut AsyncPgConnection,
    people: &[PersonRecord],
) -> diesel::QueryResult<(usize, usize)> {
    let with_groups: Vec<_> = people.iter().filter(|p| p.groups.is_some()).collect();
    if with_groups.is_empty() {
        return Ok((0, 0));
    }
    let numbers: Vec<&str> = with_groups.iter().map(|p| p.number.as_str()).collect();
    let (pairs_n, pairs_g): (Vec<&str>, Vec<&str>) = with_groups
        .iter()
        .flat_map(|p| {
            p.groups
                .iter()
                .flatten()
                .map(|g| (p.number.as_str(), g.as_str()))
        })
        .unzip();
    let removed = diesel::sql_query(
        "DELETE FROM group_memberships gm USING people p \
         WHERE gm.person_id = p.id AND p.number = ANY($1) \
           AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS t(n, g) \
                           WHERE t.n = p.number AND t.g = gm.group_code)",
    )
    .bind::<Array<Text>, _>(&numbers)
    .bind::<Array<Text>, _>(&pairs_n)
    .bind::<Array<Text>, _>(&pairs_g)
    .execute(conn)
    .await?;
    let added = diesel::sql_query(
        "INSERT INTO group_memberships (person_id, group_code) \
         SELECT p.id, t.g FROM unnest($1::text[], $2::text[]) AS t(n, g) \
         JOIN people p ON p.number = t.n \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Array<Text>, _>(&pairs_n)
    .bind::<Array<Text>, _>(&pairs_g)
    .execute(conn)
    .await?;
    Ok((removed, added))
}

#[derive(QueryableByName)]
struct EmailOwner {
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    email: String,
}

/// Institutional addresses of `emails` already held by someone, as (address, number).
pub async fn email_owners(
    conn: &mut AsyncPgConnection,
    emails: Vec<String>,
) -> diesel::QueryResult<Vec<(String, String)>> {
    let rows: Vec<EmailOwner> = diesel::sql_query(
        "SELECT number, lower(institutional_email) AS email FROM people \
         WHERE lower(institutional_email) = ANY($1)",
    )
    .bind::<Array<Text>, _>(emails)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.email, r.number)).collect())
}

/// "Given Family" of each person.
pub async fn names(
    conn: &mut AsyncPgConnection,
    ids: &[super::model::PersonId],
) -> diesel::QueryResult<std::collections::HashMap<super::model::PersonId, String>> {
    use crate::db::schema::people;
    use diesel::{ExpressionMethods, QueryDsl};
    let rows: Vec<(super::model::PersonId, String, String)> = people::table
        .filter(people::id.eq_any(ids))
        .select((people::id, people::given_name, people::family_name))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, given, family)| (id, format!("{given} {family}")))
        .collect())
}
