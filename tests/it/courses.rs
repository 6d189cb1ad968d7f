//! « Mes cours » on the demo university's timetable, which repeats every week from 1 September:
//! on Monday 30 November 2026 at 08:45 (the test clock), in the semester of 1 September to
//! 18 January. The hours expected are counted by hand from the demo's weekly pattern.

use chrono::Duration;
use serde_json::Value;

use crate::common::session::{app, app_with};

fn course<'a>(list: &'a Value, title: &str) -> &'a Value {
    list["courses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no course «{title}» in {list}"))
}

/// (kind, done, to come) in minutes.
fn hours(course: &Value) -> Vec<(String, i64, i64)> {
    course["hours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap().to_string(),
                h["done_minutes"].as_i64().unwrap(),
                h["to_come_minutes"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn names(teachers: &Value) -> Vec<&str> {
    teachers
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_students_courses_count_their_groups_classes_and_name_their_teachers() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let mine = lucas.get_ok("/api/me/courses").await;
    assert_eq!(mine["semester_starts_on"], "2026-09-01");
    assert_eq!(mine["semester_ends_on"], "2027-01-18");
    assert_eq!(mine["learning_platform"], "Plateforme pédagogique");
    let titles: Vec<&str> = mine["courses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    // L1-INFO and L1-INFO-TD2; the lecture under way first, then by next class.
    assert_eq!(
        titles,
        [
            "Algorithmique",
            "Mathématiques discrètes",
            "Programmation",
            "Architecture des ordinateurs"
        ]
    );

    let algo = course(&mine, "Algorithmique");
    // Lectures on the 20 Mondays from 7 September to 18 January, 12 over and today's under way;
    // TD2's tutorials on the 20 Tuesdays from 1 September to 12 January, 13 over. TD1's
    // tutorials (Tuesdays too) are not Lucas's.
    assert_eq!(
        hours(algo),
        [
            ("cm".to_string(), 12 * 120, 8 * 120),
            ("td".to_string(), 13 * 120, 7 * 120)
        ]
    );
    assert_eq!(algo["next"]["starts_at"], "2026-11-30T07:00:00+00:00");
    assert_eq!(algo["next"]["rooms"][0], "Amphi A");
    assert_eq!(names(&algo["teachers"]), ["Isabelle Petit"]);
    assert!(algo["teachers"][0]["person_id"].is_string());
    assert_eq!(
        algo["teachers"][0]["may_write"], true,
        "a teacher of his groups"
    );
    // Through CAS: the test platform belongs to the « demo » service.
    assert_eq!(
        algo["platform_href"],
        "/cas/login?service=http%3A%2F%2F127.0.0.1%3A8000%2Fcourse%2FALGORITHMIQUE"
    );
    assert_eq!(
        hours(course(&mine, "Programmation")),
        [("tp".to_string(), 13 * 180, 7 * 180)]
    );

    // A week later, one more lecture and one more tutorial are over.
    app.clock.advance(Duration::days(7));
    let later = lucas.get_ok("/api/me/courses").await;
    assert_eq!(
        hours(course(&later, "Algorithmique")),
        [
            ("cm".to_string(), 13 * 120, 7 * 120),
            ("td".to_string(), 14 * 120, 6 * 120)
        ]
    );
    assert_eq!(
        course(&later, "Algorithmique")["next"]["starts_at"],
        "2026-12-07T07:00:00+00:00"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_sees_what_they_teach_and_a_plain_platform_link_stays_plain() {
    let app = app_with(|c| {
        c.courses.learning_platform.as_mut().unwrap().url =
            "https://celene.example.fr/course/{code}"
                .to_string()
                .try_into()
                .unwrap();
    })
    .await;
    let petit = app.sign_in("t1001").await;
    let mine = petit.get_ok("/api/me/courses").await;
    let titles: Vec<&str> = mine["courses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Algorithmique", "Programmation"]);
    let algo = course(&mine, "Algorithmique");
    // Her lectures, and the tutorials of both TD groups (08:00 and 10:15 on Tuesdays).
    assert_eq!(
        hours(algo),
        [
            ("cm".to_string(), 12 * 120, 8 * 120),
            ("td".to_string(), 2 * 13 * 120, 2 * 7 * 120)
        ]
    );
    assert_eq!(names(&algo["teachers"]), Vec::<&str>::new(), "not herself");
    // Only her own practicals (TD1's): TD2's are Marc Durand's, and not hers to count.
    let programming = course(&mine, "Programmation");
    assert_eq!(hours(programming), [("tp".to_string(), 13 * 180, 7 * 180)]);
    assert_eq!(
        programming["platform_href"],
        "https://celene.example.fr/course/PROGRAMMATION"
    );

    let staff = app.sign_in("p2001").await;
    let none = staff.get_ok("/api/me/courses").await;
    assert_eq!(none["courses"], serde_json::json!([]));
    assert_eq!(app.get("/api/me/courses").await.status(), 401);
}
