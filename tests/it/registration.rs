//! Registration and re-registration: the registrar's file imported line by line, what is due
//! shown to the student and pushed, the certificate of enrolment and the page that confirms it.

use chrono::Duration;
use serde_json::Value;

use crate::common::session::{app, pushes_to, subscribe};
use ent::clock::Clock;
use ent::registration::import::{self, ImportError, Settings};

fn settings(app: &crate::common::TestApp) -> Settings<'_> {
    Settings {
        tz: app.db.config.university.time_zone.tz(),
        reminder_days: &app.db.config.registration.reminder_days,
        skip_invalid: false,
    }
}

async fn import(app: &crate::common::TestApp, csv: &str) -> Result<import::Report, ImportError> {
    let mut conn = app.db.conn().await;
    let checked = import::read(csv.as_bytes())?;
    import::write(
        &mut conn,
        checked,
        &settings(app),
        app.clock.now(),
        &|_, _| (),
    )
    .await
}

const HEADER: &str = "number;academic_year;program;administrative;pedagogical;cvec;missing_documents;opens_on;closes_on\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_student_sees_the_re_registration_due_and_gets_a_certificate_anyone_can_check() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let mine = lucas.get_ok("/api/me/registrations").await;
    let [next, this]: [Value; 2] = mine["registrations"]
        .as_array()
        .unwrap()
        .clone()
        .try_into()
        .unwrap();
    assert_eq!(next["administrative"], "not_started");
    assert_eq!(next["due"], true);
    assert_eq!(next["certificate"], false);
    assert!(next["closes_on"].is_string());
    assert_eq!(this["administrative"], "complete");
    assert_eq!(this["certificate"], true);
    assert_eq!(this["program"], "Licence 1 Informatique");

    let year = this["academic_year"].as_str().unwrap();
    let resp = lucas
        .get(&format!("/api/me/registrations/{year}/certificate"))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let pdf = resp.bytes().await.unwrap();
    // Read back by a PDF library: what a landlord's viewer shows.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let text = doc.extract_text(&[1]).unwrap();
    for expected in [
        "CERTIFICAT DE SCOLARITÉ",
        "Lucas MARTIN",
        "Licence 1 Informatique",
        year,
        "25000002",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    let code = text
        .split("Code de vérification : ")
        .nth(1)
        .unwrap()
        .chars()
        .take(19)
        .collect::<String>();

    // The page confirms it to anyone, typed loosely; an unknown code is said to be unknown.
    let page = app
        .get(&format!("/verify/{}", code.to_lowercase().replace('-', "")))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Certificat de scolarité authentique"),
        "{html}"
    );
    assert!(html.contains("Lucas Martin") && html.contains(year));
    assert!(!html.contains("2006"), "no birth date on the page");
    assert_eq!(app.get("/verify/AAAA-BBBB-CCCC-DDDD").await.status(), 404);

    // Next year's, not complete, has no certificate; nor has anyone else's.
    let next_year = next["academic_year"].as_str().unwrap();
    let none = lucas
        .get(&format!("/api/me/registrations/{next_year}/certificate"))
        .await;
    assert_eq!(none.status(), 404);
    let teacher = app.sign_in("t1001").await;
    let theirs = teacher
        .get(&format!("/api/me/registrations/{year}/certificate"))
        .await;
    assert_eq!(theirs.status(), 404);

    // The registrar withdraws it: the page says so.
    let csv = format!("{HEADER}25000002;{year};Licence 1 Informatique;in_progress;;oui;;;\n");
    import(&app, &csv).await.unwrap();
    let html = app
        .get(&format!("/verify/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("n’est plus valable"), "{html}");

    // The secretariat sees the registrations in the person's record.
    let staff = app.sign_in("p2001").await;
    let person = lucas.get_ok("/api/session").await["person_id"].clone();
    let detail = staff
        .get_ok(&format!(
            "/api/secretariat/people/{}",
            person.as_str().unwrap()
        ))
        .await;
    assert_eq!(detail["registrations"][1]["administrative"], "in_progress");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_names_every_bad_line_and_imports_nothing() {
    let app = app().await;
    let csv = format!(
        "{HEADER}\
         25000002;2030-2031;Licence;complete;;yes;;;\n\
         25000003;2030-2032;Licence;complete;;yes;;;\n\
         99999999;2030-2031;Licence;complete;;yes;;;\n\
         25000004;2030-2031;Licence;perhaps;;maybe;;2030-07-20;2030-07-01\n\
         25000002;2030-2031;Licence;complete;;yes;;;\n"
    );
    let Err(ImportError::Invalid(errors)) = import(&app, &csv).await else {
        panic!("imported");
    };
    let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "line 3: academic_year: «2030-2032» is not an academic year (2026-2027)",
            "line 4: number: nobody numbered 99999999 (import people first)",
            "line 5: administrative: «perhaps» is not a status (not_started, in_progress, awaiting_documents, awaiting_payment, complete)",
            "line 5: cvec: «maybe» is not yes or no",
            "line 5: closes_on: before opens_on",
            "line 6: number: 25000002 2030-2031 already appears on line 2",
        ]
    );
    let lucas = app.sign_in("25000002").await;
    let mine = lucas.get_ok("/api/me/registrations").await;
    assert_eq!(
        mine["registrations"].as_array().unwrap().len(),
        2,
        "nothing written"
    );
    let Err(ImportError::Unreadable(why)) = import(&app, "number;year\n1;2\n").await else {
        panic!("read");
    };
    assert!(why.contains("unknown column «year»"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_and_windows_are_pushed_once_in_the_registration_category() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    subscribe(&app, &lucas, "lucas").await;
    let today = app.clock.now().date_naive();
    let day = |n: i64| (today + Duration::days(n)).format("%d/%m/%Y").to_string();
    // A window opening in 3 days, closing in 13; a document missing.
    let csv = format!(
        "{HEADER}25000002;2030-2031;Licence 1 Informatique;Pièces manquantes;;non;Photo d’identité;{};{}\n",
        day(3),
        day(13)
    );
    let report = import(&app, &csv).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (1, 0, 0)
    );
    let again = import(&app, &csv).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
    let pushes = pushes_to(&app, "lucas").await;
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(pushes[0]["category"], "registration");
    assert_eq!(
        pushes[0]["body"],
        "Pour votre inscription 2030-2031, il manque : Photo d’identité."
    );
    assert_eq!(pushes[0]["url"], "/registration");

    let mut conn = app.db.conn().await;
    let (tz, days) = (
        settings(&app).tz,
        app.db.config.registration.reminder_days.clone(),
    );
    let remind = async |conn: &mut _| {
        ent::registration::notices::remind_due(conn, tz, &days, app.clock.now())
            .await
            .unwrap()
    };
    assert_eq!(remind(&mut conn).await, 0, "not open yet");
    app.clock.advance(Duration::days(3));
    assert_eq!(remind(&mut conn).await, 1, "opens");
    assert_eq!(remind(&mut conn).await, 0, "once");
    let body = pushes_to(&app, "lucas").await[1]["body"].clone();
    assert!(
        body.as_str()
            .unwrap()
            .starts_with("Votre réinscription 2030-2031 est ouverte jusqu’au "),
        "{body}"
    );
    app.clock.advance(Duration::days(2));
    assert_eq!(remind(&mut conn).await, 0, "8 days left: nothing yet");
    app.clock.advance(Duration::days(2));
    assert_eq!(remind(&mut conn).await, 1, "a week before");
    assert_eq!(remind(&mut conn).await, 0);
    app.clock.advance(Duration::days(5));
    assert_eq!(remind(&mut conn).await, 1, "the day before");
    let last = pushes_to(&app, "lucas").await.pop().unwrap();
    assert_eq!(
        last["title"],
        "Plus qu’un jour pour votre inscription 2030-2031"
    );

    // Complete: pushed, with the certificate; nothing more is reminded.
    let complete = csv
        .replace("Pièces manquantes", "complète")
        .replace("Photo d’identité", "");
    import(&app, &complete).await.unwrap();
    let last = pushes_to(&app, "lucas").await.pop().unwrap();
    assert_eq!(last["title"], "Inscription 2030-2031 complète");
    app.clock.advance(Duration::days(1));
    assert_eq!(remind(&mut conn).await, 0);
}
