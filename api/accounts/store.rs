//! Accounts in PostgreSQL: who holds an identifier, creating and changing accounts.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, NullableExpressionMethods, OptionalExtension,
    QueryDsl, Queryable, Selectable, SelectableHelper, TextExpressionMethods, insert_into,
    sql_types::{Nullable, Text},
    update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    db::{
        schema::{accounts, people, permissions},
        words::stored_word,
    },
    people::model::PersonId,
    people::model::{Enrolment, Role},
};

stored_word! {
    /// Where an activated account stands.
    pub enum State {
        Active = "active",
        Suspended = "suspended",
        Closed = "closed",
    }
}

stored_word! {
    /// Why the secretariat suspended an account.
    #[derive(poem_openapi::Enum, clap::ValueEnum)]
    #[oai(rename_all = "snake_case")]
    #[value(rename_all = "snake_case")]
    pub enum SuspensionReason {
        UnpaidFees = "unpaid_fees",
        Disciplinary = "disciplinary",
        Security = "security",
        IdentityCheck = "identity_check",
        Other = "other",
    }
}

/// A person as the accounts feature sees them.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: PersonId,
    pub number: String,
    pub role: Role,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub institutional_email: Option<String>,
    pub personal_email: Option<String>,
    pub mobile_phone: Option<String>,
    pub enrolment: Enrolment,
    /// When they last proved they hold `mobile_phone` (none: to do again).
    pub phone_verified_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub identifier: String,
    pub password_hash: String,
    pub state: State,
    pub suspension_reason: Option<SuspensionReason>,
    pub suspension_note: Option<String>,
    /// The authenticator app's secret (sealed), when two-factor is on with an app.
    pub two_factor_secret: Option<Vec<u8>>,
    /// Two-factor is on: with an authenticator app, or with passkeys alone (no secret).
    pub two_factor_enabled_at: Option<DateTime<Utc>>,
    pub two_factor_last_step: Option<i64>,
}

impl Account {
    /// A login or a recovery asks for a second factor.
    pub fn two_factor_on(&self) -> bool {
        self.two_factor_enabled_at.is_some()
    }
}

/// A person and their account, if they activated it.
pub type Holder = (Person, Option<Account>);

impl Person {
    /// What must not appear in their password.
    pub fn personal_words(&self) -> Vec<&str> {
        let mut words = vec![self.number.as_str()];
        words.extend(self.family_name.split([' ', '-', '\'']));
        words.extend(self.given_name.split([' ', '-', '\'']));
        words
    }
}

diesel::define_sql_function!(fn lower(x: Nullable<Text>) -> Nullable<Text>);

/// People joined with their accounts (none while activation is pending).
macro_rules! holders {
    () => {
        people::table
            .left_join(accounts::table)
            .select((Person::as_select(), Option::<Account>::as_select()))
    };
}

pub async fn by_id(
    conn: &mut AsyncPgConnection,
    id: PersonId,
) -> diesel::QueryResult<Option<Holder>> {
    holders!()
        .filter(people::id.eq(id))
        .first(conn)
        .await
        .optional()
}

/// The account holder who logs in as `login` (identifier or institutional e-mail, lower-case).
pub async fn by_login(
    conn: &mut AsyncPgConnection,
    login: &str,
) -> diesel::QueryResult<Option<Holder>> {
    holders!()
        .filter(
            accounts::identifier
                .eq(login)
                .or(lower(people::institutional_email)
                    .eq(login)
                    .and(accounts::person_id.is_not_null())),
        )
        .first(conn)
        .await
        .optional()
}

pub async fn by_number(
    conn: &mut AsyncPgConnection,
    number: &str,
) -> diesel::QueryResult<Option<Holder>> {
    holders!()
        .filter(people::number.eq(number))
        .first(conn)
        .await
        .optional()
}

/// The person with this number (any case) and birth date.
pub async fn by_number_and_birth_date(
    conn: &mut AsyncPgConnection,
    number: &str,
    birth_date: NaiveDate,
) -> diesel::QueryResult<Option<Holder>> {
    holders!()
        .filter(
            people::number
                .eq(number.to_uppercase())
                .or(people::number.eq(number)),
        )
        .filter(people::birth_date.eq(birth_date))
        .first(conn)
        .await
        .optional()
}

/// Active accounts reachable at this personal or institutional address (lower-case).
pub async fn by_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> diesel::QueryResult<Vec<Holder>> {
    holders!()
        .filter(accounts::state.eq(State::Active))
        .filter(
            lower(people::institutional_email)
                .eq(email)
                .or(lower(people::personal_email).eq(email)),
        )
        .load(conn)
        .await
}

/// The personal then the institutional address on record for `person` (either may be missing).
pub async fn addresses(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<String>> {
    let (personal, institutional): (Option<String>, Option<String>) = people::table
        .find(person)
        .select((people::personal_email, people::institutional_email))
        .first(conn)
        .await?;
    let mut all: Vec<String> = personal.into_iter().chain(institutional).collect();
    all.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Ok(all)
}

pub async fn permissions_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<String>> {
    permissions::table
        .filter(permissions::person_id.eq(person))
        .select(permissions::permission)
        .order(permissions::permission)
        .load(conn)
        .await
}

/// What the person's `<kind>:<scope>` permissions name: `scopes_of(conn, p, "help")` gives the
/// help queues they answer.
pub async fn scopes_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    kind: &str,
) -> diesel::QueryResult<Vec<String>> {
    let prefix = format!("{kind}:");
    Ok(permissions_of(conn, person)
        .await?
        .into_iter()
        .filter_map(|p| p.strip_prefix(&prefix).map(String::from))
        .collect())
}

/// Everyone who holds `permission`.
pub async fn holders_of(
    conn: &mut AsyncPgConnection,
    permission: &str,
) -> diesel::QueryResult<Vec<PersonId>> {
    permissions::table
        .filter(permissions::permission.eq(permission))
        .select(permissions::person_id)
        .load(conn)
        .await
}

/// Addresses already given out that start like `local` (to pick a free one).
pub async fn emails_like(
    conn: &mut AsyncPgConnection,
    local: &str,
    domain: &str,
) -> diesel::QueryResult<Vec<String>> {
    let pattern = format!("{}%@{}", local.replace(['%', '_', '\\'], ""), domain);
    people::table
        .filter(lower(people::institutional_email).like(pattern))
        .select(people::institutional_email.assume_not_null())
        .load(conn)
        .await
}

/// Creates the account at the end of activation; gives the person `email` if they had none.
pub async fn create(
    conn: &mut AsyncPgConnection,
    person: &Person,
    email: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    insert_into(accounts::table)
        .values((
            accounts::person_id.eq(person.id),
            accounts::identifier.eq(person.number.to_lowercase()),
            accounts::password_hash.eq(password_hash),
            accounts::activated_at.eq(now),
            accounts::password_changed_at.eq(now),
        ))
        .execute(conn)
        .await?;
    update(people::table.find(person.id))
        .set((
            people::institutional_email.eq(email),
            people::phone_verified_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn set_password(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(accounts::table.find(person))
        .set((
            accounts::password_hash.eq(password_hash),
            accounts::password_changed_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Gives `person` a permission (idempotent).
pub async fn grant(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    permission: &str,
) -> diesel::QueryResult<()> {
    insert_into(permissions::table)
        .values((
            permissions::person_id.eq(person),
            permissions::permission.eq(permission),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

pub async fn phone_verified(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    update(people::table.find(person))
        .set(people::phone_verified_at.eq(now))
        .execute(conn)
        .await
        .map(drop)
}
