//! `GET /api/me/courses`: « Mes cours » of the signed-in person.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::summary::{self, Summary};
use crate::{
    accounts::{self, store::Person},
    cas::services::through_cas,
    clock::local_midnight,
    errors::{ApiError, ApiResult},
    i18n::Lang,
    messaging::rules::{Target, may_start},
    people::model::PersonId,
    sessions::{Caller, caller},
    state::AppState,
    timetable::{model::Kind, routes::TimetableEvent, store as timetable},
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MyCourses {
    /// The semester covered (the university's local dates, both included).
    pub semester_starts_on: NaiveDate,
    pub semester_ends_on: NaiveDate,
    /// The learning platform's name, when courses link to it.
    pub learning_platform: Option<String>,
    /// The course with the nearest next class first; finished ones last.
    pub courses: Vec<Course>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Course {
    pub code: String,
    pub title: String,
    pub colour: String,
    pub teachers: Vec<CourseTeacher>,
    /// The class under way or the next one (not cancelled); none once the semester's are over.
    pub next: Option<TimetableEvent>,
    /// By kind (CM, TD, TP, exam, other), only those the course has.
    pub hours: Vec<CourseHours>,
    /// The course on the learning platform: through `/cas/login` when the platform signs in
    /// with the ENT.
    pub platform_href: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CourseTeacher {
    pub name: String,
    /// Set for a teacher the timetable links to an account.
    pub person_id: Option<PersonId>,
    /// The caller may write to them (messaging's rules).
    pub may_write: bool,
}

#[derive(Debug, Object)]
pub struct CourseHours {
    pub kind: Kind,
    /// Minutes of classes already over (cancelled ones not counted).
    pub done_minutes: i64,
    pub to_come_minutes: i64,
}

#[derive(Default)]
pub struct CoursesApi;

#[OpenApi(tag = "crate::app::Tag::Timetable")]
impl CoursesApi {
    /// The caller's courses this semester: a student's through their groups, a teacher's from
    /// what they teach.
    #[oai(path = "/me/courses", method = "get", operation_id = "my_courses")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
    ) -> ApiResult<Json<MyCourses>> {
        let mut conn = state.conn().await?;
        let (me, _) = accounts::store::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
        let tz = state.config.university.time_zone.tz();
        let (first, last) = state.config.courses.semester(state.today());
        let rows = timetable::of_person(
            &mut conn,
            me.id,
            local_midnight(first, tz),
            local_midnight(last + Duration::days(1), tz),
        )
        .await?;
        let summaries = summary::of_classes(rows, state.clock.now());
        let ids: Vec<_> = summaries.iter().flat_map(|s| s.events.clone()).collect();
        let teaching = timetable::teaching_people(&mut conn, &ids).await?;
        let mut writable = HashMap::new();
        for &(_, person, _, _) in &teaching {
            if let std::collections::hash_map::Entry::Vacant(e) = writable.entry(person) {
                let target = Target::Person(person);
                let ok = may_start(&mut conn, &state.config.messaging, me.id, me.role, &target)
                    .await
                    .is_ok();
                e.insert(ok);
            }
        }
        let platform = state.config.courses.learning_platform.as_ref();
        let courses = summaries
            .into_iter()
            .map(|s| {
                let href = platform.map(|p| {
                    let url = p.of(&s.code);
                    match state.config.cas.service_for(&url) {
                        Some(_) => through_cas(&url),
                        None => url,
                    }
                });
                let teachers = teachers(&s, &me, &teaching, &writable);
                course(s, teachers, href)
            })
            .collect();
        Ok(Json(MyCourses {
            semester_starts_on: first,
            semester_ends_on: last,
            learning_platform: platform.map(|p| p.label(lang).to_string()),
            courses,
        }))
    }
}

/// The people the timetable links to the course's classes, by family name (the caller left
/// out); the names it gives when it links no one to them.
fn teachers(
    course: &Summary,
    me: &Person,
    teaching: &[(timetable::EventId, PersonId, String, String)],
    writable: &HashMap<PersonId, bool>,
) -> Vec<CourseTeacher> {
    let mut linked: Vec<(&str, &str, PersonId)> = Vec::new();
    for (event, person, given, family) in teaching {
        let counted = linked.iter().any(|(_, _, p)| p == person);
        if course.events.contains(event) && *person != me.id && !counted {
            linked.push((family, given, *person));
        }
    }
    linked.sort();
    if !teaching
        .iter()
        .any(|(event, ..)| course.events.contains(event))
    {
        return course
            .named_teachers
            .iter()
            .map(|name| CourseTeacher {
                name: name.clone(),
                person_id: None,
                may_write: false,
            })
            .collect();
    }
    linked
        .into_iter()
        .map(|(family, given, person)| CourseTeacher {
            name: format!("{given} {family}"),
            person_id: Some(person),
            may_write: writable.get(&person).copied().unwrap_or(false),
        })
        .collect()
}

fn course(s: Summary, teachers: Vec<CourseTeacher>, platform_href: Option<String>) -> Course {
    Course {
        code: s.code,
        title: s.title,
        colour: s.colour,
        teachers,
        next: s.next.map(TimetableEvent::from),
        hours: s
            .hours
            .into_iter()
            .map(|h| CourseHours {
                kind: h.kind,
                done_minutes: h.done,
                to_come_minutes: h.to_come,
            })
            .collect(),
        platform_href,
    }
}
