//! Driven by `scripts/bench-timetable` (not a test): many logged-in students reading their week
//! (`GET /api/me/timetable`) at 64 connections, as a ratio to the session check
//! (`GET /api/session/check`, Redis only) measured in the same run, first with 1 000 events in
//! the database, then with a generated year for 30 000 students in 300 groups (over 500 000
//! rows), so that the two p99 can be compared. Also reports the server's memory.
//!
//! Weeks are served from the Redis cache once read; the "cold" phase bumps the cache's
//! generation before every request, so that each one is read from PostgreSQL (the worst case:
//! as if every class had just changed).
//!
//! Usage: bench_timetable BASE_URL DATABASE_URL SERVER_PID REDIS_URL REDIS_PREFIX [SECONDS]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use serde_json::json;

const CONNECTIONS: usize = 64;
/// Students who log in: those whose two groups are among the first 50.
const SIGNED_IN: usize = 256;
const WEEK: &str = "from=2026-12-07&to=2026-12-13";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, db_url, pid, redis_url, prefix] =
        [0, 1, 2, 3, 4].map(|i| args.get(i).cloned().unwrap_or_default());
    let seconds: u64 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(10);
    let redis = redis::Client::open(redis_url)?
        .get_multiplexed_async_connection()
        .await?;
    let generation = format!("{prefix}timetable:generation");
    let mut db = AsyncPgConnection::establish(&db_url).await?;

    let t = Instant::now();
    people(&mut db).await?;
    events(
        &mut db,
        "d BETWEEN '2026-12-07' AND '2026-12-13' AND g < 50",
    )
    .await?;
    eprintln!(
        "30 000 students, 300 groups, 1 000 events: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    let cookies = Arc::new(sign_in(&mut db, &http, &base).await?);
    anyhow::ensure!(cookies.len() == SIGNED_IN, "{} sessions", cookies.len());

    let check = format!("{base}/api/session/check");
    let week = format!("{base}/api/me/timetable?{WEEK}");
    let warm = Cache::Warm;
    let cold = Cache::Cold(redis, generation);
    let small_ref = load(&http, &check, &cookies, seconds, 204, &warm).await?;
    let small = load(&http, &week, &cookies, seconds, 200, &cold).await?;
    report("session check (1 000 events)", &small_ref);
    report("week from PostgreSQL (1 000 events)", &small);

    let t = Instant::now();
    events(
        &mut db,
        "NOT (d BETWEEN '2026-12-07' AND '2026-12-13' AND g < 50)",
    )
    .await?;
    let rows = count(&mut db).await?;
    eprintln!(
        "a year generated: {rows} rows in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let big_ref = load(&http, &check, &cookies, seconds, 204, &warm).await?;
    let big = load(&http, &week, &cookies, seconds, 200, &cold).await?;
    let cached = load(&http, &week, &cookies, seconds, 200, &warm).await?;
    report("session check (a year)", &big_ref);
    report("week from PostgreSQL (a year)", &big);
    report("week from the cache (a year)", &cached);
    let rss = memory_mb(&pid, "VmRSS");

    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
    eprintln!(
        "server memory after the load: {rss:.0} MB resident (logins, at 19 MiB of argon2id each, weigh on it)"
    );
    println!(
        "{}",
        json!({
            "bench": "timetable",
            "connections": CONNECTIONS,
            "rows": rows,
            "reference_per_s": round(big_ref.per_second, 1),
            "week_per_s": round(cached.per_second, 1),
            "ratio": round(cached.per_second / big_ref.per_second, 3),
            "p99_ms": round(cached.p99, 2),
            "uncached_per_s": round(big.per_second, 1),
            "uncached_ratio": round(big.per_second / big_ref.per_second, 3),
            "uncached_p99_ms": round(big.p99, 2),
            "uncached_p99_ms_1000_events": round(small.p99, 2),
            "reference_p99_ms": round(big_ref.p99, 2),
            "rss_mb": round(rss, 0),
        })
    );
    Ok(())
}

/// 300 groups, 30 000 students in two adjacent groups each, 256 of them with an account (the
/// demo student's password).
async fn people(db: &mut AsyncPgConnection) -> anyhow::Result<()> {
    for sql in [
        "INSERT INTO programs (code, name) VALUES ('BENCH', 'Bench')".to_string(),
        "INSERT INTO course_groups (code, name, program_code) \
         SELECT 'BENCH-G' || g, 'Bench group ' || g, 'BENCH' FROM generate_series(0, 299) g"
            .into(),
        "INSERT INTO courses (code, title, colour) \
         SELECT 'BENCH-C' || c, 'Course ' || c, '#1d4ed8' FROM generate_series(0, 49) c"
            .into(),
        "INSERT INTO people (number, role, family_name, given_name, birth_date, enrolment, \
           created_at, updated_at) \
         SELECT 'B' || i, 'student', 'Bench', 'Student ' || i, '2006-01-01', 'enrolled', now(), \
           now() FROM generate_series(0, 29999) i"
            .into(),
        "INSERT INTO group_memberships (person_id, group_code) \
         SELECT id, 'BENCH-G' || ((substr(number, 2)::int + k) % 300) \
         FROM people, generate_series(0, 1) k WHERE number LIKE 'B%'"
            .into(),
        format!(
            "INSERT INTO accounts (person_id, identifier, password_hash, activated_at, \
               password_changed_at) \
             SELECT p.id, lower(p.number), a.password_hash, now(), now() \
             FROM people p, accounts a \
             WHERE a.identifier = '25000002' AND p.number LIKE 'B%' \
               AND substr(p.number, 2)::int % 300 < 49 \
             ORDER BY p.number LIMIT {SIGNED_IN}"
        ),
    ] {
        diesel::sql_query(sql).execute(db).await?;
    }
    Ok(())
}

/// Four two-hour classes a weekday per group from September to June, those of days `d` and
/// groups `g` that `filter` keeps, linked to their group.
async fn events(db: &mut AsyncPgConnection, filter: &str) -> anyhow::Result<()> {
    diesel::sql_query(format!(
        "WITH slots AS ( \
           SELECT g, d::date AS d, s, t FROM generate_series(0, 299) g, \
             generate_series('2026-09-01'::date, '2027-06-30'::date, '1 day') d, \
             unnest(ARRAY['08:00', '10:15', '13:30', '15:45']::time[]) WITH ORDINALITY AS x(t, s) \
           WHERE extract(isodow FROM d) < 6 AND ({filter})), \
         made AS ( \
           INSERT INTO timetable_events (uid, course_code, kind, starts_at, ends_at, rooms, \
             teachers, groups, status, created_at, updated_at) \
           SELECT 'BENCH-' || g || '-' || d || '-' || s, 'BENCH-C' || ((g + s) % 50), 'td', \
             (d + t) AT TIME ZONE 'Europe/Paris', (d + t + interval '2 hours') AT TIME ZONE \
             'Europe/Paris', ARRAY['B' || (g % 40)], ARRAY['TEACHER ' || (g % 60)], \
             ARRAY['Bench group ' || g], 'scheduled', now(), now() FROM slots \
           RETURNING id, uid, starts_at) \
         INSERT INTO timetable_event_groups (group_code, starts_at, event_id) \
         SELECT 'BENCH-G' || split_part(uid, '-', 2), starts_at, id FROM made"
    ))
    .execute(db)
    .await?;
    diesel::sql_query("ANALYZE").execute(db).await?;
    Ok(())
}

async fn count(db: &mut AsyncPgConnection) -> anyhow::Result<i64> {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<N> = diesel::sql_query(
        "SELECT (SELECT count(*) FROM timetable_events) + \
           (SELECT count(*) FROM timetable_event_groups) + (SELECT count(*) FROM people) + \
           (SELECT count(*) FROM group_memberships) AS n",
    )
    .load(db)
    .await?;
    Ok(rows[0].n)
}

/// A session for each bench student with an account (logins run in parallel, a few at a time).
async fn sign_in(
    db: &mut AsyncPgConnection,
    http: &reqwest::Client,
    base: &str,
) -> anyhow::Result<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct Account {
        #[diesel(sql_type = diesel::sql_types::Text)]
        identifier: String,
    }
    let accounts: Vec<Account> =
        diesel::sql_query("SELECT identifier FROM accounts WHERE identifier LIKE 'b%'")
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
            resp.headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::to_string)
                .ok_or_else(|| anyhow::anyhow!("no session cookie"))
        }
    });
    futures_util::stream::iter(logins)
        .buffer_unordered(2)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// Whether the cache may answer, or every request must miss it.
