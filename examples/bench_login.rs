//! Driven by `scripts/bench-login` (not a test): logins per second at saturation against a
//! running server, as a ratio to raw argon2id verifications per second on this machine, and the
//! p99 of a cheap authenticated request (`GET /api/session`) while the logins saturate.
//!
//! Usage: bench_login BASE_URL IDENTIFIER PASSWORD [SECONDS]

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
    let cookie = sign_in(&http, &base, &login).await?;
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
    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
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

async fn sign_in(http: &reqwest::Client, base: &str, login: &Value) -> anyhow::Result<String> {
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
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    Ok(cookie.to_string())
}
