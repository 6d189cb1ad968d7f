//! The digital student card: a QR token signed with Ed25519 that the verification page accepts
//! while fresh, that a desk can check offline with the published key, and that nobody without
//! a complete registration this year gets.

use aws_lc_rs::signature::{ED25519, UnparsedPublicKey};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration;

use crate::common::{problem, session::app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_card_is_valid_a_stale_or_forged_one_is_not() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let card = lucas.get_ok("/api/me/card").await;
    assert_eq!(card["family_name"], "Martin");
    assert_eq!(card["number"], "25000002");
    assert_eq!(card["program"], "Licence 1 Informatique");
    let qr = card["qr"].as_str().unwrap();
    let path = &qr[qr.find("/verify/card/").unwrap()..];
    let token = path.trim_start_matches("/verify/card/");

    let page = app.get(path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Carte d’étudiant valide") && html.contains("Lucas Martin"),
        "{html}"
    );
    assert!(!html.contains("25000002"), "name and validity only");

    // Offline at a desk: the JWK set's key verifies the signature, without the service.
    let keys = app
        .get("/api/card/keys")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let x = URL_SAFE_NO_PAD
        .decode(keys["keys"][0]["x"].as_str().unwrap())
        .unwrap();
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    UnparsedPublicKey::new(&ED25519, &x)
        .verify(signed.as_bytes(), &signature)
        .expect("signed by the published key");
    let claims: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signed.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["name"], "Lucas Martin");

    // A name changed in the token breaks its signature; a screenshot expires.
    let mut other = claims.clone();
    other["name"] = "Someone Else".into();
    let forged_claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap());
    let header = signed.split('.').next().unwrap();
    let forged = format!(
        "/verify/card/{header}.{forged_claims}.{}",
        URL_SAFE_NO_PAD.encode(&signature)
    );
    let html = app.get(&forged).await.text().await.unwrap();
    assert!(html.contains("n’a pas été délivré"), "{html}");
    app.clock.advance(Duration::minutes(6));
    let stale = app.get(path).await;
    assert_eq!(stale.status(), 404);
    assert!(stale.text().await.unwrap().contains("capture d’écran"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_card_without_a_complete_registration_this_year() {
    let app = app().await;
    let teacher = app.sign_in("t1001").await;
    problem(teacher.get("/api/me/card").await, 404, "no-student-card").await;
    let lucas = app.sign_in("25000002").await;
    let year = lucas.get_ok("/api/me/card").await["academic_year"].clone();
    let mut conn = app.db.conn().await;
    let csv = format!(
        "number,academic_year,program,administrative\n25000002,{},Licence 1 Informatique,awaiting_payment\n",
        year.as_str().unwrap()
    );
    let checked = ent::registration::import::read(csv.as_bytes()).unwrap();
    let settings = ent::registration::import::Settings {
        tz: app.db.config.university.time_zone.tz(),
        reminder_days: &[],
        skip_invalid: false,
    };
    ent::registration::import::write(
        &mut conn,
        checked,
        &settings,
        ent::clock::Clock::now(app.clock.as_ref()),
        &|_, _| (),
    )
    .await
    .unwrap();
    problem(lucas.get("/api/me/card").await, 404, "no-student-card").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_gives_the_card_its_photo_and_only_its_student_sees_it() {
    let app = app().await;
    let secretary = app.sign_in("p2001").await;
    let lucas = app.sign_in("25000002").await;
    let id_of = async |number: &str| {
        secretary
            .get_ok(&format!("/api/secretariat/people?q={number}"))
            .await[0]["person_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let path = format!(
        "/api/secretariat/people/{}/card-photo",
        id_of("25000002").await
    );
    assert_eq!(lucas.get_ok("/api/me/card").await["has_photo"], false);
    problem(lucas.get("/api/me/card/photo").await, 404, "no-card-photo").await;

    // Sniffed, not taken at the uploader's word: text is no JPEG, an icon is too small.
    let photo = include_bytes!("../../pwa/public/icons/icon-192.png");
    let small = include_bytes!("../../pwa/public/icons/badge-72.png");
    for (content_type, bytes) in [
        ("image/jpeg", &b"<script>alert(1)</script>"[..]),
        ("image/png", small),
    ] {
        let refused = secretary.put_file(&path, content_type, bytes).await;
        problem(refused, 400, "card-photo-invalid").await;
    }
    // Said to be a JPEG, kept and served as the PNG it is.
    let set = secretary.put_file(&path, "image/jpeg", photo).await;
    assert_eq!(set.status(), 204);
    assert_eq!(lucas.get_ok("/api/me/card").await["has_photo"], true);
    let mine = lucas.get("/api/me/card/photo").await;
    assert_eq!(mine.status(), 200);
    assert_eq!(mine.headers()["content-type"], "image/png");
    assert_eq!(mine.bytes().await.unwrap().as_ref(), photo);

    // Nobody else's business: a student cannot upload, a teacher has no card photo to get.
    let refused = lucas.put_file(&path, "image/png", photo).await;
    assert_eq!(refused.status(), 404);
    let teacher = app.sign_in("t1001").await;
    problem(
        teacher.get("/api/me/card/photo").await,
        404,
        "no-card-photo",
    )
    .await;
    let teachers_card = format!(
        "/api/secretariat/people/{}/card-photo",
        id_of("T1001").await
    );
    let refused = secretary.put_file(&teachers_card, "image/png", photo).await;
    problem(refused, 409, "card-photo-not-a-student").await;

    // Removed, audited both times with the member of staff.
    assert_eq!(secretary.delete(&path).await.status(), 204);
    assert_eq!(secretary.delete(&path).await.status(), 204);
    problem(lucas.get("/api/me/card/photo").await, 404, "no-card-photo").await;
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    use ent::db::schema::security_events as ev;
    let audited: Vec<(Option<String>, Option<uuid::Uuid>)> = ev::table
        .filter(ev::kind.eq("card_photo_changed"))
        .order(ev::id)
        .select((ev::detail, ev::actor_id))
        .load(&mut app.db.conn().await)
        .await
        .unwrap();
    let staff = uuid::Uuid::parse_str(&id_of("P2001").await).unwrap();
    assert_eq!(
        audited,
        [
            (Some("set".to_string()), Some(staff)),
            (Some("removed".to_string()), Some(staff))
        ]
    );
}
