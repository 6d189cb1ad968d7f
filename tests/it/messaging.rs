//! Messaging against a real server on the demo university: who may start which conversation,
//! sending once whatever the retries, bad input, read state and unread counts, pages, service
//! conversations answered by the service's staff, blocks, and push to those away.

use crate::common;

use common::{
    TestApp, problem,
    session::{Signed, app, app_with, call, ok_json, pushes_to, subscribe},
};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};

/// Gives `number` an account with the demo password (the demo activates three).
async fn activated(app: &TestApp, number: &str) -> Signed {
    use ent::{accounts::store, db::schema::accounts};
    let mut conn = app.db.conn().await;
    let (lucas, _) = store::by_number(&mut conn, "25000002")
        .await
        .unwrap()
        .unwrap();
    let hash: String = accounts::table
        .find(lucas.id)
        .select(accounts::password_hash)
        .first(&mut conn)
        .await
        .unwrap();
    let (person, _) = store::by_number(&mut conn, number).await.unwrap().unwrap();
    let email = format!("{}@etu.univ-tours.fr", number.to_lowercase());
    let now = ent::clock::Clock::now(app.clock.as_ref());
    store::create(&mut conn, &person, &email, &hash, now)
        .await
        .unwrap();
    app.sign_in(&number.to_lowercase()).await
}

async fn person_id(app: &TestApp, number: &str) -> String {
    let mut conn = app.db.conn().await;
    let (p, _) = ent::accounts::store::by_number(&mut conn, number)
        .await
        .unwrap()
        .unwrap();
    p.id.to_string()
}

async fn start(app: &TestApp, who: &Signed, target: Value) -> reqwest::Response {
    call(
        app,
        Method::POST,
        "/api/me/conversations",
        Some(target),
        Some(who),
    )
    .await
}

async fn started(app: &TestApp, who: &Signed, target: Value) -> i64 {
    ok_json(start(app, who, target).await).await["id"]
        .as_i64()
        .unwrap()
}

async fn send(who: &Signed, id: i64, body: &str, key: &str) -> reqwest::Response {
    let path = format!("/api/conversations/{id}/messages");
    let body = json!({"body": body, "client_key": key});
    who.post(&path, body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_starts_the_conversations_the_rules_allow() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let teacher = app.sign_in("t1001").await;
    let staff = app.sign_in("p2001").await;
    let person = |id: String| json!({"person": id});
    // A student: the teachers of their groups and the services, not other students nor
    // teachers of other groups.
    let petit = person_id(&app, "T1001").await;
    let created = start(&app, &lucas, person(petit.clone())).await;
    assert_eq!(created.status(), 201);
    let first: Value = created.json().await.unwrap();
    assert_eq!(first["title"], "Isabelle Petit");
    let again = start(&app, &teacher, person(person_id(&app, "25000002").await)).await;
    assert_eq!(
        again.status(),
        200,
        "one conversation a pair, whoever starts it"
    );
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    for other in ["T1004", "25000004"] {
        let refused = start(&app, &lucas, person(person_id(&app, other).await)).await;
        problem(refused, 403, "messaging-not-allowed").await;
    }
    let group = start(&app, &lucas, json!({"group": "L1-INFO-TD2"})).await;
    problem(group, 403, "messaging-not-allowed").await;
    let service = start(&app, &lucas, json!({"service": "scolarite"})).await;
    assert_eq!(service.status(), 201);
    let unknown = start(&app, &lucas, json!({"service": "cafeteria"})).await;
    problem(unknown, 404, "not-found").await;
    let nobody = start(&app, &lucas, person(uuid::Uuid::new_v4().to_string())).await;
    problem(nobody, 404, "not-found").await;
    let both = start(
        &app,
        &lucas,
        json!({"group": "L1-INFO", "service": "scolarite"}),
    )
    .await;
    problem(both, 400, "invalid-message").await;
    // A teacher: their groups, their students, colleagues; staff: anyone.
    let group = started(&app, &teacher, json!({"group": "L1-INFO-TD2"})).await;
    let hugo = person_id(&app, "25000004").await;
    assert_eq!(
        start(&app, &teacher, person(hugo.clone())).await.status(),
        201
    );
    let other_group = start(&app, &teacher, json!({"group": "M1-HIST-G1"})).await;
    problem(other_group, 403, "messaging-not-allowed").await;
    let colleague = start(&app, &teacher, person(person_id(&app, "T1004").await)).await;
    assert_eq!(colleague.status(), 201);
    assert_eq!(
        start(&app, &staff, json!({"group": "M1-HIST-G1"}))
            .await
            .status(),
        201
    );
    // A group that does not exist is not found, for staff who may write to any (it was a 500:
    // the conversation's foreign key refused it; Schemathesis found it).
    for code in ["", "NO-SUCH-GROUP"] {
        let unknown = start(&app, &staff, json!({"group": code})).await;
        problem(unknown, 404, "not-found").await;
    }
    // The group's students are in its conversation.
    assert_eq!(
        send(&teacher, group, "Cours déplacé en B206", "k1")
            .await
            .status(),
        201
    );
    let list = lucas.get_ok("/api/me/conversations").await;
    let line = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == group)
        .expect("in the group's conversation");
    assert_eq!(line["kind"], "group");
    assert_eq!(line["title"], "L1 Informatique — TD 2");
    assert_eq!(line["unread"], 1);
    assert_eq!(line["last_message"]["body"], "Cours déplacé en B206");
}

