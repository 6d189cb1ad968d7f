//! What people are told when classes change: one notification per person, however many of their
//! classes one import or edit changed, in their language and the university's time zone —
//! « Mar. 3 déc. 10:00 — Algorithmique : salle B204 → A110 ».

use chrono::{DateTime, Locale, Utc};
use chrono_tz::Tz;

use super::{model::Change, store::EventId};
use crate::{
    i18n::{Lang, Translated},
    push::{Category, Notification},
};

/// One class's change, as the people concerned see it.
#[derive(Debug, Clone)]
pub struct Notice {
    pub event_id: EventId,
    pub title: String,
    pub changes: Vec<Change>,
    /// When the class was (what people know), and when it is now.
    pub was: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub rooms_before: Vec<String>,
    pub rooms: Vec<String>,
    pub teachers_before: Vec<String>,
    pub teachers: Vec<String>,
}

/// At most this many classes are listed in one notification (a payload stays small).
const LISTED: usize = 3;

/// The notification for one person's changed classes (`notices` not empty).
pub fn notification(notices: &[&Notice], tz: Tz) -> Notification {
    let mut sorted = notices.to_vec();
    sorted.sort_by_key(|n| (n.was.min(n.starts_at), n.event_id));
    let first = sorted[0];
    let lines = |lang| {
        let mut shown: Vec<String> = sorted
            .iter()
            .take(LISTED)
            .map(|n| line(n, tz, lang))
            .collect();
        if sorted.len() > LISTED {
            let more = sorted.len() - LISTED;
            shown.push(match lang {
                Lang::Fr => format!("… et {more} autre(s) changement(s)"),
                Lang::En => format!("… and {more} more change(s)"),
            });
        }
        shown.join("\n")
    };
    let day = first.starts_at.with_timezone(&tz).date_naive();
    let tag = if sorted.len() == 1 {
        format!("timetable-{}", first.event_id)
    } else {
        format!("timetable-{}", day.format("%Y%m%d"))
    };
    let title = if sorted
        .iter()
        .all(|n| n.changes.contains(&Change::Cancelled))
    {
        Translated {
            fr: if sorted.len() == 1 {
                "Cours annulé"
            } else {
                "Cours annulés"
            }
            .into(),
            en: if sorted.len() == 1 {
                "Class cancelled"
            } else {
                "Classes cancelled"
            }
            .into(),
        }
    } else {
        Translated {
            fr: "Emploi du temps modifié".into(),
            en: "Timetable changed".into(),
        }
    };
    Notification {
        category: Category::Timetable,
        title,
        body: Translated {
            fr: lines(Lang::Fr),
            en: lines(Lang::En),
        },
        url: format!("/timetable?day={}", day.format("%Y-%m-%d")),
        tag,
    }
}

/// « Mar. 3 déc. 10:00 — Algorithmique : salle B204 → A110, déplacé à 14:00 ».
pub fn line(n: &Notice, tz: Tz, lang: Lang) -> String {
    let what: Vec<String> = n
        .changes
        .iter()
        .filter_map(|c| describe(*c, n, tz, lang))
        .collect();
    let colon = if lang == Lang::Fr { " : " } else { ": " };
    format!(
        "{} — {}{colon}{}",
        moment(n.was, tz, lang),
        n.title,
        what.join(", ")
    )
}

