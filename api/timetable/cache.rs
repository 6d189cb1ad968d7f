//! People's weeks as answered, kept in Redis (shared by every instance): at 8 o'clock, when
//! everyone opens the app at once, most weeks are read from here instead of PostgreSQL. Every
//! committed change to timetables or groups increments one generation number; an entry made
//! under an older generation is never served (it was read from the database before the change
//! was committed, or at its moment), and entries expire anyway.

use chrono::NaiveDate;

use crate::people::model::PersonId;
use crate::redis::Redis;

/// How long an entry may stay if nothing changes, and the bound on staleness should a
/// generation increment ever be lost with Redis.
const TTL_SECONDS: u64 = 600;

/// A week as answered: its ETag and body.
pub struct Week {
    pub etag: String,
    pub json: String,
}

fn generation_key(redis: &Redis) -> String {
    redis.key("timetable:generation")
}

fn week_key(redis: &Redis, person: PersonId, from: NaiveDate, to: NaiveDate) -> String {
    redis.key(&format!("timetable:week:{}:{from}:{to}", person.0.simple()))
}

/// The current generation, and the entry for this week if it was made under it. Redis being
/// unavailable is a miss.
pub async fn get(
    redis: &Redis,
    person: PersonId,
    from: NaiveDate,
    to: NaiveDate,
) -> (i64, Option<Week>) {
    let (generation, week) = (generation_key(redis), week_key(redis, person, from, to));
    let found: Result<(Option<i64>, Option<String>), _> = redis
        .run(|mut c| async move {
            redis::pipe()
                .get(&generation)
                .get(&week)
                .query_async(&mut c)
                .await
        })
        .await;
    let Ok((generation, entry)) = found else {
        return (-1, None);
    };
    let generation = generation.unwrap_or(0);
    let week = entry.and_then(|e| {
        let (made, rest) = e.split_once('\n')?;
        let (etag, json) = rest.split_once('\n')?;
        (made.parse::<i64>().ok()? == generation).then(|| Week {
            etag: etag.to_string(),
            json: json.to_string(),
        })
    });
    (generation, week)
}

/// Keeps the week read under `generation` (nothing when Redis was unavailable).
pub async fn put(
    redis: &Redis,
    person: PersonId,
    from: NaiveDate,
    to: NaiveDate,
    generation: i64,
    week: &Week,
) {
    if generation < 0 {
        return;
    }
    let key = week_key(redis, person, from, to);
    let value = format!("{generation}\n{}\n{}", week.etag, week.json);
    let kept: Result<(), _> = redis
        .run(|mut c| async move {
            redis::cmd("SET")
                .arg(&key)
                .arg(value)
                .arg("EX")
                .arg(TTL_SECONDS)
                .query_async(&mut c)
                .await
        })
        .await;
    if let Err(e) = kept {
        tracing::warn!(error = %e, "timetable cache: not kept");
    }
}

/// After a committed change to classes or to who is in which group: no entry made before it
/// is served again.
pub async fn changed(redis: &Redis) {
    let key = generation_key(redis);
    let bumped: Result<i64, _> = redis
        .run(|mut c| async move { redis::cmd("INCR").arg(&key).query_async(&mut c).await })
        .await;
    if let Err(e) = bumped {
        tracing::error!(error = %e, "timetable cache: the change could not be announced; weeks may be stale for {TTL_SECONDS} s");
    }
}
