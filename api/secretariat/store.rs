//! The secretariat's queries: finding people, changing account states.

use chrono::{DateTime, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, PgTextExpressionMethods, QueryDsl, SelectableHelper,
    update,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    accounts::store::{Account, Holder, Person, State, SuspensionReason},
    db::schema::{accounts, people},
    people::model::Enrolment,
    people::model::PersonId,
};

/// People whose number starts with, or whose names or addresses contain, `query`.
pub async fn search(
    conn: &mut AsyncPgConnection,
    query: &str,
    limit: i64,
) -> diesel::QueryResult<Vec<Holder>> {
    let prefix = crate::text::like_prefix(query);
    let anywhere = crate::text::like_anywhere(query);
    people::table
        .left_join(accounts::table)
        .filter(
            people::number
                .ilike(prefix)
                .or(people::family_name.ilike(anywhere.clone()))
                .or(people::given_name.ilike(anywhere.clone()))
                .or(people::institutional_email.ilike(anywhere.clone()))
                .or(people::personal_email.ilike(anywhere)),
        )
        .order((people::family_name, people::given_name, people::number))
        .limit(limit)
        .select((Person::as_select(), Option::<Account>::as_select()))
        .load(conn)
        .await
}

/// Sets the state of an existing account; false when there is none.
pub async fn set_state(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    state: State,
    reason: Option<SuspensionReason>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    let changed = update(accounts::table.find(person))
        .set((
            accounts::state.eq(state),
            accounts::suspension_reason.eq(reason),
            accounts::suspension_note.eq(note),
            accounts::state_changed_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(changed == 1)
}

/// A corrected phone number, to be verified again.
pub async fn set_phone(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    phone: &str,
) -> diesel::QueryResult<()> {
    update(people::table.find(person))
        .set((
            people::mobile_phone.eq(phone),
            people::phone_verified_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Closes the accounts of people the registrar marked former; returns whose.
pub async fn close_former(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<PersonId>> {
    let former = people::table
        .filter(people::enrolment.eq(Enrolment::Former))
        .select(people::id);
    update(
        accounts::table
            .filter(accounts::state.ne(State::Closed))
            .filter(accounts::person_id.eq_any(former)),
    )
    .set((
        accounts::state.eq(State::Closed),
        accounts::suspension_reason.eq(None::<SuspensionReason>),
        accounts::suspension_note.eq(None::<String>),
        accounts::state_changed_at.eq(now),
    ))
    .returning(accounts::person_id)
    .get_results(conn)
    .await
}
