//! Driven by `scripts/bench-cas` (not a test): the central authentication service under load,
//! as ratios to the session check (`GET /api/session/check`, Redis only) measured in the same
//! run: service tickets issued by single sign-on (`GET /cas/login?service=…` with a session:
//! a ticket in Redis, a sign-on row and a security event in PostgreSQL), then those tickets
//! validated (`GET /cas/p3/serviceValidate`: the ticket taken from Redis, the person and their
//! groups read from PostgreSQL, the attributes written as XML).
//!
//! Usage: bench_cas BASE_URL DATABASE_URL [SECONDS]

mod bench;

use std::sync::{Arc, Mutex};

use bench::{Before, load, round, session, timed};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

const CONNECTIONS: usize = 64;
const SERVICE: &str = "http://127.0.0.1:9/bench/";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, db_url] = [0, 1].map(|i| args.get(i).cloned().unwrap_or_default());
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut db = AsyncPgConnection::establish(&db_url).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let sessions = Arc::new(bench::sign_in(&mut db, &http, &base, "%").await?);
    let run = (CONNECTIONS, seconds);
    let reference = load(
        &http,
        &format!("{base}/api/session/check"),
        &sessions,
        run,
        204,
        &Before::Nothing,
    )
    .await?;
    reference.report("session check");

    let tickets = Arc::new(Mutex::new(Vec::new()));
    let (h, b, s, t) = (
        http.clone(),
        base.clone(),
        sessions.clone(),
        tickets.clone(),
    );
    let issued = timed((CONNECTIONS, seconds), move |n| {
        let (http, base, sessions, tickets) = (h.clone(), b.clone(), s.clone(), t.clone());
        async move {
            let (cookie, _) = session(&sessions[n % sessions.len()]);
            let service: String =
                url::form_urlencoded::byte_serialize(SERVICE.as_bytes()).collect();
            let resp = http
                .get(format!("{base}/cas/login?service={service}"))
                .header("cookie", cookie)
                .send()
                .await?;
            anyhow::ensure!(resp.status() == 302, "/cas/login: {}", resp.status());
            let location = resp.headers()["location"].to_str()?;
            let ticket = location
                .split("ticket=")
                .nth(1)
                .unwrap_or_default()
                .to_string();
            tickets.lock().unwrap().push(ticket);
            Ok(true)
        }
    })
    .await?;
    issued.report("tickets issued by single sign-on");

    let (h2, b2, t2) = (http.clone(), base.clone(), tickets.clone());
    let validated = timed((CONNECTIONS, seconds), move |_| {
        let (http, base, tickets) = (h2.clone(), b2.clone(), t2.clone());
        async move {
            let Some(ticket) = tickets.lock().unwrap().pop() else {
                return Ok(false);
            };
            let service: String =
                url::form_urlencoded::byte_serialize(SERVICE.as_bytes()).collect();
            let body = http
                .get(format!(
                    "{base}/cas/p3/serviceValidate?service={service}&ticket={ticket}"
                ))
                .send()
                .await?
                .text()
                .await?;
            anyhow::ensure!(body.contains("authenticationSuccess"), "{body}");
            Ok(true)
        }
    })
    .await?;
    validated.report("tickets validated (p3/serviceValidate)");

    println!(
        "{}",
        json!({
            "bench": "cas",
            "reference_per_s": round(reference.per_second, 0),
            "login_per_s": round(issued.per_second, 0),
            "login_ratio": round(issued.per_second / reference.per_second, 3),
            "login_p99_ms": round(issued.p99, 1),
            "validate_per_s": round(validated.per_second, 0),
            "ratio": round(validated.per_second / reference.per_second, 3),
            "p99_ms": round(validated.p99, 1),
        })
    );
    Ok(())
}
