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

mod bench;

use std::{sync::Arc, time::Instant};

use bench::{Before, load, memory_mb, round};

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
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
    let cookies = Arc::new(bench::sign_in(&mut db, &http, &base, "b%").await?);
    anyhow::ensure!(cookies.len() == SIGNED_IN, "{} sessions", cookies.len());

    let check = format!("{base}/api/session/check");
    let week = format!("{base}/api/me/timetable?{WEEK}");
    let warm = Before::Nothing;
    let cold = Before::Incr(redis, generation);
    let run = (CONNECTIONS, seconds);
    let small_ref = load(&http, &check, &cookies, run, 204, &warm).await?;
    let small = load(&http, &week, &cookies, run, 200, &cold).await?;
    small_ref.report("session check (1 000 events)");
    small.report("week from PostgreSQL (1 000 events)");

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
    let big_ref = load(&http, &check, &cookies, run, 204, &warm).await?;
    let big = load(&http, &week, &cookies, run, 200, &cold).await?;
    let cached = load(&http, &week, &cookies, run, 200, &warm).await?;
    big_ref.report("session check (a year)");
    big.report("week from PostgreSQL (a year)");
    cached.report("week from the cache (a year)");
    let rss = memory_mb(&pid, "VmRSS");

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
