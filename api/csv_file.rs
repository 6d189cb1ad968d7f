//! A CSV file from the registrar or HR (people, registrations): `,` or `;`, a header naming
//! known columns in any order, every line checked and every problem named with its line.

use std::{collections::HashMap, fmt, io::Read};

/// A problem on one line of the file (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub problem: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

/// How many lines the problems are on (a line may have several).
pub fn distinct_lines(errors: &[LineError]) -> usize {
    errors
        .iter()
        .map(|e| e.line)
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// A line as read, by column name; absent optional columns read as `None`.
pub trait RawLine {
    fn get(&self, column: &str) -> Option<&str>;
}

/// One problem with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub column: &'static str,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.column, self.message)
    }
}

/// Lines written out in unit tests.
#[cfg(test)]
impl RawLine for HashMap<&str, &str> {
    fn get(&self, column: &str) -> Option<&str> {
        HashMap::get(self, column).copied()
    }
}

/// The columns a kind of file has.
pub struct Columns<'a> {
    pub known: &'a [&'a str],
    pub required: &'a [&'a str],
}

/// The checked values of a file's good lines, with their line numbers, and the other lines'
/// problems.
pub type Checked<T> = (Vec<(u64, T)>, Vec<LineError>);

/// Each line checked by `check`: the values of the good lines with their numbers, and the
/// problems of the others; or why the file as a whole cannot be read.
pub fn read<T, E: fmt::Display>(
    input: impl Read,
    columns: &Columns,
    mut check: impl FnMut(&dyn RawLine) -> Result<T, Vec<E>>,
) -> Result<Checked<T>, String> {
    let mut bytes = Vec::new();
    let mut input = input;
    input.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&bytes))
        .from_reader(bytes.as_slice());
    let names = header(&mut reader, columns)?;
    let (mut good, mut errors) = (Vec::new(), Vec::new());
    for (index, result) in reader.records().enumerate() {
        let at = |p: Option<&csv::Position>| p.map_or(index as u64 + 2, |p| p.line());
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = at(e.position());
                errors.push(LineError {
                    line,
                    problem: unreadable(&e),
                });
                continue;
            }
        };
        let line = at(record.position());
        match check(&Line {
            columns: &names,
            record: &record,
        }) {
            Ok(value) => good.push((line, value)),
            Err(problems) => errors.extend(problems.iter().map(|p| LineError {
                line,
                problem: p.to_string(),
            })),
        }
    }
    Ok((good, errors))
}

struct Line<'a> {
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl RawLine for Line<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        self.columns
            .get(column)
            .map(|&i| self.record.get(i).unwrap_or(""))
    }
}

/// `;` when the header has more of them than commas (French spreadsheet exports), else `,`.
fn delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|&&b| b == c).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

fn header(
    reader: &mut csv::Reader<&[u8]>,
    expected: &Columns,
) -> Result<HashMap<String, usize>, String> {
    let header = reader
        .headers()
        .map_err(|e| format!("line 1: {}", unreadable(&e)))?;
    let mut columns = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        if !expected.known.contains(&name.as_str()) {
            return Err(format!(
                "line 1: unknown column «{name}» (expected: {})",
                expected.known.join(", ")
            ));
        }
        if columns.insert(name.clone(), i).is_some() {
            return Err(format!("line 1: column «{name}» appears twice"));
        }
    }
    let missing: Vec<_> = expected
        .required
        .iter()
        .filter(|c| !columns.contains_key(**c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(format!("line 1: missing column(s) {}", missing.join(", ")));
    }
    Ok(columns)
}

fn unreadable(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text (save the file as CSV UTF-8)".into(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        _ => e.to_string(),
    }
}

/// The value, or `None` with its problem noted under `column`.
pub fn keep<T>(
    errors: &mut Vec<FieldError>,
    column: &'static str,
    result: Result<T, String>,
) -> Option<T> {
    result
        .map_err(|message| errors.push(FieldError { column, message }))
        .ok()
}

/// Empty is `None`; anything else must pass `check`.
pub fn optional<T>(
    s: &str,
    check: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if s.is_empty() {
        Ok(None)
    } else {
        check(s).map(Some)
    }
}

/// yes/no, oui/non, true/false (SUPANN's TRUE/FALSE), 1/0; empty is no.
pub fn yes_or_no(s: &str) -> Result<bool, String> {
    match s.to_lowercase().as_str() {
        "" | "no" | "non" | "false" | "0" => Ok(false),
        "yes" | "oui" | "true" | "1" => Ok(true),
        _ => Err(format!("«{s}» is not yes or no")),
    }
}
