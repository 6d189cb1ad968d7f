//! `ent seed-demo`: a small demo university (two campuses, three programs, 30 students,
//! 5 teachers, 3 staff of whom one secretariat), written through the same code as the people
//! import, so running it again changes nothing.

pub mod registrations;
pub mod timetable;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::{
    accounts::{password, store as accounts},
    cpu::CpuPool,
    people::{
        import::{self, ImportError, Report},
        model::Rules,
        store::{self, CodeTable},
    },
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
    config: &crate::config::Config,
    rules: &Rules,
    redis: &crate::redis::Redis,
    settings: crate::timetable::import::Settings,
    now: DateTime<Utc>,
) -> Result<Report, ImportError> {
    conn.transaction(async |conn| {
        store::name_codes(conn, CodeTable::Programs, &PROGRAMS).await?;
        store::name_codes(conn, CodeTable::Groups, &GROUPS).await?;
        Ok::<_, ImportError>(())
    })
    .await?;
    let (records, errors) = import::read(PEOPLE_CSV.as_bytes(), rules)?;
    let report = import::write(conn, records, errors, false, now, &|_, _| ()).await?;
    activate_demo_accounts(conn, now).await?;
    timetable::seed(conn, redis, settings, now)
        .await
        .map_err(|e| ImportError::DemoTimetable(e.to_string()))?;
    registrations::seed(conn, config, rules.today, now)
        .await
        .map_err(|e| ImportError::DemoRegistrations(e.to_string()))?;
    Ok(report)
}

/// The password of the demo accounts (listed in the README).
pub const DEMO_PASSWORD: &str = "Loire#Campus-2026";

/// People whose accounts the demo activates, with their permissions; everyone else is left to
/// activate by phone.
const DEMO_ACCOUNTS: [(&str, &[&str]); 3] = [
    ("25000002", &[]),
    ("T1001", &[]),
    (
        "P2001",
        &[
            "accounts",
            "timetable",
            "publishing",
            "help:comptes",
            "help:scolarite",
            "help:numerique",
            "help:pedagogie",
            "help:vie-etudiante",
            "help:accueil",
            "messages:scolarite",
        ],
    ),
];

async fn activate_demo_accounts(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> Result<(), ImportError> {
    let cpu = CpuPool::new();
    let missing = |number: &str| ImportError::DemoAccounts(format!("{number} is not in the demo"));
    for (number, permissions) in DEMO_ACCOUNTS {
        let (person, account) = accounts::by_number(conn, number)
            .await?
            .ok_or_else(|| missing(number))?;
        if account.is_none() {
            let hash = password::hash(&cpu, DEMO_PASSWORD)
                .await
                .map_err(|e| ImportError::DemoAccounts(e.to_string()))?;
            let email = person
                .institutional_email
                .clone()
                .ok_or_else(|| ImportError::DemoAccounts(format!("{number} has no address")))?;
            accounts::create(conn, &person, &email, &hash, now).await?;
        }
        for permission in permissions {
            accounts::grant(conn, person.id, permission).await?;
        }
    }
    Ok(())
}
