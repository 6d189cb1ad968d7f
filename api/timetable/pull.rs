//! Pulling the configured ADE exports on a schedule: each source is claimed in PostgreSQL for
//! `pull_minutes` (so one instance pulls it, whichever), fetched with a timeout and a size
//! bound, and imported exactly as `ent import timetable` would.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::sql_types::{Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use tokio::task::JoinHandle;

use super::import::{self, Settings};
use crate::{clock::SharedClock, config, couriers::every_pass, db, redis::Redis, state::AppState};

/// How often the worker looks for a source that is due.
const POLL: Duration = Duration::from_secs(60);

pub struct Puller {
    db: db::Pool,
    redis: Redis,
    clock: SharedClock,
    settings: config::Timetable,
    import: Settings,
    http: reqwest::Client,
}

impl Puller {
    pub fn new(state: &AppState) -> anyhow::Result<Puller> {
        let settings = state.config.timetable.clone();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.pull_timeout_ms))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()?;
        Ok(Puller {
            db: state.db.clone(),
            redis: state.redis.clone(),
            clock: state.clock.clone(),
            import: Settings::of(&state.config),
            settings,
            http,
        })
    }

    /// Pulls the sources that are due and that no other instance claimed; returns how many.
    pub async fn pull_once(&self) -> anyhow::Result<usize> {
        let mut pulled = 0;
        for source in &self.settings.sources {
            let mut conn = self.db.get().await.map_err(db::unreachable)?;
            let now = self.clock.now();
            let group = source.group.as_str();
            if !claim(&mut conn, group, now, self.settings.pull_minutes).await? {
                continue;
            }
            pulled += 1;
            let result = match self.fetch(source.url.as_str()).await {
                Ok(bytes) => {
                    import::import(&mut conn, &self.redis, self.import, group, &bytes, now)
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(e) => Err(e),
            };
            let error = match result {
                Ok(report) => {
                    tracing::info!(group, %report, "timetable pulled");
                    None
                }
                Err(error) => {
                    tracing::error!(group, %error, "timetable pull failed");
                    Some(error)
                }
            };
            record(&mut conn, group, error.as_deref()).await?;
        }
        Ok(pulled)
    }

    /// The export's bytes, refused past `max_file_bytes` without reading further.
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| format!("fetching the export failed: {}", without_url(e)))?;
        if !resp.status().is_success() {
            return Err(format!("the export answered {}", resp.status()));
        }
        let limit = self.settings.max_file_bytes;
        let mut body = Vec::new();
        let mut resp = resp;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("reading the export failed: {}", without_url(e)))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > limit {
                return Err(format!("the export is larger than {limit} bytes"));
            }
        }
        Ok(body)
    }

    /// Looks for due sources every minute until `shutdown`.
    pub fn spawn(self, shutdown: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
        let this = std::sync::Arc::new(self);
        every_pass("timetable", POLL, usize::MAX, shutdown, move || {
            let this = this.clone();
            async move { this.pull_once().await }
        })
    }
}

/// An ADE URL carries its resource ids: keep it out of the log.
fn without_url(e: reqwest::Error) -> String {
    e.without_url().to_string()
}

/// Takes the source for `minutes` if it is due; false when another instance has it.
async fn claim(
    conn: &mut AsyncPgConnection,
    group: &str,
    now: DateTime<Utc>,
    minutes: u32,
) -> diesel::QueryResult<bool> {
    let next = now + chrono::Duration::minutes(minutes.into());
    let claimed = diesel::sql_query(
        "INSERT INTO timetable_pulls (group_code, next_pull_at) VALUES ($1, $2) \
         ON CONFLICT (group_code) DO UPDATE SET next_pull_at = EXCLUDED.next_pull_at \
         WHERE timetable_pulls.next_pull_at <= $3",
    )
    .bind::<Text, _>(group)
    .bind::<Timestamptz, _>(next)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await?;
    Ok(claimed == 1)
}

async fn record(
    conn: &mut AsyncPgConnection,
    group: &str,
    error: Option<&str>,
) -> diesel::QueryResult<()> {
    diesel::sql_query("UPDATE timetable_pulls SET last_error = $2 WHERE group_code = $1")
        .bind::<Text, _>(group)
        .bind::<Nullable<Text>, _>(error.map(|e| e.chars().take(500).collect::<String>()))
        .execute(conn)
        .await
        .map(drop)
}
