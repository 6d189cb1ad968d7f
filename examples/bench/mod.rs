//! What the load generators of `scripts/bench-*` share: signing bench accounts in, a timed load
//! of many clients, percentiles, the server's memory.
#![allow(dead_code)] // each bench uses its own part of the kit

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use serde_json::json;

/// A session for each account whose identifier is LIKE `pattern` (logins run in parallel, a few
/// at a time: each one costs an argon2id verification).
pub async fn sign_in(
    db: &mut AsyncPgConnection,
    http: &reqwest::Client,
    base: &str,
    pattern: &str,
) -> anyhow::Result<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct Account {
        #[diesel(sql_type = diesel::sql_types::Text)]
        identifier: String,
    }
    let accounts: Vec<Account> = diesel::sql_query(format!(
        "SELECT identifier FROM accounts WHERE identifier LIKE '{pattern}' ORDER BY identifier"
    ))
    .load(db)
    .await?;
    let logins = accounts.into_iter().map(|a| {
        let (http, base) = (http.clone(), base.to_string());
        async move {
            let resp = http
                .post(format!("{base}/api/session"))
                .json(&json!({"identifier": a.identifier, "password": ent::demo::DEMO_PASSWORD}))
                .send()
                .await?;
            anyhow::ensure!(resp.status().is_success(), "login: {}", resp.status());
            let cookie = resp
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::to_string)
                .ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
            let body: serde_json::Value = resp.json().await?;
            let csrf = body["me"]["csrf_token"].as_str().unwrap_or_default();
            Ok(format!("{cookie}\n{csrf}"))
        }
    });
    futures_util::stream::iter(logins)
        .buffer_unordered(2)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// The cookie and CSRF token of a session from [`sign_in`].
pub fn session(signed: &str) -> (&str, &str) {
    signed.split_once('\n').unwrap_or((signed, ""))
}

/// Done before each request of a [`load`] (the timetable's bench spoils its cache).
pub enum Before {
    Nothing,
    Incr(redis::aio::MultiplexedConnection, String),
}

impl Before {
    async fn run(&self) -> anyhow::Result<()> {
        if let Before::Incr(redis, key) = self {
            let _: i64 = redis::cmd("INCR")
                .arg(key)
                .query_async(&mut redis.clone())
                .await?;
        }
        Ok(())
    }

    fn clone(&self) -> Before {
        match self {
            Before::Nothing => Before::Nothing,
            Before::Incr(redis, key) => Before::Incr(redis.clone(), key.clone()),
        }
    }
}

pub struct Measure {
    pub per_second: f64,
    pub p50: f64,
    pub p99: f64,
    pub requests: usize,
}

impl Measure {
    /// From latencies in milliseconds over `elapsed` seconds.
    pub fn of(mut latencies: Vec<f64>, elapsed: f64) -> Measure {
        latencies.sort_by(f64::total_cmp);
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0.0)
        };
        Measure {
            per_second: latencies.len() as f64 / elapsed,
            p50: pct(0.5),
            p99: pct(0.99),
            requests: latencies.len(),
        }
    }

    pub fn report(&self, what: &str) {
        eprintln!(
            "{what}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms ({} requests)",
            self.per_second, self.p50, self.p99, self.requests
        );
    }
}

/// `connections` clients asking `url` without pause for `seconds`, each request with the next
/// session.
pub async fn load(
    http: &reqwest::Client,
    url: &str,
    sessions: &Arc<Vec<String>>,
    (connections, seconds): (usize, u64),
    status: u16,
    before: &Before,
) -> anyhow::Result<Measure> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let (http, url, sessions) = (http.clone(), url.to_string(), sessions.clone());
            let before = before.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = c;
                while Instant::now() < deadline {
                    before.run().await?;
                    let t = Instant::now();
                    let (cookie, _) = session(&sessions[n % sessions.len()]);
                    let resp = http.get(&url).header("cookie", cookie).send().await?;
                    anyhow::ensure!(resp.status().as_u16() == status, "{url}: {}", resp.status());
                    resp.bytes().await?;
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    n += connections;
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for client in clients {
        all.extend(client.await??);
    }
    Ok(Measure::of(all, started.elapsed().as_secs_f64()))
}

/// `connections` clients running `step` without pause for `seconds` (or until it says there is
/// nothing left to do); each step is timed.
pub async fn timed<F, Fut>((connections, seconds): (usize, u64), step: F) -> anyhow::Result<Measure>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<bool>> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let step = step.clone();
            tokio::spawn(async move {
                let (mut latencies, mut n) = (Vec::new(), c);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    if !step(n).await? {
                        break;
                    }
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    n += connections;
                }
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for client in clients {
        all.extend(client.await??);
    }
    Ok(Measure::of(all, started.elapsed().as_secs_f64()))
}

/// `x` with `digits` decimals, for the JSON line.
pub fn round(x: f64, digits: i32) -> f64 {
    (x * 10f64.powi(digits)).round() / 10f64.powi(digits)
}

/// A line of /proc/PID/status in MB (`VmRSS`: resident now).
pub fn memory_mb(pid: &str, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
