//! Reading ADE's iCalendar exports (with the `icalendar` crate's parser) into normalised
//! [`SourceEvent`]s, every mistake reported with its line (or its UID) and nothing kept.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike,
    EventStatus,
};

use super::model::{self, SourceEvent};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IcsError {
    #[error("the file is {size} bytes, more than the {limit} allowed (timetable.max_file_bytes)")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("the file is empty")]
    Empty,
    #[error("line {line}: {what}")]
    Line { line: usize, what: String },
    #[error("event {uid} (line {line}): {what}")]
    Event {
        uid: String,
        line: usize,
        what: String,
    },
}

/// The events of one export. Floating times are read in `tz` (the university's).
pub fn parse(bytes: &[u8], tz: Tz, limit: usize) -> Result<Vec<SourceEvent>, IcsError> {
    if bytes.len() > limit {
        return Err(IcsError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| IcsError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(IcsError::Empty);
    }
    let (unfolded, origin) = unfold(text);
    check_nesting(&unfolded, &origin)?;
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .map_err(|e| syntax_error(&e, &origin))
        .map(Calendar::from)?;
    let begins = event_lines(&unfolded, &origin);
    let mut seen = HashSet::new();
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .zip(begins)
        .map(|(event, line)| {
            let e = read_event(event, line, tz)?;
            if !seen.insert(e.uid.clone()) {
                return Err(at(&e.uid, line, "this UID appears twice in the file"));
            }
            Ok(e)
        })
        .collect()
}

/// RFC 5545 §3.1 unfolding, and for each unfolded line the file's line where it starts.
fn unfold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line.strip_prefix([' ', '\t']) {
            Some(rest) if !origin.is_empty() => out.push_str(rest),
            _ => {
                if !origin.is_empty() {
                    out.push('\n');
                }
                out.push_str(line);
                origin.push(i + 1);
            }
        }
    }
    out.push('\n');
    (out, origin)
}

fn file_line(origin: &[usize], unfolded_line: usize) -> usize {
    origin
        .get(unfolded_line.saturating_sub(1))
        .copied()
        .unwrap_or(unfolded_line)
}

/// BEGIN and END must pair up: a truncated export is refused with the line of what it left open.
fn check_nesting(unfolded: &str, origin: &[usize]) -> Result<(), IcsError> {
    let mut open: Vec<(String, usize)> = Vec::new();
    for (i, line) in unfolded.lines().enumerate() {
        let line_no = file_line(origin, i + 1);
        if let Some(name) = line.strip_prefix("BEGIN:") {
            open.push((name.trim().to_uppercase(), line_no));
        } else if let Some(name) = line.strip_prefix("END:") {
            let name = name.trim().to_uppercase();
            match open.pop() {
                Some((begun, _)) if begun == name => {}
                Some((begun, begun_at)) => {
                    return Err(IcsError::Line {
                        line: line_no,
                        what: format!("END:{name} closes BEGIN:{begun} of line {begun_at}"),
                    });
                }
                None => {
                    return Err(IcsError::Line {
                        line: line_no,
                        what: format!("END:{name} without a BEGIN"),
                    });
                }
            }
        }
    }
    match open.first() {
        Some((name, line)) => Err(IcsError::Line {
            line: *line,
            what: format!("BEGIN:{name} is never closed: the file is truncated"),
        }),
        None if !unfolded.trim_start().starts_with("BEGIN:VCALENDAR") => Err(IcsError::Line {
            line: 1,
            what: "an iCalendar file starts with BEGIN:VCALENDAR".into(),
        }),
        None => Ok(()),
    }
}

/// The parser's message reduced to its first position: `line 6: invalid line «…»`.
fn syntax_error(message: &str, origin: &[usize]) -> IcsError {
    let mut lines = message.lines();
    let position = lines.by_ref().find_map(|l| {
        let rest = l.split("at line ").nth(1)?;
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse::<usize>()
            .ok()
    });
    let text: String = lines.next().unwrap_or_default().chars().take(80).collect();
    IcsError::Line {
        line: file_line(origin, position.unwrap_or(1)),
        what: format!("not valid iCalendar: «{text}»"),
    }
}

