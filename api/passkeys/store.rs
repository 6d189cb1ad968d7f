//! Each person's passkeys, in PostgreSQL.

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, Queryable, Selectable, SelectableHelper,
    delete, insert_into, update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;
use webauthn_rs::prelude::Passkey;

use crate::{db::schema::passkeys, people::model::PersonId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = passkeys)]
pub struct StoredPasskey {
    pub id: Uuid,
    pub person_id: PersonId,
    pub credential: serde_json::Value,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl StoredPasskey {
    /// The credential as webauthn-rs checks it (`None` if the stored form no longer reads).
    pub fn passkey(&self) -> Option<Passkey> {
        serde_json::from_value(self.credential.clone()).ok()
    }
}

pub async fn of_person(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<StoredPasskey>> {
    passkeys::table
        .filter(passkeys::person_id.eq(person))
        .order(passkeys::created_at)
        .select(StoredPasskey::as_select())
        .load(conn)
        .await
}

/// Whether `person` has a passkey.
pub async fn any(conn: &mut AsyncPgConnection, person: PersonId) -> diesel::QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        passkeys::table.filter(passkeys::person_id.eq(person)),
    ))
    .get_result(conn)
    .await
}

pub async fn by_credential(
    conn: &mut AsyncPgConnection,
    credential_id: &[u8],
) -> diesel::QueryResult<Option<StoredPasskey>> {
    passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .select(StoredPasskey::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    passkey: &Passkey,
    name: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<StoredPasskey> {
    let credential = serde_json::to_value(passkey).expect("a passkey serialises");
    insert_into(passkeys::table)
        .values((
            passkeys::id.eq(Uuid::new_v4()),
            passkeys::person_id.eq(person),
            passkeys::credential_id.eq(passkey.cred_id().as_slice()),
            passkeys::credential.eq(credential),
            passkeys::name.eq(name),
            passkeys::created_at.eq(now),
        ))
        .returning(StoredPasskey::as_returning())
        .get_result(conn)
        .await
}

/// After a login: its counter (when the authenticator keeps one) and when it was used.
pub async fn used(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    passkey: &Passkey,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let credential = serde_json::to_value(passkey).expect("a passkey serialises");
    update(passkeys::table.find(id))
        .set((
            passkeys::credential.eq(credential),
            passkeys::last_used_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Renames one of the person's passkeys; whether it is theirs.
pub async fn rename(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    id: Uuid,
    name: &str,
) -> diesel::QueryResult<Option<StoredPasskey>> {
    update(
        passkeys::table
            .filter(passkeys::id.eq(id))
            .filter(passkeys::person_id.eq(person)),
    )
    .set(passkeys::name.eq(name))
    .returning(StoredPasskey::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Removes one of the person's passkeys (`Some`), or all of them (`None`): the names removed.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    id: Option<Uuid>,
) -> diesel::QueryResult<Vec<String>> {
    let mut query = delete(passkeys::table)
        .filter(passkeys::person_id.eq(person))
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(passkeys::id.eq(id));
    }
    query.returning(passkeys::name).get_results(conn).await
}
