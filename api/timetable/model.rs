//! What a class is, and the rules for comparing two versions of it: ADE's exports restate every
//! event each time with meaningless stamps, so only what a student would notice counts.

use chrono::{DateTime, Utc};
use poem_openapi::Enum;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::words::stored_word;

stored_word! {
    #[derive(Enum, Serialize, Deserialize)]
    #[oai(rename_all = "snake_case")]
    #[serde(rename_all = "snake_case")]
    pub enum Kind {
        /// Cours magistral (lecture)
        Cm = "cm",
        /// Travaux dirigés (tutorial)
        Td = "td",
        /// Travaux pratiques (lab)
        Tp = "tp",
        Exam = "exam",
        Other = "other",
    }
}

impl Kind {
    /// The kind a word of ADE's summary names (`CM`, `TD1`, `Examen`…), if any.
    fn of_word(word: &str) -> Option<Kind> {
        let w = word.to_uppercase();
        let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
        match stem {
            "CM" | "COURS" => Some(Kind::Cm),
            "TD" => Some(Kind::Td),
            "TP" => Some(Kind::Tp),
            "EXAMEN" | "EXAM" | "PARTIEL" | "DS" | "CC" | "CT" => Some(Kind::Exam),
            _ => None,
        }
    }
}

stored_word! {
    #[derive(Enum, Serialize, Deserialize)]
    #[oai(rename_all = "snake_case")]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        Scheduled = "scheduled",
        Cancelled = "cancelled",
    }
}

/// What changed in a class, as people are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    /// Its start or end moved.
    Time,
    Room,
    Teacher,
    Cancelled,
    /// Scheduled again after a cancellation.
    Restored,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Time => "time",
            Change::Room => "room",
            Change::Teacher => "teacher",
            Change::Cancelled => "cancelled",
            Change::Restored => "restored",
        }
    }
}

/// The fields of a class that people see, in one version (the source's, or the stored one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub rooms: Vec<String>,
    pub teachers: Vec<String>,
    pub status: Status,
}

/// The values before a change, kept for "B204 → A110".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Previous {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rooms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teachers: Option<Vec<String>>,
}

/// What differs from `before` to `after`, and the values before; nothing when they are equal.
pub fn diff(before: &Slot, after: &Slot) -> (Vec<Change>, Previous) {
    let mut changes = Vec::new();
    let mut previous = Previous::default();
    if (before.starts_at, before.ends_at) != (after.starts_at, after.ends_at) {
        changes.push(Change::Time);
        previous.starts_at = Some(before.starts_at);
        previous.ends_at = Some(before.ends_at);
    }
    if before.rooms != after.rooms {
        changes.push(Change::Room);
        previous.rooms = Some(before.rooms.clone());
    }
    if before.teachers != after.teachers {
        changes.push(Change::Teacher);
        previous.teachers = Some(before.teachers.clone());
    }
    match (before.status, after.status) {
        (Status::Scheduled, Status::Cancelled) => changes.push(Change::Cancelled),
        (Status::Cancelled, Status::Scheduled) => changes.push(Change::Restored),
        _ => {}
    }
    (changes, previous)
}

/// One class as an export gives it, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceEvent {
    pub uid: String,
    pub title: String,
    pub kind: Kind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub rooms: Vec<String>,
    /// The description's lines (groups and teachers), without the export footer.
    pub lines: Vec<String>,
    pub cancelled: bool,
    /// The line of `BEGIN:VEVENT` in the file, for error messages.
    #[serde(skip)]
    pub line: usize,
}

