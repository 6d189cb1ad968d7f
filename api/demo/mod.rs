//! `ent seed-demo`: a small demo university (two campuses, three programs, 30 students,
//! 5 teachers, 3 staff of whom one secretariat), written through the same code as the people
//! import, so running it again changes nothing.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::people::{
    import::{self, ImportError, Report},
    model::Rules,
    store::{self, CodeTable},
};

/// The demo people, also listed in the README.
pub const PEOPLE_CSV: &str = include_str!("people.csv");

const PROGRAMS: [(&str, &str, Option<&str>); 3] = [
    ("L1-INFO", "Licence 1 Informatique", Some("grandmont")),
    ("L2-DROIT", "Licence 2 Droit", Some("tanneurs")),
    ("M1-HIST", "Master 1 Histoire", Some("tanneurs")),
];

const GROUPS: [(&str, &str, Option<&str>); 7] = [
    ("L1-INFO", "L1 Informatique — promotion", Some("L1-INFO")),
    ("L1-INFO-TD1", "L1 Informatique — TD 1", Some("L1-INFO")),
    ("L1-INFO-TD2", "L1 Informatique — TD 2", Some("L1-INFO")),
    ("L2-DROIT", "L2 Droit — promotion", Some("L2-DROIT")),
    ("L2-DROIT-TD1", "L2 Droit — TD 1", Some("L2-DROIT")),
    ("M1-HIST", "M1 Histoire — promotion", Some("M1-HIST")),
    ("M1-HIST-G1", "M1 Histoire — groupe 1", Some("M1-HIST")),
];

pub async fn seed(
    conn: &mut AsyncPgConnection,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<Report, ImportError> {
    conn.transaction(async |conn| {
        store::name_codes(conn, CodeTable::Programs, &PROGRAMS).await?;
        store::name_codes(conn, CodeTable::Groups, &GROUPS).await?;
        Ok::<_, ImportError>(())
    })
    .await?;
    let (records, errors) = import::read(PEOPLE_CSV.as_bytes(), rules)?;
    import::write(conn, records, errors, false, now, &|_, _| ()).await
}
