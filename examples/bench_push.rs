//! Driven by `scripts/bench-push` (not a test): fan-out of N notifications (default 2 000) to a
//! local receiver through the push outbox and its worker, end to end, as a ratio to raw
//! encryption-only throughput (RFC 8291 + VAPID) measured in the same run, on one core (the
//! ratio) and on all (`ratio_all_cores`: the receiver shares those cores with the worker).
//! Each notification goes to its own endpoint path, so the receiver can count duplicates.
//!
//! Reads the configuration like `ent` (ENT_PROFILE, ENT_DATABASE__URL, …) on a migrated database
//! seeded with the demo university.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use diesel::{ExpressionMethods, QueryDsl, insert_into};
use diesel_async::RunQueryDsl;
use ent::{
    clock::{Clock, SystemClock},
    config::{Config, Source},
    db::schema::{people, push_subscriptions as subs},
    push::{Category, Notification, notify, vapid::Signer, worker::Pusher},
    server,
};
use poem::{
    EndpointExt, Route, Server, handler,
    listener::{Acceptor, Listener, TcpListener},
    web::{Data, Path},
};
use serde_json::json;
use web_push::{ContentEncoding, SubscriptionInfo, WebPushMessageBuilder};

/// A subscription's keys as a browser makes them (a P-256 public key, 16 random bytes); the
/// receiver does not decrypt.
fn device_keys() -> (String, String) {
    use base64::Engine;
    let auth = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    (ent::push::vapid::generate().1, auth)
}

#[handler]
fn receive(
    Path(n): Path<u32>,
    hits: Data<&Arc<Mutex<HashMap<u32, u32>>>>,
) -> poem::http::StatusCode {
    *hits.lock().unwrap().entry(n).or_default() += 1;
    poem::http::StatusCode::CREATED
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let mut config = Config::load(&Source::from_env())?;
    config.push.allow_loopback = true;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());

    let (p256dh, auth) = device_keys();
    let raw = raw_encryptions_per_second(&config, count, 1, (&p256dh, &auth))?;
    let raw_all = raw_encryptions_per_second(&config, count, cores, (&p256dh, &auth))?;
    eprintln!("raw encryption: {raw:.0}/s on one core, {raw_all:.0}/s on {cores}");

    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await?;
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    let hits: Arc<Mutex<HashMap<u32, u32>>> = Arc::default();
    tokio::spawn(
        Server::new_with_acceptor(acceptor).run(
            Route::new()
                .at("/s/:n", poem::post(receive))
                .data(hits.clone()),
        ),
    );

    let state = server::state(config.clone(), Arc::new(SystemClock))?;
    let mut conn = state.db.get().await?;
    let person: uuid::Uuid = people::table
        .select(people::id)
        .filter(people::number.eq("25000002"))
        .first(&mut conn)
        .await?;
    diesel::delete(subs::table.filter(subs::person_id.eq(person)))
        .execute(&mut conn)
        .await?;
    let now = SystemClock.now();
    let rows: Vec<_> = (0..count)
        .map(|n| {
            (
                subs::person_id.eq(person),
                subs::session_key.eq(format!("bench-{n}")),
                subs::endpoint.eq(format!("http://127.0.0.1:{port}/s/{n}")),
                subs::p256dh.eq(&p256dh),
                subs::auth.eq(&auth),
                subs::created_at.eq(now),
            )
        })
        .collect();
    insert_into(subs::table)
        .values(rows)
        .execute(&mut conn)
        .await?;

    let started = Instant::now();
    let alert = Notification {
        category: Category::Security,
        title: ent::i18n::Text {
            fr: "Nouvelle connexion",
            en: "New sign-in",
        }
        .into(),
        body: ent::i18n::Text {
            fr: "Connexion depuis un nouvel appareil.",
            en: "Signed in from a new device.",
        }
        .into(),
        url: "/more/security".into(),
        tag: "security-login".into(),
    };
    let queued = notify(
        &mut conn,
        config.university.time_zone.tz(),
        ent::people::model::PersonId(person),
        &alert,
        SystemClock.now(),
    )
    .await?;
    anyhow::ensure!(queued == count as usize, "queued {queued}");
    let pusher = Pusher::new(&state)?;
    while pusher.drain_once().await? > 0 {}
    let elapsed = started.elapsed().as_secs_f64();
    diesel::delete(subs::table.filter(subs::person_id.eq(person)))
        .execute(&mut conn)
        .await?;

    let hits = hits.lock().unwrap();
    let delivered = hits.len();
    let duplicates: u32 = hits.values().map(|n| n - 1).sum();
    let per_second = count as f64 / elapsed;
    eprintln!(
        "end to end: {count} in {elapsed:.2} s ({per_second:.0}/s); delivered {delivered}, duplicates {duplicates}"
    );
    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
    println!(
        "{}",
        json!({
            "bench": "push",
            "notifications": count,
            "delivered": delivered,
            "duplicates": duplicates,
            "end_to_end_per_s": round(per_second, 0),
            "raw_encrypt_per_s": round(raw, 0),
            "ratio": round(per_second / raw, 3),
            "raw_encrypt_all_cores_per_s": round(raw_all, 0),
            "ratio_all_cores": round(per_second / raw_all, 3),
        })
    );
    Ok(())
}

/// Encrypting and signing (cached VAPID, as the worker does) `count` messages per core.
fn raw_encryptions_per_second(
    config: &Config,
    count: u32,
    cores: usize,
    (p256dh, auth): (&str, &str),
) -> anyhow::Result<f64> {
    let signer = Signer::new(&config.push)?;
    let payload = br#"{"title":"Nouvelle connexion","body":"Connexion depuis un nouvel appareil.","url":"/more/security","category":"security","tag":"security-login"}"#;
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..cores {
            s.spawn(|| {
                for n in 0..count {
                    let info = SubscriptionInfo::new(
                        format!("http://127.0.0.1:1/s/{n}"),
                        p256dh.into(),
                        auth.into(),
                    );
                    let mut builder = WebPushMessageBuilder::new(&info);
                    builder.set_payload(ContentEncoding::Aes128Gcm, payload);
                    builder.set_vapid_signature(signer.sign(&info).expect("sign"));
                    let message = builder.build().expect("encrypt");
                    let _ = web_push::request_builder::build_request::<Vec<u8>>(message);
                }
            });
        }
    });
    Ok(f64::from(count) * cores as f64 / started.elapsed().as_secs_f64())
}
