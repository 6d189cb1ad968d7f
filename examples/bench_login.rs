//! Driven by `scripts/bench-login` (not a test): logins per second at saturation against a
//! running server, as a ratio to raw argon2id verifications per second on this machine, and the
//! p99 of a cheap authenticated request (`GET /api/session`) while the logins saturate; then
//! passkey logins per second (a challenge, the phone's signature, its check: no argon2id), as a
//! ratio to the session check (`GET /api/session/check`, Redis only) with as many clients.
//!
//! Usage: bench_login BASE_URL IDENTIFIER PASSWORD [SECONDS]

mod bench;
#[path = "../tests/it/common/phone.rs"]
mod phone;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use bench::{Before, round};
use phone::Phone;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, identifier, password] = [0, 1, 2].map(|i| args.get(i).cloned().unwrap_or_default());
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());

    let raw = raw_verifications_per_second(&password, cores, seconds);
    eprintln!("raw argon2id: {raw:.1} verifications/s on {cores} core(s)");

    let http = reqwest::Client::new();
    let login = json!({"identifier": identifier, "password": password, "remember": false});
    let (cookie, csrf) = sign_in(&http, &base, &login).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let storm: Vec<_> = (0..cores * 4)
        .map(|_| {
            let (http, base, login) = (http.clone(), base.clone(), login.clone());
            let (stop, logins, refused) = (stop.clone(), logins.clone(), refused.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let ok = http
                        .post(format!("{base}/api/session"))
                        .json(&login)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    let counter = if ok { &logins } else { &refused };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    // Let the storm fill the queue, then measure both for the same span.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = logins.load(Ordering::Relaxed);
    let started = Instant::now();
    let mut latencies = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        let t = Instant::now();
        let resp = http
            .get(format!("{base}/api/session"))
            .header("cookie", &cookie)
            .send()
            .await?;
        anyhow::ensure!(
            resp.status().is_success(),
            "cheap request: {}",
            resp.status()
        );
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_second = (logins.load(Ordering::Relaxed) - before) as f64 / elapsed;
    stop.store(true, Ordering::Relaxed);
    for task in storm {
        task.await?;
    }
    anyhow::ensure!(
        refused.load(Ordering::Relaxed) == 0,
        "some logins were refused (limits?)"
    );
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    eprintln!(
        "logins: {per_second:.1}/s; GET /api/session while saturated: p50 {:.1} ms, p99 {:.1} ms ({} requests)",
        pct(0.5),
        pct(0.99),
        latencies.len()
    );
    let clients = cores * 4;
    let phones = add_passkeys(&http, &base, (&cookie, &csrf), clients).await?;
    let sessions = Arc::new(vec![cookie.clone()]);
    let check = format!("{base}/api/session/check");
    let run = (clients, seconds);
    let reference = bench::load(&http, &check, &sessions, run, 204, &Before::Nothing).await?;
    reference.report("session check");
    let passkey_logins = passkey_logins(&http, &base, phones, run).await?;
    passkey_logins.report("passkey logins");
    println!(
        "{}",
        json!({
            "bench": "login",
            "cores": cores,
            "argon2_per_s": round(raw, 1),
            "logins_per_s": round(per_second, 1),
            "ratio": round(per_second / raw, 3),
            "p50_ms": round(pct(0.5), 1),
            "p99_ms": round(pct(0.99), 1),
            "session_checks_per_s": round(reference.per_second, 1),
            "passkey_logins_per_s": round(passkey_logins.per_second, 1),
            "passkey_ratio": round(passkey_logins.per_second / reference.per_second, 3),
            "passkey_p99_ms": round(passkey_logins.p99, 1),
        })
    );
    Ok(())
}

/// Verifications of one argon2id hash (the server's parameters) on `cores` threads.
fn raw_verifications_per_second(password: &str, cores: usize, seconds: u64) -> f64 {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2")
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(seconds.min(5));
    let started = Instant::now();
    let done: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        let ok =
                            Argon2::default().verify_password(password.as_bytes(), hash.as_str());
                        assert!(ok.is_ok());
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).sum()
    });
    done as f64 / started.elapsed().as_secs_f64()
}

/// One passkey for each client: a passkey's counter only goes up, so one phone signs one login
/// at a time.
async fn add_passkeys(
    http: &reqwest::Client,
    base: &str,
    (cookie, csrf): (&str, &str),
    clients: usize,
) -> anyhow::Result<Vec<tokio::sync::Mutex<Phone>>> {
    let post = |path: &str, body: Value| {
        http.post(format!("{base}{path}"))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&body)
            .send()
    };
    let mut phones = Vec::new();
    for i in 0..clients {
        let started: Value = post("/api/me/passkeys/registration", json!({}))
            .await?
            .error_for_status()?
            .json()
            .await?;
        let (phone, credential) = Phone::register(&started["options"]);
        let body = json!({"ceremony": started["ceremony"], "credential": credential, "name": format!("bench {i}")});
        post("/api/me/passkeys", body).await?.error_for_status()?;
        phones.push(tokio::sync::Mutex::new(phone));
    }
    Ok(phones)
}

/// Each client signs in with its own passkey without pause: the challenge, the phone's
/// signature, the login.
async fn passkey_logins(
    http: &reqwest::Client,
    base: &str,
    phones: Vec<tokio::sync::Mutex<Phone>>,
    run: (usize, u64),
) -> anyhow::Result<bench::Measure> {
    let (http, base, phones) = (http.clone(), base.to_string(), Arc::new(phones));
    bench::timed(run, move |n| {
        let (http, base, phones) = (http.clone(), base.clone(), phones.clone());
        async move {
            let challenge: Value = http
                .post(format!("{base}/api/session/passkey/challenge"))
                .json(&json!({}))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let phone = &phones[n % phones.len()];
            let credential = phone
                .lock()
                .await
                .answer(&challenge["options"], phone::origin());
            let login = json!({"ceremony": challenge["ceremony"], "credential": credential});
            let resp = http
                .post(format!("{base}/api/session/passkey"))
                .json(&login)
                .send()
                .await?;
            anyhow::ensure!(
                resp.status().is_success(),
                "passkey login: {}",
                resp.status()
            );
            Ok(true)
        }
    })
    .await
}

/// The session's cookie and CSRF token.
async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    login: &Value,
) -> anyhow::Result<(String, String)> {
    let resp = http
        .post(format!("{base}/api/session"))
        .json(login)
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_success(), "login: {}", resp.status());
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?
        .to_string();
    let body: Value = resp.json().await?;
    let csrf = body["me"]["csrf_token"].as_str().unwrap_or_default();
    Ok((cookie, csrf.to_string()))
}
