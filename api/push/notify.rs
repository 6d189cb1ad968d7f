//! Turning a notification for a person into one push per device, after their preferences:
//! turned-off categories are not sent, quiet hours hold the others until they end, and a device
//! may mute security alerts (which cannot be turned off).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use diesel_async::AsyncPgConnection;

use super::{
    model::{Category, Notification},
    store::{self, Preferences, Queued, Subscription},
};
use crate::i18n::Lang;
use crate::people::model::PersonId;

/// Queues `notification` for each of the person's devices (in the transaction of the event that
/// causes it); returns how many pushes were queued. Quiet hours are read in `tz`, the
/// university's time zone (security alerts ignore them).
pub async fn notify(
    conn: &mut AsyncPgConnection,
    tz: Tz,
    person: PersonId,
    notification: &Notification,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    notify_each(conn, tz, &[(person, notification)], now).await
}

/// [`notify`] for many people at once, in a few statements whatever their number.
pub async fn notify_each(
    conn: &mut AsyncPgConnection,
    tz: Tz,
    notifications: &[(PersonId, &Notification)],
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let people: Vec<PersonId> = notifications.iter().map(|(p, _)| *p).collect();
    let prefs = store::preferences_of(conn, &people).await?;
    let mut devices: HashMap<PersonId, Vec<Subscription>> = HashMap::new();
    for sub in store::of_people(conn, &people).await? {
        devices.entry(sub.person_id).or_default().push(sub);
    }
    let pushes: Vec<Queued> = notifications
        .iter()
        .flat_map(|(person, notification)| {
            let no_prefs = Preferences::default();
            let prefs = prefs.get(person).unwrap_or(&no_prefs);
            let category = notification.category;
            let wanted = !(category.can_disable() && prefs.disabled.contains(&category));
            let not_before = match (category.can_disable(), prefs.quiet_start, prefs.quiet_end) {
                (true, Some(start), Some(end)) => after_quiet_hours(start, end, tz, now),
                _ => now,
            };
            devices
                .get(person)
                .into_iter()
                .flatten()
                .filter(move |_| wanted)
                .filter(move |sub| category != Category::Security || !sub.security_muted)
                .map(move |sub| Queued {
                    subscription: sub.id,
                    category,
                    payload: notification.payload(if sub.language == "en" {
                        Lang::En
                    } else {
                        Lang::Fr
                    }),
                    topic: notification.topic(),
                    urgency: category.urgency().as_str(),
                    ttl: category.ttl(),
                    not_before,
                })
        })
        .collect();
    store::enqueue(conn, &pushes, now).await?;
    Ok(pushes.len())
}

/// `now` outside quiet hours; else the moment they end (local time of the university). Hours
/// may wrap midnight (22:00–07:00).
pub fn after_quiet_hours(
    start: NaiveTime,
    end: NaiveTime,
    tz: Tz,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let time = local.time();
    let quiet = if start <= end {
        time >= start && time < end
    } else {
        time >= start || time < end
    };
    if !quiet {
        return now;
    }
    let mut day = local.date_naive();
    if time >= end && start > end {
        day += Duration::days(1);
    }
    tz.from_local_datetime(&day.and_time(end))
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 11, 30, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_hold_until_they_end_even_across_midnight() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let paris = chrono_tz::Europe::Paris;
        // 22:00–07:00
        assert_eq!(
            after_quiet_hours(t(22, 0), t(7, 0), paris, at(12, 0)),
            at(12, 0)
        );
        assert_eq!(
            after_quiet_hours(t(22, 0), t(7, 0), paris, at(6, 30)),
            at(7, 0)
        );
        let late = after_quiet_hours(t(22, 0), t(7, 0), paris, at(23, 15));
        assert_eq!(late, at(7, 0) + Duration::days(1));
        // 12:00–14:00
        assert_eq!(
            after_quiet_hours(t(12, 0), t(14, 0), paris, at(13, 0)),
            at(14, 0)
        );
        assert_eq!(
            after_quiet_hours(t(12, 0), t(14, 0), paris, at(14, 0)),
            at(14, 0)
        );
    }
}
