//! The HTTP surface over a real socket: public configuration, OpenAPI, problems, headers,
//! the PWA's files, operations endpoints, rate limits and Redis outages.

use crate::common;

use std::{net::TcpListener, process::Command, time::Duration};

use common::{TestApp, problem};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_configuration_describes_the_university() {
    let app = TestApp::start().await;
    let resp = app.get("/api/config/public").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["university"]["name"], "Université de Tours");
    assert_eq!(body["branding"]["primary_color"], "#00558c");
    assert_eq!(body["languages"], serde_json::json!(["fr", "en"]));
    assert_eq!(body["time_zone"], "Europe/Paris");
    assert_eq!(body["campuses"][0]["code"], "grandmont");
    assert_eq!(body["secretariat"][0]["phone"], "+33247366600");
    assert_eq!(body["message_max_chars"], 4000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_follows_the_branding() {
    let app = TestApp::start_with(|c| {
        c.university.short_name = "ENT Blois".to_string().try_into().unwrap();
        c.branding.primary_color = "#AA0000".to_string().try_into().unwrap();
    })
    .await;
    let resp = app.get("/manifest.webmanifest").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/manifest+json");
    let m: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(m["short_name"], "ENT Blois");
    assert_eq!(m["theme_color"], "#aa0000");
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["lang"], "fr");
    let purposes: Vec<_> = m["icons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["purpose"])
        .collect();
    assert!(purposes.contains(&&serde_json::json!("maskable")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_served_and_the_pwa_snapshot_is_current() {
    let app = TestApp::start().await;
    let served: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(served["paths"]["/config/public"]["get"].is_object());
    let snapshot: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::project_dir().join("pwa/openapi.json")).unwrap(),
    )
    .unwrap();
    assert!(
        served == snapshot,
        "pwa/openapi.json is stale: run scripts/gen-api and commit the result"
    );
    let docs = app.get("/api/docs").await;
    assert_eq!(docs.status(), 200);
    let csp = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("'unsafe-inline'"),
        "Swagger UI needs its inline script"
    );
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_routes_are_translated_problems() {
    let app = TestApp::start().await;
    let fr = problem(app.get("/api/no/such/thing").await, 404, "not-found").await;
    assert_eq!(fr["title"], "Introuvable");
    let en = app
        .http
        .get(app.url("/api/no/such/thing"))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap();
    let request_id = en.headers()["x-request-id"].to_str().unwrap().to_string();
    let en = problem(en, 404, "not-found").await;
    assert_eq!(en["title"], "Not found");
    assert_eq!(
        en["instance"],
        format!("urn:ent-mobile:request:{request_id}")
    );

    let wrong_method = app
        .http
        .delete(app.url("/api/config/public"))
        .send()
        .await
        .unwrap();
    problem(wrong_method, 405, "method-not-allowed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_clear_problems_and_the_server_goes_on() {
    let app = TestApp::start().await;
    let post = |body: String, content_type: &'static str| {
        app.http
            .post(app.url("/api/client-errors"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let not_json = problem(
        post("{bad".into(), "application/json").await.unwrap(),
        400,
        "invalid-body",
    )
    .await;
    assert!(
        !not_json.to_string().contains("line 1"),
        "no parser internals: {not_json}"
    );
    problem(
        post(r#"{"severity":"error"}"#.into(), "application/json")
            .await
            .unwrap(),
        400,
        "invalid-body",
    )
    .await;
    let long = format!(
        r#"{{"severity":"error","message":"{}","path":"/"}}"#,
        "x".repeat(2001)
    );
    problem(
        post(long, "application/json").await.unwrap(),
        400,
        "invalid-body",
    )
    .await;
    problem(
        post("hello".into(), "text/plain").await.unwrap(),
        415,
        "unsupported-media-type",
    )
    .await;
    let huge = format!(
        r#"{{"severity":"error","message":"{}","path":"/"}}"#,
        "x".repeat(2 << 20)
    );
    problem(
        post(huge, "application/json").await.unwrap(),
        413,
        "payload-too-large",
    )
    .await;

    let good = r#"{"severity":"error","message":"<script>alert(1)</script>","path":"/timetable"}"#;
    assert_eq!(
        post(good.into(), "application/json")
            .await
            .unwrap()
            .status(),
        204
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::start().await;
    for path in ["/api/config/public", "/healthz", "/api/nope", "/"] {
        let resp = app.get(path).await;
        let h = resp.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
        assert!(
            !h.contains_key("strict-transport-security"),
            "{path}: plain http"
        );
    }
    assert_eq!(
        app.get("/api/config/public").await.headers()["cache-control"],
        "no-store"
    );

    let https = TestApp::start_with(|c| {
        c.http.public_url = "https://ent.univ-tours.fr".to_string().try_into().unwrap();
    })
    .await;
    let hsts = https.get("/healthz").await.headers()["strict-transport-security"].clone();
    assert!(hsts.to_str().unwrap().starts_with("max-age="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::start().await;
    let resp = app
        .http
        .get(app.url("/api/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
}

fn pwa_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("index.html", "<!doctype html><title>shell</title>");
    write("sw.js", "self.addEventListener('fetch', () => {});");
    write("assets/index-3f2a1b.js", "console.log('app');");
    write("icons/icon-192.png", "png");
    write(".env", "SECRET=1");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pwa_is_served_with_the_right_caching() {
    let dir = pwa_dir();
    let root = dir.path().to_path_buf();
    let app = TestApp::start_with(|c| c.http.pwa_dir = root).await;

    let asset = app.get("/assets/index-3f2a1b.js").await;
    assert_eq!(asset.status(), 200);
    assert!(
        asset.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    for (path, cache) in [
        ("/", "no-cache"),
        ("/sw.js", "no-cache"),
        ("/index.html", "no-cache"),
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["cache-control"], cache, "{path}");
    }
    // App routes get the shell; the client-side router takes it from there.
    let route = app.get("/timetable/2026-12-01").await;
    assert_eq!(route.status(), 200);
    assert_eq!(
        route.text().await.unwrap(),
        "<!doctype html><title>shell</title>"
    );
    // Missing files and hidden files are not the shell.
    problem(app.get("/assets/missing-000.js").await, 404, "not-found").await;
    problem(app.get("/.env").await, 404, "not-found").await;
    problem(app.get("/api/timetable").await, 404, "not-found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unbuilt_pwa_is_a_clear_503() {
    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_path_buf();
    let app = TestApp::start_with(|c| c.http.pwa_dir = root).await;
    let body = problem(app.get("/").await, 503, "service-unavailable").await;
    assert!(body["detail"].as_str().unwrap().contains("npm run build"));
    assert_eq!(
        app.get("/api/config/public").await.status(),
        200,
        "the API still works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let app = TestApp::start().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["redis"],
        "up"
    );
    app.get("/api/config/public").await;
    app.get("/api/nope").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(
            r#"http_requests_total{method="GET",route="/api/config/public",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="(unmatched)",status="404""#),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("db_pool_connections"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_rate_limit_is_counted_per_client_and_window() {
    let app = TestApp::start_with(|c| c.limits.api_requests_per_minute = 3).await;
    // 20 s into a one-minute window: the refusal says to come back in 40 s.
    app.clock
        .set(chrono::DateTime::from_timestamp(1_795_000_040, 0).unwrap());
    for _ in 0..3 {
        assert_eq!(app.get("/api/config/public").await.status(), 200);
    }
    let refused = app.get("/api/config/public").await;
    let retry = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert_eq!(retry, 40);
    problem(refused, 429, "too-many-requests").await;
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "operations endpoints are not limited"
    );
    app.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(
        app.get("/api/config/public").await.status(),
        200,
        "a new window"
    );
}

/// A Redis server of this test's own, on a free port.
struct OwnRedis {
    child: std::process::Child,
}

impl OwnRedis {
    fn start(port: u16) -> OwnRedis {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server installed (scripts/test installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        OwnRedis { child }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn eventually(app: &TestApp, path: &str, status: u16) -> bool {
    for _ in 0..100 {
        if app.get(path).await.status().as_u16() == status {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_redis_answers_503_and_the_server_recovers_by_itself() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redis = OwnRedis::start(port);
    let app = TestApp::start_with(|c| {
        c.redis.url = format!("redis://127.0.0.1:{port}").try_into().unwrap();
        c.redis.connect_timeout_ms = 300;
        c.redis.response_timeout_ms = 300;
    })
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(app.get("/api/config/public").await.status(), 200);

    drop(redis);
    assert!(eventually(&app, "/readyz", 503).await, "readyz notices");
    let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(
        ready,
        serde_json::json!({"postgres": "up", "redis": "down"})
    );
    problem(
        app.get("/api/config/public").await,
        503,
        "service-unavailable",
    )
    .await;
    assert_eq!(app.get("/healthz").await.status(), 200, "still alive");

    let _redis = OwnRedis::start(port);
    assert!(eventually(&app, "/readyz", 200).await, "readyz recovers");
    assert_eq!(app.get("/api/config/public").await.status(), 200);
}
