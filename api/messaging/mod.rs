//! Messaging: conversations one to one, of a course group or with a university service, who may
//! start which (`messaging.may_start`), messages sent once each whatever the retries, read state,
//! mute, leave and block, live events through Redis pub/sub and push for those away.

pub mod correspondents;
pub mod events;
pub mod notify;
pub mod routes;
pub mod rules;
pub mod store;
pub mod view;

use std::collections::HashMap;

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::people::model::PersonId;
use crate::{config::Messaging, db::schema::course_groups, i18n::Lang};
use store::Conversation;

/// Messaging's operations.
pub type Api = (
    routes::MessagingApi,
    events::EventsApi,
    correspondents::CorrespondentsApi,
);

/// What each conversation is called for `me` (with whether `me` answers for its service): the
/// other person, the group, or the service (for its staff, the person who wrote to it). A few
/// queries for the whole list, however long.
pub async fn titles(
    conn: &mut AsyncPgConnection,
    rules: &Messaging,
    lang: Lang,
    me: PersonId,
    conversations: &[(&Conversation, bool)],
) -> diesel::QueryResult<Vec<String>> {
    let groups: Vec<&String> = conversations
        .iter()
        .filter_map(|(c, _)| c.group_code.as_ref())
        .collect();
    let group_names: HashMap<String, String> = if groups.is_empty() {
        HashMap::new()
    } else {
        course_groups::table
            .filter(course_groups::code.eq_any(groups))
            .select((course_groups::code, course_groups::name))
            .load::<(String, String)>(conn)
            .await?
            .into_iter()
            .collect()
    };
    let named_after_a_person: Vec<_> = conversations
        .iter()
        .filter(|(c, staff)| c.group_code.is_none() && (c.service.is_none() || *staff))
        .map(|(c, _)| c.id)
        .collect();
    let counterparts = store::counterparts(conn, &named_after_a_person, me).await?;
    let people: Vec<PersonId> = counterparts.values().copied().collect();
    let names = crate::people::store::names(conn, &people).await?;
    Ok(conversations
        .iter()
        .map(|(c, staff)| match (&c.group_code, &c.service, staff) {
            (Some(group), _, _) => group_names.get(group).unwrap_or(group).clone(),
            (None, Some(service), false) => rules
                .services
                .iter()
                .find(|s| s.code.as_str() == service)
                .map_or(service.clone(), |s| s.label(lang).to_string()),
            _ => counterparts
                .get(&c.id)
                .and_then(|p| names.get(p))
                .cloned()
                .unwrap_or_default(),
        })
        .collect())
}
