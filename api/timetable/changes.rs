//! One way to change a class, whoever changes it (an import, a member of staff): the new
//! version written, the change kept for the people's view and for audit, and the people
//! concerned told, one notification each, in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use diesel_async::AsyncPgConnection;

use super::{
    model::diff,
    notice::{self, Notice},
    store::{self, LastChange, StoredEvent, Version},
};
use crate::people::model::PersonId;
use crate::push;

/// Changes waiting to be told, each with who is concerned.
#[derive(Default)]
pub struct Pending(Vec<(Vec<PersonId>, Notice)>);

impl Pending {
    pub fn add(&mut self, people: Vec<PersonId>, notice: Notice) {
        self.0.push((people, notice));
    }

    /// Queues one notification per person for the changes to classes within `days` of `now`
    /// (before or after the change); returns how many people were told.
    pub async fn tell(
        self,
        conn: &mut AsyncPgConnection,
        tz: Tz,
        days: u32,
        now: DateTime<Utc>,
    ) -> diesel::QueryResult<usize> {
        let horizon = now + Duration::days(days.into());
        let soon = |t: DateTime<Utc>| t >= now && t <= horizon;
        let mut by_person: HashMap<PersonId, Vec<&Notice>> = HashMap::new();
        for (people, notice) in self
            .0
            .iter()
            .filter(|(_, n)| soon(n.was) || soon(n.starts_at))
        {
            for person in people {
                let notices = by_person.entry(*person).or_default();
                if !notices.iter().any(|n| n.event_id == notice.event_id) {
                    notices.push(notice);
                }
            }
        }
        let notifications: Vec<(PersonId, push::Notification)> = by_person
            .into_iter()
            .map(|(person, notices)| (person, notice::notification(&notices, tz)))
            .collect();
        let refs: Vec<(PersonId, &push::Notification)> =
            notifications.iter().map(|(p, n)| (*p, n)).collect();
        push::notify::notify_each(conn, tz, &refs, now).await?;
        Ok(notifications.len())
    }
}

/// Who changes a class, and why.
pub struct Author {
    pub actor: Option<PersonId>,
    pub reason: Option<String>,
}

/// Writes `next` over `stored` (and its teachers, when given); returns the change when there is
/// one people would notice, with who is concerned (before and after it).
pub async fn apply(
    conn: &mut AsyncPgConnection,
    stored: &StoredEvent,
    next: &Version,
    teachers: Option<&[PersonId]>,
    title: &str,
    author: Author,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<(Vec<PersonId>, Notice)>> {
    let before = stored.slot();
    let (changes, previous) = diff(&before, &next.slot);
    let mut concerned = if changes.is_empty() {
        Vec::new()
    } else {
        store::audience(conn, stored.id).await?
    };
    let change = (!changes.is_empty()).then(|| LastChange {
        at: now,
        changes: changes.clone(),
        previous,
        reason: author.reason,
    });
    store::update_event(conn, stored.id, next, change.as_ref(), now).await?;
    if next.slot.starts_at != stored.starts_at {
        store::move_links(conn, stored.id, next.slot.starts_at).await?;
    }
    if let Some(teachers) = teachers {
        store::set_teachers(conn, stored.id, next.slot.starts_at, teachers).await?;
        concerned.extend_from_slice(teachers);
    }
    let Some(change) = change else {
        return Ok(None);
    };
    store::record_change(conn, stored.id, &change, author.actor).await?;
    concerned.sort();
    concerned.dedup();
    Ok(Some((
        concerned,
        Notice {
            event_id: stored.id,
            title: title.to_string(),
            changes,
            was: before.starts_at,
            starts_at: next.slot.starts_at,
            rooms_before: before.rooms,
            rooms: next.slot.rooms.clone(),
            teachers_before: before.teachers,
            teachers: next.slot.teachers.clone(),
        },
    )))
}
