//! The demo students' registrations, through the registrations import: this year's complete
//! for most (Chloé Lefèvre still owes her CVEC attestation), and next year's re-registration
//! open since two days, for 40 more — so that the demo student has something due.

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;

use super::{PEOPLE_CSV, PROGRAMS};
use crate::config::Config;
use crate::registration::import::{self, ImportError, Settings};

/// The file the registrar would send, for the demo's students, as of `today`.
fn file(config: &Config, today: NaiveDate) -> String {
    let this_year = config.registration.academic_year(today);
    let next_year = config
        .registration
        .academic_year(config.registration.year_end(today) + Days::new(1));
    let opens = today - Days::new(2);
    let closes = today + Days::new(40);
    let mut csv = String::from(
        "number,academic_year,program,administrative,pedagogical,cvec,missing_documents,opens_on,closes_on\n",
    );
    // Read as CSV (staff offices are quoted and hold commas), columns by the header's names.
    let mut people = csv::Reader::from_reader(PEOPLE_CSV.as_bytes());
    let header = people
        .headers()
        .expect("the demo file has a header")
        .clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .expect("a demo column")
    };
    let (number, role, program) = (column("number"), column("role"), column("program"));
    for person in people.records() {
        let person = person.expect("the demo file is valid CSV");
        let cell = |i: usize| person.get(i).unwrap_or_default();
        let (number, program) = (cell(number), cell(program));
        if cell(role) != "student" {
            continue;
        }
        let label = PROGRAMS
            .iter()
            .find(|(code, _, _)| *code == program)
            .map_or(program, |(_, name, _)| *name);
        let (status, cvec, missing) = if number == "25000001" {
            ("awaiting_documents", "no", "Attestation CVEC")
        } else {
            ("complete", "yes", "")
        };
        csv.push_str(&format!(
            "{number},{this_year},{label},{status},complete,{cvec},{missing},,\n\
             {number},{next_year},{label},not_started,,no,,{opens},{closes}\n"
        ));
    }
    csv
}

pub async fn seed(
    conn: &mut AsyncPgConnection,
    config: &Config,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<import::Report, ImportError> {
    let checked = import::read(file(config, today).as_bytes())?;
    let settings = Settings {
        tz: config.university.time_zone.tz(),
        reminder_days: &config.registration.reminder_days,
        skip_invalid: false,
    };
    import::write(conn, checked, &settings, now, &|_, _| ()).await
}
