//! Accounts against a real server, PostgreSQL and Redis: activation by SMS code, login, lockout,
//! sessions and devices. Codes are read from the outbox the couriers drain (tests/it/couriers.rs
//! sends that outbox to real peers); the clock is the test's.

use crate::common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::{
    TestApp, problem,
    session::{Signed, app, app_with, call, login, ok_json, post, queued, signed_in},
};
use ent::demo;
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "Vélo#Tanneurs-1987-gris";

async fn sms_to(app: &TestApp, phone: &str, at_least: usize) -> Vec<String> {
    queued(app, phone, at_least)
        .await
        .into_iter()
        .map(|(_, b)| b)
        .collect()
}

/// The code of the `nth` SMS to `phone`, read from its WebOTP line (`@host #123456`).
async fn nth_code(app: &TestApp, phone: &str, nth: usize) -> String {
    let texts = sms_to(app, phone, nth).await;
    texts[nth - 1]
        .rsplit_once('#')
        .expect("WebOTP line")
        .1
        .trim()
        .to_string()
}

async fn events(who: &Signed) -> Vec<String> {
    let list = who.get_ok("/api/me/security-events").await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_activates_by_sms_code_then_logs_in() {
    let app = app().await;
    let challenge = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000001", "birth_date": "2006-06-05"}),
        )
        .await,
    )
    .await;
    assert_eq!(challenge["masked_phone"], "+33 6 •• •• •• 01");
    assert_eq!(challenge["resend_in"], 60);
    assert_eq!(challenge["expires_in"], 600);
    let sms = sms_to(&app, "+33699000001", 1).await;
    assert_eq!(sms.len(), 1);
    let code = nth_code(&app, "+33699000001", 1).await;
    assert_eq!(code.len(), 6);
    assert!(sms[0].contains(&format!("est {code}")), "{}", sms[0]);
    assert!(
        sms[0].ends_with(&format!("\n\n@127.0.0.1:8080 #{code}")),
        "{}",
        sms[0]
    );

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let resp = post(
        &app,
        "/api/activation/verification",
        json!({"challenge": challenge["challenge"], "code": wrong}),
    )
    .await;
    let p = problem(resp, 400, "code-incorrect").await;
    assert!(p["detail"].as_str().unwrap().contains('4'), "{p}");
    let ticket = ok_json(
        post(
            &app,
            "/api/activation/verification",
            json!({"challenge": challenge["challenge"], "code": code}),
        )
        .await,
    )
    .await;

    // A weak password is refused with every broken rule named; the ticket stays usable.
    let resp = post(
        &app,
        "/api/activation/completion",
        json!({"ticket": ticket["ticket"], "password": "Chloe2006"}),
    )
    .await;
    let p = problem(resp, 422, "password-rejected").await;
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("12") && detail.contains("nom"), "{detail}");
    let check = ok_json(
        post(
            &app,
            "/api/password-policy/check",
            json!({"password": "Chloe#Tanneurs-1987", "ticket": ticket["ticket"]}),
        )
        .await,
    )
    .await;
    assert_eq!(check["acceptable"], false);
    assert!(
        check["rules"]
            .as_array()
            .unwrap()
            .contains(&json!({"rule": "personal_information", "ok": false}))
    );

    let done = ok_json(
        post(
            &app,
            "/api/activation/completion",
            json!({"ticket": ticket["ticket"], "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(
        done,
        json!({"identifier": "25000001", "institutional_email": "chloe.lefevre@etu.univ-tours.fr"})
    );
    // The ticket was single-use.
    let again = post(
        &app,
        "/api/activation/completion",
        json!({"ticket": ticket["ticket"], "password": PASSWORD}),
    )
    .await;
    problem(again, 410, "ticket-expired").await;

    // Either the identifier or the institutional e-mail, in any case.
    let by_email = signed_in(&app, "Chloe.Lefevre@ETU.univ-tours.fr", PASSWORD, false).await;
    let me = by_email.get_ok("/api/session").await;
    assert_eq!(me["identifier"], "25000001");
    assert_eq!(me["role"], "student");
    assert_eq!(events(&by_email).await, ["login", "activation"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activation_answers_alike_for_strangers_active_accounts_and_real_matches() {
    let app = app().await;
    let shape =
        |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let real = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000003", "birth_date": "2006-01-03"}),
        )
        .await,
    )
    .await;
    let stranger = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "99999999", "birth_date": "2006-01-03"}),
        )
        .await,
    )
    .await;
    let wrong_birth = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000003", "birth_date": "2006-01-04"}),
        )
        .await,
    )
    .await;
    let active = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000002", "birth_date": "2006-07-21"}),
        )
        .await,
    )
    .await;
    for other in [&stranger, &wrong_birth, &active] {
        assert_eq!(shape(other), shape(&real));
        assert_eq!(other["resend_in"], real["resend_in"]);
        assert_eq!(other["expires_in"], real["expires_in"]);
        let masked = other["masked_phone"].as_str().unwrap();
        assert!(
            masked.starts_with("+33 6 •• •• ••")
                && masked.len() == real["masked_phone"].as_str().unwrap().len()
        );
    }
    // The same stranger always sees the same decoy number.
    let again = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "99999999", "birth_date": "2006-01-03"}),
        )
        .await,
    )
    .await;
    assert_eq!(again["masked_phone"], stranger["masked_phone"]);

    // The active account's holder is told by SMS, with the recovery link, and gets no code.
    let to_active = sms_to(&app, "+33699000002", 1).await;
    assert_eq!(to_active.len(), 1);
    assert!(
        to_active[0].contains("déjà activé") && to_active[0].contains("/recovery"),
        "{}",
        to_active[0]
    );
    // No code can open a decoy.
    for code in ["000000", "123456"] {
        let resp = post(
            &app,
            "/api/activation/verification",
            json!({"challenge": active["challenge"], "code": code}),
        )
        .await;
        problem(resp, 400, "code-incorrect").await;
    }
    // A former student is a stranger; a person without a mobile is sent to the secretariat.
    let former = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "22000030", "birth_date": birth_of("22000030")}),
        )
        .await,
    )
    .await;
    assert_eq!(shape(&former), shape(&real));
    let resp = post(
        &app,
        "/api/activation",
        json!({"number": "22000029", "birth_date": birth_of("22000029")}),
    )
    .await;
    problem(resp, 409, "activation-no-phone").await;

    // Five SMS an hour per number, for strangers as for real people: the limit tells nothing.
    for number in ["25000003", "99999999"] {
        let body = json!({"number": number, "birth_date": "2006-01-03"});
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(
                post(&app, "/api/activation", body.clone())
                    .await
                    .status()
                    .as_u16(),
            );
        }
        let done_before = 2; // the real one and the wrong birth date; the stranger twice
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            5 - done_before,
            "{number}: {statuses:?}"
        );
        assert_eq!(statuses.last(), Some(&429), "{number}");
    }
}

