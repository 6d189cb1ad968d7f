//! Talking to the API as a browser would: the demo university, signing in, calls carrying the
//! session cookie and CSRF token.

use ent::{cli, demo};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::TestApp;

/// A signed-in client: its cookie and CSRF token.
#[derive(Clone)]
pub struct Signed {
    pub cookie: String,
    pub csrf: String,
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
        &rules,
        &ent::redis::Redis::new(&app.db.config.redis).unwrap(),
        ent::timetable::import::Settings::of(&app.db.config),
        ent::clock::Clock::now(app.clock.as_ref()),
    )
    .await
    .expect("demo seeded");
    app
}

pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    who: Option<&Signed>,
) -> Response {
    let mut req = app.http.request(method, app.url(path));
    if let Some(body) = body {
        req = req.json(&body);
    }
    if let Some(s) = who {
        req = req
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf);
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
    Signed {
        cookie: cookie.split(';').next().unwrap().to_string(),
        csrf: body["me"]["csrf_token"].as_str().unwrap().to_string(),
    }
}
