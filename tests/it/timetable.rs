//! The timetable against a real server, PostgreSQL and Redis, on the demo university: ADE
//! re-exports (the demo's exports, changed as ADE would change them) compared by UID, one
//! notification per person, the caller's week, staff edits, the calendar feed (parsed by an
//! iCalendar library), scheduled pulls from an HTTP server, and bad files that change nothing.
//! The test clock says Monday 30 November 2026, 08:45 in Tours.

use crate::common;

use std::sync::{
    Arc,
    atomic::{AtomicU16, Ordering},
};

use chrono::Duration;
use common::{
    TestApp, problem,
    session::{Signed, app, call, ok_json, pushes_to, subscribe},
};
use ent::{
    clock::Clock,
    demo::timetable::export_of,
    server,
    timetable::{
        import::{self, ImportError, Report, Settings},
        pull::Puller,
    },
};
use icalendar::{Calendar, CalendarComponent, Component, EventLike, EventStatus};
use poem::{
    EndpointExt, Route, Server, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    web::Data,
};
use reqwest::Method;
use serde_json::{Value, json};

const TD2: &str = "L1-INFO-TD2";
/// Tuesday 1 December, 10:15: Algorithmique TD, room B206 (Petit).
const TUESDAY_TD: &str = "DEMO-L1-INFO-TD2-20261201-10";
/// Thursday 3 December, 09:00: Programmation TP, room E014 (Durand).
const THURSDAY_TP: &str = "DEMO-L1-INFO-TD2-20261203-09";
const NEXT_TUESDAY_TD: &str = "DEMO-L1-INFO-TD2-20261208-10";
const NEXT_THURSDAY_TP: &str = "DEMO-L1-INFO-TD2-20261210-09";
const MARCH_TD: &str = "DEMO-L1-INFO-TD2-20270302-10";

fn settings(app: &TestApp) -> Settings {
    Settings::of(&app.db.config)
}

async fn import(app: &TestApp, group: &str, ics: &str) -> Result<Report, ImportError> {
    let mut conn = app.db.conn().await;
    let redis = ent::redis::Redis::new(&app.db.config.redis).unwrap();
    import::import(
        &mut conn,
        &redis,
        settings(app),
        group,
        ics.as_bytes(),
        app.clock.now(),
    )
    .await
}

fn demo_export(app: &TestApp, group: &str) -> String {
    export_of(group, settings(app).tz, app.clock.now()).expect("a demo group")
}

/// `ics` with the event `uid`'s lines changed by `edit` (`None` removes the event).
fn edit_event(ics: &str, uid: &str, edit: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for (i, block) in ics.split("BEGIN:VEVENT").enumerate() {
        if i > 0 && block.contains(&format!("UID:{uid}\r\n")) {
            let (event, rest) = block.split_once("END:VEVENT").expect("an event ends");
            if let Some(changed) = edit(event) {
                out.push_str("BEGIN:VEVENT");
                out.push_str(&changed);
                out.push_str("END:VEVENT");
            }
            out.push_str(rest);
        } else {
            if i > 0 {
                out.push_str("BEGIN:VEVENT");
            }
            out.push_str(block);
        }
    }
    out
}

/// What ADE does every time: new stamps and a new footer, nothing else.
fn re_exported(ics: &str) -> String {
    ics.replace(
        "(Exporté le:01/09/2026 08:00)",
        "(Exporté le:30/11/2026 06:12)",
    )
    .replace("DTSTAMP:20260901T000000Z", "DTSTAMP:20261130T061200Z")
}

/// The demo's TD2 export as ADE re-exports it after the secretariat's changes: a room change
/// and a move this week, a class gone and one cancelled next week, a room change in March.
fn changed_td2(app: &TestApp) -> String {
    let ics = re_exported(&demo_export(app, TD2));
    let ics = edit_event(&ics, TUESDAY_TD, |e| {
        Some(e.replace("LOCATION:B206", "LOCATION:A110"))
    });
    let ics = edit_event(&ics, THURSDAY_TP, |e| {
        Some(
            e.replace("T090000", "T140000")
                .replace("T120000", "T170000"),
        )
    });
    let ics = edit_event(&ics, NEXT_TUESDAY_TD, |_| None);
    let ics = edit_event(&ics, NEXT_THURSDAY_TP, |e| {
        Some(format!("{e}STATUS:CANCELLED\r\n"))
    });
    edit_event(&ics, MARCH_TD, |e| {
        Some(e.replace("LOCATION:B206", "LOCATION:C001"))
    })
}