/// The names in a list of correspondents (`people`, `groups` or `services`).
async fn offered(who: &Signed, q: &str, list: &str) -> (Vec<String>, Value) {
    let url = reqwest::Url::parse_with_params("http://x/api/me/correspondents", [("q", q)]);
    let url = url.unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    let answer = who.get_ok(&path).await;
    let names = answer[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    (names, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_is_offered_whom_it_may_write_to() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let teacher = app.sign_in("t1001").await;
    let staff = app.sign_in("p2001").await;
    // A student: their teachers and the services, no group, nobody found by name.
    let (people, all) = offered(&lucas, "", "people").await;
    assert!(people.contains(&"Isabelle Petit".to_string()), "{all}");
    assert!(
        all["people"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["role"] == "teacher")
    );
    assert_eq!(all["groups"], json!([]));
    assert_eq!(all["searchable"], false);
    assert_eq!(all["services"].as_array().unwrap().len(), 3);
    let (services, narrowed) = offered(&lucas, "SCOLA", "services").await;
    assert_eq!(services, ["Scolarité"]);
    assert_eq!(narrowed["people"], json!([]));
    let (people, _) = offered(&lucas, "roussel", "people").await;
    assert!(people.is_empty(), "not a teacher of his: {people:?}");
    // A teacher: their groups and students listed, colleagues found by name, accents aside.
    let (groups, all) = offered(&teacher, "", "groups").await;
    assert!(
        groups.contains(&"L1 Informatique — TD 2".to_string()),
        "{all}"
    );
    assert!(!groups.iter().any(|g| g.contains("Histoire")), "{groups:?}");
    let people = all["people"].as_array().unwrap();
    assert!(
        people
            .iter()
            .any(|p| p["name"] == "Lucas Martin" && p["role"] == "student")
    );
    assert!(
        !people.iter().any(|p| p["name"] == "Sarah Vincent"),
        "not her student"
    );
    assert_eq!(all["searchable"], true);
    assert_eq!(
        offered(&teacher, "helene", "people").await.0,
        ["Hélène Nicolas"]
    );
    assert_eq!(
        offered(&teacher, "vincent", "people").await.0,
        Vec::<String>::new()
    );
    let (short, _) = offered(&teacher, "h", "people").await;
    assert!(
        short.contains(&"Hugo Dubois".to_string()),
        "her students narrowed: {short:?}"
    );
    assert!(
        !short.contains(&"Hélène Nicolas".to_string()),
        "colleagues from 2 letters"
    );
    // Staff: anyone, groups and people found by name.
    assert_eq!(offered(&staff, "", "groups").await.0, Vec::<String>::new());
    assert_eq!(
        offered(&staff, "histoire — g", "groups").await.0,
        ["M1 Histoire — groupe 1"]
    );
    assert_eq!(
        offered(&staff, "VINCENT", "people").await.0,
        ["Sarah Vincent"]
    );
    // What is offered can be started.
    let hugo = offered(&teacher, "dubois", "people").await.1["people"][0]["id"].clone();
    assert_eq!(
        start(&app, &teacher, json!({"person": hugo}))
            .await
            .status(),
        201
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_stored_once_read_state_moves_and_strangers_see_nothing() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let teacher = app.sign_in("t1001").await;
    let id = started(
        &app,
        &lucas,
        json!({"person": person_id(&app, "T1001").await}),
    )
    .await;
    let first = send(&lucas, id, "  Bonjour <script>alert(1)</script>  ", "m-1").await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["body"], "Bonjour <script>alert(1)</script>");
    let retried = send(&lucas, id, "  Bonjour <script>alert(1)</script>  ", "m-1").await;
    assert_eq!(retried.status(), 200);
    assert_eq!(retried.json::<Value>().await.unwrap()["id"], first["id"]);
    let mut conn = app.db.conn().await;
    let stored: i64 = ent::db::schema::messages::table
        .filter(ent::db::schema::messages::conversation_id.eq(id))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(stored, 1);

    let p = problem(
        send(&lucas, id, " \n ", "m-2").await,
        400,
        "invalid-message",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("vide"), "{p}");
    let long = "a".repeat(4001);
    let p = problem(send(&lucas, id, &long, "m-3").await, 400, "invalid-message").await;
    assert!(p["detail"].as_str().unwrap().contains("4001"), "{p}");

    let unread = teacher.get_ok("/api/me/messages/unread").await;
    assert_eq!(unread["total"], 1);
    let read = format!("/api/conversations/{id}/read");
    let body = json!({"up_to": first["id"]});
    let resp = teacher.post(&read, body).await;
    assert_eq!(resp.status(), 204);
    assert_eq!(teacher.get_ok("/api/me/messages/unread").await["total"], 0);
    assert_eq!(lucas.get_ok("/api/me/messages/unread").await["total"], 0);

    // Someone not in it: as if it did not exist.
    let staff = app.sign_in("p2001").await;
    let path = format!("/api/conversations/{id}/messages");
    problem(staff.get(&path).await, 404, "not-found").await;
    problem(send(&staff, id, "Intrusion", "x-1").await, 404, "not-found").await;
    let body = json!({"up_to": 1});
    problem(staff.post(&read, body).await, 404, "not-found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_go_back_in_time_and_resume_after_the_last_seen_message() {
    let app = app_with(|c| c.messaging.per_person_per_minute = 100).await;
    let lucas = app.sign_in("25000002").await;
    let id = started(&app, &lucas, json!({"service": "bibliotheque"})).await;
    let mut ids = Vec::new();
    for n in 0..35 {
        let sent = ok_json(send(&lucas, id, &format!("message {n}"), &format!("k{n}")).await).await;
        ids.push(sent["id"].as_i64().unwrap());
    }
    let path = format!("/api/conversations/{id}/messages");
    let newest = lucas.get_ok(&path).await;
    assert_eq!(newest["items"].as_array().unwrap().len(), 30);
    assert_eq!(newest["items"][0]["body"], "message 34");
    let before = newest["next_before"].as_i64().unwrap();
    let older = lucas.get_ok(&format!("{path}?before={before}")).await;
    let bodies: Vec<&str> = older["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "message 4",
            "message 3",
            "message 2",
            "message 1",
            "message 0"
        ]
    );
    assert!(older["next_before"].is_null());
    let missed = lucas.get_ok(&format!("{path}?after={}", ids[32])).await;
    let bodies: Vec<&str> = missed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["message 33", "message 34"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_are_answered_by_their_staff_and_people_away_get_a_push() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let staff = app.sign_in("p2001").await;
    subscribe(&app, &lucas, "lucas-phone").await;
    let id = started(&app, &lucas, json!({"service": "scolarite"})).await;
    ok_json(send(&lucas, id, "Mon attestation de scolarité ?", "s-1").await).await;
    let theirs = staff.get_ok("/api/me/conversations").await;
    assert_eq!(theirs["items"][0]["id"], id);
    assert_eq!(theirs["items"][0]["title"], "Lucas Martin");
    assert_eq!(theirs["items"][0]["as_service_staff"], true);
    assert_eq!(theirs["items"][0]["unread"], 1);
    let answer = "Elle est dans votre espace : https://ent.univ-tours.fr/attestations";
    ok_json(send(&staff, id, answer, "s-2").await).await;
    let pushes = pushes_to(&app, "lucas-phone").await;
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0]["category"], "messages");
    assert_eq!(pushes[0]["title"], "Nathalie Chevalier");
    assert_eq!(pushes[0]["url"], format!("/messages/{id}"));
    let mine = lucas.get_ok("/api/me/conversations").await;
    assert_eq!(mine["items"][0]["title"], "Scolarité");
    assert_eq!(mine["items"][0]["unread"], 1);

    // Muted: no push, and not in the badge.
    let membership = format!("/api/conversations/{id}/membership");
    let mute = call(
        &app,
        Method::PATCH,
        &membership,
        Some(json!({"muted": true})),
        Some(&lucas),
    )
    .await;
    assert_eq!(mute.status(), 204);
    ok_json(send(&staff, id, "Autre chose ?", "s-3").await).await;
    assert_eq!(pushes_to(&app, "lucas-phone").await.len(), 1);
    assert_eq!(lucas.get_ok("/api/me/messages/unread").await["total"], 0);
    // Only group conversations can be left.
    let leave = lucas.delete(&membership).await;
    problem(leave, 400, "invalid-message").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_student_can_no_longer_write_and_group_members_may_leave() {
    use ent::config::Correspondents;
    // A university that lets students write to the students of their groups.
    let app = app_with(|c| {
        c.messaging
            .may_start
            .student
            .push(Correspondents::StudentsOfMyGroups)
    })
    .await;
    let teacher = app.sign_in("t1001").await;
    let lucas = app.sign_in("25000002").await;
    let hugo = activated(&app, "25000004").await;
    let (lucas_id, hugo_id) = (
        person_id(&app, "25000002").await,
        person_id(&app, "25000004").await,
    );
    let direct = started(&app, &hugo, json!({"person": lucas_id})).await;
    assert_eq!(send(&hugo, direct, "Salut", "h-1").await.status(), 201);
    let block = format!("/api/me/blocks/{hugo_id}");
    assert_eq!(
        call(&app, Method::PUT, &block, None, Some(&lucas))
            .await
            .status(),
        204
    );
    problem(
        send(&hugo, direct, "Salut ?", "h-2").await,
        403,
        "messaging-blocked",
    )
    .await;
    problem(
        send(&lucas, direct, "Non", "l-1").await,
        403,
        "messaging-blocked",
    )
    .await;
    let again = start(&app, &hugo, json!({"person": lucas_id})).await;
    problem(again, 403, "messaging-blocked").await;
    assert_eq!(
        call(&app, Method::DELETE, &block, None, Some(&lucas))
            .await
            .status(),
        204
    );
    assert_eq!(send(&hugo, direct, "Salut ?", "h-2").await.status(), 201);
    let teacher_id = person_id(&app, "T1001").await;
    let path = format!("/api/me/blocks/{teacher_id}");
    let not_a_student = lucas.send(Method::PUT, &path, None).await;
    problem(not_a_student, 400, "invalid-message").await;

    let group = started(&app, &teacher, json!({"group": "L1-INFO-TD2"})).await;
    ok_json(send(&hugo, group, "Bonjour à tous", "h-3").await).await;
    let membership = format!("/api/conversations/{group}/membership");
    assert_eq!(
        call(&app, Method::DELETE, &membership, None, Some(&lucas))
            .await
            .status(),
        204
    );
    let gone = format!("/api/conversations/{group}/messages");
    problem(lucas.get(&gone).await, 404, "not-found").await;
    let list = lucas.get_ok("/api/me/conversations").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != group)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_is_rate_limited_per_person() {
    let app = app_with(|c| c.messaging.per_person_per_minute = 3).await;
    let lucas = app.sign_in("25000002").await;
    let id = started(&app, &lucas, json!({"service": "scolarite"})).await;
    for n in 0..3 {
        assert_eq!(
            send(&lucas, id, "Bonjour", &format!("r{n}")).await.status(),
            201
        );
    }
    let fourth = send(&lucas, id, "Bonjour", "r3").await;
    problem(fourth, 429, "too-many-requests").await;
}

/// Whether the person has a live stream open somewhere.
async fn online(app: &TestApp, person: ent::people::model::PersonId) -> bool {
    let redis = ent::redis::Redis::new(&app.db.config.redis).unwrap();
    let key = ent::messaging::notify::online_key(&redis, person);
    let mark: Option<String> = redis
        .run(|mut c| async move { redis::AsyncCommands::get(&mut c, key).await })
        .await
        .unwrap();
    mark.is_some()
}

/// Opens `who`'s event stream on the server at `base`.
async fn events(app: &TestApp, base: &str, who: &Signed, last: Option<i64>) -> reqwest::Response {
    let mut req = app
        .http
        .get(format!("{base}/api/me/events"))
        .header("cookie", &who.cookie)
        .header("accept", "text/event-stream");
    if let Some(last) = last {
        req = req.header("last-event-id", last.to_string());
    }
    let resp = req.send().await.expect("stream");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    resp
}

/// Reads the stream until `needle` appears (10 s at most); returns what was read.
async fn read_until(stream: &mut reqwest::Response, needle: &str) -> String {
    let mut seen = String::new();
    let deadline = std::time::Duration::from_secs(10);
    tokio::time::timeout(deadline, async {
        while !seen.contains(needle) {
            let chunk = stream
                .chunk()
                .await
                .expect("stream open")
                .expect("stream goes on");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("«{needle}» not received; got: {seen}"));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_posted_on_one_instance_reaches_a_stream_held_by_another() {
    let app = app().await;
    let other = app.another_instance().await;
    let lucas = app.sign_in("25000002").await;
    let teacher = app.sign_in("t1001").await;
    subscribe(&app, &lucas, "lucas-phone").await;
    let id = started(
        &app,
        &teacher,
        json!({"person": person_id(&app, "25000002").await}),
    )
    .await;
    let first = ok_json(send(&teacher, id, "Premier message", "e-1").await).await;
    assert_eq!(
        pushes_to(&app, "lucas-phone").await.len(),
        1,
        "away: pushed"
    );

    // Lucas's stream is on the other instance; the message is posted on the first.
    let mut stream = events(&app, &other.base, &lucas, None).await;
    // Online from the stream's first beat: wait for it, then post.
    let lucas_id = person_id(&app, "25000002").await.parse().unwrap();
    while !online(&app, lucas_id).await {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let second = ok_json(send(&teacher, id, "Le TP commence à 10 h", "e-2").await).await;
    let seen = read_until(&mut stream, "Le TP commence à 10 h").await;
    assert!(seen.contains("\"type\":\"message\""), "{seen}");
    assert!(seen.contains(&format!("id: {}", second["id"])), "{seen}");
    assert!(
        seen.contains("\"counted\":true"),
        "adds to his unread: {seen}"
    );
    assert_eq!(
        pushes_to(&app, "lucas-phone").await.len(),
        1,
        "online: not pushed"
    );
    // Read receipts reach the writer's stream too.
    let mut theirs = events(&app, &app.base, &teacher, None).await;
    let read = format!("/api/conversations/{id}/read");
    let body = json!({"up_to": second["id"]});
    assert_eq!(
        call(&app, Method::POST, &read, Some(body), Some(&lucas))
            .await
            .status(),
        204
    );
    let receipt = read_until(&mut theirs, "\"type\":\"read\"").await;
    assert!(
        receipt.contains(&format!("\"up_to\":{}", second["id"])),
        "{receipt}"
    );
    // His devices learn his new unread counts; the writer's own message does not count for her.
    let counts = read_until(&mut stream, "\"type\":\"unread\"").await;
    assert!(
        counts.contains("\"total\":0") && counts.contains("\"unread\":0"),
        "{counts}"
    );
    ok_json(send(&teacher, id, "À tout à l’heure", "e-3").await).await;
    let own = read_until(&mut theirs, "À tout à l’heure").await;
    assert!(own.contains("\"counted\":false"), "{own}");
    drop(stream);

    // Reconnecting after the first message gives what came since, at once.
    let mut resumed = events(&app, &app.base, &lucas, first["id"].as_i64()).await;
    read_until(&mut resumed, "Le TP commence à 10 h").await;
    // Signed out: the stream is refused.
    let anonymous = app
        .http
        .get(format!("{}/api/me/events", other.base))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401, "not-signed-in").await;
}

/// Redis connections subscribed to a person's event channel.
async fn subscribers(app: &TestApp, person: &str) -> i64 {
    let redis = ent::redis::Redis::new(&app.db.config.redis).unwrap();
    let channel = ent::messaging::notify::channel(&redis, person.parse().unwrap());
    let counts: Vec<(String, i64)> = redis
        .run(|mut c| async move {
            redis::cmd("PUBSUB")
                .arg("NUMSUB")
                .arg(channel)
                .query_async(&mut c)
                .await
        })
        .await
        .unwrap();
    counts[0].1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_streams_of_one_instance_share_one_redis_subscription() {
    // A stream learns that its client left when its next beat finds the connection closed.
    let app = app_with(|c| c.messaging.beat_seconds = std::num::NonZeroU64::MIN).await;
    let lucas = app.sign_in("25000002").await;
    let teacher = app.sign_in("t1001").await;
    let lucas_id = person_id(&app, "25000002").await;
    let id = started(&app, &teacher, json!({"person": lucas_id.clone()})).await;
    let mut phone = events(&app, &app.base, &lucas, None).await;
    let mut laptop = events(&app, &app.base, &lucas, None).await;
    assert_eq!(
        subscribers(&app, &lucas_id).await,
        1,
        "two devices, one subscription"
    );
    ok_json(send(&teacher, id, "Pour les deux", "s-1").await).await;
    read_until(&mut phone, "Pour les deux").await;
    read_until(&mut laptop, "Pour les deux").await;
    drop(phone);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    ok_json(send(&teacher, id, "Pour celui qui reste", "s-2").await).await;
    read_until(&mut laptop, "Pour celui qui reste").await;
    assert_eq!(
        subscribers(&app, &lucas_id).await,
        1,
        "the other device still listens"
    );
    drop(laptop);
    // The last one out unsubscribes.
    let mut left = false;
    for _ in 0..200 {
        if subscribers(&app, &lucas_id).await == 0 {
            left = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(left, "still subscribed after every stream closed");
}

/// A Redis server of this test's own, so that cutting its connections touches no other test;
/// stopped when dropped.
struct OwnRedis {
    server: std::process::Child,
    url: String,
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

async fn own_redis() -> OwnRedis {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = std::process::Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (scripts/test installs it)");
    let url = format!("redis://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    OwnRedis { server, url }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_end_when_the_redis_subscriber_is_lost_and_the_next_one_listens_again() {
    let redis = own_redis().await;
    let app = app_with(|c| c.redis.url = redis.url.clone().try_into().unwrap()).await;
    let lucas = app.sign_in("25000002").await;
    let teacher = app.sign_in("t1001").await;
    let id = started(
        &app,
        &teacher,
        json!({"person": person_id(&app, "25000002").await}),
    )
    .await;
    let mut before = events(&app, &app.base, &lucas, None).await;
    ok_json(send(&teacher, id, "Avant la coupure", "c-1").await).await;
    read_until(&mut before, "Avant la coupure").await;

    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let killed: i64 = redis::cmd("CLIENT")
        .arg(&["KILL", "TYPE", "pubsub"][..])
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(killed, 1, "one subscriber connection for the instance");
    // The stream ends (its client will resume with Last-Event-ID)…
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Ok(Some(_)) = before.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream went on without its subscriber");
    // …and the next stream listens on a new connection.
    let mut after = events(&app, &app.base, &lucas, None).await;
    ok_json(send(&teacher, id, "Après la coupure", "c-2").await).await;
    read_until(&mut after, "Après la coupure").await;
}
