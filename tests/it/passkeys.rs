//! Passkeys against a real server, with a software authenticator as the phone
//! (`common::phone`).

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use webauthn_authenticator_rs::prelude::Url;

use crate::common::{
    TestApp,
    phone::{Phone, origin},
    problem,
    session::{Signed, app, login, ok_json, post, queued},
};
use ent::demo::DEMO_PASSWORD;

pub async fn add_passkey(who: &Signed, name: &str) -> (Phone, Value) {
    let started = who
        .post_ok("/api/me/passkeys/registration", json!({}))
        .await;
    let (phone, credential) = Phone::register(&started["options"]);
    let added = who
        .post_ok(
            "/api/me/passkeys",
            json!({"ceremony": started["ceremony"], "credential": credential, "name": name}),
        )
        .await;
    (phone, added)
}

/// What the tests do with the phone in the browser's place.
pub(crate) trait Browser {
    async fn confirm(&mut self, app: &TestApp, path: &str, body: Value) -> Value;
    async fn reauthenticate(&mut self, who: &Signed) -> Signed;
    async fn sign_in(&mut self, app: &TestApp) -> reqwest::Response;
}

impl Browser for Phone {
    /// The phone's answer to a challenge from `path` (`body` says for whom), as the `passkey`
    /// field of the request that completes it.
    async fn confirm(&mut self, app: &TestApp, path: &str, body: Value) -> Value {
        let challenge = ok_json(post(app, path, body).await).await;
        let allowed = &challenge["options"]["publicKey"]["allowCredentials"];
        assert_eq!(allowed[0]["id"], self.credential_id.as_str(), "{challenge}");
        let credential = self.answer(&challenge["options"], origin());
        json!({"ceremony": challenge["ceremony"], "credential": credential})
    }

    /// Confirms `who` before a sensitive setting: the renewed session.
    async fn reauthenticate(&mut self, who: &Signed) -> Signed {
        let challenge = who
            .post_ok("/api/session/reauthentication/passkey-challenge", json!({}))
            .await;
        let credential = self.answer(&challenge["options"], origin());
        let body = json!({"ceremony": challenge["ceremony"], "credential": credential});
        let resp = who
            .post("/api/session/reauthentication/passkey", body)
            .await;
        assert_eq!(resp.status(), 204);
        let cookie = resp.headers()["set-cookie"].to_str().unwrap();
        let renewed = who.with_cookie(cookie.split(';').next().unwrap().to_string());
        problem(who.get("/api/session").await, 401, "not-signed-in").await;
        renewed
    }