fn describe(change: Change, n: &Notice, tz: Tz, lang: Lang) -> Option<String> {
    let fr = lang == Lang::Fr;
    let list = |v: &[String]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join(", ")
        }
    };
    Some(match change {
        Change::Added if fr => "nouveau cours".into(),
        Change::Added => "new class".into(),
        Change::Cancelled if fr => "annulé".into(),
        Change::Cancelled => "cancelled".into(),
        Change::Restored if fr => "rétabli".into(),
        Change::Restored => "back on".into(),
        Change::Room => format!(
            "{} {} → {}",
            if fr { "salle" } else { "room" },
            list(&n.rooms_before),
            list(&n.rooms)
        ),
        Change::Teacher => format!(
            "{} {} → {}",
            if fr { "enseignant" } else { "teacher" },
            list(&n.teachers_before),
            list(&n.teachers)
        ),
        Change::Time => {
            let same_day = n.was.with_timezone(&tz).date_naive()
                == n.starts_at.with_timezone(&tz).date_naive();
            let to = if same_day {
                n.starts_at.with_timezone(&tz).format("%H:%M").to_string()
            } else {
                moment(n.starts_at, tz, lang)
            };
            match (fr, same_day) {
                (true, true) => format!("déplacé à {to}"),
                (true, false) => format!("déplacé au {to}"),
                (false, _) => format!("moved to {to}"),
            }
        }
    })
}

/// « Mar. 3 déc. 10:00 » / « Tue 3 Dec 10:00 », in the university's time zone.
pub fn moment(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let local = t.with_timezone(&tz);
    let text = match lang {
        Lang::Fr => local.format_localized("%a %-d %b %H:%M", Locale::fr_FR),
        Lang::En => local.format_localized("%a %-d %b %H:%M", Locale::en_GB),
    }
    .to_string();
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const PARIS: Tz = chrono_tz::Europe::Paris;

    fn notice(changes: Vec<Change>, hour_now: u32) -> Notice {
        Notice {
            event_id: EventId(7),
            title: "Algorithmique".into(),
            changes,
            was: PARIS
                .with_ymd_and_hms(2026, 12, 3, 10, 0, 0)
                .unwrap()
                .with_timezone(&Utc),
            starts_at: PARIS
                .with_ymd_and_hms(2026, 12, 3, hour_now, 0, 0)
                .unwrap()
                .with_timezone(&Utc),
            rooms_before: vec!["B204".into()],
            rooms: vec!["A110".into()],
            teachers_before: vec![],
            teachers: vec![],
        }
    }

    #[test]
    fn lines_say_what_changed_in_the_persons_language() {
        let room = notice(vec![Change::Room], 10);
        assert_eq!(
            line(&room, PARIS, Lang::Fr),
            "Jeu. 3 déc. 10:00 — Algorithmique : salle B204 → A110"
        );
        assert_eq!(
            line(&room, PARIS, Lang::En),
            "Thu 3 Dec 10:00 — Algorithmique: room B204 → A110"
        );
        let moved = notice(vec![Change::Time], 14);
        assert_eq!(
            line(&moved, PARIS, Lang::Fr),
            "Jeu. 3 déc. 10:00 — Algorithmique : déplacé à 14:00"
        );
        let cancelled = notice(vec![Change::Cancelled], 10);
        assert_eq!(
            line(&cancelled, PARIS, Lang::Fr),
            "Jeu. 3 déc. 10:00 — Algorithmique : annulé"
        );
    }

    #[test]
    fn several_changes_make_one_notification() {
        let a = notice(vec![Change::Room], 10);
        let mut b = notice(vec![Change::Cancelled], 10);
        b.event_id = EventId(8);
        let n = notification(&[&b, &a], PARIS);
        assert_eq!(n.category, Category::Timetable);
        assert_eq!(n.body.fr.lines().count(), 2);
        assert_eq!(n.url, "/timetable?day=2026-12-03");
        assert_eq!(n.tag, "timetable-20261203");
        let one = notification(&[&b], PARIS);
        assert_eq!(one.title.fr, "Cours annulé");
        assert_eq!(one.tag, "timetable-8");
        let many: Vec<Notice> = (0..5)
            .map(|i| Notice {
                event_id: EventId(i),
                ..a.clone()
            })
            .collect();
        let refs: Vec<&Notice> = many.iter().collect();
        assert!(
            notification(&refs, PARIS)
                .body
                .en
                .ends_with("… and 2 more change(s)")
        );
    }
}
