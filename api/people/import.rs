//! `ent import people FILE.csv`: read the registrar's file, check every line, then write all of
//! it in one transaction — or nothing, when a line is wrong and `--skip-invalid` is not given.

use std::{collections::HashMap, fmt, io::Read};

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{
    model::{COLUMNS, PersonRecord, REQUIRED, Rules},
    store::{self, CodeTable, Written},
};
use crate::csv_file::{self, Columns};
pub use crate::csv_file::{LineError, distinct_lines};

/// People written per statement; progress is reported after each.
pub const BATCH: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    #[error("{} invalid line(s); nothing was imported (fix them, or pass --skip-invalid)", distinct_lines(.0))]
    Invalid(Vec<LineError>),
    #[error("the database refused the import, nothing was imported")]
    Database(#[from] diesel::result::Error),
    #[error("the demo accounts could not be created: {0}")]
    DemoAccounts(String),
    #[error("the demo timetable could not be imported: {0}")]
    DemoTimetable(String),
    #[error("the demo registrations could not be imported: {0}")]
    DemoRegistrations(String),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Lines of people read (header excluded).
    pub read: usize,
    pub written: Written,
    pub unchanged: usize,
    pub new_programs: usize,
    pub new_groups: usize,
    /// Lines left out with `--skip-invalid`.
    pub skipped: Vec<LineError>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = &self.written;
        write!(
            f,
            "{} line(s) read: {} created, {} updated, {} unchanged, {} skipped; \
             {} new program(s), {} new group(s); memberships +{} −{}",
            self.read,
            w.created,
            w.updated,
            self.unchanged,
            distinct_lines(&self.skipped),
            self.new_programs,
            self.new_groups,
            w.memberships_added,
            w.memberships_removed
        )
    }
}

/// The people of a file with their line numbers, and the problems of the other lines.
pub type Checked = csv_file::Checked<PersonRecord>;

/// Reads and checks the whole file. Problems come back with their line numbers.
pub fn read(input: impl Read, rules: &Rules) -> Result<Checked, ImportError> {
    let columns = Columns {
        known: &COLUMNS,
        required: &REQUIRED,
    };
    let (people, mut errors) = csv_file::read(input, &columns, |line| rules.check(line))
        .map_err(ImportError::Unreadable)?;
    let mut records = Vec::new();
    let mut seen_numbers: HashMap<String, u64> = HashMap::new();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    for (line, person) in people {
        if let Some(first) = seen_numbers.insert(person.number.clone(), line) {
            errors.push(LineError {
                line,
                problem: format!("number: {} already appears on line {first}", person.number),
            });
            continue;
        }
        if let Some(email) = &person.institutional_email
            && let Some(first) = seen_emails.insert(email.clone(), line)
        {
            errors.push(LineError {
                line,
                problem: format!("institutional_email: {email} already appears on line {first}"),
            });
            continue;
        }
        records.push((line, person));
    }
    Ok((records, errors))
}

/// Writes checked people in one transaction, reporting progress as `(written, total)`.
pub async fn write(
    conn: &mut AsyncPgConnection,
    mut records: Vec<(u64, PersonRecord)>,
    mut errors: Vec<LineError>,
    skip_invalid: bool,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, ImportError> {
    errors.extend(email_conflicts(conn, &records).await?);
    if !errors.is_empty() && !skip_invalid {
        errors.sort_by_key(|e| e.line);
        return Err(ImportError::Invalid(errors));
    }
    let bad_lines: std::collections::HashSet<u64> = errors.iter().map(|e| e.line).collect();
    records.retain(|(line, _)| !bad_lines.contains(line));
    errors.sort_by_key(|e| e.line);
    let read = records.len() + bad_lines.len();
    let people: Vec<PersonRecord> = records.into_iter().map(|(_, p)| p).collect();

    let mut report = conn
        .transaction(async |conn| {
            let mut report = Report {
                read,
                ..Report::default()
            };
            let programs = people.iter().filter_map(|p| p.program.clone()).collect();
            report.new_programs = store::ensure_codes(conn, CodeTable::Programs, programs).await?;
            let groups = people
                .iter()
                .flat_map(|p| p.groups.iter().flatten().cloned())
                .collect();
            report.new_groups = store::ensure_codes(conn, CodeTable::Groups, groups).await?;
            for (i, batch) in people.chunks(BATCH).enumerate() {
                report.written += store::upsert(conn, batch, now).await?;
                progress((i * BATCH + batch.len()).min(people.len()), people.len());
            }
            Ok::<_, ImportError>(report)
        })
        .await?;
    report.unchanged = people.len() - report.written.created - report.written.updated;
    report.skipped = errors;
    Ok(report)
}

/// Lines whose institutional address already belongs to someone else.
async fn email_conflicts(
    conn: &mut AsyncPgConnection,
    records: &[(u64, PersonRecord)],
) -> Result<Vec<LineError>, ImportError> {
    let by_email: HashMap<&str, (u64, &str)> = records
        .iter()
        .filter_map(|(line, p)| {
            Some((
                p.institutional_email.as_deref()?,
                (*line, p.number.as_str()),
            ))
        })
        .collect();
    let emails = by_email.keys().map(|e| e.to_string()).collect();
    Ok(store::email_owners(conn, emails)
        .await?
        .into_iter()
        .filter_map(|(email, owner)| {
            let (line, number) = by_email.get(email.as_str())?;
            (*number != owner).then(|| LineError {
                line: *line,
                problem: format!("institutional_email: {email} already belongs to person {owner}"),
            })
        })
        .collect())
}
