//! The services a session opened: what Single Logout must reach when the session ends, and
//! what the devices page shows.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable, delete, insert_into, update};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    config::Cas,
    couriers::{self, Channel, Message},
    db::schema::cas_sign_ons as so,
    people::model::PersonId,
    secrets,
    sessions::store::SessionKey,
};

pub struct SignOn<'a> {
    pub session: &'a str,
    pub person: PersonId,
    pub service_code: &'a str,
    pub service_url: &'a str,
    pub ticket: &'a str,
}

/// Records a sign-on, and forgets the person's sign-ons older than any session can live
/// (`oldest`): sessions that only expired in Redis never told us they ended.
pub async fn record(
    conn: &mut AsyncPgConnection,
    s: SignOn<'_>,
    now: DateTime<Utc>,
    oldest: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    delete(
        so::table
            .filter(so::person_id.eq(s.person))
            .filter(so::opened_at.lt(oldest)),
    )
    .execute(conn)
    .await?;
    insert_into(so::table)
        .values((
            so::session_key.eq(s.session),
            so::person_id.eq(s.person),
            so::service_code.eq(s.service_code),
            so::service_url.eq(s.service_url),
            so::ticket.eq(s.ticket),
            so::opened_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// A renewed session keeps what it opened (its id changed, not the person's sign-on).
pub async fn move_session(
    conn: &mut AsyncPgConnection,
    from: &str,
    to: &str,
) -> diesel::QueryResult<()> {
    update(so::table.filter(so::session_key.eq(from)))
        .set(so::session_key.eq(to))
        .execute(conn)
        .await
        .map(drop)
}

/// The services each of `sessions` opened, once each: (session, service code).
pub async fn opened_in(
    conn: &mut AsyncPgConnection,
    sessions: &[SessionKey],
) -> diesel::QueryResult<Vec<(String, String)>> {
    so::table
        .filter(so::session_key.eq_any(sessions))
        .select((so::session_key, so::service_code))
        .distinct()
        .order((so::session_key, so::service_code))
        .load(conn)
        .await
}

#[derive(Queryable)]
struct Opened {
    service_code: String,
    service_url: String,
    ticket: String,
}

/// Queues a logout request to each service the ended sessions opened that takes Single
/// Logout, and forgets those sessions' sign-ons. Call it in the transaction that ends them.
pub async fn log_out(
    conn: &mut AsyncPgConnection,
    cas: &Cas,
    sessions: &[SessionKey],
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let opened: Vec<Opened> = delete(so::table.filter(so::session_key.eq_any(sessions)))
        .returning((so::service_code, so::service_url, so::ticket))
        .get_results(conn)
        .await?;
    let mut sent = 0;
    for o in opened {
        let Some(service) = cas.service(&o.service_code).filter(|s| s.single_logout) else {
            continue;
        };
        let address = service
            .logout_url
            .as_ref()
            .map_or(o.service_url.as_str(), |u| u.as_str());
        let message = Message {
            channel: Channel::BackChannel,
            recipient: address.to_string(),
            subject: None,
            body: logout_form(&o.ticket, now),
        };
        couriers::enqueue(conn, &message, now).await?;
        sent += 1;
    }
    Ok(sent)
}

/// `logoutRequest=<samlp:LogoutRequest …>` (CAS 3.0 Appendix C), form-encoded.
fn logout_form(ticket: &str, now: DateTime<Utc>) -> String {
    let id = format!(
        "LR-{}",
        &secrets::token_hash(&secrets::random_token())[..32]
    );
    let xml = format!(
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
         xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" \
         IssueInstant=\"{}\"><saml:NameID>@NOT_USED@</saml:NameID>\
         <samlp:SessionIndex>{}</samlp:SessionIndex></samlp:LogoutRequest>",
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        crate::http::page::escape(ticket)
    );
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("logoutRequest", &xml)
        .finish()
}
