//! `ent import registrations FILE.csv`: the registrar's statuses, checked line by line and
//! written in one transaction (or nothing); unchanged lines touch nothing; what changed for a
//! student is pushed to them in the same transaction.

use std::collections::HashMap;
use std::{fmt, io::Read};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{
    model::{self, COLUMNS, REQUIRED, RegistrationRecord},
    notices,
    store::{self, Registration},
};
use crate::csv_file::{self, Columns, LineError, distinct_lines};
use crate::people::model::PersonId;
use crate::push;

/// Rows written per statement; progress is reported after each.
pub const BATCH: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    #[error("{} invalid line(s); nothing was imported (fix them, or pass --skip-invalid)", distinct_lines(.0))]
    Invalid(Vec<LineError>),
    #[error("the database refused the import, nothing was imported")]
    Database(#[from] diesel::result::Error),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Pushes queued: changes, and windows opening today.
    pub notified: usize,
    pub skipped: Vec<LineError>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} line(s) read: {} created, {} updated, {} unchanged, {} skipped; {} notification(s)",
            self.read,
            self.created,
            self.updated,
            self.unchanged,
            distinct_lines(&self.skipped),
            self.notified
        )
    }
}

/// What the import needs besides the file.
pub struct Settings<'a> {
    pub tz: Tz,
    pub reminder_days: &'a [u16],
    pub skip_invalid: bool,
}

/// Reads and checks the whole file: each line alone, and a person's year given once.
pub fn read(input: impl Read) -> Result<csv_file::Checked<RegistrationRecord>, ImportError> {
    let columns = Columns {
        known: &COLUMNS,
        required: &REQUIRED,
    };
    let (lines, mut errors) =
        csv_file::read(input, &columns, model::check).map_err(ImportError::Unreadable)?;
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut records = Vec::new();
    for (line, r) in lines {
        let key = (r.number.clone(), r.academic_year.clone());
        if let Some(first) = seen.insert(key, line) {
            errors.push(LineError {
                line,
                problem: format!(
                    "number: {} {} already appears on line {first}",
                    r.number, r.academic_year
                ),
            });
            continue;
        }
        records.push((line, r));
    }
    Ok((records, errors))
}

/// Writes checked registrations in one transaction, reporting progress as `(written, total)`.
pub async fn write(
    conn: &mut AsyncPgConnection,
    (records, mut errors): csv_file::Checked<RegistrationRecord>,
    settings: &Settings<'_>,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, ImportError> {
    let numbers: Vec<String> = records.iter().map(|(_, r)| r.number.clone()).collect();
    let ids: HashMap<String, PersonId> = store::people_numbered(conn, &numbers)
        .await?
        .into_iter()
        .collect();
    let mut known = Vec::new();
    for (line, r) in records {
        match ids.get(&r.number) {
            Some(id) => known.push((*id, r)),
            None => errors.push(LineError {
                line,
                problem: format!("number: nobody numbered {} (import people first)", r.number),
            }),
        }
    }
    errors.sort_by_key(|e| e.line);
    if !errors.is_empty() && !settings.skip_invalid {
        return Err(ImportError::Invalid(errors));
    }
    let read = known.len() + distinct_lines(&errors);
    let mut report = conn
        .transaction(async |conn| {
            let mut report = Report {
                read,
                ..Report::default()
            };
            let total = known.len();
            for (i, batch) in known.chunks(BATCH).enumerate() {
                write_batch(conn, batch, settings.tz, now, &mut report).await?;
                progress((i * BATCH + batch.len()).min(total), total);
            }
            report.notified +=
                notices::remind_due(conn, settings.tz, settings.reminder_days, now).await?;
            Ok::<_, ImportError>(report)
        })
        .await?;
    report.skipped = errors;
    Ok(report)
}

async fn write_batch(
    conn: &mut AsyncPgConnection,
    batch: &[(PersonId, RegistrationRecord)],
    tz: Tz,
    now: DateTime<Utc>,
    report: &mut Report,
) -> Result<(), ImportError> {
    let people: Vec<PersonId> = batch.iter().map(|(p, _)| *p).collect();
    let stored: HashMap<(PersonId, String), Registration> = store::of_people(conn, &people)
        .await?
        .into_iter()
        .map(|r| ((r.person_id, r.academic_year.clone()), r))
        .collect();
    let mut rows = Vec::new();
    let mut notifications = Vec::new();
    for (person, record) in batch {
        let old = stored.get(&(*person, record.academic_year.clone()));
        let new = registration(*person, record, old, now);
        if old.is_some_and(|o| same(o, &new)) {
            report.unchanged += 1;
            continue;
        }
        if old.is_some() {
            report.updated += 1;
        } else {
            report.created += 1;
        }
        notifications.extend(
            notices::of_change(old, &new)
                .into_iter()
                .map(|n| (*person, n)),
        );
        rows.push(new);
    }
    if !rows.is_empty() {
        store::write(conn, &rows).await?;
    }
    let each: Vec<_> = notifications.iter().map(|(p, n)| (*p, n)).collect();
    push::notify::notify_each(conn, tz, &each, now).await?;
    report.notified += notifications.len();
    Ok(())
}

/// The row a line makes, keeping what the file does not say: the certificate's code (made when
/// the registration first completes) and the pushes sent (again if the window moved).
fn registration(
    person: PersonId,
    r: &RegistrationRecord,
    old: Option<&Registration>,
    now: DateTime<Utc>,
) -> Registration {
    let (opens_on, closes_on) = r.window.unzip();
    let complete = r.administrative == model::Administrative::Complete;
    let certificate_code = old
        .and_then(|o| o.certificate_code.clone())
        .or_else(|| complete.then(super::certificate::new_code));
    let same_window = old.is_some_and(|o| o.opens_on == opens_on && o.closes_on == closes_on);
    Registration {
        person_id: person,
        academic_year: r.academic_year.clone(),
        program: r.program.clone(),
        administrative: r.administrative,
        pedagogical: r.pedagogical,
        cvec: r.cvec,
        missing_documents: r.missing_documents.clone(),
        opens_on,
        closes_on,
        certificate_code,
        opening_announced: same_window && old.is_some_and(|o| o.opening_announced),
        reminded_days: old.filter(|_| same_window).and_then(|o| o.reminded_days),
        updated_at: now,
    }
}

/// Everything but the time of the last change.
fn same(a: &Registration, b: &Registration) -> bool {
    Registration {
        updated_at: b.updated_at,
        ..a.clone()
    } == *b
}
