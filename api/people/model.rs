//! A person's record and the rules an imported line must follow.

use std::collections::HashSet;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

pub use crate::csv_file::{FieldError, RawLine};
use crate::csv_file::{keep, optional, yes_or_no};
use crate::phone::MobilePhone;

// A person's id: every UUID the service stores names a person.
crate::db::words::stored_id!(pub PersonId(uuid::Uuid): Uuid);

crate::db::words::stored_word! {
    // A person's role, as stored and in the API document.
    #[derive(poem_openapi::Enum, serde::Serialize, serde::Deserialize)]
    #[oai(rename_all = "snake_case")]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Student = "student",
        Teacher = "teacher",
        Staff = "staff",
    }
}

impl Role {
    /// A role as the registrar's file may write it, in French or English.
    fn from_file(s: &str) -> Option<Role> {
        match s.to_lowercase().as_str() {
            "student" | "étudiant" | "etudiant" => Some(Role::Student),
            "teacher" | "enseignant" => Some(Role::Teacher),
            "staff" | "personnel" => Some(Role::Staff),
            _ => None,
        }
    }
}

crate::db::words::stored_word! {
    /// Whether the registrar counts the person among the university's (`former`: left).
    #[derive(poem_openapi::Enum)]
    #[oai(rename_all = "snake_case")]
    pub enum Enrolment {
        Enrolled = "enrolled",
        Former = "former",
    }
}

impl Enrolment {
    /// An enrolment as the registrar's file may write it, in French or English.
    fn from_file(s: &str) -> Option<Enrolment> {
        match s.to_lowercase().as_str() {
            "enrolled" | "inscrit" | "active" => Some(Enrolment::Enrolled),
            "former" | "ancien" => Some(Enrolment::Former),
            _ => None,
        }
    }
}

/// A checked line of the people file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub number: String,
    pub role: Role,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub institutional_email: Option<String>,
    pub personal_email: Option<String>,
    /// E.164
    pub mobile_phone: Option<String>,
    pub campus: Option<String>,
    pub program: Option<String>,
    /// `None` when the file has no `groups` column: memberships are then left as they are.
    pub groups: Option<Vec<String>>,
    pub enrolment: Enrolment,
    /// What the staff directory shows of teachers and staff.
    pub work: Work,
}

/// A person at work, for the staff directory (« Annuaire »).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Work {
    pub title: Option<String>,
    pub service: Option<String>,
    pub office: Option<String>,
    /// E.164; a landline is fine here.
    pub professional_phone: Option<String>,
    /// SUPANN's `supannListeRouge`: never found in the directory.
    pub unlisted: bool,
}

/// What a line is checked against.
pub struct Rules {
    pub phone_region: phonenumber::country::Id,
    pub mail_domains: Vec<String>,
    pub campuses: HashSet<String>,
    pub today: NaiveDate,
}

/// The columns of the people file, in the order a template shows them.
pub const COLUMNS: [&str; 17] = [
    "number",
    "role",
    "family_name",
    "given_name",
    "birth_date",
    "institutional_email",
    "personal_email",
    "mobile_phone",
    "campus",
    "program",
    "groups",
    "status",
    "title",
    "service",
    "office",
    "professional_phone",
    "unlisted",
];
pub const REQUIRED: [&str; 6] = [
    "number",
    "role",
    "family_name",
    "given_name",
    "birth_date",
    "status",
];

