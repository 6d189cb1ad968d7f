//! A person's registration for an academic year as the registrar's file gives it, and the rules
//! each line of that file is checked against.

use chrono::NaiveDate;

use crate::csv_file::{FieldError, RawLine, keep, optional, yes_or_no};
use crate::text::fold;

crate::db::words::stored_word! {
    /// Where the administrative registration stands.
    #[derive(poem_openapi::Enum)]
    #[oai(rename_all = "snake_case")]
    pub enum Administrative {
        NotStarted = "not_started",
        InProgress = "in_progress",
        AwaitingDocuments = "awaiting_documents",
        AwaitingPayment = "awaiting_payment",
        Complete = "complete",
    }
}

crate::db::words::stored_word! {
    /// Where the pedagogical registration (courses and groups chosen) stands.
    #[derive(poem_openapi::Enum)]
    #[oai(rename_all = "snake_case")]
    pub enum Pedagogical {
        NotStarted = "not_started",
        InProgress = "in_progress",
        Complete = "complete",
    }
}

/// A checked line of the registrations file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRecord {
    pub number: String,
    pub academic_year: String,
    pub program: String,
    pub administrative: Administrative,
    pub pedagogical: Pedagogical,
    pub cvec: bool,
    pub missing_documents: Vec<String>,
    /// The (re-)registration window: both days or neither.
    pub window: Option<(NaiveDate, NaiveDate)>,
}

/// The columns of the registrations file, in the order a template shows them.
pub const COLUMNS: [&str; 9] = [
    "number",
    "academic_year",
    "program",
    "administrative",
    "pedagogical",
    "cvec",
    "missing_documents",
    "opens_on",
    "closes_on",
];
pub const REQUIRED: [&str; 4] = ["number", "academic_year", "program", "administrative"];

const MAX_TEXT: usize = 200;
const MAX_DOCUMENTS: usize = 20;

/// Checks a line and returns either the record or every problem it has.
pub fn check(line: &dyn RawLine) -> Result<RegistrationRecord, Vec<FieldError>> {
    let mut errors = Vec::new();
    let text = |c: &str| line.get(c).map(str::trim).unwrap_or("");
    let e = &mut errors;
    let number = keep(e, "number", crate::people::model::number(text("number")));
    let academic_year = keep(e, "academic_year", academic_year(text("academic_year")));
    let program = keep(e, "program", short_text(text("program")));
    let administrative = keep(e, "administrative", administrative(text("administrative")));
    let pedagogical = keep(e, "pedagogical", pedagogical(text("pedagogical")));
    let cvec = keep(e, "cvec", yes_or_no(text("cvec")));
    let missing_documents = keep(e, "missing_documents", documents(text("missing_documents")));
    let opens_on = keep(e, "opens_on", optional(text("opens_on"), day));
    let closes_on = keep(e, "closes_on", optional(text("closes_on"), day));
    let window = match (opens_on.flatten(), closes_on.flatten()) {
        (Some(opens), Some(closes)) if opens <= closes => Some((opens, closes)),
        (Some(_), Some(_)) => {
            e.push(problem("closes_on", "before opens_on"));
            None
        }
        (None, None) => None,
        _ => {
            e.push(problem(
                "closes_on",
                "give both opens_on and closes_on, or neither",
            ));
            None
        }
    };
    match (
        number,
        academic_year,
        program,
        administrative,
        pedagogical,
        cvec,
        missing_documents,
    ) {
        (Some(n), Some(y), Some(p), Some(a), Some(pe), Some(c), Some(d)) if errors.is_empty() => {
            Ok(RegistrationRecord {
                number: n,
                academic_year: y,
                program: p,
                administrative: a,
                pedagogical: pe,
                cvec: c,
                missing_documents: d,
                window,
            })
        }
        _ => Err(errors),
    }
}

fn problem(column: &'static str, message: &str) -> FieldError {
    FieldError {
        column,
        message: message.into(),
    }
}

/// "2026-2027": two years that follow each other.
fn academic_year(s: &str) -> Result<String, String> {
    let years: Option<(i32, i32)> = s
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
    match years {
        Some((a, b)) if s.len() == 9 && b == a + 1 => Ok(s.to_string()),
        _ if s.is_empty() => Err("missing".into()),
        _ => Err(format!("«{s}» is not an academic year (2026-2027)")),
    }
}

