//! News against a real server on the demo university: who sees what (audiences), scheduling and
//! expiry with the test clock, pinned first, keyset pages that stay put while items arrive,
//! unread markers, the public feed, the publishing permission, and urgent items pushed once.

use crate::common;

use chrono::Duration;
use common::{
    TestApp, problem,
    session::{Signed, app, call, ok_json, pushes_to, subscribe},
};
use ent::{clock::Clock, news::announce::announce_due};
use reqwest::Method;
use serde_json::{Value, json};

/// Publishes an item for `audience` (`extra` fields added); returns its id.
async fn publish(staff: &Signed, title: &str, audience: Value, extra: Value) -> i64 {
    let mut body = json!({"title": title, "body": "Texte **important**.", "audience": audience});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let item = staff.post_ok("/api/news", body).await;
    item["id"].as_i64().unwrap()
}

fn everyone() -> Value {
    json!({"everyone": true})
}

/// The titles of a feed's first page.
async fn titles(app: &TestApp, path: &str, who: Option<&Signed>) -> Vec<String> {
    let page = ok_json(call(app, Method::GET, path, None, who).await).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_sees_the_items_of_their_audience_in_their_time() {
    let app = app().await;
    let staff = app.sign_in("p2001").await;
    let now = app.clock.now();
    let campus = |c: &str| json!({"everyone": false, "campuses": [c]});
    let items = [
        ("Pour tous", everyone(), json!({})),
        ("Grandmont", campus("grandmont"), json!({})),
        ("Tanneurs", campus("tanneurs"), json!({})),
        (
            "Enseignants",
            json!({"everyone": false, "roles": ["teacher"]}),
            json!({}),
        ),
        (
            "TD2 de Grandmont",
            json!({"everyone": false, "campuses": ["grandmont"], "groups": ["L1-INFO-TD2"]}),
            json!({}),
        ),
        (
            "Plus tard",
            everyone(),
            json!({"publish_at": now + Duration::hours(1)}),
        ),
        (
            "Bientôt fini",
            everyone(),
            json!({"expires_at": now + Duration::minutes(30)}),
        ),
        (
            "Épinglé",
            everyone(),
            json!({"pinned": true, "publish_at": now - Duration::days(3)}),
        ),
    ];
    for (title, audience, extra) in items {
        publish(&staff, title, audience, extra).await;
    }

    let lucas = app.sign_in("25000002").await;
    assert_eq!(
        titles(&app, "/api/me/news", Some(&lucas)).await,
        [
            "Épinglé",
            "Bientôt fini",
            "TD2 de Grandmont",
            "Grandmont",
            "Pour tous"
        ]
    );
    let petit = app.sign_in("t1001").await;
    assert_eq!(
        titles(&app, "/api/me/news", Some(&petit)).await,
        [
            "Épinglé",
            "Bientôt fini",
            "TD2 de Grandmont",
            "Enseignants",
            "Grandmont",
            "Pour tous"
        ]
    );
    // Before login: what is for everyone only.
    assert_eq!(
        titles(&app, "/api/news/public", None).await,
        ["Épinglé", "Bientôt fini", "Pour tous"]
    );

    app.clock.advance(Duration::minutes(61));
    let lucas = app.sign_in("25000002").await;
    assert_eq!(
        titles(&app, "/api/me/news", Some(&lucas)).await,
        [
            "Épinglé",
            "Plus tard",
            "TD2 de Grandmont",
            "Grandmont",
            "Pour tous"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_stay_put_while_items_arrive_and_reads_are_marked() {
    let app = app().await;
    let staff = app.sign_in("p2001").await;
    let start = app.clock.now();
    for i in 0..25 {
        let at = start - Duration::minutes(100 - i);
        publish(
            &staff,
            &format!("Item {i}"),
            everyone(),
            json!({"publish_at": at}),
        )
        .await;
    }
    let lucas = app.sign_in("25000002").await;
    let first = lucas.get_ok("/api/me/news").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["items"][0]["title"], "Item 24");
    for i in 0..3 {
        publish(&staff, &format!("Nouveau {i}"), everyone(), json!({})).await;
    }
    let cursor = first["next_cursor"].as_str().unwrap();
    let path = format!("/api/me/news?cursor={cursor}");
    assert_eq!(
        titles(&app, &path, Some(&lucas)).await,
        ["Item 4", "Item 3", "Item 2", "Item 1", "Item 0"]
    );
    problem(
        call(
            &app,
            Method::GET,
            "/api/me/news?cursor=nonsense",
            None,
            Some(&lucas),
        )
        .await,
        400,
        "invalid-cursor",
    )
    .await;

    let id = first["items"][0]["id"].as_i64().unwrap();
    assert_eq!(first["items"][0]["read"], false);
    let read = call(
        &app,
        Method::POST,
        &format!("/api/me/news/{id}/read"),
        None,
        Some(&lucas),
    )
    .await;
    assert_eq!(read.status(), 204);
    let again = lucas.get_ok("/api/me/news").await;
    let item = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap();
    assert_eq!(item["read"], true);
    let one = format!("/api/me/news/{id}");
    let alone = lucas.get_ok(&one).await;
    assert_eq!(
        (alone["id"].as_i64(), &alone["read"]),
        (Some(id), &json!(true))
    );

    // Someone else's item: as if it did not exist.
    let theirs = publish(
        &staff,
        "Tanneurs",
        json!({"everyone": false, "campuses": ["tanneurs"]}),
        json!({}),
    )
    .await;
    let resp = call(
        &app,
        Method::POST,
        &format!("/api/me/news/{theirs}/read"),
        None,
        Some(&lucas),
    )
    .await;
    problem(resp, 404, "not-found").await;
    let path = format!("/api/me/news/{theirs}");
    problem(lucas.get(&path).await, 404, "not-found").await;

    // Edited: the same item, rewritten.
    let edit = json!({"title": "Item 24 (corrigé)", "body": "x", "audience": {"everyone": true}, "publish_at": start - Duration::minutes(76)});
    let path = format!("/api/news/{id}");
    let edited = ok_json(staff.send(Method::PUT, &path, Some(edit.clone())).await).await;
    assert_eq!(
        (edited["id"].as_i64(), edited["state"].as_str()),
        (Some(id), Some("published"))
    );
    assert!(
        titles(&app, "/api/news/public", None)
            .await
            .contains(&"Item 24 (corrigé)".to_string())
    );

    // Withdrawn: gone for everyone.
    let resp = call(
        &app,
        Method::DELETE,
        &format!("/api/news/{id}"),
        None,
        Some(&staff),
    )
    .await;
    assert_eq!(resp.status(), 204);
    let public = titles(&app, "/api/news/public", None).await;
    assert!(
        !public.iter().any(|t| t.starts_with("Item 24")),
        "{public:?}"
    );
    let managed = staff.get_ok("/api/news").await;
    let resp = staff.send(Method::PUT, &path, Some(edit)).await;
    problem(resp, 404, "not-found").await;
    let states: Vec<&str> = managed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"withdrawn") && states.contains(&"published"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_publishers_write_and_bad_items_are_refused() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let item = json!({"title": "Piratage", "body": "x", "audience": {"everyone": true}});
    for who in [&lucas, &app.sign_in("t1001").await] {
        problem(
            call(
                &app,
                Method::POST,
                "/api/news",
                Some(item.clone()),
                Some(who),
            )
            .await,
            404,
            "not-found",
        )
        .await;
        problem(who.get("/api/news").await, 404, "not-found").await;
    }
    let staff = app.sign_in("p2001").await;
    let now = app.clock.now();
    let bad = [
        json!({"title": "  ", "body": "x", "audience": {"everyone": true}}),
        json!({"title": "Lien", "body": "x", "link_url": "javascript:alert(1)", "audience": {"everyone": true}}),
        json!({"title": "Personne", "body": "x", "audience": {"everyone": false}}),
        json!({"title": "Campus", "body": "x", "audience": {"everyone": false, "campuses": ["mars"]}}),
        json!({"title": "Dates", "body": "x", "audience": {"everyone": true}, "publish_at": now, "expires_at": now - Duration::hours(1)}),
    ];
    for body in bad {
        problem(staff.post("/api/news", body).await, 400, "invalid-news").await;
    }
    let script = "<script>alert(1)</script>";
    publish(&staff, script, everyone(), json!({})).await;
    // Stored as given (the PWA shows it as text).
    assert_eq!(titles(&app, "/api/news/public", None).await, [script]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_items_are_pushed_to_their_audience_once_when_published() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    subscribe(&app, &lucas, "lucas").await;
    let petit = app.sign_in("t1001").await;
    subscribe(&app, &petit, "petit").await;
    let staff = app.sign_in("p2001").await;
    let now = app.clock.now();
    let students = json!({"everyone": false, "roles": ["student"]});
    let closed = publish(
        &staff,
        "Campus fermé",
        students.clone(),
        json!({"urgent": true}),
    )
    .await;
    let pushes = pushes_to(&app, "lucas").await;
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0]["category"], "news");
    assert_eq!(pushes[0]["title"], "Urgent — Campus fermé");
    assert_eq!(pushes[0]["body"], "Texte important.");
    assert_eq!(pushes[0]["url"], format!("/news/{closed}"));
    assert_eq!(
        pushes_to(&app, "petit").await.len(),
        0,
        "not in the audience"
    );

    let later = json!({"urgent": true, "publish_at": now + Duration::hours(1)});
    publish(&staff, "Examen déplacé", students, later).await;
    let mut conn = app.db.conn().await;
    let tz = app.db.config.university.time_zone.tz();
    assert_eq!(
        announce_due(&mut conn, tz, app.clock.now()).await.unwrap(),
        0
    );
    assert_eq!(pushes_to(&app, "lucas").await.len(), 1);
    app.clock.advance(Duration::minutes(61));
    assert_eq!(
        announce_due(&mut conn, tz, app.clock.now()).await.unwrap(),
        1
    );
    assert_eq!(
        announce_due(&mut conn, tz, app.clock.now()).await.unwrap(),
        0
    );
    let pushes = pushes_to(&app, "lucas").await;
    assert_eq!(pushes.len(), 2);
    assert_eq!(pushes[1]["title"], "Urgent — Examen déplacé");
}