impl Rules {
    /// Checks a line and returns either the record or every problem it has.
    pub fn check(&self, line: &dyn RawLine) -> Result<PersonRecord, Vec<FieldError>> {
        let mut errors = Vec::new();
        let text = |c: &str| line.get(c).map(str::trim).unwrap_or("");

        let number = keep(&mut errors, "number", number(text("number")));
        let role = keep(
            &mut errors,
            "role",
            Role::from_file(text("role")).ok_or_else(|| {
                format!("«{}» is not a role (student, teacher, staff)", text("role"))
            }),
        );
        let family_name = keep(&mut errors, "family_name", name(text("family_name")));
        let given_name = keep(&mut errors, "given_name", name(text("given_name")));
        let birth_date = keep(
            &mut errors,
            "birth_date",
            self.birth_date(text("birth_date")),
        );
        let institutional_email = keep(
            &mut errors,
            "institutional_email",
            optional(text("institutional_email"), |s| self.institutional_email(s)),
        );
        let personal_email = keep(
            &mut errors,
            "personal_email",
            optional(text("personal_email"), email),
        );
        let mobile_phone = keep(
            &mut errors,
            "mobile_phone",
            optional(text("mobile_phone"), |s| {
                MobilePhone::parse(s, self.phone_region).map_err(|e| e.to_string())
            }),
        );
        let campus = keep(
            &mut errors,
            "campus",
            optional(text("campus"), |s| self.campus(s)),
        );
        let program = keep(&mut errors, "program", optional(text("program"), code));
        let groups = keep(
            &mut errors,
            "groups",
            match line.get("groups") {
                None => Ok(None),
                Some(cell) => groups(cell).map(Some),
            },
        );
        let work = self.work(line, &mut errors);
        let enrolment = keep(
            &mut errors,
            "status",
            Enrolment::from_file(text("status"))
                .ok_or_else(|| format!("«{}» is not a status (enrolled, former)", text("status"))),
        );

        match (number, role, family_name, given_name, birth_date, enrolment) {
            (
                Some(number),
                Some(role),
                Some(family_name),
                Some(given_name),
                Some(birth_date),
                Some(enrolment),
            ) if errors.is_empty() => Ok(PersonRecord {
                number,
                role,
                family_name,
                given_name,
                birth_date,
                institutional_email: institutional_email.flatten(),
                personal_email: personal_email.flatten(),
                mobile_phone: mobile_phone.flatten(),
                campus: campus.flatten(),
                program: program.flatten(),
                groups: groups.flatten(),
                enrolment,
                work,
            }),
            _ => Err(errors),
        }
    }

    /// The directory's columns, all optional.
    fn work(&self, line: &dyn RawLine, errors: &mut Vec<FieldError>) -> Work {
        let text = |c: &str| line.get(c).map(str::trim).unwrap_or("");
        let mut free =
            |column: &'static str| keep(errors, column, optional(text(column), name)).flatten();
        let (title, service, office) = (free("title"), free("service"), free("office"));
        let professional_phone = keep(
            errors,
            "professional_phone",
            optional(text("professional_phone"), |s| {
                MobilePhone::parse_any(s, self.phone_region).map_err(|e| e.to_string())
            }),
        )
        .flatten();
        let unlisted = keep(errors, "unlisted", yes_or_no(text("unlisted"))).unwrap_or(false);
        Work {
            title,
            service,
            office,
            professional_phone,
            unlisted,
        }
    }

    fn birth_date(&self, s: &str) -> Result<NaiveDate, String> {
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
            .map_err(|_| format!("«{s}» is not a date (YYYY-MM-DD or DD/MM/YYYY)"))?;
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
        if date < earliest || date > self.today {
            return Err(format!("«{s}» is not a plausible birth date"));
        }
        Ok(date)
    }

    fn institutional_email(&self, s: &str) -> Result<String, String> {
        let address = email(s)?;
        let domain = address.rsplit('@').next().unwrap_or_default();
        if self.mail_domains.iter().any(|d| d == domain) {
            Ok(address)
        } else {
            Err(format!(
                "«{s}» is not an address of the university ({})",
                self.mail_domains.join(", ")
            ))
        }
    }

    fn campus(&self, s: &str) -> Result<String, String> {
        let c = s.to_lowercase();
        if self.campuses.contains(&c) {
            Ok(c)
        } else {
            let mut known: Vec<_> = self.campuses.iter().map(String::as_str).collect();
            known.sort_unstable();
            Err(format!("«{s}» is not a campus ({})", known.join(", ")))
        }
    }
}

pub fn number(s: &str) -> Result<String, String> {
    if !s.is_empty() && s.len() <= 20 && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(s.to_string())
    } else if s.is_empty() {
        Err("missing".into())
    } else {
        Err(format!(
            "«{s}» is not a number (letters and digits, at most 20)"
        ))
    }
}

fn name(s: &str) -> Result<String, String> {
    let s: String = s.nfc().collect();
    let length = s.chars().count();
    if length == 0 {
        Err("missing".into())
    } else if length > 100 {
        Err(format!("{length} characters, at most 100"))
    } else if s.chars().any(char::is_control) {
        Err("contains control characters".into())
    } else {
        Ok(s)
    }
}

