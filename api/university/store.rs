//! Campuses in the database follow the configuration.

use diesel::{ExpressionMethods, insert_into, upsert::excluded};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{config, db::schema::campuses};

/// Inserts new campuses and renames changed ones. A campus removed from the configuration
/// stays, since people may still refer to it.
pub async fn sync_campuses(
    conn: &mut AsyncPgConnection,
    list: &[config::Campus],
) -> diesel::QueryResult<usize> {
    let rows: Vec<_> = list
        .iter()
        .map(|c| {
            (
                campuses::code.eq(c.code.as_str()),
                campuses::name.eq(c.name.as_str()),
                campuses::city.eq(c.city.as_str()),
            )
        })
        .collect();
    insert_into(campuses::table)
        .values(&rows)
        .on_conflict(campuses::code)
        .do_update()
        .set((
            campuses::name.eq(excluded(campuses::name)),
            campuses::city.eq(excluded(campuses::city)),
        ))
        .execute(conn)
        .await
}