async fn week(who: &Signed, from: &str, to: &str) -> Value {
    let path = format!("/api/me/timetable?from={from}&to={to}");
    who.get_ok(&path).await
}

fn event<'a>(week: &'a Value, starts_at: &str) -> &'a Value {
    week["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["starts_at"].as_str().unwrap().starts_with(starts_at))
        .unwrap_or_else(|| panic!("no class at {starts_at} in {week}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_export_with_new_stamps_changes_nothing_and_tells_no_one() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    subscribe(&app, &lucas, "lucas").await;
    let report = import(&app, TD2, &re_exported(&demo_export(&app, TD2)))
        .await
        .unwrap();
    assert!(report.events > 50);
    assert_eq!(
        report,
        Report {
            events: report.events,
            unchanged: report.events,
            ..Report::default()
        }
    );
    assert_eq!(pushes_to(&app, "lucas").await, Vec::<Value>::new());
    let this_week = week(&lucas, "2026-11-30", "2026-12-06").await;
    let events = this_week["events"].as_array().unwrap();
    // Three lectures of L1-INFO and two classes of TD2; nothing is marked as changed.
    assert_eq!(events.len(), 5, "{this_week}");
    assert!(events.iter().all(|e| e["change"].is_null()));
    assert_eq!(this_week["time_zone"], "Europe/Paris");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_found_by_uid_and_each_person_is_told_once() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    subscribe(&app, &lucas, "lucas").await;
    let petit = app.sign_in("t1001").await;
    subscribe(&app, &petit, "petit").await;

    let changed = changed_td2(&app);
    let report = import(&app, TD2, &changed).await.unwrap();
    assert_eq!(
        (report.added, report.changed, report.cancelled),
        (0, 3, 2),
        "{report}"
    );
    // Six students of TD2 and its two teachers; March is too far ahead to tell anyone.
    assert_eq!(report.notified, 8);

    let pushes = pushes_to(&app, "lucas").await;
    assert_eq!(
        pushes.len(),
        1,
        "one notification for all the changes: {pushes:?}"
    );
    let push = &pushes[0];
    assert_eq!(push["category"], "timetable");
    assert_eq!(push["title"], "Emploi du temps modifié");
    assert_eq!(push["url"], "/timetable?day=2026-12-01");
    let body: Vec<&str> = push["body"].as_str().unwrap().lines().collect();
    assert_eq!(
        body,
        [
            "Mar. 1 déc. 10:15 — Algorithmique : salle B206 → A110",
            "Jeu. 3 déc. 09:00 — Programmation : déplacé à 14:00",
            "Mar. 8 déc. 10:15 — Algorithmique : annulé",
            "… et 1 autre(s) changement(s)",
        ]
    );
    // Isabelle Petit teaches the Tuesday classes only.
    let petit_pushes = pushes_to(&app, "petit").await;
    assert_eq!(petit_pushes.len(), 1);
    assert_eq!(petit_pushes[0]["body"].as_str().unwrap().lines().count(), 2);

    let this_week = week(&lucas, "2026-11-30", "2026-12-06").await;
    assert_eq!(this_week["events"].as_array().unwrap().len(), 5);
    let tuesday = event(&this_week, "2026-12-01T09:15");
    assert_eq!(tuesday["rooms"], json!(["A110"]));
    assert_eq!(tuesday["change"]["changes"], json!(["room"]));
    assert_eq!(tuesday["change"]["previous_rooms"], json!(["B206"]));
    let thursday = event(&this_week, "2026-12-03T13:00");
    assert_eq!(thursday["change"]["changes"], json!(["time"]));
    assert_eq!(
        thursday["change"]["previous_starts_at"],
        "2026-12-03T08:00:00+00:00"
    );
    assert_eq!(thursday["teachers"], json!(["DURAND Marc"]));

    // Cancelled classes stay, once each, marked.
    let next_week = week(&lucas, "2026-12-07", "2026-12-13").await;
    assert_eq!(next_week["events"].as_array().unwrap().len(), 5);
    for start in ["2026-12-08T09:15", "2026-12-10T08:00"] {
        let class = event(&next_week, start);
        assert_eq!(class["status"], "cancelled");
        assert_eq!(class["change"]["changes"], json!(["cancelled"]));
    }

    // The same export again: nothing changes, no one is told again.
    let again = import(&app, TD2, &re_exported(&changed)).await.unwrap();
    assert_eq!(again.unchanged, again.events);
    assert_eq!(again.notified, 0);
    assert_eq!(pushes_to(&app, "lucas").await.len(), 1);

    // The original export brings the classes back.
    let restored = import(&app, TD2, &demo_export(&app, TD2)).await.unwrap();
    assert_eq!((restored.changed, restored.added), (5, 0), "{restored}");
    let next_week = week(&lucas, "2026-12-07", "2026-12-13").await;
    for start in ["2026-12-08T09:15", "2026-12-10T08:00"] {
        let class = event(&next_week, start);
        assert_eq!(class["status"], "scheduled");
        assert_eq!(class["change"]["changes"], json!(["restored"]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_week_answers_304_until_it_changes_and_refuses_odd_periods() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let first = lucas.get("/api/me/timetable").await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = first.json().await.unwrap();
    // This week by default: Monday to Sunday.
    assert_eq!(
        (body["from"].as_str(), body["to"].as_str()),
        (Some("2026-11-30"), Some("2026-12-06"))
    );
    let again = app
        .http
        .get(app.url("/api/me/timetable"))
        .header("cookie", &lucas.cookie)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    import(&app, TD2, &changed_td2(&app)).await.unwrap();
    let changed = app
        .http
        .get(app.url("/api/me/timetable"))
        .header("cookie", &lucas.cookie)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);

    for period in [
        "from=2026-12-06&to=2026-11-30",
        "from=2026-09-01&to=2027-06-30",
    ] {
        let resp = call(
            &app,
            Method::GET,
            &format!("/api/me/timetable?{period}"),
            None,
            Some(&lucas),
        )
        .await;
        problem(resp, 400, "invalid-period").await;
    }
    let resp = call(
        &app,
        Method::GET,
        "/api/me/timetable?from=yesterday",
        None,
        None,
    )
    .await;
    assert_eq!(resp.status(), 401);
    // A teacher's week is what they teach: Isabelle Petit has 2 lectures, 2 TD.
    let petit = app.sign_in("t1001").await;
    let hers = week(&petit, "2026-11-30", "2026-12-06").await;
    let titles: Vec<&str> = hers["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Algorithmique",
            "Algorithmique",
            "Algorithmique",
            "Programmation"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_move_change_rooms_and_cancel_and_an_unchanged_export_keeps_their_edit() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    subscribe(&app, &lucas, "lucas").await;
    let staff = app.sign_in("p2001").await;
    let this_week = week(&lucas, "2026-11-30", "2026-12-06").await;
    let id = event(&this_week, "2026-12-01T09:15")["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/timetable/events/{id}");

    // Only staff with the timetable permission; everyone else is told it does not exist.
    for who in [&lucas, &app.sign_in("t1001").await] {
        let resp = call(
            &app,
            Method::PATCH,
            &path,
            Some(json!({"rooms": ["Z1"]})),
            Some(who),
        )
        .await;
        problem(resp, 404, "not-found").await;
        let resp = who.get("/api/timetable/groups").await;
        problem(resp, 404, "not-found").await;
    }
    let bad = [
        (json!({}), "nothing-to-change"),
        (json!({"rooms": ["x".repeat(41)]}), "invalid-rooms"),
        (json!({"rooms": [" "]}), "invalid-rooms"),
        (
            json!({"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T11:00:00Z"}),
            "ends-before-start",
        ),
    ];
    for (body, slug) in bad {
        problem(staff.patch(&path, body).await, 400, slug).await;
    }
    let resp = call(
        &app,
        Method::PATCH,
        "/api/timetable/events/999999",
        Some(json!({"cancelled": true})),
        Some(&staff),
    )
    .await;
    problem(resp, 404, "not-found").await;

    let edited = ok_json(
        call(
            &app,
            Method::PATCH,
            &path,
            Some(json!({"starts_at": "2026-12-01T13:00:00Z", "rooms": ["A110"], "reason": "Salle B206 inondée"})),
            Some(&staff),
        )
        .await,
    )
    .await;
    // The length is kept when only the start is given.
    assert_eq!(edited["ends_at"], "2026-12-01T15:00:00+00:00");
    assert_eq!(edited["change"]["changes"], json!(["time", "room"]));
    let pushes = pushes_to(&app, "lucas").await;
    assert_eq!(pushes.len(), 1);
    assert_eq!(
        pushes[0]["body"],
        "Mar. 1 déc. 10:15 — Algorithmique : déplacé à 14:00, salle B206 → A110"
    );
    let seen = week(&lucas, "2026-11-30", "2026-12-06").await;
    assert_eq!(
        event(&seen, "2026-12-01T13:00")["change"]["reason"],
        "Salle B206 inondée"
    );

    // ADE's unchanged export does not undo the edit.
    let report = import(&app, TD2, &re_exported(&demo_export(&app, TD2)))
        .await
        .unwrap();
    assert_eq!(report.unchanged, report.events);
    let seen = week(&lucas, "2026-11-30", "2026-12-06").await;
    assert_eq!(event(&seen, "2026-12-01T13:00")["rooms"], json!(["A110"]));

    let cancelled = ok_json(
        call(
            &app,
            Method::PATCH,
            &path,
            Some(json!({"cancelled": true})),
            Some(&staff),
        )
        .await,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    let groups = ok_json(
        call(
            &app,
            Method::GET,
            "/api/timetable/groups",
            None,
            Some(&staff),
        )
        .await,
    )
    .await;
    assert_eq!(groups.as_array().unwrap().len(), 7);
    let td2 = ok_json(
        call(
            &app,
            Method::GET,
            "/api/timetable/groups/L1-INFO-TD2/events?from=2026-11-30&to=2026-12-06",
            None,
            Some(&staff),
        )
        .await,
    )
    .await;
    assert_eq!(td2["events"].as_array().unwrap().len(), 2);
    let resp = call(
        &app,
        Method::GET,
        "/api/timetable/groups/NOPE/events",
        None,
        Some(&staff),
    )
    .await;
    problem(resp, 404, "not-found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_are_refused_whole_and_the_timetable_stays_as_it_was() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let before = week(&lucas, "2026-11-30", "2026-12-06").await;
    let good = changed_td2(&app);
    let truncated = &good[..good.len() / 2];
    let backwards = edit_event(&good, THURSDAY_TP, |e| {
        Some(e.replace("T170000", "T100000"))
    });
    let cases: [(&str, &str, String); 4] = [
        (TD2, "truncated", truncated.to_string()),
        (TD2, "ends before it starts", backwards),
        ("NO-SUCH-GROUP", "not a known course group", good.clone()),
        (TD2, "empty", String::new()),
    ];
    for (group, what, file) in cases {
        let error = import(&app, group, &file).await.unwrap_err().to_string();
        assert!(error.contains(what), "{what}: {error}");
        assert!(error.ends_with("nothing was imported"), "{error}");
    }
    let error = import(&app, TD2, &good.replace("T170000", "T100000"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(THURSDAY_TP),
        "the UID is named: {error}"
    );
    let huge = "X".repeat(app.db.config.timetable.max_file_bytes + 1);
    assert!(
        import(&app, TD2, &huge)
            .await
            .unwrap_err()
            .to_string()
            .contains("allowed")
    );
    assert_eq!(week(&lucas, "2026-11-30", "2026-12-06").await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_feed_is_a_secret_url_that_calendars_can_read() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let none = ok_json(
        call(
            &app,
            Method::GET,
            "/api/me/calendar-feed",
            None,
            Some(&lucas),
        )
        .await,
    )
    .await;
    assert!(none["url"].is_null());
    let made = renew_feed(&lucas).await;
    let url = made["url"].as_str().unwrap();
    assert!(
        made["webcal_url"]
            .as_str()
            .unwrap()
            .starts_with("webcal://")
    );
    let path = &url[url.find("/api/calendar/").unwrap()..];
    assert_eq!(
        ok_json(
            call(
                &app,
                Method::GET,
                "/api/me/calendar-feed",
                None,
                Some(&lucas)
            )
            .await
        )
        .await["url"],
        url
    );
    import(&app, TD2, &changed_td2(&app)).await.unwrap();

    // No cookie: the URL is the credential.
    let resp = app.get(path).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let calendar: Calendar = resp.text().await.unwrap().parse().expect("RFC 5545");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    // The last month and the next six of Lucas's classes.
    assert!(events.len() > 100, "{}", events.len());
    let cancelled: Vec<&&icalendar::Event> = events
        .iter()
        .filter(|e| e.get_status() == Some(EventStatus::Cancelled))
        .collect();
    assert_eq!(cancelled.len(), 2);
    assert!(
        cancelled
            .iter()
            .all(|e| e.get_summary().unwrap().starts_with("Annulé : "))
    );
    let moved = events
        .iter()
        .find(|e| e.get_summary() == Some("Programmation (TP)") && e.get_location() == Some("E014"))
        .expect("a TP");
    assert!(moved.get_start().is_some() && moved.get_end().is_some());

    // A new URL revokes the old one; forged ones lead nowhere.
    let renewed = renew_feed(&lucas).await;
    assert_ne!(renewed["url"], made["url"]);
    assert_eq!(app.get(path).await.status(), 404);
    let forged = path.replace(&path[path.len() - 8..path.len() - 4], "0000");
    assert_eq!(app.get(&forged).await.status(), 404);
    assert_eq!(app.get("/api/calendar/nonsense.ics").await.status(), 404);
    let renewed_url = renewed["url"].as_str().unwrap();
    let renewed_path = &renewed_url[renewed_url.find("/api/calendar/").unwrap()..];
    assert_eq!(app.get(renewed_path).await.status(), 200);
}

#[handler]
async fn ade(
    Data(status): Data<&Arc<AtomicU16>>,
    Data(body): Data<&Arc<String>>,
) -> poem::Response {
    let code = StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap();
    poem::Response::builder()
        .status(code)
        .body(body.as_str().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_exports_are_pulled_once_per_period_by_one_instance() {
    let status = Arc::new(AtomicU16::new(200));
    let listener = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = listener.local_addr()[0].as_socket_addr().copied().unwrap();
    let mut app = app().await;
    let body = Arc::new(changed_td2(&app));
    let served = Route::new()
        .at("/ade.ics", ade)
        .data(status.clone())
        .data(body);
    tokio::spawn(Server::new_with_acceptor(listener).run(served));
    app.db.config.timetable.sources = vec![ent::config::TimetableSource {
        group: TD2.to_string().try_into().unwrap(),
        url: format!("http://{addr}/ade.ics").try_into().unwrap(),
    }];
    let state = server::state(app.db.config.clone(), app.clock.clone()).unwrap();
    let (one, other) = (Puller::new(&state).unwrap(), Puller::new(&state).unwrap());

    status.store(500, Ordering::SeqCst);
    assert_eq!(one.pull_once().await.unwrap(), 1);
    let lucas = app.sign_in("25000002").await;
    let unchanged = week(&lucas, "2026-11-30", "2026-12-06").await;
    assert!(event(&unchanged, "2026-12-01T09:15")["change"].is_null());
    assert_eq!(
        last_pull_error(&app).await.as_deref(),
        Some("the export answered 500 Internal Server Error")
    );

    status.store(200, Ordering::SeqCst);
    assert_eq!(other.pull_once().await.unwrap(), 0, "claimed for the hour");
    app.clock.advance(Duration::minutes(61));
    assert_eq!(other.pull_once().await.unwrap(), 1);
    assert_eq!(one.pull_once().await.unwrap(), 0);
    assert_eq!(last_pull_error(&app).await, None);
    let lucas = app.sign_in("25000002").await;
    let pulled = week(&lucas, "2026-11-30", "2026-12-06").await;
    assert_eq!(event(&pulled, "2026-12-01T09:15")["rooms"], json!(["A110"]));
}

async fn last_pull_error(app: &TestApp) -> Option<String> {
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    use ent::db::schema::timetable_pulls as pulls;
    let mut conn = app.db.conn().await;
    pulls::table
        .filter(pulls::group_code.eq(TD2))
        .select(pulls::last_error)
        .first(&mut conn)
        .await
        .unwrap()
}

async fn renew_feed(who: &Signed) -> Value {
    ok_json(who.send(Method::POST, "/api/me/calendar-feed", None).await).await
}
