//! `[registration]`: the registrar's academic year, the registration site, the pushes that
//! remind a student of a window closing; `[card]`: the signed student card.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Code, ConfigError, MonthDay, NonEmpty, Secret};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// The month and day an academic year begins ("09-01": 2026-09-01 begins "2026-2027").
    pub year_starts: MonthDay,
    /// The university's registration site, a code of `[[cas.services]]` (opened through CAS).
    pub service: Option<Code>,
    /// Days before a window closes when a student whose registration is incomplete is reminded.
    pub reminder_days: Vec<u16>,
    /// Who signs the certificate of enrolment (« Le service de la scolarité »).
    pub certificate_signatory: NonEmpty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudentCard {
    /// The Ed25519 key the card's QR tokens are signed with: 32 bytes in base64. Its public half
    /// is published at `/api/card/keys`, so that a desk can check a card offline.
    pub signing_key: Secret,
    /// How long a QR token is good for; the PWA draws a new one before.
    pub token_minutes: u32,
}

impl Registration {
    /// The academic year `date` falls in: "2026-2027" from 2026-09-01 to 2027-08-31.
    pub fn academic_year(&self, date: NaiveDate) -> String {
        let start = self.start_year(date);
        format!("{start}-{}", start + 1)
    }

    /// The last day of the academic year `date` falls in.
    pub fn year_end(&self, date: NaiveDate) -> NaiveDate {
        let next = self.year_start(self.start_year(date) + 1);
        next.pred_opt().unwrap_or(next)
    }

    /// The calendar year the academic year of `date` began in.
    fn start_year(&self, date: NaiveDate) -> i32 {
        if date >= self.year_start(date.year()) {
            date.year()
        } else {
            date.year() - 1
        }
    }

    fn year_start(&self, year: i32) -> NaiveDate {
        self.year_starts.in_year(year)
    }

    pub(super) fn check(&self) -> Result<(), ConfigError> {
        if self.reminder_days.contains(&0) {
            return Err(ConfigError(
                "registration.reminder_days: days before closing, at least 1".into(),
            ));
        }
        Ok(())
    }
}

impl StudentCard {
    pub(super) fn check(&self) -> Result<(), ConfigError> {
        if super::base64_key(self.signing_key.expose()).is_none() {
            return Err(ConfigError(
                "card.signing_key: must be 32 bytes in base64 (openssl rand -base64 32)".into(),
            ));
        }
        if !(1..=60).contains(&self.token_minutes) {
            return Err(ConfigError("card.token_minutes: between 1 and 60".into()));
        }
        Ok(())
    }

    /// The Ed25519 seed.
    pub fn seed(&self) -> [u8; 32] {
        super::base64_key(self.signing_key.expose()).expect("checked when loaded")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_academic_year_turns_on_its_first_day() {
        let r = Registration {
            year_starts: "09-01".to_string().try_into().unwrap(),
            service: None,
            reminder_days: vec![7, 1],
            certificate_signatory: "Scolarité".to_string().try_into().unwrap(),
        };
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(r.academic_year(day("2026-08-31")), "2025-2026");
        assert_eq!(r.academic_year(day("2026-09-01")), "2026-2027");
        assert_eq!(r.academic_year(day("2027-01-15")), "2026-2027");
        assert_eq!(r.year_end(day("2027-01-15")), day("2027-08-31"));
        assert!(r.check().is_ok());
    }
}
