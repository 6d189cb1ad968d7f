//! Messaging: conversations one to one, of a course group or with a university service, who may
//! start which (`messaging.may_start`), messages sent once each whatever the retries, read state,
//! mute, leave and block, live events through Redis pub/sub and push for those away.

pub mod correspondents;
pub mod events;
pub mod notify;
pub mod routes;
pub mod rules;
pub mod store;

use diesel::{OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::{config::Messaging, db::schema::course_groups, i18n::Lang};
use store::Conversation;

/// Messaging's operations.
pub type Api = (
    routes::MessagingApi,
    events::EventsApi,
    correspondents::CorrespondentsApi,
);

/// What the conversation is called for `me`: the other person, the group, or the service (for
/// its staff, the person who wrote to it and the service).
pub async fn title(
    conn: &mut AsyncPgConnection,
    rules: &Messaging,
    lang: Lang,
    me: Uuid,
    c: &Conversation,
    as_staff: bool,
) -> diesel::QueryResult<String> {
    if let Some(group) = &c.group_code {
        let name: Option<String> = course_groups::table
            .find(group)
            .select(course_groups::name)
            .first(conn)
            .await
            .optional()?;
        return Ok(name.unwrap_or_else(|| group.clone()));
    }
    let person = match (&c.service, as_staff) {
        (Some(service), false) => {
            let label = rules.services.iter().find(|s| s.code.as_str() == service);
            return Ok(label.map_or(service.clone(), |s| match lang {
                Lang::Fr => s.fr.to_string(),
                Lang::En => s.en.to_string(),
            }));
        }
        (Some(_), true) => store::requester_of(conn, c.id).await?,
        (None, _) => store::other_member(conn, c.id, me).await?,
    };
    let names = match person {
        Some(p) => crate::people::store::names(conn, &[p]).await?,
        None => Default::default(),
    };
    Ok(person
        .and_then(|p| names.get(&p).cloned())
        .unwrap_or_default())
}