fn short_text(s: &str) -> Result<String, String> {
    match s.chars().count() {
        0 => Err("missing".into()),
        n if n > MAX_TEXT => Err(format!("longer than {MAX_TEXT} characters")),
        _ => Ok(s.to_string()),
    }
}

/// A status word in English or French, case, accents, spaces and dashes aside.
fn word(s: &str) -> String {
    fold(s)
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' || c == '\'' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn administrative(s: &str) -> Result<Administrative, String> {
    use Administrative::*;
    match word(s).as_str() {
        "" => Err("missing".into()),
        "not_started" | "non_commencee" | "a_faire" => Ok(NotStarted),
        "in_progress" | "en_cours" => Ok(InProgress),
        "awaiting_documents" | "pieces_manquantes" | "en_attente_de_pieces" => {
            Ok(AwaitingDocuments)
        }
        "awaiting_payment" | "en_attente_de_paiement" | "paiement_en_attente" => {
            Ok(AwaitingPayment)
        }
        "complete" | "terminee" => Ok(Complete),
        _ => Err(format!(
            "«{s}» is not a status (not_started, in_progress, awaiting_documents, \
             awaiting_payment, complete)"
        )),
    }
}

/// Empty: not started.
fn pedagogical(s: &str) -> Result<Pedagogical, String> {
    use Pedagogical::*;
    match word(s).as_str() {
        "" | "not_started" | "non_commencee" | "a_faire" => Ok(NotStarted),
        "in_progress" | "en_cours" => Ok(InProgress),
        "complete" | "terminee" => Ok(Complete),
        _ => Err(format!(
            "«{s}» is not a status (not_started, in_progress, complete)"
        )),
    }
}

/// Documents separated by `|`, as the people file's groups.
fn documents(cell: &str) -> Result<Vec<String>, String> {
    let documents: Vec<String> = cell
        .split('|')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect();
    if documents.len() > MAX_DOCUMENTS {
        return Err(format!("more than {MAX_DOCUMENTS} documents"));
    }
    if let Some(long) = documents.iter().find(|d| d.chars().count() > MAX_TEXT) {
        return Err(format!("«{long}» is longer than {MAX_TEXT} characters"));
    }
    Ok(documents)
}

/// 2027-07-15 or 15/07/2027 (French spreadsheets).
fn day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| format!("«{s}» is not a date (2027-07-15 or 15/07/2027)"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn line<'a>(changes: &[(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        let mut line: HashMap<&str, &str> = [
            ("number", "25000002"),
            ("academic_year", "2027-2028"),
            ("program", "Licence Informatique, 2e année"),
            ("administrative", "Non commencée"),
            ("pedagogical", ""),
            ("cvec", "non"),
            ("missing_documents", "Attestation CVEC | Photo d’identité"),
            ("opens_on", "01/07/2027"),
            ("closes_on", "2027-07-15"),
        ]
        .into();
        line.extend(changes.iter().copied());
        line
    }

    #[test]
    fn a_good_line_reads_french_words_and_dates() {
        let r = check(&line(&[])).unwrap();
        assert_eq!(r.administrative, Administrative::NotStarted);
        assert_eq!(r.pedagogical, Pedagogical::NotStarted);
        assert!(!r.cvec);
        assert_eq!(
            r.missing_documents,
            ["Attestation CVEC", "Photo d’identité"]
        );
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(r.window, Some((day("2027-07-01"), day("2027-07-15"))));
        let r = check(&line(&[("administrative", "En attente de pièces")])).unwrap();
        assert_eq!(r.administrative, Administrative::AwaitingDocuments);
    }

    #[test]
    fn every_bad_value_is_named_with_its_column() {
        let bad = line(&[
            ("academic_year", "2027-2029"),
            ("administrative", "peut-être"),
            ("cvec", "bof"),
            ("opens_on", "2027-07-20"),
        ]);
        let columns: Vec<&str> = check(&bad).unwrap_err().iter().map(|e| e.column).collect();
        assert_eq!(
            columns,
            ["academic_year", "administrative", "cvec", "closes_on"]
        );
        let half = line(&[("opens_on", "")]);
        assert_eq!(check(&half).unwrap_err()[0].column, "closes_on");
    }
}
