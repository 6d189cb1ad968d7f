//! Talking to the API as a browser would: the demo university, signing in, calls carrying the
//! session cookie and CSRF token.

use ent::{cli, demo};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::TestApp;

/// A signed-in person's browser: their session cookie and CSRF token, on one server.
#[derive(Clone)]
pub struct Signed {
    pub cookie: String,
    pub csrf: String,
    http: reqwest::Client,
    base: String,
}

impl Signed {
    pub fn of(app: &TestApp, cookie: String, csrf: String) -> Signed {
        Signed {
            cookie,
            csrf,
            http: app.http.clone(),
            base: app.base.clone(),
        }
    }

    /// The same browser with another session cookie (renewed, or another device's).
    pub fn with_cookie(&self, cookie: String) -> Signed {
        Signed {
            cookie,
            ..self.clone()
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }

    /// An upload: `bytes` as they are, said to be `content_type`.
    pub async fn put_file(&self, path: &str, content_type: &str, bytes: &[u8]) -> Response {
        self.request(Method::PUT, path)
            .header("content-type", content_type)
            .body(bytes.to_vec())
            .send()
            .await
            .expect("request")
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.send(Method::DELETE, path, None).await
    }

    /// The JSON answer of a call that must succeed.
    pub async fn get_ok(&self, path: &str) -> Value {
        ok_json(self.get(path).await).await
    }

    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        ok_json(self.post(path, body).await).await
    }

    pub async fn patch_ok(&self, path: &str, body: Value) -> Value {
        ok_json(self.patch(path, body).await).await
    }
}

pub async fn app() -> TestApp {
    app_with(|_| {}).await
}

/// A server on the demo university, its configuration changed by `adjust`.
pub async fn app_with(adjust: impl FnOnce(&mut ent::config::Config)) -> TestApp {
    let app = TestApp::start_with(adjust).await;
    let mut conn = app.db.conn().await;
    let rules = cli::rules(&app.db.config, app.clock.as_ref());
    demo::seed(
        &mut conn,
        &app.db.config,
        &rules,
        &ent::redis::Redis::new(&app.db.config.redis).unwrap(),
        ent::timetable::import::Settings::of(&app.db.config),
        ent::clock::Clock::now(app.clock.as_ref()),
    )
    .await
    .expect("demo seeded");
    app
}

/// A call as a signed-out browser (`who` none) or as `who`.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    who: Option<&Signed>,
) -> Response {
    if let Some(who) = who {
        return who.send(method, path, body).await;
    }
    let mut req = app.http.request(method, app.url(path));
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.expect("request")
}

pub async fn post(app: &TestApp, path: &str, body: Value) -> Response {
    call(app, Method::POST, path, Some(body), None).await
}

pub async fn ok_json(resp: Response) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.expect("JSON body");
    assert!(status.is_success(), "{status}: {body}");
    body
}

pub async fn login(app: &TestApp, identifier: &str, password: &str, remember: bool) -> Response {
    post(
        app,
        "/api/session",
        json!({"identifier": identifier, "password": password, "remember": remember}),
    )
    .await
}

pub async fn signed_in(app: &TestApp, identifier: &str, password: &str, remember: bool) -> Signed {
    let resp = login(app, identifier, password, remember).await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    let body = ok_json(resp).await;
    Signed::of(
        app,
        cookie.split(';').next().unwrap().to_string(),
        body["me"]["csrf_token"].as_str().unwrap().to_string(),
    )
}

impl TestApp {
    /// `who` signed in with the demo password, « Rester connecté » ticked so that the tests'
    /// clock jumps do not end the session.
    pub async fn sign_in(&self, who: &str) -> Signed {
        signed_in(self, who, demo::DEMO_PASSWORD, true).await
    }
}

/// A device of `who` registered with a (never contacted) push service on the allow-list.
pub async fn subscribe(app: &TestApp, who: &Signed, name: &str) {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut point = vec![4u8];
    point.extend([7u8; 64]);
    let body = json!({
        "endpoint": format!("https://fcm.googleapis.com/fcm/send/{name}"),
        "keys": {"p256dh": b64(&point), "auth": b64(&[9u8; 16])},
    });
    let resp = call(
        app,
        Method::PUT,
        "/api/me/push-subscription",
        Some(body),
        Some(who),
    )
    .await;
    assert_eq!(resp.status(), 204);
}

/// Payloads queued for the device `name`.
pub async fn pushes_to(app: &TestApp, name: &str) -> Vec<Value> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct P {
        #[diesel(sql_type = diesel::sql_types::Text)]
        payload: String,
    }
    let mut conn = app.db.conn().await;
    let rows: Vec<P> = diesel::sql_query(format!(
        "SELECT o.payload FROM push_outbox o JOIN push_subscriptions s ON s.id = o.subscription_id \
         WHERE s.endpoint LIKE '%/{name}' ORDER BY o.id"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    rows.iter()
        .map(|r| serde_json::from_str(&r.payload).unwrap())
        .collect()
}

/// (subject, body) of the messages queued for `recipient`, oldest first, once there are at
/// least `at_least` (activation and recovery queue theirs after answering).
pub async fn queued(app: &TestApp, recipient: &str, at_least: usize) -> Vec<(String, String)> {
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    for _ in 0..100 {
        let mut conn = app.db.conn().await;
        let found: Vec<(Option<String>, String)> = ent::db::schema::outbox::table
            .filter(ent::db::schema::outbox::recipient.eq(recipient))
            .order(ent::db::schema::outbox::id)
            .select((
                ent::db::schema::outbox::subject,
                ent::db::schema::outbox::body,
            ))
            .load(&mut conn)
            .await
            .unwrap();
        if found.len() >= at_least {
            return found
                .into_iter()
                .map(|(s, b)| (s.unwrap_or_default(), b))
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("fewer than {at_least} message(s) to {recipient}");
}