/// The file line of each `BEGIN:VEVENT`, in order.
fn event_lines(unfolded: &str, origin: &[usize]) -> Vec<usize> {
    unfolded
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_end().eq_ignore_ascii_case("BEGIN:VEVENT"))
        .map(|(i, _)| file_line(origin, i + 1))
        .collect()
}

fn at(uid: &str, line: usize, what: &str) -> IcsError {
    IcsError::Event {
        uid: uid.to_string(),
        line,
        what: what.to_string(),
    }
}

fn read_event(event: &icalendar::Event, line: usize, tz: Tz) -> Result<SourceEvent, IcsError> {
    let uid = event
        .get_uid()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| IcsError::Line {
            line,
            what: "an event has no UID".into(),
        })?
        .to_string();
    if uid.len() > 255 {
        return Err(at(&uid[..40], line, "the UID is longer than 255 bytes"));
    }
    let time = |value: Option<DatePerhapsTime>, name: &str| {
        value
            .and_then(|v| instant(v, tz))
            .ok_or_else(|| at(&uid, line, &format!("{name} is missing or not a date")))
    };
    let starts_at = time(event.get_start(), "DTSTART")?;
    let ends_at = time(event.get_end(), "DTEND")?;
    if ends_at <= starts_at {
        return Err(at(&uid, line, "it ends before it starts (DTEND ≤ DTSTART)"));
    }
    let summary = event.get_summary().unwrap_or_default().trim();
    if summary.is_empty() {
        return Err(at(&uid, line, "it has no SUMMARY (the course)"));
    }
    let (title, kind) = model::title_and_kind(summary);
    Ok(SourceEvent {
        uid,
        title: title.chars().take(200).collect(),
        kind,
        starts_at,
        ends_at,
        rooms: model::rooms(event.get_location().unwrap_or_default()),
        lines: model::description_lines(event.get_description().unwrap_or_default()),
        cancelled: event.get_status() == Some(EventStatus::Cancelled),
        line,
    })
}