impl SourceEvent {
    /// Identifies this version: two exports of an unchanged class give the same fingerprint
    /// (stamps, sequence numbers and the export footer are not part of it).
    pub fn fingerprint(&self) -> String {
        sha256_hex(&serde_json::to_vec(self).expect("an event is JSON"))
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Title and kind from ADE's summary: `Algorithmique CM`, `CM - Algorithmique`, `TD2 Analyse`.
pub fn title_and_kind(summary: &str) -> (String, Kind) {
    let mut kind = None;
    let words: Vec<&str> = summary
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .filter(|w| match Kind::of_word(w) {
            Some(k) if kind.is_none() => {
                kind = Some(k);
                false
            }
            Some(_) => false,
            None => true,
        })
        .collect();
    let title = if words.is_empty() {
        summary.trim().to_string()
    } else {
        words.join(" ")
    };
    (title, kind.unwrap_or(Kind::Other))
}

/// A course's code from its title: upper-case letters and digits, accents folded
/// (`Algèbre linéaire` → `ALGEBRE-LINEAIRE`).
pub fn course_code(title: &str) -> String {
    let folded = crate::text::fold(title).to_uppercase();
    let code: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let code = code.join("-");
    if code.is_empty() {
        "COURS".into()
    } else {
        code.chars().take(80).collect()
    }
}

/// A colour for a course, always the same for the same code, from a palette readable with white
/// text.
pub fn course_colour(code: &str) -> &'static str {
    const PALETTE: [&str; 12] = [
        "#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f",
        "#6d28d9", "#c2410c", "#0f766e", "#9d174d",
    ];
    let hash = Sha256::digest(code.as_bytes());
    PALETTE[usize::from(hash[0]) % PALETTE.len()]
}

/// Lines of ADE's description with its export footer `(Exporté le:dd/mm/yyyy hh:mm)` and
/// blank lines removed: the footer changes at every export.
pub fn description_lines(description: &str) -> Vec<String> {
    description
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| !is_export_footer(l))
        .map(ToString::to_string)
        .collect()
}

fn is_export_footer(line: &str) -> bool {
    let l = line.to_lowercase();
    l.starts_with("(export") && l.ends_with(')')
}

/// Rooms from `LOCATION` (`B204,A110`), trimmed, sorted, without duplicates.
pub fn rooms(location: &str) -> Vec<String> {
    sorted(location.split(',').map(str::trim).filter(|r| !r.is_empty()))
}

pub fn sorted<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = items.map(ToString::to_string).collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn slot(h: u32, rooms: &[&str]) -> Slot {
        Slot {
            starts_at: Utc.with_ymd_and_hms(2026, 12, 3, h, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 12, 3, h + 2, 0, 0).unwrap(),
            rooms: rooms.iter().map(ToString::to_string).collect(),
            teachers: vec!["PETIT Isabelle".into()],
            status: Status::Scheduled,
        }
    }

    #[test]
    fn summaries_give_a_title_and_a_kind() {
        assert_eq!(
            title_and_kind("Algorithmique CM"),
            ("Algorithmique".into(), Kind::Cm)
        );
        assert_eq!(
            title_and_kind("TD2 - Analyse"),
            ("Analyse".into(), Kind::Td)
        );
        assert_eq!(
            title_and_kind("Examen Droit civil"),
            ("Droit civil".into(), Kind::Exam)
        );
        assert_eq!(
            title_and_kind("Réunion de rentrée"),
            ("Réunion de rentrée".into(), Kind::Other)
        );
        assert_eq!(title_and_kind("TP"), ("TP".into(), Kind::Tp));
        assert_eq!(course_code("Algèbre linéaire"), "ALGEBRE-LINEAIRE");
        assert_eq!(course_colour("ALGO"), course_colour("ALGO"));
    }

    #[test]
    fn the_export_footer_and_blank_lines_do_not_count() {
        let a =
            description_lines("\n\nL1 INFO TD1\nPETIT Isabelle\n(Exporté le:02/12/2026 11:15)\n");
        let b = description_lines("L1 INFO TD1\nPETIT Isabelle\n(Exporté le:03/12/2026 08:00)");
        assert_eq!(a, b);
        assert_eq!(a, ["L1 INFO TD1", "PETIT Isabelle"]);
        assert_eq!(rooms(" B204 , A110,,B204"), ["A110", "B204"]);
    }

    #[test]
    fn a_diff_names_each_change_and_keeps_the_old_values() {
        let before = slot(9, &["B204"]);
        assert_eq!(diff(&before, &before).0, []);
        let moved = slot(13, &["A110"]);
        let (changes, previous) = diff(&before, &moved);
        assert_eq!(changes, [Change::Time, Change::Room]);
        assert_eq!(previous.starts_at, Some(before.starts_at));
        assert_eq!(previous.rooms, Some(vec!["B204".to_string()]));
        assert_eq!(previous.teachers, None);
        let cancelled = Slot {
            status: Status::Cancelled,
            ..before.clone()
        };
        assert_eq!(diff(&before, &cancelled).0, [Change::Cancelled]);
        assert_eq!(diff(&cancelled, &before).0, [Change::Restored]);
    }
}
