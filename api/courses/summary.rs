//! A semester's classes, course by course: the arithmetic of « Mes cours », apart from where the
//! classes come from.

use chrono::{DateTime, Utc};

use crate::timetable::{
    model::{Kind, Status},
    store::{EventId, Row},
};

/// The kinds, in the order a course's hours are listed.
const KINDS: [Kind; 5] = [Kind::Cm, Kind::Td, Kind::Tp, Kind::Exam, Kind::Other];

/// One kind's time in a course, in minutes; cancelled classes count for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    pub kind: Kind,
    pub done: i64,
    pub to_come: i64,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub code: String,
    pub title: String,
    pub colour: String,
    /// The class under way or the next one to start (not cancelled).
    pub next: Option<Row>,
    /// Only the kinds the course has.
    pub hours: Vec<Hours>,
    pub events: Vec<EventId>,
    /// The teachers as the timetable names them, each once.
    pub named_teachers: Vec<String>,
}

/// The courses of `rows` (a person's classes in start order): the one with the nearest next
/// class first, those without any left at the end, by title.
pub fn of_classes(rows: Vec<Row>, now: DateTime<Utc>) -> Vec<Summary> {
    let mut courses: Vec<Summary> = Vec::new();
    for row in rows {
        let i = match courses.iter().position(|c| c.code == row.course_code) {
            Some(i) => i,
            None => {
                courses.push(Summary {
                    code: row.course_code.clone(),
                    title: row.title.clone(),
                    colour: row.colour.clone(),
                    next: None,
                    hours: Vec::new(),
                    events: Vec::new(),
                    named_teachers: Vec::new(),
                });
                courses.len() - 1
            }
        };
        add(&mut courses[i], row, now);
    }
    for c in &mut courses {
        c.hours
            .sort_by_key(|h| KINDS.iter().position(|k| *k == h.kind));
    }
    courses.sort_by(|a, b| {
        let next = |c: &Summary| c.next.as_ref().map(|r| r.starts_at);
        (next(a).is_none(), next(a), &a.title).cmp(&(next(b).is_none(), next(b), &b.title))
    });
    courses
}

fn add(course: &mut Summary, row: Row, now: DateTime<Utc>) {
    course.events.push(row.id);
    for name in &row.teachers {
        if !course.named_teachers.contains(name) {
            course.named_teachers.push(name.clone());
        }
    }
    if row.status == Status::Cancelled {
        return;
    }
    let minutes = (row.ends_at - row.starts_at).num_minutes();
    let hours = match course.hours.iter_mut().position(|h| h.kind == row.kind) {
        Some(i) => &mut course.hours[i],
        None => {
            course.hours.push(Hours {
                kind: row.kind,
                done: 0,
                to_come: 0,
            });
            course.hours.last_mut().expect("just pushed")
        }
    };
    if row.ends_at <= now {
        hours.done += minutes;
    } else {
        hours.to_come += minutes;
        if course.next.is_none() {
            course.next = Some(row);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn class(id: i64, code: &str, kind: Kind, start_hour: i64, hours: i64) -> Row {
        let day = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
        Row {
            id: EventId(id),
            course_code: code.into(),
            title: format!("Course {code}"),
            colour: "#00558c".into(),
            kind,
            starts_at: day + Duration::hours(start_hour),
            ends_at: day + Duration::hours(start_hour + hours),
            rooms: vec![],
            campus_code: None,
            teachers: vec![format!("Teacher of {code}")],
            groups: vec![],
            status: Status::Scheduled,
            last_change: None,
            revision: 0,
        }
    }

    #[test]
    fn hours_are_split_by_kind_into_done_and_to_come() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 11, 0, 0).unwrap();
        let mut cancelled = class(4, "ALG", Kind::Td, 30, 2);
        cancelled.status = Status::Cancelled;
        let rows = vec![
            class(1, "ALG", Kind::Td, 8, 2),
            class(2, "ALG", Kind::Cm, 10, 2),
            class(3, "ALG", Kind::Cm, 14, 1),
            cancelled,
            class(5, "ALG", Kind::Td, 32, 2),
        ];
        let courses = of_classes(rows, now);
        assert_eq!(courses.len(), 1);
        let alg = &courses[0];
        let h = |kind, done: i64, to_come: i64| Hours {
            kind,
            done: done * 60,
            to_come: to_come * 60,
        };
        assert_eq!(alg.hours, vec![h(Kind::Cm, 0, 3), h(Kind::Td, 2, 2)]);
        // The lecture under way (10:00–12:00 at 11:00) is the next session.
        assert_eq!(alg.next.as_ref().map(|r| r.id), Some(EventId(2)));
        assert_eq!(alg.events.len(), 5);
        assert_eq!(alg.named_teachers, vec!["Teacher of ALG".to_string()]);
    }

    #[test]
    fn the_nearest_next_class_comes_first_and_finished_courses_last() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let rows = vec![
            class(1, "OLD", Kind::Cm, 8, 2),
            class(2, "LATE", Kind::Cm, 40, 2),
            class(3, "SOON", Kind::Tp, 14, 3),
        ];
        let codes: Vec<String> = of_classes(rows, now).into_iter().map(|c| c.code).collect();
        assert_eq!(codes, ["SOON", "LATE", "OLD"]);
    }
}
