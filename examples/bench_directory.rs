//! Driven by `scripts/bench-directory` (not a test): the staff directory's searches on the
//! timetable bench's scale — 30 000 people, 3 000 of them teachers and staff with French names,
//! 40 services, both campuses — as ratios to the session check (`GET /api/session/check`,
//! Redis only) measured in the same run: searches by a name's first letters (accents and case
//! aside, many homonyms, a page of 20), and by service.
//!
//! Usage: bench_directory BASE_URL DATABASE_URL [SECONDS]

mod bench;

use std::sync::Arc;

use bench::{Before, load, round, session, timed};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

const CONNECTIONS: usize = 64;
const FAMILY: [&str; 24] = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
];
const GIVEN: [&str; 12] = [
    "Marie", "Jean", "Hélène", "Élodie", "Nicolas", "Sophie", "Pierre", "Camille", "Julien",
    "Chloé", "Antoine", "Inès",
];
/// What people type: a name's first letters (folded or not), given and family names together.
const SEARCHES: [&str; 8] = [
    "mar",
    "dub",
    "LEF",
    "hélène fo",
    "gir",
    "ber",
    "elodie",
    "sophie l",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, db_url] = [0, 1].map(|i| args.get(i).cloned().unwrap_or_default());
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut db = AsyncPgConnection::establish(&db_url).await?;
    people(&mut db).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    // The demo's teachers (a role the directory is open to).
    let sessions = Arc::new(bench::sign_in(&mut db, &http, &base, "t%").await?);
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
    let by_name = search(&http, &base, &sessions, run, |n| {
        let q: String =
            url::form_urlencoded::byte_serialize(SEARCHES[n % SEARCHES.len()].as_bytes()).collect();
        format!("q={q}")
    })
    .await?;
    by_name.report("searches by name");
    let by_service = search(&http, &base, &sessions, run, |n| {
        format!("service=Bench+service+{}", n % 40)
    })
    .await?;
    by_service.report("searches by service");
    println!(
        "{}",
        json!({
            "bench": "directory",
            "people": 30_000,
            "reference_per_s": round(reference.per_second, 0),
            "per_s": round(by_name.per_second, 0),
            "ratio": round(by_name.per_second / reference.per_second, 3),
            "p99_ms": round(by_name.p99, 1),
            "service_per_s": round(by_service.per_second, 0),
            "service_ratio": round(by_service.per_second / reference.per_second, 3),
            "service_p99_ms": round(by_service.p99, 1),
        })
    );
    Ok(())
}

/// `GET /api/directory?<query n>` from every connection, each answer a full page.
async fn search(
    http: &reqwest::Client,
    base: &str,
    sessions: &Arc<Vec<String>>,
    run: (usize, u64),
    query: fn(usize) -> String,
) -> anyhow::Result<bench::Measure> {
    let (http, base, sessions) = (http.clone(), base.to_string(), sessions.clone());
    timed(run, move |n| {
        let (http, base, sessions) = (http.clone(), base.clone(), sessions.clone());
        async move {
            let (cookie, _) = session(&sessions[n % sessions.len()]);
            let page: serde_json::Value = http
                .get(format!("{base}/api/directory?limit=20&{}", query(n)))
                .header("cookie", cookie)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let found = page["people"].as_array().map_or(0, Vec::len);
            anyhow::ensure!(found > 0, "nobody found for {}", query(n));
            Ok(true)
        }
    })
    .await
}

/// 27 000 students and 3 000 teachers and staff (24 family names × 12 given names: many
/// homonyms), in 40 services over both campuses; one in fifty unlisted.
async fn people(db: &mut AsyncPgConnection) -> anyhow::Result<()> {
    let family = FAMILY.map(|f| format!("'{f}'")).join(",");
    let given = GIVEN.map(|g| format!("'{g}'")).join(",");
    diesel::sql_query(format!(
        "INSERT INTO people (number, role, family_name, given_name, birth_date, enrolment, \
           campus_code, title, service, office, professional_phone, unlisted, created_at, updated_at) \
         SELECT 'D' || i, CASE WHEN i < 27000 THEN 'student' WHEN i % 2 = 0 THEN 'teacher' ELSE 'staff' END, \
           (ARRAY[{family}])[1 + i % 24], (ARRAY[{given}])[1 + (i / 24) % 12], '1980-01-01', 'enrolled', \
           CASE WHEN i % 2 = 0 THEN 'grandmont' ELSE 'tanneurs' END, \
           'Bench title', 'Bench service ' || (i % 40), 'Bureau ' || i, '+3324736' || lpad((i % 10000)::text, 4, '0'), \
           i % 50 = 0, now(), now() \
         FROM generate_series(0, 29999) i"
    ))
    .execute(db)
    .await?;
    diesel::sql_query("ANALYZE people").execute(db).await?;
    Ok(())
}