    /// Signs in from a browser that asked for a challenge; the raw answer.
    async fn sign_in(&mut self, app: &TestApp) -> reqwest::Response {
        let challenge = ok_json(post(app, "/api/session/passkey/challenge", json!({})).await).await;
        let credential = self.answer(&challenge["options"], origin());
        post(
            app,
            "/api/session/passkey",
            json!({"ceremony": challenge["ceremony"], "credential": credential, "remember": true}),
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_added_after_the_password_signs_in_alone() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let (mut phone, added) = add_passkey(&lucas, "iPhone de Lucas").await;
    assert_eq!(added["name"], "iPhone de Lucas");
    assert!(added["last_used_at"].is_null());

    let resp = phone.sign_in(&app).await;
    assert_eq!(resp.status(), 200);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(!cookie.contains(lucas.cookie.as_str()), "a new session id");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "signed_in");
    assert_eq!(body["me"]["identifier"], "25000002");
    let again = Signed::of(
        &app,
        cookie.split(';').next().unwrap().to_string(),
        body["me"]["csrf_token"].as_str().unwrap().to_string(),
    );
    let listed = again.get_ok("/api/me/passkeys").await;
    assert_eq!(listed[0]["name"], "iPhone de Lucas");
    assert!(listed[0]["last_used_at"].is_string());

    // Renamed; removing asks the password again after 10 minutes.
    let id = listed[0]["id"].as_str().unwrap();
    let renamed = again
        .patch_ok(
            &format!("/api/me/passkeys/{id}"),
            json!({"name": "Mon téléphone"}),
        )
        .await;
    assert_eq!(renamed["name"], "Mon téléphone");
    let blank = again
        .send(
            Method::PATCH,
            &format!("/api/me/passkeys/{id}"),
            Some(json!({"name": "  "})),
        )
        .await;
    problem(blank, 400, "passkey-name-missing").await;
    app.clock.advance(Duration::minutes(11));
    let path = format!("/api/me/passkeys/{id}");
    problem(again.delete(&path).await, 403, "reauthentication-required").await;
    assert_eq!(
        app.sign_in("25000002").await.delete(&path).await.status(),
        204
    );
    problem(phone.sign_in(&app).await, 401, "passkey-unknown").await;

    let events = lucas_events(&app).await;
    assert!(events.contains(&("passkey_added".into(), Some("iPhone de Lucas".into()))));
    assert!(events.contains(&("passkey_removed".into(), Some("Mon téléphone".into()))));
    assert!(events.contains(&("login".into(), Some("passkey".into()))));
}

async fn lucas_events(app: &TestApp) -> Vec<(String, Option<String>)> {
    use diesel::{ExpressionMethods, JoinOnDsl, NullableExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    use ent::db::schema::{people, security_events as ev};
    ev::table
        .inner_join(people::table.on(people::id.nullable().eq(ev::person_id)))
        .filter(people::number.eq("25000002"))
        .order(ev::id)
        .select((ev::kind, ev::detail))
        .load(&mut app.db.conn().await)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_foreign_stale_and_cloned_answers_are_refused() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    // Adding needs a fresh password.
    app.clock.advance(Duration::minutes(11));
    let late = lucas
        .send(
            Method::POST,
            "/api/me/passkeys/registration",
            Some(json!({})),
        )
        .await;
    problem(late, 403, "reauthentication-required").await;
    let lucas = app.sign_in("25000002").await;
    let (mut phone, _) = add_passkey(&lucas, "Pixel").await;

    // A registration answered twice, or someone else's ceremony.
    let again = app.sign_in("25000002").await;
    let started = again
        .post_ok("/api/me/passkeys/registration", json!({}))
        .await;
    let other = app.sign_in("t1001").await;
    let stolen = other
        .send(
            Method::POST,
            "/api/me/passkeys",
            Some(json!({"ceremony": started["ceremony"], "credential": {}, "name": "x"})),
        )
        .await;
    problem(stolen, 400, "passkey-ceremony-expired").await;

    // A login answer replayed: the challenge was single use.
    let challenge = ok_json(post(&app, "/api/session/passkey/challenge", json!({})).await).await;
    let credential = phone.answer(&challenge["options"], origin());
    let body = json!({"ceremony": challenge["ceremony"], "credential": credential});
    assert_eq!(
        post(&app, "/api/session/passkey", body.clone())
            .await
            .status(),
        200
    );
    problem(
        post(&app, "/api/session/passkey", body).await,
        400,
        "passkey-ceremony-expired",
    )
    .await;

    // A phishing site relaying our challenge: its origin and relying party are not ours.
    let challenge = ok_json(post(&app, "/api/session/passkey/challenge", json!({})).await).await;
    let mut foreign = challenge.clone();
    foreign["options"]["publicKey"]["rpId"] = "univ-tours.example".into();
    let credential = phone.answer(
        &foreign["options"],
        Url::parse("https://univ-tours.example").unwrap(),
    );
    let body = json!({"ceremony": challenge["ceremony"], "credential": credential});
    problem(
        post(&app, "/api/session/passkey", body).await,
        400,
        "passkey-refused",
    )
    .await;

    // A tampered answer (another challenge signed), and one after 5 minutes.
    let first = ok_json(post(&app, "/api/session/passkey/challenge", json!({})).await).await;
    let second = ok_json(post(&app, "/api/session/passkey/challenge", json!({})).await).await;
    let credential = phone.answer(&first["options"], origin());
    let body = json!({"ceremony": second["ceremony"], "credential": credential});
    problem(
        post(&app, "/api/session/passkey", body).await,
        400,
        "passkey-refused",
    )
    .await;
    let challenge = ok_json(post(&app, "/api/session/passkey/challenge", json!({})).await).await;
    let credential = phone.answer(&challenge["options"], origin());
    app.clock.advance(Duration::minutes(6));
    let body = json!({"ceremony": challenge["ceremony"], "credential": credential});
    problem(
        post(&app, "/api/session/passkey", body).await,
        400,
        "passkey-ceremony-expired",
    )
    .await;

    // A suspended account is refused as with a password.
    let secretary = app.sign_in("p2001").await;
    let found = secretary.get_ok("/api/secretariat/people?q=25000002").await;
    let person = found[0]["person_id"].as_str().unwrap().to_string();
    let suspension = format!("/api/secretariat/people/{person}/suspension");
    let body = json!({"reason": "security", "note": "passkey test"});
    let suspended = secretary.send(Method::POST, &suspension, Some(body)).await;
    assert_eq!(suspended.status(), 204);
    problem(phone.sign_in(&app).await, 403, "account-suspended").await;
    assert_eq!(secretary.delete(&suspension).await.status(), 204);
    assert_eq!(phone.sign_in(&app).await.status(), 200);

    // A counter behind the one stored: a copy of the authenticator, refused and recorded.
    {
        use diesel_async::RunQueryDsl;
        diesel::sql_query(
            "UPDATE passkeys SET credential = jsonb_set(credential, '{cred,counter}', '1000')",
        )
        .execute(&mut app.db.conn().await)
        .await
        .unwrap();
    }
    problem(phone.sign_in(&app).await, 401, "passkey-possibly-cloned").await;
    let events = lucas_events(&app).await;
    assert!(events.contains(&("passkey_refused".into(), Some("Pixel".into()))));

    // A lost phone: the secretariat removes the passkeys; a student cannot.
    // (The suspension ended his sessions.)
    let lucas = app.sign_in("25000002").await;
    let all = format!("/api/secretariat/people/{person}/passkeys");
    assert_eq!(lucas.delete(&all).await.status(), 404);
    assert_eq!(secretary.delete(&all).await.status(), 204);
    assert_eq!(lucas.get_ok("/api/me/passkeys").await, json!([]));
    let events = lucas_events(&app).await;
    assert!(events.contains(&("passkey_removed".into(), Some("Pixel".into()))));
    problem(phone.sign_in(&app).await, 401, "passkey-unknown").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_answers_for_the_second_factor_or_is_the_only_one() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let (mut phone, _) = add_passkey(&lucas, "Pixel").await;
    assert_eq!(
        lucas.get_ok("/api/session").await["second_factors"],
        json!([])
    );

    // Two-factor with passkeys alone: no authenticator app, recovery codes for a lost phone.
    let codes = lucas
        .post_ok("/api/me/two-factor/passkeys", json!({}))
        .await;
    let recovery_codes = codes["recovery_codes"].as_array().unwrap().clone();
    assert_eq!(recovery_codes.len(), 10);
    let twice = lucas.post("/api/me/two-factor/passkeys", json!({})).await;
    problem(twice, 409, "two-factor-already-on").await;
    let me = lucas.get_ok("/api/session").await;
    assert_eq!(me["two_factor_enabled"], true);
    assert_eq!(me["second_factors"], json!(["passkey", "recovery_code"]));

    // The password is not enough any more; a code from no app is wrong; the passkey answers.
    let first = ok_json(login(&app, "25000002", DEMO_PASSWORD, false).await).await;
    assert_eq!(first["status"], "two_factor_required");
    assert_eq!(first["second_factors"], json!(["passkey", "recovery_code"]));
    let pending = first["pending"].clone();
    let guess = post(
        &app,
        "/api/session/two-factor",
        json!({"pending": pending, "code": "123456"}),
    )
    .await;
    problem(guess, 400, "code-incorrect").await;
    let challenge = "/api/session/two-factor/passkey-challenge";
    let answer = phone
        .confirm(&app, challenge, json!({"pending": pending}))
        .await;
    let body = json!({"pending": pending, "passkey": answer});
    let done = ok_json(post(&app, "/api/session/two-factor", body.clone()).await).await;
    assert_eq!(done["status"], "signed_in");
    // The login and its passkey answer served once.
    problem(
        post(&app, "/api/session/two-factor", body).await,
        410,
        "code-expired",
    )
    .await;
    let expired = post(&app, challenge, json!({"pending": pending})).await;
    problem(expired, 410, "code-expired").await;

    // The last passkey stays while two-factor depends on it.
    let id = lucas.get_ok("/api/me/passkeys").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/me/passkeys/{id}");
    problem(lucas.delete(&path).await, 409, "passkey-last-second-factor").await;

    // A forgotten password: the link asks for the second factor, and the passkey gives it.
    post(
        &app,
        "/api/recovery",
        json!({"email": "lucas.martin@example.org"}),
    )
    .await;
    let mail = queued(&app, "lucas.martin@example.org", 1).await;
    let token = crate::accounts::link_token(&mail[0].1);
    let link = ok_json(post(&app, "/api/recovery/inspection", json!({"token": token})).await).await;
    assert_eq!(link["second_factors"], json!(["passkey", "recovery_code"]));
    let answer = phone
        .confirm(
            &app,
            "/api/recovery/passkey-challenge",
            json!({"token": token}),
        )
        .await;
    let reset = post(
        &app,
        "/api/recovery/completion",
        json!({"token": token, "password": "Cher-et-Loire#2027", "passkey": answer}),
    )
    .await;
    assert_eq!(reset.status(), 204);

    // Two-factor off: the passkey may go.
    let lucas = ok_json(login(&app, "25000002", "Cher-et-Loire#2027", false).await).await;
    let answer = phone
        .confirm(&app, challenge, json!({"pending": lucas["pending"]}))
        .await;
    let resp = post(
        &app,
        "/api/session/two-factor",
        json!({"pending": lucas["pending"], "passkey": answer}),
    )
    .await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    let body: Value = resp.json().await.unwrap();
    let lucas = Signed::of(
        &app,
        cookie.split(';').next().unwrap().to_string(),
        body["me"]["csrf_token"].as_str().unwrap().to_string(),
    );
    assert_eq!(lucas.delete("/api/me/two-factor").await.status(), 204);
    assert_eq!(lucas.delete(&path).await.status(), 204);
    let events = lucas_events(&app).await;
    assert!(events.contains(&("two_factor_enabled".into(), Some("passkeys".into()))));
    assert!(events.contains(&("login".into(), Some("passkey as second factor".into()))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_confirms_the_person_before_a_sensitive_setting() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let (mut phone, _) = add_passkey(&lucas, "Pixel").await;
    app.clock.advance(Duration::minutes(11));
    let start = "/api/me/passkeys/registration";
    problem(
        lucas.post(start, json!({})).await,
        403,
        "reauthentication-required",
    )
    .await;
    let renewed = phone.reauthenticate(&lucas).await;
    renewed.post_ok(start, json!({})).await;

    // A ceremony started for someone else, and a person without passkeys.
    let teacher = app.sign_in("t1001").await;
    let none = teacher
        .post("/api/session/reauthentication/passkey-challenge", json!({}))
        .await;
    problem(none, 409, "no-passkey").await;
    let challenge = renewed
        .post_ok("/api/session/reauthentication/passkey-challenge", json!({}))
        .await;
    let credential = phone.answer(&challenge["options"], origin());
    let stolen = teacher
        .post(
            "/api/session/reauthentication/passkey",
            json!({"ceremony": challenge["ceremony"], "credential": credential}),
        )
        .await;
    problem(stolen, 400, "passkey-ceremony-expired").await;
}
