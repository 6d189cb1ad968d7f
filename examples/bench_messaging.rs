//! Driven by `scripts/bench-messaging` (not a test): a teacher posts to a group conversation whose
//! 1 000 students each hold an open event stream (`GET /api/me/events`); how many messages a
//! second are posted, how many deliveries a second reach the streams, and the end-to-end
//! latency of a delivery (posting to receipt), as a ratio to the session check
//! (`GET /api/session/check`, Redis only) measured in the same run. Also reports the server's
//! memory with the streams open.
//!
//! Usage: bench_messaging BASE_URL DATABASE_URL SERVER_PID [SECONDS]

mod bench;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use bench::{Before, Measure, load, memory_mb, round, session};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const STREAMS: usize = 1000;
const SENDERS: usize = 4;
const CONNECTIONS: usize = 64;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, db_url, pid] = [0, 1, 2].map(|i| args.get(i).cloned().unwrap_or_default());
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut db = AsyncPgConnection::establish(&db_url).await?;
    students(&mut db).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    let t = Instant::now();
    let students = Arc::new(bench::sign_in(&mut db, &http, &base, "m%").await?);
    let teacher = bench::sign_in(&mut db, &http, &base, "t1001").await?;
    anyhow::ensure!(students.len() == STREAMS, "{} sessions", students.len());
    eprintln!(
        "{STREAMS} students signed in in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let check = format!("{base}/api/session/check");
    let reference = load(
        &http,
        &check,
        &students,
        (CONNECTIONS, seconds),
        204,
        &Before::Nothing,
    )
    .await?;
    reference.report("session check");

    let (cookie, csrf) = session(&teacher[0]);
    let conversation: Value = http
        .post(format!("{base}/api/me/conversations"))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .json(&json!({"group": "BENCH-CHAT"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = conversation["id"].as_i64().unwrap_or_default();

    // Every stream reports (its receipt time - the time written in the message) in ms.
    let epoch = Instant::now();
    let (latencies, mut received) = mpsc::unbounded_channel::<f64>();
    let mut open = 0;
    let streams = reqwest::Client::builder().build()?;
    for signed in students.iter() {
        let (cookie, _) = session(signed);
        let resp = streams
            .get(format!("{base}/api/me/events"))
            .header("cookie", cookie)
            .header("accept", "text/event-stream")
            .send()
            .await?
            .error_for_status()?;
        open += 1;
        tokio::spawn(listen(resp, epoch, latencies.clone()));
    }
    drop(latencies);
    eprintln!("{open} streams open");
    let rss_open = memory_mb(&pid, "VmRSS");
    // The streams' first beat marks their people online.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (http, base) = (http.clone(), base.clone());
            let (cookie, csrf) = (cookie.to_string(), csrf.to_string());
            tokio::spawn(async move {
                let mut posted = Vec::new();
                let mut n = 0;
                while Instant::now() < deadline {
                    let sent = epoch.elapsed().as_secs_f64() * 1000.0;
                    let t = Instant::now();
                    http.post(format!("{base}/api/conversations/{id}/messages"))
                        .header("cookie", &cookie)
                        .header("x-csrf-token", &csrf)
                        .json(&json!({"body": format!("bench {sent:.3}"), "client_key": format!("{s}-{n}")}))
                        .send()
                        .await?
                        .error_for_status()?;
                    posted.push(t.elapsed().as_secs_f64() * 1000.0);
                    n += 1;
                }
                anyhow::Ok(posted)
            })
        })
        .collect();
    let mut posts = Vec::new();
    for sender in senders {
        posts.extend(sender.await??);
    }
    let posting = Measure::of(posts, started.elapsed().as_secs_f64());
    posting.report("messages posted");
    let expected = posting.requests * STREAMS;
    let mut delivered = Vec::with_capacity(expected);
    let drain = Instant::now() + Duration::from_secs(30);
    while delivered.len() < expected {
        match tokio::time::timeout_at(drain.into(), received.recv()).await {
            Ok(Some(ms)) => delivered.push(ms),
            _ => break,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let delivery = Measure::of(delivered, elapsed);
    delivery.report("deliveries (latency from posting)");
    let rss = memory_mb(&pid, "VmRSS");
    eprintln!("server memory: {rss_open:.0} MB with the streams open, {rss:.0} MB after");

    println!(
        "{}",
        json!({
            "bench": "messaging",
            "streams": STREAMS,
            "reference_per_s": round(reference.per_second, 1),
            "reference_p99_ms": round(reference.p99, 2),
            "posted_per_s": round(posting.per_second, 1),
            "post_p99_ms": round(posting.p99, 2),
            "ratio": round(posting.per_second / reference.per_second, 3),
            "delivered": delivery.requests,
            "expected": expected,
            "delivered_per_s": round(delivery.per_second, 1),
            "delivery_ratio": round(delivery.per_second / reference.per_second, 3),
            "delivery_p50_ms": round(delivery.p50, 2),
            "delivery_p99_ms": round(delivery.p99, 2),
            "rss_mb_streams_open": round(rss_open, 0),
        })
    );
    Ok(())
}

/// Reads a stream's events; for each bench message, how long ago it was posted.
async fn listen(mut resp: reqwest::Response, epoch: Instant, out: mpsc::UnboundedSender<f64>) {
    let mut pending = String::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find("\n\n") {
            let event: String = pending.drain(..end + 2).collect();
            let now = epoch.elapsed().as_secs_f64() * 1000.0;
            let sent = event
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .filter_map(|d| serde_json::from_str::<Value>(d).ok())
                .filter_map(|v| {
                    let body = v["message"]["body"].as_str()?.to_string();
                    body.strip_prefix("bench ")?.parse::<f64>().ok()
                })
                .next();
            if let Some(sent) = sent {
                let _ = out.send(now - sent);
            }
        }
    }
}

/// 1 000 students with accounts (the demo student's password) in a group whose conversation the
/// demo teacher writes to.
async fn students(db: &mut AsyncPgConnection) -> anyhow::Result<()> {
    for sql in [
        "INSERT INTO course_groups (code, name) VALUES ('BENCH-CHAT', 'Bench chat')".to_string(),
        format!(
            "INSERT INTO people (number, role, family_name, given_name, birth_date, enrolment, \
               created_at, updated_at) \
             SELECT 'M' || i, 'student', 'Bench', 'Student ' || i, '2006-01-01', 'enrolled', \
               now(), now() FROM generate_series(1, {STREAMS}) i"
        ),
        "INSERT INTO group_memberships (person_id, group_code) \
         SELECT id, 'BENCH-CHAT' FROM people WHERE number LIKE 'M%' OR number = 'T1001'"
            .into(),
        "INSERT INTO accounts (person_id, identifier, password_hash, activated_at, \
           password_changed_at) \
         SELECT p.id, lower(p.number), a.password_hash, now(), now() \
         FROM people p, accounts a WHERE a.identifier = '25000002' AND p.number LIKE 'M%'"
            .into(),
    ] {
        diesel::sql_query(sql).execute(db).await?;
    }
    Ok(())
}
