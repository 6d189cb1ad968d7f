//! Urgent items are pushed to their audience, in the news category, when they are published:
//! at once for an item published now (in the transaction that publishes it), by the worker for
//! one scheduled later. Either way through [`announce_due`], which claims each item once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tokio::task::JoinHandle;

use super::store::{self, Item};
use crate::{
    clock::SharedClock,
    couriers::every_pass,
    db,
    i18n::Translated,
    push::{self, Category, Notification},
    state::AppState,
};

/// How often the worker looks for scheduled urgent items that are due.
const POLL: Duration = Duration::from_secs(30);

/// Pushes the urgent items due by `now` that no one announced yet; returns how many.
pub async fn announce_due(
    conn: &mut AsyncPgConnection,
    tz: Tz,
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let items = store::claim_unannounced(conn, now).await?;
    for item in &items {
        let notification = notification(item);
        let people = store::audience_with_devices(conn, item).await?;
        let each: Vec<_> = people.iter().map(|p| (*p, &notification)).collect();
        push::notify::notify_each(conn, tz, &each, now).await?;
    }
    Ok(items.len())
}

fn notification(item: &Item) -> Notification {
    let plain: String = item
        .body
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '[' | ']'))
        .collect();
    let preview = crate::text::preview(&plain, 140);
    Notification {
        category: Category::News,
        title: Translated {
            fr: format!("Urgent — {}", item.title),
            en: format!("Urgent — {}", item.title),
        },
        body: Translated {
            fr: preview.clone(),
            en: preview,
        },
        url: format!("/news/{}", item.id),
        tag: format!("news-{}", item.id),
    }
}

/// The worker: scheduled urgent items, announced when their time comes.
pub fn spawn(
    state: &AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<()> {
    let (pool, clock): (db::Pool, SharedClock) = (state.db.clone(), state.clock.clone());
    let tz = state.config.university.time_zone.tz();
    every_pass("news", POLL, usize::MAX, shutdown, move || {
        let (pool, clock) = (pool.clone(), clock.clone());
        async move {
            let mut conn = pool.get().await.map_err(db::unreachable)?;
            let now = clock.now();
            Ok(conn
                .transaction(async |conn| announce_due(conn, tz, now).await)
                .await?)
        }
    })
}