/// A `DATE-TIME` (UTC, with a known TZID, or floating in the university's zone) or a `DATE`
/// (midnight there) as an instant.
fn instant(value: DatePerhapsTime, tz: Tz) -> Option<DateTime<Utc>> {
    let local = |naive: NaiveDateTime, zone: Tz| {
        zone.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => Some(t),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => local(naive, tz),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            local(date_time, tzid.parse().ok()?)
        }
        DatePerhapsTime::Date(day) => local(NaiveDate::and_hms_opt(&day, 0, 0, 0)?, tz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARIS: Tz = chrono_tz::Europe::Paris;

    fn event(uid: &str, start: &str, end: &str, extra: &str) -> String {
        format!(
            "BEGIN:VEVENT\r\nDTSTAMP:20261202T101500Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n\
             SUMMARY:Algorithmique CM\r\nLOCATION:B204\r\nDESCRIPTION:\\n\\nL1 INFO TD1\\nPETIT \
             Isabelle\\n(Exporté le:02/12/2026 \r\n 11:15)\\n\r\nUID:{uid}\r\n{extra}END:VEVENT\r\n"
        )
    }

    fn calendar(events: &[String]) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ADE/version 6.0\r\n{}END:VCALENDAR\r\n",
            events.concat()
        )
    }

    fn read(text: &str) -> Result<Vec<SourceEvent>, IcsError> {
        parse(text.as_bytes(), PARIS, 1 << 20)
    }

    #[test]
    fn reads_an_ade_event() {
        let text = calendar(&[event("ADE1", "20261203T090000Z", "20261203T110000Z", "")]);
        let events = read(&text).unwrap();
        let e = &events[0];
        assert_eq!(e.uid, "ADE1");
        assert_eq!(e.title, "Algorithmique");
        assert_eq!(e.kind, model::Kind::Cm);
        assert_eq!(e.rooms, ["B204"]);
        assert_eq!(e.lines, ["L1 INFO TD1", "PETIT Isabelle"]);
        assert_eq!(
            e.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
        );
        assert_eq!(e.line, 4);
        assert!(!e.cancelled);
    }

    #[test]
    fn the_export_stamps_do_not_change_the_fingerprint() {
        let a = calendar(&[event("ADE1", "20261203T090000Z", "20261203T110000Z", "")]);
        let b = a
            .replace("DTSTAMP:20261202T101500Z", "DTSTAMP:20261209T080000Z")
            .replace("02/12/2026 \r\n 11:15", "09/12/2026 \r\n 08:00")
            .replace(
                "UID:ADE1\r\n",
                "UID:ADE1\r\nSEQUENCE:99\r\nLAST-MODIFIED:20261209T080000Z\r\n",
            );
        assert_eq!(
            read(&a).unwrap()[0].fingerprint(),
            read(&b).unwrap()[0].fingerprint()
        );
        let moved = a
            .replace("T090000Z", "T130000Z")
            .replace("T110000Z", "T150000Z");
        assert_ne!(
            read(&a).unwrap()[0].fingerprint(),
            read(&moved).unwrap()[0].fingerprint()
        );
    }

    #[test]
    fn local_times_and_cancellations() {
        let text = calendar(&[event(
            "ADE2",
            "20261203T100000",
            "20261203T120000",
            "STATUS:CANCELLED\r\n",
        )]);
        let text = text.replace("DTSTART:", "DTSTART;TZID=Europe/Paris:");
        let e = &read(&text).unwrap()[0];
        assert_eq!(
            e.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
        );
        // DTEND floating: the university's zone.
        assert_eq!(
            e.ends_at,
            Utc.with_ymd_and_hms(2026, 12, 3, 11, 0, 0).unwrap()
        );
        assert!(e.cancelled);
    }

    #[test]
    fn bad_files_are_refused_with_a_line_or_a_uid() {
        let good = calendar(&[
            event("ADE1", "20261203T090000Z", "20261203T110000Z", ""),
            event("ADE2", "20261204T090000Z", "20261204T110000Z", ""),
        ]);
        let truncated = &good[..good.rfind("UID:ADE2").unwrap()];
        assert_eq!(
            read(truncated),
            Err(IcsError::Line {
                line: 1,
                what: "BEGIN:VCALENDAR is never closed: the file is truncated".into()
            })
        );
        let backwards = good.replace("DTEND:20261204T110000Z", "DTEND:20261204T080000Z");
        assert!(matches!(
            read(&backwards),
            Err(IcsError::Event { uid, line: 14, .. }) if uid == "ADE2"
        ));
        let twice = good.replace("UID:ADE2", "UID:ADE1");
        assert!(matches!(read(&twice), Err(IcsError::Event { uid, .. }) if uid == "ADE1"));
        let garbage = good.replace("LOCATION:B204\r\n", "LOCATION:B204\r\nnot a property\r\n");
        let refused = read(&garbage);
        assert!(
            matches!(refused, Err(IcsError::Line { line: 4..=10, .. })),
            "{refused:?}"
        );
        let misnested = good.replacen("END:VEVENT", "END:VEVEN", 1);
        assert_eq!(
            read(&misnested),
            Err(IcsError::Line {
                line: 13,
                what: "END:VEVEN closes BEGIN:VEVENT of line 4".into()
            })
        );
        let no_start = good.replace("DTSTART:20261203T090000Z", "DTSTART:tomorrow");
        assert!(
            matches!(read(&no_start), Err(IcsError::Event { uid, what, .. }) if uid == "ADE1" && what.contains("DTSTART"))
        );
        assert_eq!(read("  \n"), Err(IcsError::Empty));
        assert!(matches!(read("hello"), Err(IcsError::Line { line: 1, .. })));
        assert_eq!(parse(&[0xff, 0xfe], PARIS, 10), Err(IcsError::NotText));
        assert!(matches!(
            parse(good.as_bytes(), PARIS, 100),
            Err(IcsError::TooLarge { .. })
        ));
    }
}