enum Cache {
    Warm,
    Cold(redis::aio::MultiplexedConnection, String),
}

impl Cache {
    async fn spoil(&self) -> anyhow::Result<()> {
        if let Cache::Cold(redis, key) = self {
            let _: i64 = redis::cmd("INCR")
                .arg(key)
                .query_async(&mut redis.clone())
                .await?;
        }
        Ok(())
    }
}

struct Measure {
    per_second: f64,
    p50: f64,
    p99: f64,
    requests: usize,
}

/// `CONNECTIONS` clients asking `url` without pause for `seconds`, each with a session of its own.
async fn load(
    http: &reqwest::Client,
    url: &str,
    cookies: &Arc<Vec<String>>,
    seconds: u64,
    status: u16,
    cache: &Cache,
) -> anyhow::Result<Measure> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let (http, url, cookies) = (http.clone(), url.to_string(), cookies.clone());
            let cache = match cache {
                Cache::Warm => Cache::Warm,
                Cache::Cold(redis, key) => Cache::Cold(redis.clone(), key.clone()),
            };
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = c;
                while Instant::now() < deadline {
                    cache.spoil().await?;
                    let t = Instant::now();
                    let resp = http
                        .get(&url)
                        .header("cookie", &cookies[n % cookies.len()])
                        .send()
                        .await?;
                    anyhow::ensure!(resp.status().as_u16() == status, "{url}: {}", resp.status());
                    resp.bytes().await?;
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    n += CONNECTIONS;
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for client in clients {
        all.extend(client.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    Ok(Measure {
        per_second: all.len() as f64 / elapsed,
        p50: pct(0.5),
        p99: pct(0.99),
        requests: all.len(),
    })
}

fn report(what: &str, m: &Measure) {
    eprintln!(
        "{what}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms ({} requests)",
        m.per_second, m.p50, m.p99, m.requests
    );
}

/// A line of /proc/PID/status in MB (`VmRSS`: resident now).
fn memory_mb(pid: &str, field: &str) -> f64 {
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
