//! The pushes of the « scolarité » category: a window opens, a week and a day before it closes
//! while the registration is incomplete, a document is missing, the registration is complete.
//! The time-driven ones are claimed once per row by [`remind_due`], which the worker runs and the
//! import runs too (a window the file opens today is announced at once).

use std::time::Duration;

use chrono::{DateTime, Locale, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tokio::task::JoinHandle;

use super::store::{self, Registration};
use crate::{
    clock::SharedClock,
    couriers::every_pass,
    db,
    i18n::Translated,
    people::model::PersonId,
    push::{self, Category, Notification},
    state::AppState,
};

/// How often the worker looks for windows opening or about to close.
const POLL: Duration = Duration::from_secs(300);

/// What a change of the registrar's file tells the student.
pub fn of_change(old: Option<&Registration>, new: &Registration) -> Vec<Notification> {
    let year = &new.academic_year;
    let mut notices = Vec::new();
    let was_complete = old.is_some_and(Registration::complete);
    if new.complete() && !was_complete {
        notices.push(notice(
            year,
            Translated {
                fr: format!("Inscription {year} complète"),
                en: format!("Registration {year} complete"),
            },
            Translated {
                fr: "Votre certificat de scolarité est disponible dans l’ENT.".into(),
                en: "Your certificate of enrolment is available in the ENT.".into(),
            },
        ));
    }
    let missing: Vec<&str> = new
        .missing_documents
        .iter()
        .filter(|d| old.is_none_or(|o| !o.missing_documents.contains(d)))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() && !new.complete() {
        let list = missing.join(", ");
        notices.push(notice(
            year,
            Translated {
                fr: "Pièce manquante".into(),
                en: "Missing document".into(),
            },
            Translated {
                fr: format!("Pour votre inscription {year}, il manque : {list}."),
                en: format!("For your registration {year}, still missing: {list}."),
            },
        ));
    }
    notices
}

/// Announces the windows open today, and reminds of those closing within `reminder_days`, for
/// incomplete registrations, each once; returns how many pushes it queued for.
pub async fn remind_due(
    conn: &mut AsyncPgConnection,
    tz: Tz,
    reminder_days: &[u16],
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let today = now.with_timezone(&tz).date_naive();
    let mut due: Vec<(PersonId, Notification)> = Vec::new();
    let opened = store::claim_openings(conn, today).await?;
    let returning = store::returning(conn, &opened).await?;
    for r in &opened {
        let again = returning.contains(&(r.person_id, r.academic_year.clone()));
        due.push((r.person_id, opening(r, again)));
    }
    let mut days = reminder_days.to_vec();
    days.sort_unstable();
    for d in days {
        for r in store::claim_reminders(conn, today, d).await? {
            due.push((r.person_id, reminder(&r, today)));
        }
    }
    let each: Vec<_> = due.iter().map(|(p, n)| (*p, n)).collect();
    push::notify::notify_each(conn, tz, &each, now).await?;
    Ok(due.len())
}

fn opening(r: &Registration, again: bool) -> Notification {
    let year = &r.academic_year;
    let (fr, en) = closing_day(r);
    let (word_fr, word_en) = if again {
        ("réinscription", "re-registration")
    } else {
        ("inscription", "registration")
    };
    notice(
        year,
        Translated {
            fr: format!("Votre {word_fr} {year} est ouverte"),
            en: format!("Your {word_en} {year} is open"),
        },
        Translated {
            fr: format!("Votre {word_fr} {year} est ouverte jusqu’au {fr}."),
            en: format!("Your {word_en} {year} is open until {en}."),
        },
    )
}

fn reminder(r: &Registration, today: NaiveDate) -> Notification {
    let year = &r.academic_year;
    let (fr, en) = closing_day(r);
    let left = r.closes_on.map_or(0, |c| (c - today).num_days());
    let (title_fr, title_en) = match left {
        0 => ("Dernier jour".to_string(), "Last day".to_string()),
        1 => ("Plus qu’un jour".to_string(), "One day left".to_string()),
        n => (format!("Plus que {n} jours"), format!("{n} days left")),
    };
    notice(
        year,
        Translated {
            fr: format!("{title_fr} pour votre inscription {year}"),
            en: format!("{title_en} for your registration {year}"),
        },
        Translated {
            fr: format!("Elle est encore incomplète et ferme le {fr}."),
            en: format!("It is still incomplete and closes on {en}."),
        },
    )
}

/// « 15 juillet » and "15 July".
fn closing_day(r: &Registration) -> (String, String) {
    let day = r.closes_on.unwrap_or_default();
    (
        day.format_localized("%-d %B", Locale::fr_FR).to_string(),
        day.format_localized("%-d %B", Locale::en_GB).to_string(),
    )
}

fn notice(year: &str, title: Translated, body: Translated) -> Notification {
    Notification {
        category: Category::Registration,
        title,
        body,
        url: "/registration".into(),
        tag: format!("registration-{year}"),
    }
}

/// The worker: windows opening and closing, announced when their day comes.
pub fn spawn(
    state: &AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<()> {
    let (pool, clock): (db::Pool, SharedClock) = (state.db.clone(), state.clock.clone());
    let tz = state.config.university.time_zone.tz();
    let days = state.config.registration.reminder_days.clone();
    every_pass("registration", POLL, usize::MAX, shutdown, move || {
        let (pool, clock, days) = (pool.clone(), clock.clone(), days.clone());
        async move {
            let mut conn = pool.get().await.map_err(db::unreachable)?;
            let now = clock.now();
            Ok(conn
                .transaction(async |conn| remind_due(conn, tz, &days, now).await)
                .await?)
        }
    })
}
