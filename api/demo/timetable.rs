//! The demo university's timetable: a weekly pattern over the academic year of `now`, written as
//! ADE would export it (iCalendar, one file per group) and imported through the same code as
//! `ent import timetable`. The same year gives the same files, so seeding again changes nothing.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use diesel_async::AsyncPgConnection;
use icalendar::{Calendar, CalendarDateTime, Component, EventLike};

use crate::{
    redis::Redis,
    timetable::import::{self, ImportError, Settings},
};

/// One weekly class: day, start, end, summary (as ADE writes it), room, teacher.
type Weekly = (
    Weekday,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Each group's export: its weekly classes.
const EXPORTS: [(&str, &[Weekly]); 6] = [
    (
        "L1-INFO",
        &[
            (
                Weekday::Mon,
                "08:00",
                "10:00",
                "Algorithmique CM",
                "Amphi A",
                "PETIT Isabelle",
            ),
            (
                Weekday::Wed,
                "10:15",
                "12:15",
                "Mathématiques discrètes CM",
                "Amphi B",
                "DURAND Marc",
            ),
            (
                Weekday::Fri,
                "13:30",
                "15:30",
                "Architecture des ordinateurs CM",
                "Amphi A",
                "DURAND Marc",
            ),
        ],
    ),
    (
        "L1-INFO-TD1",
        &[
            (
                Weekday::Tue,
                "08:00",
                "10:00",
                "Algorithmique TD",
                "B204",
                "PETIT Isabelle",
            ),
            (
                Weekday::Thu,
                "13:30",
                "16:30",
                "Programmation TP",
                "E012",
                "PETIT Isabelle",
            ),
        ],
    ),
    (
        "L1-INFO-TD2",
        &[
            (
                Weekday::Tue,
                "10:15",
                "12:15",
                "Algorithmique TD",
                "B206",
                "PETIT Isabelle",
            ),
            (
                Weekday::Thu,
                "09:00",
                "12:00",
                "Programmation TP",
                "E014",
                "DURAND Marc",
            ),
        ],
    ),
    (
        "L2-DROIT",
        &[
            (
                Weekday::Mon,
                "09:00",
                "12:00",
                "Droit des obligations CM",
                "Amphi Thélème",
                "LEROY Sophie",
            ),
            (
                Weekday::Thu,
                "14:00",
                "16:00",
                "Droit administratif CM",
                "Amphi Thélème",
                "NICOLAS Hélène",
            ),
        ],
    ),
    (
        "L2-DROIT-TD1",
        &[(
            Weekday::Wed,
            "14:00",
            "15:30",
            "Droit des obligations TD",
            "Salle 105",
            "LEROY Sophie",
        )],
    ),
    (
        "M1-HIST",
        &[
            (
                Weekday::Tue,
                "14:00",
                "17:00",
                "Séminaire Histoire moderne",
                "Salle 2.15",
                "ROUSSEL Antoine",
            ),
            (
                Weekday::Fri,
                "09:00",
                "11:00",
                "Historiographie CM",
                "Salle 2.15",
                "ROUSSEL Antoine",
            ),
        ],
    ),
];

pub async fn seed(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<(), ImportError> {
    for (group, _) in EXPORTS {
        let file = export_of(group, settings.tz, now).expect("a demo group");
        import::import(conn, redis, settings, group, file.as_bytes(), now).await?;
    }
    Ok(())
}

/// The demo export of `group` for the academic year of `now`, if the demo has one.
pub fn export_of(group: &str, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Option<String> {
    let (first, last) = academic_year(now.with_timezone(&tz).date_naive());
    let (_, classes) = EXPORTS.iter().find(|(g, _)| *g == group)?;
    Some(export(group, classes, first, last, tz.name()))
}

/// September 1st to June 30th of the academic year that `today` is in.
fn academic_year(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start_year = if today.month() >= 8 {
        today.year()
    } else {
        today.year() - 1
    };
    (
        NaiveDate::from_ymd_opt(start_year, 9, 1).expect("a date"),
        NaiveDate::from_ymd_opt(start_year + 1, 6, 30).expect("a date"),
    )
}

/// The group's export, as ADE writes one (description: group, teacher, export footer).
fn export(
    group: &str,
    classes: &[Weekly],
    first: NaiveDate,
    last: NaiveDate,
    tzid: &str,
) -> String {
    let mut calendar = Calendar::new();
    let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").expect("a demo time");
    let mut day = first;
    while day <= last {
        for (weekday, start, end, summary, room, teacher) in classes {
            if day.weekday() != *weekday {
                continue;
            }
            let at = |t: &str| CalendarDateTime::WithTimezone {
                date_time: day.and_time(time(t)),
                tzid: tzid.to_string(),
            };
            let description = format!("\n\n{group}\n{teacher}\n(Exporté le:01/09/2026 08:00)\n");
            calendar.push(
                icalendar::Event::new()
                    .uid(&format!(
                        "DEMO-{group}-{}-{}",
                        day.format("%Y%m%d"),
                        &start[..2]
                    ))
                    .summary(summary)
                    .starts(at(start))
                    .ends(at(end))
                    .location(room)
                    .description(&description)
                    .timestamp(first.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
                    .done(),
            );
        }
        day += Duration::days(1);
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_academic_year_runs_from_september_to_june() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            academic_year(d(2026, 12, 2)),
            (d(2026, 9, 1), d(2027, 6, 30))
        );
        assert_eq!(
            academic_year(d(2027, 3, 2)),
            (d(2026, 9, 1), d(2027, 6, 30))
        );
    }
}
