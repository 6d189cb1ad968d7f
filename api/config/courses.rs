//! `[courses]`: what « Mes cours » covers — the semester around today — and where each course
//! opens on the learning platform.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{ConfigError, HttpUrl, MonthDay, NonEmpty, in_language};
use crate::i18n::Lang;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Courses {
    /// The first day of each semester; one semester ends the day before the next begins.
    pub semester_starts: Vec<MonthDay>,
    pub learning_platform: Option<LearningPlatform>,
}

/// The learning platform (Célène, Moodle…): a course's page is `url` with `{code}` replaced by
/// the course code. Opened through CAS when the address belongs to one of `[[cas.services]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningPlatform {
    pub fr: NonEmpty,
    pub en: NonEmpty,
    pub url: HttpUrl,
}

impl Courses {
    /// The first and last days of the semester `date` falls in.
    pub fn semester(&self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let mut starts: Vec<NaiveDate> = (date.year() - 1..=date.year() + 1)
            .flat_map(|y| self.semester_starts.iter().map(move |d| d.in_year(y)))
            .collect();
        starts.sort();
        // Checked: at least one start a year, so one lies in the year before `date` and one in
        // the year after.
        let current = starts.iter().rposition(|s| *s <= date).unwrap_or(0);
        let next = starts[(current + 1).min(starts.len() - 1)];
        (starts[current], next.pred_opt().unwrap_or(next))
    }

    pub(super) fn check(&self) -> Result<(), ConfigError> {
        let mut days: Vec<&str> = self.semester_starts.iter().map(|d| d.as_str()).collect();
        days.sort();
        let before = days.len();
        days.dedup();
        if days.is_empty() || days.len() != before {
            return Err(ConfigError(
                "courses.semester_starts: the first day of each semester, each once («09-01»)"
                    .into(),
            ));
        }
        match &self.learning_platform {
            Some(p) if !p.url.as_str().contains("{code}") || url::Url::parse(&p.of("X")).is_err() => {
                Err(ConfigError(
                    "courses.learning_platform.url: an address with {code} where the course code goes"
                        .into(),
                ))
            }
            _ => Ok(()),
        }
    }
}

impl LearningPlatform {
    pub fn label(&self, lang: Lang) -> &str {
        in_language(lang, &self.fr, &self.en)
    }

    /// The course's page.
    pub fn of(&self, course_code: &str) -> String {
        let code: String = url::form_urlencoded::byte_serialize(course_code.as_bytes()).collect();
        self.url.as_str().replace("{code}", &code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn courses(starts: &[&str]) -> Courses {
        Courses {
            semester_starts: starts
                .iter()
                .map(|s| s.to_string().try_into().unwrap())
                .collect(),
            learning_platform: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_semester_runs_to_the_day_before_the_next_one() {
        let c = courses(&["09-01", "01-19"]);
        assert!(c.check().is_ok());
        assert_eq!(
            c.semester(day("2026-12-07")),
            (day("2026-09-01"), day("2027-01-18"))
        );
        assert_eq!(
            c.semester(day("2027-01-19")),
            (day("2027-01-19"), day("2027-08-31"))
        );
        assert_eq!(
            c.semester(day("2026-08-31")),
            (day("2026-01-19"), day("2026-08-31"))
        );
        let year = courses(&["09-01"]);
        assert_eq!(
            year.semester(day("2026-12-07")),
            (day("2026-09-01"), day("2027-08-31"))
        );
    }

    #[test]
    fn semesters_and_platform_are_checked() {
        assert!(courses(&[]).check().is_err());
        assert!(courses(&["09-01", "09-01"]).check().is_err());
        let mut c = courses(&["09-01"]);
        c.learning_platform = Some(LearningPlatform {
            fr: "Célène".to_string().try_into().unwrap(),
            en: "Célène".to_string().try_into().unwrap(),
            url: "https://celene.example.fr/course/view.php?idnumber={code}"
                .to_string()
                .try_into()
                .unwrap(),
        });
        assert!(c.check().is_ok());
        let platform = c.learning_platform.as_ref().unwrap();
        assert_eq!(
            platform.of("INF 301&x"),
            "https://celene.example.fr/course/view.php?idnumber=INF+301%26x"
        );
        c.learning_platform.as_mut().unwrap().url =
            "https://celene.example.fr/".to_string().try_into().unwrap();
        assert!(c.check().is_err());
    }
}