/// A deliberately simple address check: one `@`, a dotted domain, no spaces.
fn email(s: &str) -> Result<String, String> {
    let address = s.to_lowercase();
    let valid = address.len() <= 254
        && !address.contains(char::is_whitespace)
        && matches!(address.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    if valid {
        Ok(address)
    } else {
        Err(format!("«{s}» is not an e-mail address"))
    }
}

fn code(s: &str) -> Result<String, String> {
    let valid = s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(s.to_string())
    } else {
        Err(format!(
            "«{s}» is not a code (letters, digits, - _ ., at most 40)"
        ))
    }
}

/// Group codes separated by `|`; duplicates collapse.
fn groups(cell: &str) -> Result<Vec<String>, String> {
    let mut list = Vec::new();
    for part in cell.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let g = code(part)?;
        if !list.contains(&g) {
            list.push(g);
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn rules() -> Rules {
        Rules {
            phone_region: phonenumber::country::Id::FR,
            mail_domains: vec!["etu.univ-tours.fr".into()],
            campuses: HashSet::from(["grandmont".to_string()]),
            today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        }
    }

    fn line<'a>(changes: &[(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        let mut l = HashMap::from([
            ("number", "21901234"),
            ("role", "étudiant"),
            ("family_name", "Lefèvre"),
            ("given_name", "Chloé"),
            ("birth_date", "14/03/2004"),
            ("institutional_email", "Chloe.Lefevre@etu.univ-tours.fr"),
            ("mobile_phone", "06 12 34 56 78"),
            ("campus", "Grandmont"),
            ("groups", "L1-INFO-TD1 | L1-INFO-TD1|L1-INFO"),
            ("status", "inscrit"),
        ]);
        l.extend(changes.iter().copied());
        l
    }

    #[test]
    fn a_good_line_is_normalised() {
        let p = rules().check(&line(&[])).unwrap();
        assert_eq!(p.role, Role::Student);
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(2004, 3, 14).unwrap());
        assert_eq!(
            p.institutional_email.as_deref(),
            Some("chloe.lefevre@etu.univ-tours.fr")
        );
        assert_eq!(p.mobile_phone.as_deref(), Some("+33612345678"));
        assert_eq!(p.campus.as_deref(), Some("grandmont"));
        assert_eq!(
            p.groups,
            Some(vec!["L1-INFO-TD1".to_string(), "L1-INFO".to_string()])
        );
        assert_eq!(p.enrolment, Enrolment::Enrolled);
        assert_eq!(p.personal_email, None);
    }

    #[test]
    fn the_directory_columns_are_checked_too() {
        let p = rules()
            .check(&line(&[
                ("role", "personnel"),
                ("title", " Gestionnaire de scolarité "),
                ("office", "Bâtiment A, bureau 12"),
                ("professional_phone", "02 47 36 66 00"),
                ("unlisted", "TRUE"),
            ]))
            .unwrap();
        assert_eq!(p.work.title.as_deref(), Some("Gestionnaire de scolarité"));
        assert_eq!(p.work.professional_phone.as_deref(), Some("+33247366600"));
        assert!(p.work.unlisted);
        assert_eq!(p.work.service, None);
        assert!(!rules().check(&line(&[])).unwrap().work.unlisted);
        let errors = rules()
            .check(&line(&[
                ("unlisted", "peut-être"),
                ("professional_phone", "12"),
            ]))
            .unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, ["professional_phone", "unlisted"]);
        assert!(errors[1].message.contains("«peut-être» is not yes or no"));
    }

    #[test]
    fn every_bad_value_is_reported_with_its_column() {
        let errors = rules()
            .check(&line(&[
                ("birth_date", "31/02/2004"),
                ("mobile_phone", "06 12"),
                ("institutional_email", "chloe@gmail.com"),
                ("campus", "mars"),
                ("role", "wizard"),
            ]))
            .unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.column).collect();
        assert_eq!(
            columns,
            [
                "role",
                "birth_date",
                "institutional_email",
                "mobile_phone",
                "campus"
            ]
        );
        assert!(errors[1].message.contains("31/02/2004"));
    }

    #[test]
    fn future_birth_dates_and_blank_names_are_refused() {
        let errors = rules()
            .check(&line(&[("birth_date", "2030-01-01"), ("given_name", "  ")]))
            .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].to_string(), "given_name: missing");
    }
}
