//! Push notifications against a push service that is not ours: npm `web-push-testing` decrypts
//! each message (RFC 8291) and checks its VAPID token (RFC 8292), so these tests fail if either is
//! wrong. A receiver of our own stands in for push services that answer 429, 500 or slowly.

use crate::common;

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration as StdDuration, Instant},
};

use chrono::Duration;
use common::{
    TestApp, problem,
    session::{Signed, app_with, call, ok_json, signed_in},
};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use ent::{
    clock::Clock,
    db::schema::{push_outbox, push_subscriptions},
    demo,
    push::{self, Category, Notification, store, worker::Pusher},
    server,
};
use poem::{
    EndpointExt, Route, Server, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    web::Path,
};
use reqwest::Method;
use serde_json::{Value, json};

/// A running web-push-testing service.
struct PushService {
    base: String,
    process: tokio::process::Child,
    http: reqwest::Client,
}

/// A subscription the push service made, as a browser would send it to us.
struct Device {
    subscription: Value,
    client_hash: String,
}

impl PushService {
    async fn start() -> PushService {
        let script = std::env::var("ENTMOBILE_TEST_PUSH_SERVICE").unwrap_or_else(|_| {
            common::project_dir()
                .join("tests/peers/node_modules/web-push-testing/src/bin/server.js")
                .to_string_lossy()
                .into_owned()
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = tokio::process::Command::new("node")
            .arg(&script)
            .arg(port.to_string())
            .kill_on_drop(true)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("node runs web-push-testing (scripts/test installs it)");
        let service = PushService {
            base: format!("http://localhost:{port}"),
            process,
            http: reqwest::Client::new(),
        };
        for _ in 0..100 {
            if service
                .http
                .post(format!("{}/status", service.base))
                .send()
                .await
                .is_ok()
            {
                return service;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        panic!("web-push-testing did not start");
    }

    async fn subscribe(&self, vapid_public_key: &str) -> Device {
        let resp: Value = self
            .http
            .post(format!("{}/subscribe", self.base))
            .json(&json!({"userVisibleOnly": "true", "applicationServerKey": vapid_public_key}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data = &resp["data"];
        Device {
            subscription: json!({"endpoint": data["endpoint"], "keys": data["keys"]}),
            client_hash: data["clientHash"].as_str().unwrap().to_string(),
        }
    }

    /// The decrypted payloads the device received, oldest first.
    async fn received(&self, device: &Device) -> Vec<Value> {
        let resp: Value = self
            .http
            .post(format!("{}/get-notifications", self.base))
            .json(&json!({"clientHash": device.client_hash}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        resp["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| serde_json::from_str(m.as_str().unwrap()).expect("a JSON payload"))
            .collect()
    }

    async fn expire(&self, device: &Device) {
        let resp = self
            .http
            .post(format!(
                "{}/expire-subscription/{}",
                self.base, device.client_hash
            ))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
    }
}

impl Drop for PushService {
    fn drop(&mut self) {
        let _ = self.process.start_kill();
    }
}

async fn app() -> TestApp {
    app_with(|c| {
        c.push.allow_loopback = true;
        c.push.timeout_ms = 500;
    })
    .await
}

fn pusher(app: &TestApp) -> Pusher {
    let state = server::state(app.db.config.clone(), app.clock.clone()).unwrap();
    Pusher::new(&state).unwrap()
}

async fn vapid_key(app: &TestApp) -> String {
    let key = ok_json(app.get("/api/push/vapid-public-key").await).await;
    key["key"].as_str().unwrap().to_string()
}

/// Signs in from a browser named `agent`, subscribed through `service`.
async fn subscribed_device(
    app: &TestApp,
    service: &PushService,
    who: &str,
    agent: &str,
) -> (Signed, Device) {
    let signed = sign_in_as(app, who, agent).await;
    let device = service.subscribe(&vapid_key(app).await).await;
    let resp = call(
        app,
        Method::PUT,
        "/api/me/push-subscription",
        Some(device.subscription.clone()),
        Some(&signed),
    )
    .await;
    assert_eq!(resp.status(), 204);
    (signed, device)
}

async fn sign_in_as(app: &TestApp, who: &str, agent: &str) -> Signed {
    let resp = app
        .http
        .post(app.url("/api/session"))
        .header("user-agent", agent)
        .json(&json!({"identifier": who, "password": demo::DEMO_PASSWORD, "remember": true}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let body = ok_json(resp).await;
    Signed::of(
        app,
        cookie,
        body["me"]["csrf_token"].as_str().unwrap().to_string(),
    )
}

const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const LAPTOP: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_events_reach_the_other_devices_encrypted_and_signed() {
    let app = app().await;
    let service = PushService::start().await;
    let (_phone, device) = subscribed_device(&app, &service, "25000002", PHONE).await;

    // A login from a new device alerts the phone; the same device again does not.
    let laptop = sign_in_as(&app, "25000002", LAPTOP).await;
    sign_in_as(&app, "25000002", LAPTOP).await;
    assert_eq!(pusher(&app).drain_once().await.unwrap(), 1);
    let got = service.received(&device).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["title"], "Nouvelle connexion");
    assert!(
        got[0]["body"].as_str().unwrap().contains("Firefox"),
        "{}",
        got[0]
    );
    assert_eq!(got[0]["category"], "security");
    assert_eq!(got[0]["url"], "/more/security");

    // A password change too; payloads carry no secret.
    let change = json!({"current_password": demo::DEMO_PASSWORD, "new_password": "Vélo#Tanneurs-1987-gris", "end_other_sessions": false});
    let resp = call(
        &app,
        Method::PUT,
        "/api/me/password",
        Some(change),
        Some(&laptop),
    )
    .await;
    assert_eq!(resp.status(), 204);
    pusher(&app).drain_once().await.unwrap();
    let got = service.received(&device).await;
    assert_eq!(got.last().unwrap()["title"], "Mot de passe modifié");
    assert!(!got.last().unwrap().to_string().contains("Tanneurs"));
    let mut conn = app.db.conn().await;
    let delivered: i64 = push_outbox::table
        .filter(push_outbox::sent_at.is_not_null())
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(delivered, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_known_push_services_and_well_formed_keys_are_accepted() {
    let app = app_with(|_| {}).await; // loopback not allowed here
    let service = PushService::start().await;
    let me = signed_in(&app, "t1001", demo::DEMO_PASSWORD, false).await;
    let good = service.subscribe(&vapid_key(&app).await).await.subscription;
    let keys = good["keys"].clone();
    for endpoint in [
        good["endpoint"].as_str().unwrap(), // loopback: tests only
        "https://evil.example/push",        // not a push service
        "https://fcm.googleapis.com.evil.example/x",
        "https://user@fcm.googleapis.com/x",
        "ftp://fcm.googleapis.com/x",
    ] {
        let body = json!({"endpoint": endpoint, "keys": keys});
        let resp = call(
            &app,
            Method::PUT,
            "/api/me/push-subscription",
            Some(body),
            Some(&me),
        )
        .await;
        problem(resp, 400, "invalid-subscription").await;
    }
    let bad_keys = json!({"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": {"p256dh": "AAAA", "auth": keys["auth"]}});
    problem(
        call(
            &app,
            Method::PUT,
            "/api/me/push-subscription",
            Some(bad_keys),
            Some(&me),
        )
        .await,
        400,
        "invalid-subscription",
    )
    .await;

    let apple = json!({"endpoint": "https://web.push.apple.com/QGuQyavXutnMei", "keys": keys});
    assert_eq!(
        call(
            &app,
            Method::PUT,
            "/api/me/push-subscription",
            Some(apple),
            Some(&me)
        )
        .await
        .status(),
        204
    );
    let mine = ok_json(
        call(
            &app,
            Method::GET,
            "/api/me/push-subscription",
            None,
            Some(&me),
        )
        .await,
    )
    .await;
    assert_eq!(mine, json!({"subscribed": true, "security_muted": false}));
    let devices = me.get_ok("/api/me/sessions").await;
    assert_eq!(devices[0]["push"], true);
    // Logging out forgets the device's subscription.
    assert_eq!(
        call(&app, Method::DELETE, "/api/session", None, Some(&me))
            .await
            .status(),
        204
    );
    let mut conn = app.db.conn().await;
    let left: i64 = push_subscriptions::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preferences_turn_categories_off_and_quiet_hours_hold_all_but_security() {
    let app = app().await;
    let service = PushService::start().await;
    let (me, device) = subscribed_device(&app, &service, "25000002", PHONE).await;
    let refuse = json!({"disabled": ["security"], "quiet_hours": null});
    problem(
        call(
            &app,
            Method::PUT,
            "/api/me/push-preferences",
            Some(refuse),
            Some(&me),
        )
        .await,
        400,
        "invalid-preferences",
    )
    .await;
    // The test clock is 08:45 in Paris: quiet until 09:30.
    let prefs = json!({"disabled": ["news"], "quiet_hours": {"start": "22:00", "end": "09:30"}});
    assert_eq!(
        call(
            &app,
            Method::PUT,
            "/api/me/push-preferences",
            Some(prefs),
            Some(&me)
        )
        .await
        .status(),
        204
    );
    let read = ok_json(
        call(
            &app,
            Method::GET,
            "/api/me/push-preferences",
            None,
            Some(&me),
        )
        .await,
    )
    .await;
    assert_eq!(
        read["quiet_hours"],
        json!({"start": "22:00", "end": "09:30"})
    );
    assert!(
        read["categories"]
            .as_array()
            .unwrap()
            .contains(&json!({"category": "security", "enabled": true, "can_disable": false}))
    );

    let person = person_id(&me).await;
    let tz = app.db.config.university.time_zone.tz();
    let mut conn = app.db.conn().await;
    let now = app.clock.now();
    assert_eq!(
        push::notify(&mut conn, tz, person, &note(Category::News, "n1"), now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        push::notify(&mut conn, tz, person, &note(Category::Timetable, "t1"), now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        push::notify(&mut conn, tz, person, &note(Category::Security, "s1"), now)
            .await
            .unwrap(),
        1
    );
    pusher(&app).drain_once().await.unwrap();
    let tags: Vec<Value> = service
        .received(&device)
        .await
        .iter()
        .map(|m| m["tag"].clone())
        .collect();
    assert_eq!(tags, ["s1"]);
    app.clock.advance(Duration::minutes(45));
    pusher(&app).drain_once().await.unwrap();
    let tags: Vec<Value> = service
        .received(&device)
        .await
        .iter()
        .map(|m| m["tag"].clone())
        .collect();
    assert_eq!(tags, ["s1", "t1"]);

    // Security can be muted on one device, and the test notification goes to this device only.
    let mute = call(
        &app,
        Method::PUT,
        "/api/me/push-subscription/security-mute",
        Some(json!({"muted": true})),
        Some(&me),
    )
    .await;
    assert_eq!(mute.status(), 204);
    assert_eq!(
        push::notify(&mut conn, tz, person, &note(Category::Security, "s2"), now)
            .await
            .unwrap(),
        0
    );
    let test = me.send(Method::POST, "/api/me/push-test", None).await;
    assert_eq!(test.status(), 202);
    pusher(&app).drain_once().await.unwrap();
    let last = service.received(&device).await.pop().unwrap();
    assert_eq!(last["title"], "Notification de test");
}

async fn person_id(who: &Signed) -> ent::people::model::PersonId {
    let me = who.get_ok("/api/session").await;
    me["person_id"].as_str().unwrap().parse().unwrap()
}

fn note(category: Category, tag: &str) -> Notification {
    Notification {
        category,
        title: ent::i18n::Text {
            fr: "Titre",
            en: "Title",
        }
        .into(),
        body: ent::i18n::Text {
            fr: "Corps",
            en: "Body",
        }
        .into(),
        url: "/".into(),
        tag: tag.into(),
    }
}

/// A push service of our own, on a port that is not the scheme's default, that answers 429
/// (Retry-After: 120), 500, too late, or 201 (`/ok`); it keeps the VAPID tokens it was shown.
struct Misbehaving {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    tokens: Arc<std::sync::Mutex<Vec<String>>>,
}

#[handler]
async fn misbehave(
    Path(how): Path<String>,
    hits: poem::web::Data<&Arc<AtomicUsize>>,
    tokens: poem::web::Data<&Arc<std::sync::Mutex<Vec<String>>>>,
    request: &poem::Request,
) -> poem::Response {
    hits.fetch_add(1, Ordering::SeqCst);
    // `Authorization: vapid t=<JWT>, k=<public key>`
    let token = request
        .header("authorization")
        .and_then(|h| h.split_once("t=")?.1.split(',').next())
        .unwrap_or_default();
    tokens.lock().unwrap().push(token.to_string());
    match how.as_str() {
        "ok" => poem::Response::builder()
            .status(StatusCode::CREATED)
            .finish(),
        "busy" => poem::Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header("retry-after", "120")
            .finish(),
        "broken" => poem::Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .finish(),
        _ => {
            tokio::time::sleep(StdDuration::from_secs(5)).await;
            poem::Response::builder()
                .status(StatusCode::CREATED)
                .finish()
        }
    }
}

impl Misbehaving {
    async fn start() -> Misbehaving {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let addr = *acceptor.local_addr()[0].as_socket_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let tokens = Arc::default();
        let app = Route::new()
            .at("/:how", poem::post(misbehave))
            .data(hits.clone())
            .data(Arc::clone(&tokens));
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        Misbehaving { addr, hits, tokens }
    }

    /// The claims of the VAPID tokens received, in order.
    fn claims(&self) -> Vec<Value> {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let tokens = self.tokens.lock().unwrap();
        tokens
            .iter()
            .map(|jwt| {
                let payload = jwt.split('.').nth(1).expect("a JWT");
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
            })
            .collect()
    }
}

/// Subscribes `who` from a fresh session at `endpoint` (keys from a real subscription).
async fn subscribe_at(app: &TestApp, keys: &Value, who: &str, endpoint: &str) {
    let signed = sign_in_as(app, who, &format!("agent {endpoint}")).await;
    let body = json!({"endpoint": endpoint, "keys": keys});
    assert_eq!(
        call(
            app,
            Method::PUT,
            "/api/me/push-subscription",
            Some(body),
            Some(&signed)
        )
        .await
        .status(),
        204
    );
}

async fn next_attempt(
    app: &TestApp,
    endpoint: &str,
) -> (i32, chrono::DateTime<chrono::Utc>, Option<String>) {
    let mut conn = app.db.conn().await;
    push_outbox::table
        .inner_join(push_subscriptions::table)
        .filter(push_subscriptions::endpoint.eq(endpoint))
        .filter(push_outbox::sent_at.is_null())
        .filter(push_outbox::given_up_at.is_null())
        .select((
            push_outbox::attempts,
            push_outbox::next_attempt_at,
            push_outbox::last_error,
        ))
        .first(&mut conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_service_answers_are_followed_and_a_slow_one_delays_no_other() {
    let app = app().await;
    let service = PushService::start().await;
    let peer = Misbehaving::start().await;
    let (_, expired) = subscribed_device(&app, &service, "25000002", PHONE).await;
    let (_, healthy) = subscribed_device(&app, &service, "25000002", LAPTOP).await;
    let keys = expired.subscription["keys"].clone();
    let [busy, broken, slow] =
        ["busy", "broken", "slow"].map(|h| format!("http://127.0.0.1:{}/{h}", peer.addr.port()));
    for endpoint in [&busy, &broken, &slow] {
        subscribe_at(&app, &keys, "25000002", endpoint).await;
    }
    service.expire(&expired).await;
    let person = {
        let mut conn = app.db.conn().await;
        push_subscriptions::table
            .select(push_subscriptions::person_id)
            .first::<ent::people::model::PersonId>(&mut conn)
            .await
            .unwrap()
    };
    let mut conn = app.db.conn().await;
    // Setting up signed in from new devices: their login alerts are not this test's subject.
    diesel::delete(push_outbox::table)
        .execute(&mut conn)
        .await
        .unwrap();
    let now = app.clock.now();
    let tz = app.db.config.university.time_zone.tz();
    assert_eq!(
        push::notify(&mut conn, tz, person, &note(Category::Security, "x"), now)
            .await
            .unwrap(),
        5
    );

    let started = Instant::now();
    assert_eq!(pusher(&app).drain_once().await.unwrap(), 5);
    assert!(
        started.elapsed() < StdDuration::from_secs(3),
        "the slow service held the others: {:?}",
        started.elapsed()
    );
    assert_eq!(service.received(&healthy).await.len(), 1);
    // 410: the subscription is gone.
    let mut conn = app.db.conn().await;
    let endpoints: Vec<String> = push_subscriptions::table
        .select(push_subscriptions::endpoint)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(
        !endpoints.contains(
            &expired.subscription["endpoint"]
                .as_str()
                .unwrap()
                .to_string()
        )
    );
    // 429: not before Retry-After (120 s, more than the first backoff of 30 s).
    let (attempts, at, error) = next_attempt(&app, &busy).await;
    assert_eq!((attempts, at), (1, now + Duration::seconds(120)));
    assert!(error.unwrap().contains("429"));
    // 500 and the timeout: the backoff, doubling.
    assert_eq!(
        next_attempt(&app, &broken).await.1,
        now + Duration::seconds(30)
    );
    let (_, at, error) = next_attempt(&app, &slow).await;
    assert_eq!(
        (at, error.as_deref()),
        (now + Duration::seconds(30), Some("timed out"))
    );
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        pusher(&app).drain_once().await.unwrap(),
        2,
        "broken and slow again, not busy"
    );
    assert_eq!(
        next_attempt(&app, &broken).await.1,
        app.clock.now() + Duration::seconds(60)
    );
    assert_eq!(AtomicUsize::load(&peer.hits, Ordering::SeqCst), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vapid_audience_keeps_a_push_service_port_that_is_not_the_default() {
    let app = app().await;
    let service = PushService::start().await;
    let peer = Misbehaving::start().await;
    let (me, real) = subscribed_device(&app, &service, "25000002", PHONE).await;
    let origin = format!("http://127.0.0.1:{}", peer.addr.port());
    subscribe_at(
        &app,
        &real.subscription["keys"],
        "25000002",
        &format!("{origin}/ok"),
    )
    .await;
    let person = person_id(&me).await;
    let mut conn = app.db.conn().await;
    diesel::delete(push_outbox::table)
        .execute(&mut conn)
        .await
        .unwrap();
    let tz = app.db.config.university.time_zone.tz();
    let now = app.clock.now();
    push::notify(&mut conn, tz, person, &note(Category::Security, "aud"), now)
        .await
        .unwrap();
    assert_eq!(pusher(&app).drain_once().await.unwrap(), 2);
    let claims = peer.claims();
    assert_eq!(claims.len(), 1);
    assert_eq!(
        claims[0]["aud"],
        origin.as_str(),
        "RFC 8292 §2: the whole origin"
    );
    assert_eq!(service.received(&real).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_loses_nothing_and_two_workers_send_each_push_once() {
    let app = app().await;
    let service = PushService::start().await;
    let (me, device) = subscribed_device(&app, &service, "25000002", PHONE).await;
    let person = person_id(&me).await;
    let tz = app.db.config.university.time_zone.tz();
    let mut conn = app.db.conn().await;
    let now = app.clock.now();
    for i in 0..30 {
        push::notify(
            &mut conn,
            tz,
            person,
            &note(Category::Messages, &format!("m{i}")),
            now,
        )
        .await
        .unwrap();
    }
    // A worker claims 10 and dies before sending or recording them.
    let lease = now + Duration::minutes(5);
    assert_eq!(
        store::claim(&mut conn, 10, now, lease).await.unwrap().len(),
        10
    );
    // Two workers share the rest; the dead one's lease ends; they finish the queue.
    let (a, b) = (pusher(&app), pusher(&app));
    let (x, y) = tokio::join!(a.drain_once(), b.drain_once());
    assert_eq!(x.unwrap() + y.unwrap(), 20);
    assert_eq!(service.received(&device).await.len(), 20);
    app.clock.advance(Duration::minutes(5));
    assert_eq!(pusher(&app).drain_once().await.unwrap(), 10);
    assert_eq!(pusher(&app).drain_once().await.unwrap(), 0);
    let mut tags: Vec<String> = service
        .received(&device)
        .await
        .iter()
        .map(|m| m["tag"].as_str().unwrap().to_string())
        .collect();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), 30, "each push exactly once");
    assert_eq!(service.received(&device).await.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_push_service_refuses_a_token_signed_with_another_key() {
    let app = app().await;
    let service = PushService::start().await;
    let (me, device) = subscribed_device(&app, &service, "25000002", PHONE).await;
    let mut config = app.db.config.clone();
    config.push.vapid_private_key = push::vapid::generate().0.try_into().unwrap();
    let state = server::state(config, app.clock.clone()).unwrap();
    assert_eq!(
        call(&app, Method::POST, "/api/me/push-test", None, Some(&me))
            .await
            .status(),
        202
    );
    Pusher::new(&state).unwrap().drain_once().await.unwrap();
    assert!(service.received(&device).await.is_empty());
    let mut conn = app.db.conn().await;
    let error: Option<String> = push_outbox::table
        .filter(push_outbox::given_up_at.is_not_null())
        .select(push_outbox::last_error)
        .first(&mut conn)
        .await
        .unwrap();
    assert!(error.unwrap().contains("VAPID"));
}
