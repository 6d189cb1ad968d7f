//! Passkeys against a real server, with webauthn-authenticator-rs's software authenticator as
//! the phone. That authenticator cannot keep a credential itself (no resident keys), so the
//! test plays the part the phone's platform plays for a discoverable credential: it asks it to
//! create an ordinary one, and at login points it at that credential and gives back the user
//! handle the phone would have kept. Everything the server checks — origin, relying party,
//! challenge, signature, counter, user verification — is the authenticator's real work.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use webauthn_authenticator_rs::{
    WebauthnAuthenticator,
    prelude::{CreationChallengeResponse, RequestChallengeResponse, Url},
    softpasskey::SoftPasskey,
};

use crate::common::{
    TestApp, problem,
    session::{Signed, app, ok_json, post},
};

/// The origin the relying party of a loopback `http.public_url` accepts (any port).
fn origin() -> Url {
    Url::parse("http://localhost:8080").unwrap()
}

/// A phone with its passkey for one person.
struct Phone {
    authenticator: SoftPasskey,
    credential_id: String,
    user_handle: String,
}

async fn add_passkey(who: &Signed, name: &str) -> (Phone, Value) {
    let started = who
        .post_ok("/api/me/passkeys/registration", json!({}))
        .await;
    let mut options = started["options"].clone();
    let selection = &options["publicKey"]["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required", "{options}");
    assert_eq!(selection["userVerification"], "required");
    let user_handle = options["publicKey"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = false.into();
    options["publicKey"]["authenticatorSelection"]
        .as_object_mut()
        .unwrap()
        .remove("residentKey");
    let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
    let mut authenticator = SoftPasskey::new(true);
    let credential = authenticator.do_registration(origin(), options).unwrap();
    let credential_id = credential.id.clone();
    let added = who
        .post_ok(
            "/api/me/passkeys",
            json!({"ceremony": started["ceremony"], "credential": credential, "name": name}),
        )
        .await;
    let phone = Phone {
        authenticator,
        credential_id,
        user_handle,
    };
    (phone, added)
}

impl Phone {
    /// The phone's answer to a login challenge, from `origin`.
    fn answer(&mut self, challenge: &Value, origin: Url) -> Value {
        let mut options = challenge["options"].clone();
        options["publicKey"]["allowCredentials"] =
            json!([{"type": "public-key", "id": self.credential_id}]);
        let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
        let assertion = self
            .authenticator
            .do_authentication(origin, options)
            .unwrap();
        let mut assertion = serde_json::to_value(assertion).unwrap();
        assertion["response"]["userHandle"] = self.user_handle.clone().into();
        assertion
    }

    /// Signs in from a browser that asked for a challenge; the raw answer.
    async fn sign_in(&mut self, app: &TestApp) -> reqwest::Response {
        let challenge = ok_json(post(app, "/api/session/passkey/challenge", json!({})).await).await;
        let credential = self.answer(&challenge, origin());
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
    let credential = phone.answer(&challenge, origin());
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
    let credential = phone.answer(&foreign, Url::parse("https://univ-tours.example").unwrap());
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
    let credential = phone.answer(&first, origin());
    let body = json!({"ceremony": second["ceremony"], "credential": credential});
    problem(
        post(&app, "/api/session/passkey", body).await,
        400,
        "passkey-refused",
    )
    .await;
    let challenge = ok_json(post(&app, "/api/session/passkey/challenge", json!({})).await).await;
    let credential = phone.answer(&challenge, origin());
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
