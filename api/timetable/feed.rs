//! The personal calendar feed: a secret URL that phone calendars subscribe to (`webcal://`),
//! serving the person's classes as RFC 5545. The URL is derived (HMAC) from the person and a
//! generation number, so nothing secret is stored and it can be shown again; regenerating
//! increments the generation, which revokes the previous URL.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use uuid::Uuid;

use super::{
    model::Status,
    store::{LastChange, Row},
};
use crate::{
    i18n::Lang,
    people::model::PersonId,
    secrets::{keyed_hash, same},
};

/// The part of the URL after `/api/calendar/`: `<person>-<generation>-<mac>.ics`.
pub fn token(key: &str, person: PersonId, generation: i32) -> String {
    format!(
        "{}-{generation}-{}.ics",
        person.0.simple(),
        mac(key, person, generation)
    )
}

fn mac(key: &str, person: PersonId, generation: i32) -> String {
    let full = keyed_hash(
        key,
        &[
            "calendar-feed",
            &person.to_string(),
            &generation.to_string(),
        ],
    );
    full[..32].to_string()
}

/// The person and generation a token names, if its MAC is right.
pub fn verify(key: &str, token: &str) -> Option<(PersonId, i32)> {
    let token = token.strip_suffix(".ics").unwrap_or(token);
    let mut parts = token.splitn(3, '-');
    let person = PersonId(Uuid::try_parse(parts.next()?).ok()?);
    let generation: i32 = parts.next()?.parse().ok()?;
    let given = parts.next()?;
    same(given, &mac(key, person, generation)).then_some((person, generation))
}

/// The window a feed covers: the last month and the next six.
pub fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(31), now + Duration::days(183))
}

/// The calendar of `rows`; cancelled classes stay, marked `STATUS:CANCELLED` and « Annulé : ».
pub fn render(
    calendar_name: &str,
    host: &str,
    rows: &[Row],
    lang: Lang,
    now: DateTime<Utc>,
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(calendar_name).ttl(&Duration::hours(1));
    for row in rows {
        let cancelled = row.status == Status::Cancelled;
        let change: Option<LastChange> = row
            .last_change
            .clone()
            .and_then(|v| serde_json::from_value(v).ok());
        let prefix = match (cancelled, lang) {
            (false, _) => "",
            (true, Lang::Fr) => "Annulé : ",
            (true, Lang::En) => "Cancelled: ",
        };
        let mut description: Vec<String> = row.teachers.clone();
        description.extend(change.as_ref().and_then(|c| c.reason.clone()));
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("ent-{}@{host}", row.id))
            .timestamp(now)
            .summary(&format!(
                "{prefix}{} ({})",
                row.title,
                row.kind.as_str().to_uppercase()
            ))
            .starts(row.starts_at)
            .ends(row.ends_at)
            .location(&row.rooms.join(", "))
            .description(&description.join("\n"))
            .status(if cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(change) = change {
            event.last_modified(change.at);
            // Calendars take a higher SEQUENCE as "this replaces what you had".
            event.sequence(u32::try_from(change.at.timestamp()).unwrap_or(0));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_key_and_generation() {
        let person = PersonId(Uuid::new_v4());
        let t = token("k".repeat(32).as_str(), person, 3);
        assert_eq!(verify(&"k".repeat(32), &t), Some((person, 3)));
        assert_eq!(verify(&"x".repeat(32), &t), None);
        let forged = t.replacen("-3-", "-4-", 1);
        assert_eq!(verify(&"k".repeat(32), &forged), None);
        assert_eq!(verify(&"k".repeat(32), "nonsense"), None);
    }
}
