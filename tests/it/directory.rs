//! The staff directory: teachers and staff find each other by name, service or campus; students
//! do not reach it; unlisted people and personal data never show; searches are counted.

use serde_json::Value;

use crate::common::{
    problem,
    session::{app, app_with},
};

fn names(page: &Value) -> Vec<String> {
    page["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["given_name"].as_str().unwrap(),
                p["family_name"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_finds_colleagues_and_a_student_finds_no_directory() {
    let app = app().await;
    let teacher = app.sign_in("t1001").await;

    let page = teacher.get_ok("/api/directory?q=PETIT").await;
    assert_eq!(names(&page), ["Isabelle Petit"]);
    let card = &page["people"][0];
    assert_eq!(card["title"], "Maîtresse de conférences");
    assert_eq!(card["service"], "Département informatique");
    assert_eq!(card["campus"], "Campus Grandmont");
    assert_eq!(card["office"], "Bâtiment E, bureau 204");
    assert_eq!(card["professional_phone"], "+33247367001");
    assert_eq!(card["email"], "isabelle.petit@univ-tours.fr");
    for personal in ["birth_date", "number", "mobile_phone", "personal_email"] {
        assert!(card.get(personal).is_none(), "{personal} shown");
    }
    // Accents and case aside; given and family names together.
    assert_eq!(
        names(&teacher.get_ok("/api/directory?q=helene").await),
        ["Hélène Nicolas"]
    );
    assert_eq!(
        names(&teacher.get_ok("/api/directory?q=nathalie%20chev").await),
        ["Nathalie Chevalier"]
    );
    // By service and by campus; the unlisted (Antoine Roussel) never, students never.
    let law = teacher
        .get_ok("/api/directory?service=Facult%C3%A9%20de%20droit")
        .await;
    assert_eq!(names(&law), ["Sophie Leroy", "Hélène Nicolas"]);
    let tanneurs = teacher.get_ok("/api/directory?campus=tanneurs").await;
    assert_eq!(
        names(&tanneurs),
        ["Sophie Leroy", "Hélène Nicolas", "Olivier Perrin"]
    );
    let everyone = teacher.get_ok("/api/directory").await;
    assert_eq!(everyone["people"].as_array().unwrap().len(), 7);
    assert!(everyone["next"].is_null());
    assert!(
        teacher.get_ok("/api/directory?q=roussel").await["people"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        teacher.get_ok("/api/directory?q=martin").await["people"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let services = teacher.get_ok("/api/directory/services").await;
    assert!(
        services
            .as_array()
            .unwrap()
            .contains(&Value::from("Scolarité centrale"))
    );
    assert!(
        !services.to_string().contains("histoire"),
        "an unlisted person's service: {services}"
    );

    let id = card["id"].as_str().unwrap().to_string();
    assert_eq!(
        teacher.get_ok(&format!("/api/directory/{id}")).await["family_name"],
        "Petit"
    );
    let student = app.sign_in("25000002").await;
    let lucas = student.get_ok("/api/session").await["person_id"]
        .as_str()
        .unwrap()
        .to_string();
    problem(
        teacher.get(&format!("/api/directory/{lucas}")).await,
        404,
        "not-found",
    )
    .await;
    problem(
        student.get("/api/directory?q=petit").await,
        404,
        "not-found",
    )
    .await;
    problem(
        student.get(&format!("/api/directory/{id}")).await,
        404,
        "not-found",
    )
    .await;

    problem(
        teacher.get("/api/directory?q=p").await,
        400,
        "search-too-short",
    )
    .await;
    problem(
        teacher.get("/api/directory?cursor=nope").await,
        400,
        "invalid-cursor",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_pages_and_cannot_be_scraped() {
    let app = app_with(|c| c.directory.per_person_per_hour = 4).await;
    let staff = app.sign_in("p2001").await;
    let first = staff.get_ok("/api/directory?campus=grandmont").await;
    assert_eq!(
        names(&first),
        [
            "Nathalie Chevalier",
            "Marc Durand",
            "Sylvie Fontaine",
            "Isabelle Petit"
        ]
    );
    let mut seen = Vec::new();
    let mut path = "/api/directory?campus=tanneurs&limit=2".to_string();
    loop {
        let page = staff.get_ok(&path).await;
        seen.extend(names(&page));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/directory?campus=tanneurs&limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["Sophie Leroy", "Hélène Nicolas", "Olivier Perrin"]);
    // A last page that is full says so: no cursor to an empty page.
    let all = staff.get_ok("/api/directory?campus=tanneurs&limit=3").await;
    assert!(all["next"].is_null(), "{all}");
    problem(
        staff.get("/api/directory?q=du").await,
        429,
        "too-many-requests",
    )
    .await;
}
