//! Help requests against a real server on the demo university: a request's life between its
//! requester and its queue's staff (assignment, notes, replies, statuses, reopening within the
//! window of the test clock), who may see it, what the requester is told (push, or e-mail
//! without push), bad input, and connection assistance for people without an account.

use crate::common;

use chrono::Duration;
use common::{
    TestApp, problem,
    session::{Signed, app, call, ok_json, post, pushes_to, queued, subscribe},
};
use reqwest::Method;
use serde_json::{Value, json};

/// Lucas files a request in `category`; returns it.
async fn file(app: &TestApp, who: &Signed, category: &str, subject: &str) -> Value {
    let body = json!({"category": category, "subject": subject, "message": "Bonjour, mon inscription pédagogique n’apparaît pas."});
    let resp = call(
        app,
        Method::POST,
        "/api/me/help-requests",
        Some(body),
        Some(who),
    )
    .await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

async fn reply(who: &Signed, id: i64, body: Value) -> reqwest::Response {
    let path = format!("/api/help-requests/{id}/messages");
    who.post(&path, body).await
}

async fn change(who: &Signed, id: i64, body: Value) -> Value {
    let path = format!("/api/help-requests/{id}");
    who.patch_ok(&path, body).await
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_answered_by_its_queue_and_followed_by_its_requester() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let staff = app.sign_in("p2001").await;
    subscribe(&app, &lucas, "lucas-phone").await;
    let filed = file(&app, &lucas, "scolarite", "Inscription pédagogique").await;
    let id = filed["id"].as_i64().unwrap();
    assert_eq!(filed["status"], "new");
    assert_eq!(filed["viewer"], "requester");
    assert_eq!(filed["category_label"], "Inscription et scolarité");

    let queues = staff.get_ok("/api/help/queues").await;
    let scolarite = queues
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["code"] == "scolarite")
        .unwrap();
    assert_eq!(scolarite["counts"]["new"], 1);
    let listed = staff.get_ok("/api/help/queues/scolarite/requests").await;
    assert_eq!(listed["items"][0]["id"], id);
    assert_eq!(listed["items"][0]["requester"], "Lucas Martin");

    let taken = change(&staff, id, json!({"assignee": "me"})).await;
    assert_eq!(taken["assignee"], "Nathalie Chevalier");
    assert_eq!(taken["assigned_to_me"], true);
    let note = json!({"body": "Vérifier son contrat pédagogique.", "internal": true});
    assert_eq!(reply(&staff, id, note).await.status(), 200);
    let answer = json!({"body": "Pouvez-vous préciser votre groupe de TD ?", "status": "waiting"});
    let answered = ok_json(reply(&staff, id, answer).await).await;
    assert_eq!(answered["status"], "waiting");
    assert_eq!(
        kinds(&answered),
        ["reply", "assignment", "note", "reply", "status"]
    );

    // The requester is told, by push, and sees the reply but never the note.
    let pushes = pushes_to(&app, "lucas-phone").await;
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0]["category"], "help_requests");
    assert_eq!(pushes[0]["url"], format!("/help/{id}"));
    assert_eq!(
        pushes[0]["body"],
        "Pouvez-vous préciser votre groupe de TD ?"
    );
    let mine = lucas.get_ok("/api/me/help-requests").await;
    assert_eq!(mine["items"][0]["unread"], true);
    let seen = lucas.get_ok(&format!("/api/help-requests/{id}")).await;
    assert_eq!(kinds(&seen), ["reply", "reply", "status"]);
    assert!(!seen.to_string().contains("contrat pédagogique"));
    assert_eq!(seen["messages"][1]["from_requester"], false);
    let mine = lucas.get_ok("/api/me/help-requests").await;
    assert_eq!(mine["items"][0]["unread"], false);

    // Answering what staff asked puts it back in progress; resolving it tells the requester.
    let answer = ok_json(reply(&lucas, id, json!({"body": "Le TD2."})).await).await;
    assert_eq!(answer["status"], "in_progress");
    let resolved = change(&staff, id, json!({"status": "resolved"})).await;
    assert_eq!(resolved["status"], "resolved");
    let pushes = pushes_to(&app, "lucas-phone").await;
    assert_eq!(pushes.len(), 2);
    assert_eq!(pushes[1]["body"], "Statut : résolue");

    // A resolved request takes no reply until reopened; a closed one takes none at all.
    let late = reply(&lucas, id, json!({"body": "Encore une question"})).await;
    problem(late, 409, "help-request-resolved").await;
    let reopen = format!("/api/help-requests/{id}/reopen");
    let reopened = ok_json(lucas.send(Method::POST, &reopen, None).await).await;
    assert_eq!(reopened["status"], "in_progress");
    change(&staff, id, json!({"status": "closed"})).await;
    let closed = reply(&lucas, id, json!({"body": "Encore une question"})).await;
    problem(closed, 409, "help-request-closed").await;
    let staff_too = reply(&staff, id, json!({"body": "Une dernière chose"})).await;
    problem(staff_too, 409, "help-request-closed").await;
    let again = lucas.send(Method::POST, &reopen, None).await;
    problem(again, 409, "help-request-closed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolved_request_reopens_within_the_window_only() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let staff = app.sign_in("p2001").await;
    let first = file(&app, &lucas, "numerique", "Wi-Fi eduroam").await["id"]
        .as_i64()
        .unwrap();
    let second = file(&app, &lucas, "numerique", "Imprimante").await["id"]
        .as_i64()
        .unwrap();
    for id in [first, second] {
        change(&staff, id, json!({"status": "resolved"})).await;
    }
    let detail = lucas.get_ok(&format!("/api/help-requests/{first}")).await;
    let until = detail["reopen_until"].as_str().unwrap();
    app.clock.advance(Duration::days(13));
    let reopen = |id: i64| format!("/api/help-requests/{id}/reopen");
    let lucas = app.sign_in("25000002").await;
    let ok = lucas.send(Method::POST, &reopen(first), None).await;
    assert_eq!(ok_json(ok).await["status"], "in_progress");
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    let lucas = app.sign_in("25000002").await;
    let late = lucas.send(Method::POST, &reopen(second), None).await;
    problem(late, 409, "help-request-reopen-expired").await;
    assert!(until.starts_with("2026-12-14"), "{until}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_requester_and_the_queue_s_staff_see_a_request() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let id = file(&app, &lucas, "scolarite", "Attestation").await["id"]
        .as_i64()
        .unwrap();
    // A teacher who answers another queue.
    {
        let mut conn = app.db.conn().await;
        let (teacher, _) = ent::accounts::store::by_number(&mut conn, "T1001")
            .await
            .unwrap()
            .unwrap();
        ent::accounts::store::grant(&mut conn, teacher.id, "help:numerique")
            .await
            .unwrap();
    }
    let teacher = app.sign_in("t1001").await;
    let path = format!("/api/help-requests/{id}");
    problem(teacher.get(&path).await, 404, "not-found").await;
    let body = json!({"body": "Je regarde."});
    problem(reply(&teacher, id, body).await, 404, "not-found").await;
    let patch = call(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"status": "closed"})),
        Some(&teacher),
    );
    problem(patch.await, 404, "not-found").await;
    let other_queue = "/api/help/queues/scolarite/requests";
    let listed = teacher.get(other_queue).await;
    problem(listed, 404, "not-found").await;
    let queues = teacher.get_ok("/api/help/queues").await;
    assert_eq!(queues.as_array().unwrap().len(), 1);
    assert_eq!(queues[0]["code"], "numerique");
    let theirs = teacher.get_ok("/api/me/help-requests").await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    // The requester may not act as staff; someone else's request does not exist.
    let note = json!({"body": "note", "internal": true});
    problem(reply(&lucas, id, note).await, 400, "invalid-help-request").await;
    let patch = call(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"status": "closed"})),
        Some(&lucas),
    );
    problem(patch.await, 404, "not-found").await;
    let missing = call(
        &app,
        Method::GET,
        "/api/help-requests/999999",
        None,
        Some(&lucas),
    )
    .await;
    problem(missing, 404, "not-found").await;
    let anonymous = call(&app, Method::GET, &path, None, None).await;
    problem(anonymous, 401, "not-signed-in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requester_without_push_is_told_by_e_mail_and_the_queue_searches() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let staff = app.sign_in("p2001").await;
    let id = file(&app, &lucas, "vie-etudiante", "Logement CROUS").await["id"]
        .as_i64()
        .unwrap();
    file(&app, &lucas, "vie-etudiante", "Carte culture").await;
    let answer = json!({"body": "Le dossier est à déposer avant vendredi."});
    ok_json(reply(&staff, id, answer).await).await;
    let mails = queued(&app, "lucas.martin@example.org", 1).await;
    assert!(mails[0].0.contains(&format!("n° {id}")), "{}", mails[0].0);
    assert!(
        mails[0]
            .1
            .contains("Le dossier est à déposer avant vendredi.")
    );
    assert!(mails[0].1.contains(&format!("/help/{id}")));

    let search = |q: &str| format!("/api/help/queues/vie-etudiante/requests?q={q}");
    let subjects = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["subject"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        subjects(&staff.get_ok(&search("crous")).await),
        ["Logement CROUS"]
    );
    assert_eq!(
        subjects(&staff.get_ok(&search("vendredi")).await),
        ["Logement CROUS"]
    );
    // Oldest first; "mine" keeps the requests assigned to the caller.
    let both = staff.get_ok(&search("martin")).await;
    assert_eq!(subjects(&both), ["Logement CROUS", "Carte culture"]);
    let mine = "/api/help/queues/vie-etudiante/requests?mine=true";
    assert!(
        staff.get_ok(mine).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let by_status = "/api/help/queues/vie-etudiante/requests?status=new";
    assert_eq!(subjects(&staff.get_ok(by_status).await), ["Carte culture"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_message_and_text_is_kept_as_written() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let send = |body: Value| {
        call(
            &app,
            Method::POST,
            "/api/me/help-requests",
            Some(body),
            Some(&lucas),
        )
    };
    let empty = send(json!({"category": "autre", "subject": "   ", "message": "x"})).await;
    let p = problem(empty, 400, "invalid-help-request").await;
    assert!(p["detail"].as_str().unwrap().contains("obligatoire"), "{p}");
    let long = "é".repeat(10_001);
    let big = send(json!({"category": "autre", "subject": "Long", "message": long})).await;
    let p = problem(big, 400, "invalid-help-request").await;
    assert!(p["detail"].as_str().unwrap().contains("10001"), "{p}");
    let unknown = send(json!({"category": "cafeteria", "subject": "Menu", "message": "?"})).await;
    let p = problem(unknown, 400, "invalid-help-request").await;
    assert!(
        p["detail"].as_str().unwrap().contains("Catégorie inconnue"),
        "{p}"
    );

    let script = "<script>alert('ENT')</script> & <b>gras</b>";
    let filed = file(&app, &lucas, "autre", "Test").await;
    let id = filed["id"].as_i64().unwrap();
    let kept = ok_json(reply(&lucas, id, json!({"body": script})).await).await;
    assert_eq!(kept["messages"][1]["body"], script);
    let blank = reply(&lucas, id, json!({"body": "\n\n"})).await;
    problem(blank, 400, "invalid-help-request").await;
}

fn connection(number: &str, birth_date: &str, email: &str) -> Value {
    json!({
        "number": number, "family_name": "LEFEVRE", "given_name": "chloe",
        "birth_date": birth_date, "email": email,
        "subject": "Je ne reçois pas le SMS", "message": "Mon numéro de portable a changé.",
    })
}

/// The code of the latest e-mail to `email`.
async fn mailed_code(app: &TestApp, email: &str, nth: usize) -> String {
    let mails = queued(app, email, nth).await;
    mails[nth - 1].0.rsplit(' ').next().unwrap().to_string()
}

/// Files a connection assistance request; returns its reference.
async fn confirmed(app: &TestApp, details: Value) -> i64 {
    let email = details["email"].as_str().unwrap().to_string();
    let started = post(app, "/api/assistance/connection", details).await;
    assert_eq!(started.status(), 202);
    let challenge = started.json::<Value>().await.unwrap()["challenge"].clone();
    let code = mailed_code(app, &email, 1).await;
    let body = json!({"challenge": challenge, "code": code});
    let filed = post(app, "/api/assistance/connection/confirmation", body).await;
    assert_eq!(filed.status(), 201);
    filed.json::<Value>().await.unwrap()["reference"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_cannot_log_in_files_a_request_confirmed_by_e_mail() {
    let app = app().await;
    let staff = app.sign_in("p2001").await;
    // Chloé has no account yet; a wrong code leaves tries, then the right one files it.
    let started = post(
        &app,
        "/api/assistance/connection",
        connection("25000001", "2006-06-05", "Chloe@Example.org"),
    )
    .await;
    assert_eq!(started.status(), 202);
    let challenge = started.json::<Value>().await.unwrap()["challenge"].clone();
    let code = mailed_code(&app, "chloe@example.org", 1).await;
    assert_eq!(code.len(), 6);
    let wrong = json!({"challenge": challenge, "code": "000000"});
    let p = problem(
        post(&app, "/api/assistance/connection/confirmation", wrong).await,
        400,
        "code-incorrect",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains('4'), "{p}");
    let right = json!({"challenge": challenge, "code": code});
    let filed = post(
        &app,
        "/api/assistance/connection/confirmation",
        right.clone(),
    )
    .await;
    assert_eq!(filed.status(), 201);
    let reference = filed.json::<Value>().await.unwrap()["reference"]
        .as_i64()
        .unwrap();
    let twice = post(&app, "/api/assistance/connection/confirmation", right).await;
    problem(twice, 410, "code-expired").await;
    let ack = queued(&app, "chloe@example.org", 2).await;
    assert!(
        ack[1].0.contains(&format!("n° {reference}")),
        "{}",
        ack[1].0
    );

    // Staff of "comptes" see it with what the registrar says; an unknown number and a wrong
    // birth date were answered exactly alike.
    let unknown = confirmed(&app, connection("29999999", "2006-06-05", "x@example.org")).await;
    let partial = confirmed(&app, connection("25000001", "2001-01-01", "y@example.org")).await;
    let detail = |id: i64| format!("/api/help-requests/{id}");
    let seen = staff.get_ok(&detail(reference)).await;
    assert_eq!(seen["connection"], true);
    assert_eq!(seen["requester"], "chloe LEFEVRE");
    assert_eq!(seen["category"], "connexion");
    assert_eq!(seen["connection_details"]["registrar"], "matched");
    assert_eq!(seen["connection_details"]["email"], "chloe@example.org");
    for (id, registrar) in [(unknown, "none"), (partial, "partial")] {
        let seen = staff.get_ok(&detail(id)).await;
        assert_eq!(seen["connection_details"]["registrar"], registrar);
    }
    let queue = staff.get_ok("/api/help/queues/comptes/requests").await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 3);

    // The answer goes to the confirmed address.
    let answer = json!({"body": "Votre numéro est mis à jour : réessayez l’activation."});
    ok_json(reply(&staff, reference, answer).await).await;
    let mails = queued(&app, "chloe@example.org", 3).await;
    assert!(
        mails[2].1.contains("réessayez l’activation"),
        "{}",
        mails[2].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_assistance_is_checked_and_rate_limited() {
    let app = app().await;
    let start = |details: Value| post(&app, "/api/assistance/connection", details);
    let p = problem(
        start(connection("25000001", "2006-06-05", "pas-une-adresse")).await,
        400,
        "invalid-email",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("adresse"), "{p}");
    let mut empty = connection("25000001", "2006-06-05", "a@example.org");
    empty["message"] = json!(" ");
    problem(start(empty).await, 400, "invalid-help-request").await;
    // Three codes an hour to one address, five requests an hour from one network address.
    for _ in 0..3 {
        assert_eq!(
            start(connection("25000001", "2006-06-05", "b@example.org"))
                .await
                .status(),
            202
        );
    }
    let fourth = start(connection("25000001", "2006-06-05", "b@example.org")).await;
    assert_eq!(fourth.status(), 429);
    assert!(fourth.headers().contains_key("retry-after"));
    let fifth = start(connection("25000001", "2006-06-05", "c@example.org")).await;
    assert_eq!(fifth.status(), 202);
    let sixth = start(connection("25000001", "2006-06-05", "d@example.org")).await;
    problem(sixth, 429, "too-many-requests").await;
}