fn birth_of(number: &str) -> String {
    demo::PEOPLE_CSV
        .lines()
        .find(|l| l.starts_with(&format!("{number},")))
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_code_sent_twice_at_once_opens_one_ticket() {
    let app = app().await;
    let challenge = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000004", "birth_date": "2006-09-04"}),
        )
        .await,
    )
    .await;
    let code = nth_code(&app, "+33699000004", 1).await;
    let body = json!({"challenge": challenge["challenge"], "code": code});
    let attempts = (0..8).map(|_| post(&app, "/api/activation/verification", body.clone()));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 410),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire_run_out_of_tries_and_are_resent_at_most_five_times_an_hour() {
    let app = app().await;
    let phone = "+33699000005";
    let start = json!({"number": "25000005", "birth_date": "2006-06-19"});
    let first = ok_json(post(&app, "/api/activation", start.clone()).await).await;
    let code = nth_code(&app, phone, 1).await;
    app.clock.advance(Duration::minutes(10));
    let resp = post(
        &app,
        "/api/activation/verification",
        json!({"challenge": first["challenge"], "code": code}),
    )
    .await;
    problem(resp, 410, "code-expired").await;

    let second = ok_json(post(&app, "/api/activation", start.clone()).await).await;
    for left in (1..5).rev() {
        let resp = post(
            &app,
            "/api/activation/verification",
            json!({"challenge": second["challenge"], "code": "12345"}),
        )
        .await;
        let p = problem(resp, 400, "code-incorrect").await;
        assert!(
            p["detail"].as_str().unwrap().ends_with(&left.to_string()),
            "{p}"
        );
    }
    let resp = post(
        &app,
        "/api/activation/verification",
        json!({"challenge": second["challenge"], "code": "12345"}),
    )
    .await;
    problem(resp, 410, "code-expired").await;

    // Re-sending: not before 60 s; then a new code; never more than 5 SMS an hour.
    let third = ok_json(post(&app, "/api/activation", start.clone()).await).await;
    let resend = json!({"challenge": third["challenge"]});
    let early = post(&app, "/api/activation/resend", resend.clone()).await;
    assert_eq!(
        early
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string()),
        Some("60".into()),
        "{:?}",
        early.status()
    );
    problem(early, 429, "too-many-requests").await;
    app.clock.advance(Duration::seconds(60));
    let old_code = nth_code(&app, phone, 3).await;
    ok_json(post(&app, "/api/activation/resend", resend.clone()).await).await;
    assert_ne!(nth_code(&app, phone, 4).await, old_code);
    app.clock.advance(Duration::seconds(60));
    ok_json(post(&app, "/api/activation/resend", resend.clone()).await).await;
    assert_eq!(sms_to(&app, phone, 5).await.len(), 5);
    app.clock.advance(Duration::seconds(60));
    problem(
        post(&app, "/api/activation/resend", resend.clone()).await,
        429,
        "too-many-requests",
    )
    .await;
    assert_eq!(sms_to(&app, phone, 5).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_get_one_generic_answer_then_a_growing_lock() {
    let app = app().await;
    let unknown = login(&app, "nobody", PASSWORD, false).await;
    let p_unknown = problem(unknown, 401, "login-failed").await;
    let wrong = login(&app, "25000002", "Wrong#Password-1", false).await;
    let p_wrong = problem(wrong, 401, "login-failed").await;
    assert_eq!(p_unknown["title"], p_wrong["title"]);
    assert_eq!(p_unknown.get("detail"), p_wrong.get("detail"));
    // Pending people have no password yet: the same generic answer.
    problem(
        login(&app, "25000001", PASSWORD, false).await,
        401,
        "login-failed",
    )
    .await;

    for _ in 0..3 {
        problem(
            login(&app, "25000002", "Wrong#Password-1", false).await,
            401,
            "login-failed",
        )
        .await;
    }
    // The fifth failure locks; while locked even the right password is refused, unchecked.
    problem(
        login(&app, "25000002", "Wrong#Password-1", false).await,
        401,
        "login-failed",
    )
    .await;
    let locked = login(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    assert_eq!(locked.headers()["retry-after"], "5");
    problem(locked, 429, "account-locked").await;
    app.clock.advance(Duration::seconds(5));
    problem(
        login(&app, "25000002", "Wrong#Password-1", false).await,
        401,
        "login-failed",
    )
    .await;
    let longer = login(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    assert_eq!(longer.headers()["retry-after"], "10");
    // Unknown identifiers lock the same way.
    for _ in 0..5 {
        login(&app, "nobody", PASSWORD, false).await;
    }
    problem(
        login(&app, "nobody", PASSWORD, false).await,
        429,
        "account-locked",
    )
    .await;

    app.clock.advance(Duration::seconds(10));
    let signed = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let kinds = events(&signed).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "login_failed").count(),
        6,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "account_locked").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds[0], "login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_have_safe_cookies_csrf_checks_and_server_side_expiry() {
    let app = app().await;
    let resp = login(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("ent-session="), "{cookie}");
    for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Max-Age"),
        "a short session lives with the browser: {cookie}"
    );
    let id = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert!(id.len() >= 43, "≥ 256 bits");
    let body = ok_json(resp).await;
    let teacher = Signed::of(
        &app,
        format!("ent-session={id}"),
        body["me"]["csrf_token"].as_str().unwrap().to_string(),
    );

    // A state-changing request without the CSRF token is refused.
    let forged = app
        .http
        .delete(app.url("/api/session"))
        .header("cookie", &teacher.cookie)
        .send()
        .await
        .unwrap();
    problem(forged, 403, "csrf-token-missing").await;

    // 29 idle minutes are fine; 30 more end a short session, not a remembered one.
    let remembered = signed_in(&app, "t1001", demo::DEMO_PASSWORD, true).await;
    app.clock.advance(Duration::minutes(29));
    teacher.get_ok("/api/session").await;
    app.clock.advance(Duration::minutes(30));
    problem(teacher.get("/api/session").await, 401, "not-signed-in").await;
    remembered.get_ok("/api/session").await;
    // No session outlives the absolute limit, however active.
    for _ in 0..4 {
        app.clock.advance(Duration::days(25));
        remembered.get("/api/session").await;
    }
    problem(remembered.get("/api/session").await, 401, "not-signed-in").await;

    // Logout ends the session on the server.
    let fresh = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let out = fresh.delete("/api/session").await;
    assert_eq!(out.status(), 204);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    problem(fresh.get("/api/session").await, 401, "not-signed-in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_are_listed_and_revoked_after_the_password_is_typed_again() {
    let app = app().await;
    let phone = app
        .http
        .post(app.url("/api/session"))
        .header("user-agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")
        .json(&json!({"identifier": "p2001", "password": demo::DEMO_PASSWORD, "remember": true}))
        .send()
        .await
        .unwrap();
    let phone_cookie = phone.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let laptop = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    app.clock.advance(Duration::minutes(1));
    let list = laptop.get_ok("/api/me/sessions").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0]["current"], true,
        "the current session was seen last"
    );
    let other = list.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(other["remembered"], true);
    assert!(
        other["device"].as_str().unwrap().contains("Chrome"),
        "{other}"
    );
    assert_eq!(other["ip"], "127.0.0.1");

    let wrong = call(
        &app,
        Method::POST,
        "/api/me/sessions/revocation",
        Some(json!({"password": "nope", "session": other["id"]})),
        Some(&laptop),
    )
    .await;
    problem(wrong, 401, "password-incorrect").await;
    let someone_elses = call(
        &app,
        Method::POST,
        "/api/me/sessions/revocation",
        Some(json!({"password": demo::DEMO_PASSWORD, "session": "0".repeat(64)})),
        Some(&laptop),
    )
    .await;
    problem(someone_elses, 404, "not-found").await;
    let done = call(
        &app,
        Method::POST,
        "/api/me/sessions/revocation",
        Some(json!({"password": demo::DEMO_PASSWORD, "session": other["id"]})),
        Some(&laptop),
    )
    .await;
    assert_eq!(done.status(), 204);
    let revoked = app
        .http
        .get(app.url("/api/session"))
        .header("cookie", &phone_cookie)
        .send()
        .await
        .unwrap();
    problem(revoked, 401, "not-signed-in").await;
    laptop.get_ok("/api/session").await;
    assert!(
        events(&laptop)
            .await
            .contains(&"session_revoked".to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirming_the_password_renews_the_session_id() {
    let app = app().await;
    let before = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let resp = call(
        &app,
        Method::POST,
        "/api/session/reauthentication",
        Some(json!({"password": demo::DEMO_PASSWORD})),
        Some(&before),
    )
    .await;
    assert_eq!(resp.status(), 204);
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(cookie, before.cookie);
    problem(before.get("/api/session").await, 401, "not-signed-in").await;
    let after = before.with_cookie(cookie);
    after.get_ok("/api/session").await;
}

pub fn link_token(body: &str) -> String {
    let start = body
        .find("http://127.0.0.1:8080/recovery/")
        .expect("link from the public URL");
    body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_by_a_single_use_link_that_ends_every_session() {
    let app = app().await;
    let old_session = signed_in(&app, "25000002", demo::DEMO_PASSWORD, true).await;
    // Known and unknown addresses get the same answer.
    for email in ["Lucas.Martin@example.org", "nobody@example.org"] {
        let resp = post(&app, "/api/recovery", json!({"email": email})).await;
        assert_eq!(resp.status(), 202);
        assert_eq!(resp.text().await.unwrap(), "");
    }
    let mails = queued(&app, "lucas.martin@example.org", 1).await;
    assert!(mails[0].0.contains("mot de passe"), "{}", mails[0].0);
    let token = link_token(&mails[0].1);
    assert!(token.len() >= 43);

    let page = app.get(&format!("/recovery/{token}")).await;
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let link = ok_json(post(&app, "/api/recovery/inspection", json!({"token": token})).await).await;
    assert_eq!(
        link,
        json!({"two_factor_required": false, "second_factors": []})
    );
    let weak = post(
        &app,
        "/api/recovery/completion",
        json!({"token": token, "password": "lucas1234567"}),
    )
    .await;
    problem(weak, 422, "password-rejected").await;
    let done = post(
        &app,
        "/api/recovery/completion",
        json!({"token": token, "password": PASSWORD}),
    )
    .await;
    assert_eq!(done.status(), 204);
    let again = post(
        &app,
        "/api/recovery/completion",
        json!({"token": token, "password": PASSWORD}),
    )
    .await;
    problem(again, 410, "link-expired").await;

    problem(old_session.get("/api/session").await, 401, "not-signed-in").await;
    problem(
        login(&app, "25000002", demo::DEMO_PASSWORD, false).await,
        401,
        "login-failed",
    )
    .await;
    let new = signed_in(&app, "25000002", PASSWORD, false).await;
    let kinds = events(&new).await;
    assert!(
        kinds.starts_with(&[
            "login".into(),
            "login_failed".into(),
            "password_reset".into(),
            "recovery_requested".into()
        ]),
        "{kinds:?}"
    );

    // Links expire after 30 minutes.
    post(
        &app,
        "/api/recovery",
        json!({"email": "lucas.martin@etu.univ-tours.fr"}),
    )
    .await;
    // (the first e-mail there told of the reset)
    let late = link_token(&queued(&app, "lucas.martin@etu.univ-tours.fr", 2).await[1].1);
    app.clock.advance(Duration::minutes(30));
    problem(
        post(&app, "/api/recovery/inspection", json!({"token": late})).await,
        410,
        "link-expired",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_or_code_from_one_flow_is_useless_in_another() {
    let app = app().await;
    let challenge = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000006", "birth_date": "2006-01-17"}),
        )
        .await,
    )
    .await;
    let code = nth_code(&app, "+33699000006", 1).await;
    let ticket = ok_json(
        post(
            &app,
            "/api/activation/verification",
            json!({"challenge": challenge["challenge"], "code": code}),
        )
        .await,
    )
    .await;
    let ticket = ticket["ticket"].as_str().unwrap();
    // The activation ticket is not a recovery link, nor a pending login.
    problem(
        post(&app, "/api/recovery/inspection", json!({"token": ticket})).await,
        410,
        "link-expired",
    )
    .await;
    problem(
        post(
            &app,
            "/api/recovery/completion",
            json!({"token": ticket, "password": PASSWORD}),
        )
        .await,
        410,
        "link-expired",
    )
    .await;
    problem(
        post(
            &app,
            "/api/session/two-factor",
            json!({"pending": ticket, "code": "123456"}),
        )
        .await,
        410,
        "code-expired",
    )
    .await;
    // The challenge is not a ticket either; and the ticket still works where it belongs.
    problem(
        post(
            &app,
            "/api/activation/completion",
            json!({"ticket": challenge["challenge"], "password": PASSWORD}),
        )
        .await,
        410,
        "ticket-expired",
    )
    .await;
    ok_json(
        post(
            &app,
            "/api/activation/completion",
            json!({"ticket": ticket, "password": PASSWORD}),
        )
        .await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_checks_the_current_one_and_can_end_other_sessions() {
    let app = app().await;
    let phone = signed_in(&app, "t1001", demo::DEMO_PASSWORD, true).await;
    let laptop = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let wrong = call(
        &app,
        Method::PUT,
        "/api/me/password",
        Some(json!({"current_password": "nope", "new_password": PASSWORD})),
        Some(&laptop),
    )
    .await;
    problem(wrong, 401, "password-incorrect").await;
    let weak = call(
        &app,
        Method::PUT,
        "/api/me/password",
        Some(
            json!({"current_password": demo::DEMO_PASSWORD, "new_password": "Isabelle#Petit-1975"}),
        ),
        Some(&laptop),
    )
    .await;
    problem(weak, 422, "password-rejected").await;
    let done = call(
        &app,
        Method::PUT,
        "/api/me/password",
        Some(json!({"current_password": demo::DEMO_PASSWORD, "new_password": PASSWORD})),
        Some(&laptop),
    )
    .await;
    assert_eq!(done.status(), 204);
    let cookie = done.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let laptop = laptop.with_cookie(cookie);
    laptop.get_ok("/api/session").await;
    problem(phone.get("/api/session").await, 401, "not-signed-in").await;
    signed_in(&app, "isabelle.petit@univ-tours.fr", PASSWORD, false).await;
}

fn totp_now(secret_b32: &str, app: &TestApp) -> (totp_rs::Totp, u64) {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret_b32).unwrap())
        .build()
        .unwrap();
    (
        totp,
        ent::clock::Clock::now(app.clock.as_ref()).timestamp() as u64,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_is_enrolled_by_qr_code_and_then_asked_at_login_and_recovery() {
    let app = app().await;
    let me = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    // Enrolment needs the password typed in the last 10 minutes.
    app.clock.advance(Duration::minutes(11));
    let stale = call(
        &app,
        Method::POST,
        "/api/me/two-factor/enrolment",
        None,
        Some(&me),
    )
    .await;
    problem(stale, 403, "reauthentication-required").await;
    let renewed = call(
        &app,
        Method::POST,
        "/api/session/reauthentication",
        Some(json!({"password": demo::DEMO_PASSWORD})),
        Some(&me),
    )
    .await;
    let me = me.with_cookie(
        renewed.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .into(),
    );
    let enrolment = ok_json(
        call(
            &app,
            Method::POST,
            "/api/me/two-factor/enrolment",
            None,
            Some(&me),
        )
        .await,
    )
    .await;
    let uri = enrolment["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains("p2001"),
        "{uri}"
    );
    assert!(!enrolment["qr_png_base64"].as_str().unwrap().is_empty());
    let (totp, now) = totp_now(enrolment["secret"].as_str().unwrap(), &app);
    let bad = call(
        &app,
        Method::POST,
        "/api/me/two-factor/confirmation",
        Some(json!({"code": "000000"})),
        Some(&me),
    )
    .await;
    if totp.generate(now).to_string() != "000000" {
        problem(bad, 400, "code-incorrect").await;
    }
    let codes = ok_json(
        call(
            &app,
            Method::POST,
            "/api/me/two-factor/confirmation",
            Some(json!({"code": totp.generate(now).to_string()})),
            Some(&me),
        )
        .await,
    )
    .await;
    let recovery_codes: Vec<String> = codes["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovery_codes.len(), 10);
    assert_eq!(recovery_codes.iter().collect::<BTreeSet<_>>().len(), 10);

    // Login now asks for a code; the code just used at enrolment is refused (replay).
    let first = ok_json(login(&app, "p2001", demo::DEMO_PASSWORD, true).await).await;
    assert_eq!(first["status"], "two_factor_required");
    assert!(first["me"].is_null());
    let pending = first["pending"].clone();
    let replay = post(
        &app,
        "/api/session/two-factor",
        json!({"pending": pending, "code": totp.generate(now).to_string()}),
    )
    .await;
    problem(replay, 400, "code-incorrect").await;
    // One step of drift is accepted (the phone 30 s behind the server).
    app.clock.advance(Duration::seconds(60));
    let (_, later) = totp_now(enrolment["secret"].as_str().unwrap(), &app);
    let late_code = totp.generate(later - 30).to_string();
    let resp = post(
        &app,
        "/api/session/two-factor",
        json!({"pending": pending, "code": late_code}),
    )
    .await;
    assert!(
        resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age"),
        "remembered"
    );
    let done = ok_json(resp).await;
    assert_eq!(done["status"], "signed_in");
    assert_eq!(done["me"]["two_factor_enabled"], true);

    // A recovery code works once.
    let second = ok_json(login(&app, "p2001", demo::DEMO_PASSWORD, false).await).await;
    let upper = recovery_codes[0].to_uppercase();
    ok_json(
        post(
            &app,
            "/api/session/two-factor",
            json!({"pending": second["pending"], "code": upper}),
        )
        .await,
    )
    .await;
    let third = ok_json(login(&app, "p2001", demo::DEMO_PASSWORD, false).await).await;
    problem(
        post(
            &app,
            "/api/session/two-factor",
            json!({"pending": third["pending"], "code": recovery_codes[0]}),
        )
        .await,
        400,
        "code-incorrect",
    )
    .await;

    // Recovery does not bypass it.
    post(
        &app,
        "/api/recovery",
        json!({"email": "nathalie.chevalier@univ-tours.fr"}),
    )
    .await;
    let token = link_token(&queued(&app, "nathalie.chevalier@univ-tours.fr", 1).await[0].1);
    let link = ok_json(post(&app, "/api/recovery/inspection", json!({"token": token})).await).await;
    assert_eq!(link["two_factor_required"], true);
    problem(
        post(
            &app,
            "/api/recovery/completion",
            json!({"token": token, "password": PASSWORD}),
        )
        .await,
        400,
        "code-incorrect",
    )
    .await;
    let done = post(
        &app,
        "/api/recovery/completion",
        json!({"token": token, "password": PASSWORD, "code": recovery_codes[1]}),
    )
    .await;
    assert_eq!(done.status(), 204);
}

/// Enrols `who` in two-factor (confirmed with a first code): the generator, the time of that
/// code and the secret.
async fn two_factor_on(app: &TestApp, who: &Signed) -> (totp_rs::Totp, u64, String) {
    let enrolment = ok_json(
        call(
            app,
            Method::POST,
            "/api/me/two-factor/enrolment",
            None,
            Some(who),
        )
        .await,
    )
    .await;
    let secret = enrolment["secret"].as_str().unwrap().to_string();
    let (totp, now) = totp_now(&secret, app);
    let code = json!({"code": totp.generate(now).to_string()});
    ok_json(
        call(
            app,
            Method::POST,
            "/api/me/two-factor/confirmation",
            Some(code),
            Some(who),
        )
        .await,
    )
    .await;
    (totp, now, secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_second_factors_are_throttled() {
    let app = app().await;
    let me = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let (totp, now, secret) = two_factor_on(&app, &me).await;
    let pending =
        ok_json(login(&app, "t1001", demo::DEMO_PASSWORD, false).await).await["pending"].clone();
    let wrong = if totp.generate(now + 30).to_string() == "999999" {
        "999998"
    } else {
        "999999"
    };
    for _ in 0..5 {
        problem(
            post(
                &app,
                "/api/session/two-factor",
                json!({"pending": pending, "code": wrong}),
            )
            .await,
            400,
            "code-incorrect",
        )
        .await;
    }
    app.clock.advance(Duration::seconds(1));
    let (_, now) = totp_now(&secret, &app);
    let locked = post(
        &app,
        "/api/session/two-factor",
        json!({"pending": pending, "code": totp.generate(now + 30).to_string()}),
    )
    .await;
    problem(locked, 429, "too-many-requests").await;
}

/// The secretariat's invitation to activate, by SMS.
async fn invite(secretary: &Signed, person: &str) -> reqwest::Response {
    let path = format!("/api/secretariat/people/{person}/activation-invitation");
    secretary.send(Method::POST, &path, None).await
}

async fn person_id(app: &TestApp, secretary: &Signed, number: &str) -> String {
    let found = ok_json(
        call(
            app,
            Method::GET,
            &format!("/api/secretariat/people?q={number}"),
            None,
            Some(secretary),
        )
        .await,
    )
    .await;
    found[0]["person_id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_staff_with_the_accounts_permission_reach_the_secretariat() {
    let app = app().await;
    let student = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let teacher = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    for who in [&student, &teacher] {
        let resp = call(
            &app,
            Method::GET,
            "/api/secretariat/people?q=Martin",
            None,
            Some(who),
        )
        .await;
        problem(resp, 404, "not-found").await;
    }
    problem(
        app.get("/api/secretariat/people?q=Martin").await,
        401,
        "not-signed-in",
    )
    .await;
    let secretary = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    let found = ok_json(
        call(
            &app,
            Method::GET,
            "/api/secretariat/people?q=lefèvre",
            None,
            Some(&secretary),
        )
        .await,
    )
    .await;
    assert_eq!(found[0]["number"], "25000001");
    assert_eq!(found[0]["account_state"], "pending");
    let by_mail = ok_json(
        call(
            &app,
            Method::GET,
            "/api/secretariat/people?q=isabelle.petit@",
            None,
            Some(&secretary),
        )
        .await,
    )
    .await;
    assert_eq!(by_mail[0]["number"], "T1001");
    assert_eq!(by_mail[0]["account_state"], "active");
    let id = person_id(&app, &secretary, "T1001").await;
    let detail = ok_json(
        call(
            &app,
            Method::GET,
            &format!("/api/secretariat/people/{id}"),
            None,
            Some(&secretary),
        )
        .await,
    )
    .await;
    assert_eq!(detail["active_sessions"], 1);
    assert_eq!(detail["events"][0]["kind"], "login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspension_ends_live_sessions_and_is_explained_after_the_right_password() {
    let app = app().await;
    let secretary = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    let student = signed_in(&app, "25000002", demo::DEMO_PASSWORD, true).await;
    let id = person_id(&app, &secretary, "25000002").await;
    let path = format!("/api/secretariat/people/{id}/suspension");
    let resp = call(
        &app,
        Method::POST,
        &path,
        Some(json!({"reason": "unpaid_fees", "note": "relance 2"})),
        Some(&secretary),
    )
    .await;
    assert_eq!(resp.status(), 204);
    problem(student.get("/api/session").await, 401, "not-signed-in").await;
    // The state is told only to whoever knows the password.
    problem(
        login(&app, "25000002", "Wrong#Password-1", false).await,
        401,
        "login-failed",
    )
    .await;
    let p = problem(
        login(&app, "25000002", demo::DEMO_PASSWORD, false).await,
        403,
        "account-suspended",
    )
    .await;
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("impayés") && detail.contains("scolarite@univ-tours.fr"),
        "{detail}"
    );

    let resp = secretary.delete(&path).await;
    assert_eq!(resp.status(), 204);
    let back = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let kinds = events(&back).await;
    assert!(
        kinds.starts_with(&["login".into(), "account_reinstated".into()]),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"account_suspended".to_string()));
    // The member of staff who acted is on record.
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    let mut conn = app.db.conn().await;
    let actors: Vec<Option<uuid::Uuid>> = ent::db::schema::security_events::table
        .filter(ent::db::schema::security_events::kind.eq("account_suspended"))
        .select(ent::db::schema::security_events::actor_id)
        .load(&mut conn)
        .await
        .unwrap();
    let secretary_id = person_id(&app, &secretary, "P2001").await;
    assert_eq!(actors, [Some(secretary_id.parse().unwrap())]);

    // Closing works the same way; the person is told why.
    let closed = call(
        &app,
        Method::POST,
        &format!("/api/secretariat/people/{id}/closure"),
        None,
        Some(&secretary),
    )
    .await;
    assert_eq!(closed.status(), 204);
    problem(back.get("/api/session").await, 401, "not-signed-in").await;
    problem(
        login(&app, "25000002", demo::DEMO_PASSWORD, false).await,
        403,
        "account-closed",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_corrects_a_phone_invites_to_activate_and_ends_sessions() {
    let app = app().await;
    let secretary = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    let pending = person_id(&app, &secretary, "25000007").await;
    let bad = call(
        &app,
        Method::PUT,
        &format!("/api/secretariat/people/{pending}/phone"),
        Some(json!({"phone": "02 47 36 66 00"})),
        Some(&secretary),
    )
    .await;
    problem(bad, 400, "invalid-phone").await;
    let fixed = call(
        &app,
        Method::PUT,
        &format!("/api/secretariat/people/{pending}/phone"),
        Some(json!({"phone": "06 99 00 00 77"})),
        Some(&secretary),
    )
    .await;
    assert_eq!(fixed.status(), 204);
    let invited = invite(&secretary, &pending).await;
    assert_eq!(invited.status(), 204);
    let sms = sms_to(&app, "+33699000077", 1).await;
    assert!(sms[0].contains("/activation"), "{}", sms[0]);
    // The activation now goes to the corrected number.
    let challenge = ok_json(
        post(
            &app,
            "/api/activation",
            json!({"number": "25000007", "birth_date": "2006-04-02"}),
        )
        .await,
    )
    .await;
    assert_eq!(challenge["masked_phone"], "+33 6 •• •• •• 77");

    let active = person_id(&app, &secretary, "T1001").await;
    let again = invite(&secretary, &active).await;
    problem(again, 409, "account-already-activated").await;
    let teacher = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let ended = call(
        &app,
        Method::POST,
        &format!("/api/secretariat/people/{active}/session-revocation"),
        None,
        Some(&secretary),
    )
    .await;
    assert_eq!(ended.status(), 204);
    problem(teacher.get("/api/session").await, 401, "not-signed-in").await;
    let unknown = call(
        &app,
        Method::POST,
        &format!("/api/secretariat/people/{}/closure", uuid::Uuid::new_v4()),
        None,
        Some(&secretary),
    )
    .await;
    problem(unknown, 404, "not-found").await;
    let pending_close = call(
        &app,
        Method::POST,
        &format!("/api/secretariat/people/{pending}/closure"),
        None,
        Some(&secretary),
    )
    .await;
    problem(pending_close, 409, "account-not-activated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_sites_cannot_post_even_to_log_in() {
    let app = app().await;
    let body = json!({"identifier": "t1001", "password": demo::DEMO_PASSWORD});
    let host = app.base.trim_start_matches("http://").to_string();
    for (name, value) in [
        ("sec-fetch-site", "cross-site".to_string()),
        ("sec-fetch-site", "same-site".to_string()),
        ("origin", "https://evil.example".to_string()),
        ("origin", format!("http://{host}.evil.example")),
    ] {
        let resp = app
            .http
            .post(app.url("/api/session"))
            .header(name, &value)
            .json(&body)
            .send()
            .await
            .unwrap();
        problem(resp, 403, "cross-site-request").await;
    }
    for (name, value) in [
        ("sec-fetch-site", "same-origin".to_string()),
        ("origin", app.base.clone()),
    ] {
        let resp = app
            .http
            .post(app.url("/api/session"))
            .header(name, &value)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{name}: {value}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_cookie_is_bound_to_the_host() {
    let app =
        app_with(|c| c.http.public_url = "https://ent.example.fr".to_string().try_into().unwrap())
            .await;
    let resp = login(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-ent-session=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain="), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hour_of_guessing_gets_far_fewer_than_a_hundred_tries() {
    let app = app().await;
    let (mut tried, mut elapsed) = (0, Duration::zero());
    while elapsed < Duration::hours(1) {
        let resp = login(&app, "25000002", "Wrong#Password-1", false).await;
        match resp.status().as_u16() {
            401 => tried += 1,
            429 => {
                let wait: i64 = resp.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                app.clock.advance(Duration::seconds(wait));
                elapsed += Duration::seconds(wait);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(tried < 30, "{tried} guesses in an hour");
    assert!(tried > 5, "the lock lifts: {tried}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_phone_is_verified_again_by_its_holder() {
    let app = app().await;
    let secretary = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    let student = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let me = student.get_ok("/api/session").await;
    assert_eq!(me["phone_verification_required"], false);
    let id = person_id(&app, &secretary, "25000002").await;
    let path = format!("/api/secretariat/people/{id}/phone");
    let fixed = call(
        &app,
        Method::PUT,
        &path,
        Some(json!({"phone": "+33 6 99 00 00 92"})),
        Some(&secretary),
    )
    .await;
    assert_eq!(fixed.status(), 204);
    let me = student.get_ok("/api/session").await;
    assert_eq!(me["phone_verification_required"], true);

    let challenge = ok_json(
        call(
            &app,
            Method::POST,
            "/api/me/phone-verification",
            None,
            Some(&student),
        )
        .await,
    )
    .await;
    assert_eq!(challenge["masked_phone"], "+33 6 •• •• •• 92");
    let code = nth_code(&app, "+33699000092", 1).await;
    // The code works only here, and only for its holder.
    let activation = post(
        &app,
        "/api/activation/verification",
        json!({"challenge": challenge["challenge"], "code": code}),
    )
    .await;
    problem(activation, 410, "code-expired").await;
    let teacher = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let submission = json!({"challenge": challenge["challenge"], "code": code});
    let stolen = call(
        &app,
        Method::POST,
        "/api/me/phone-verification/confirmation",
        Some(submission.clone()),
        Some(&teacher),
    )
    .await;
    problem(stolen, 410, "code-expired").await;

    let again = ok_json(
        call(
            &app,
            Method::POST,
            "/api/me/phone-verification",
            None,
            Some(&student),
        )
        .await,
    )
    .await;
    let code = nth_code(&app, "+33699000092", 2).await;
    let ok = call(
        &app,
        Method::POST,
        "/api/me/phone-verification/confirmation",
        Some(json!({"challenge": again["challenge"], "code": code})),
        Some(&student),
    )
    .await;
    assert_eq!(ok.status(), 204);
    let me = student.get_ok("/api/session").await;
    assert_eq!(me["phone_verification_required"], false);
    assert!(
        events(&student)
            .await
            .contains(&"phone_verified".to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_check_answers_204_while_the_session_lives() {
    let app = app().await;
    let lucas = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let check = |who| call(&app, Method::GET, "/api/session/check", None, who);
    assert_eq!(check(Some(&lucas)).await.status(), 204);
    common::problem(check(None).await, 401, "not-signed-in").await;
    app.clock.advance(Duration::minutes(31));
    common::problem(check(Some(&lucas)).await, 401, "not-signed-in").await;
}

/// Pending records (enrolled, no account) now sharing one phone: (number, birth date).
async fn records_sharing_a_phone(
    app: &TestApp,
    phone: &str,
    how_many: i64,
) -> Vec<(String, String)> {
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    use ent::db::schema::{accounts, people};
    let mut conn = app.db.conn().await;
    let pending: Vec<(uuid::Uuid, String, chrono::NaiveDate)> = people::table
        .left_join(accounts::table)
        .filter(accounts::person_id.is_null())
        .filter(people::enrolment.eq("enrolled"))
        .filter(people::mobile_phone.is_not_null())
        .order(people::number)
        .limit(how_many)
        .select((people::id, people::number, people::birth_date))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        pending.len() as i64,
        how_many,
        "the demo has enough pending records"
    );
    let ids: Vec<_> = pending.iter().map(|p| p.0).collect();
    diesel::update(people::table.filter(people::id.eq_any(ids)))
        .set(people::mobile_phone.eq(phone))
        .execute(&mut conn)
        .await
        .unwrap();
    pending
        .into_iter()
        .map(|(_, number, birth)| (number, birth.to_string()))
        .collect()
}

/// Security events of `kind` about anyone, with their details.
async fn logged(app: &TestApp, kind: &str) -> Vec<(Option<uuid::Uuid>, Option<String>)> {
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    use ent::db::schema::security_events as ev;
    let mut conn = app.db.conn().await;
    ev::table
        .filter(ev::kind.eq(kind))
        .filter(ev::success.eq(false))
        .order(ev::id)
        .select((ev::person_id, ev::detail))
        .load(&mut conn)
        .await
        .unwrap()
}

/// Every activation asked is answered 200, whoever is texted; waits until each ask has been
/// either texted to `phone` or withheld, and gives how many were texted.
async fn ask_activations(
    app: &TestApp,
    records: &[(String, String)],
    first_address: usize,
) -> usize {
    let withheld_before = logged(app, "sms_withheld").await.len();
    let texted_before = sms_to(app, SHARED_PHONE, 0).await.len();
    for (i, (number, birth)) in records.iter().enumerate() {
        let resp = app
            .http
            .post(app.url("/api/activation"))
            .header(
                "x-forwarded-for",
                format!("198.51.100.{}", first_address + i),
            )
            .json(&json!({"number": number, "birth_date": birth}))
            .send()
            .await
            .unwrap();
        let body = ok_json(resp).await;
        assert_eq!(
            body["masked_phone"], "+33 6 •• •• •• 44",
            "the same answer for {number}"
        );
    }
    for _ in 0..200 {
        let texted = sms_to(app, SHARED_PHONE, 0).await.len() - texted_before;
        let withheld = logged(app, "sms_withheld").await.len() - withheld_before;
        if texted + withheld == records.len() {
            return texted;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("some asks were neither texted nor withheld");
}

const SHARED_PHONE: &str = "+33611223344";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_phone_on_many_records_gets_its_share_of_texts_and_no_more() {
    let app = app_with(|c| {
        c.http.behind_proxy = true;
        c.limits.sms_per_phone_per_hour = 5;
        c.limits.sms_per_phone_per_day = 8;
    })
    .await;
    let records = records_sharing_a_phone(&app, SHARED_PHONE, 12).await;
    // Twelve records asked from twelve addresses: twelve answers alike, five texts.
    assert_eq!(ask_activations(&app, &records, 1).await, 5);
    let withheld = logged(&app, "sms_withheld").await;
    assert_eq!(withheld.len(), 7);
    assert!(withheld.iter().all(|(person, detail)| person.is_some()
        && detail.as_deref() == Some("activation +33 6 •• •• •• 44")));
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("sms_withheld_total{flow=\"activation\"} 7"),
        "{metrics}"
    );

    // The next hour, three more: the day's eight.
    app.clock.advance(Duration::hours(1));
    assert_eq!(ask_activations(&app, &records[..6], 20).await, 3);
    app.clock.advance(Duration::hours(1));
    assert_eq!(ask_activations(&app, &records[..2], 40).await, 0);

    // Staff are told, since nobody is guessing whose phone it is; nothing is queued.
    let secretary = signed_in(&app, "p2001", demo::DEMO_PASSWORD, false).await;
    let pending = person_id(&app, &secretary, &records[0].0).await;
    let invited = invite(&secretary, &pending).await;
    let retry_after: u64 = invited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 86_400);
    problem(invited, 429, "phone-texted-enough").await;
    assert_eq!(sms_to(&app, SHARED_PHONE, 0).await.len(), 8);
    assert!(
        logged(&app, "sms_withheld")
            .await
            .last()
            .is_some_and(|(_, d)| d.as_deref() == Some("invitation +33 6 •• •• •• 44"))
    );
}

const FIREFOX_ANDROID: &str =
    "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";

/// A call from Firefox on Android, in `lang`.
async fn from_firefox(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Value,
    who: Option<&Signed>,
    lang: &str,
) -> reqwest::Response {
    let mut req = app
        .http
        .request(method, app.url(path))
        .header("user-agent", FIREFOX_ANDROID)
        .header("accept-language", lang)
        .json(&body);
    if let Some(s) = who {
        req = req
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf);
    }
    req.send().await.unwrap()
}

/// The e-mail whose subject ends with `subject`, sent to each of Lucas's two addresses.
async fn told_lucas(app: &TestApp, subject: &str) -> String {
    let mut bodies = Vec::new();
    for address in ["lucas.martin@etu.univ-tours.fr", "lucas.martin@example.org"] {
        let mails = queued(app, address, 1).await;
        let found = mails
            .iter()
            .filter(|(s, _)| s.ends_with(subject))
            .collect::<Vec<_>>();
        assert_eq!(found.len(), 1, "{address}: {mails:?}");
        bodies.push(found[0].1.clone());
    }
    assert_eq!(bodies[0], bodies[1]);
    bodies.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_password_a_reset_and_two_factor_turned_off_are_told_by_email() {
    let app = app().await;
    let me = signed_in(&app, "25000002", demo::DEMO_PASSWORD, false).await;
    let body = json!({"current_password": demo::DEMO_PASSWORD, "new_password": PASSWORD});
    let changed = from_firefox(&app, Method::PUT, "/api/me/password", body, Some(&me), "fr").await;
    assert_eq!(changed.status(), 204);
    let mail = told_lucas(&app, "votre mot de passe a été modifié").await;
    for part in [
        "lundi 30 novembre 2026 à 08:45 (CET)",
        "Firefox · Android",
        "« Mot de passe oublié ? »",
        "http://127.0.0.1:8080/recovery\n",
    ] {
        assert!(mail.contains(part), "{part} in {mail}");
    }

    // A reset by the link, asked in English: told in English at both addresses.
    post(
        &app,
        "/api/recovery",
        json!({"email": "lucas.martin@example.org"}),
    )
    .await;
    let link = queued(&app, "lucas.martin@example.org", 2).await;
    let token = link_token(&link[1].1);
    app.clock.advance(Duration::minutes(5));
    let reset = from_firefox(
        &app,
        Method::POST,
        "/api/recovery/completion",
        json!({"token": token, "password": "Loire#Tanneurs-2006-bleu"}),
        None,
        "en-GB,en;q=0.8",
    )
    .await;
    assert_eq!(reset.status(), 204);
    let mail = told_lucas(&app, "your password was reset").await;
    assert!(
        mail.contains(
            "on Monday 30 November 2026 at 08:50 (CET), from the device Firefox · Android"
        ) && mail.contains("“Forgotten password?”"),
        "{mail}"
    );

    // Two-factor on, then off.
    let me = signed_in(&app, "25000002", "Loire#Tanneurs-2006-bleu", false).await;
    two_factor_on(&app, &me).await;
    let off = from_firefox(
        &app,
        Method::DELETE,
        "/api/me/two-factor",
        json!({}),
        Some(&me),
        "fr",
    )
    .await;
    assert_eq!(off.status(), 204);
    let mail = told_lucas(&app, "la double authentification a été désactivée").await;
    assert!(
        mail.contains("La double authentification de votre compte"),
        "{mail}"
    );
}
