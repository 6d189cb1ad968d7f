//! `[home]`: which cards each role's home shows, in order, and the tabs of its bottom navigation.

use poem_openapi::Enum;
use serde::Deserialize;

use super::{ConfigError, RoleName, first_duplicate};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Home {
    pub student: Layout,
    pub teacher: Layout,
    pub staff: Layout,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub cards: Vec<Card>,
    /// From left to right; `home` first and `more` last.
    pub tabs: Vec<Tab>,
}

/// A card of the home screen. The PWA draws each; the server leaves out those the person has no
/// right to (a queue without a `help:` permission, the directory for a role it is closed to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Card {
    /// What the registrar expects of a student: a re-registration window, missing documents.
    Registration,
    /// Today's or tomorrow's next class.
    NextClass,
    /// The classes of the day, with their groups and rooms (teachers).
    TodayClasses,
    /// Classes moved, cancelled or added since the last visit.
    TimetableChanges,
    /// Unread messages and help answers.
    Unread,
    News,
    FavouriteServices,
    DirectorySearch,
    /// Help requests waiting in the queues the person answers.
    HelpQueues,
    Publishing,
    AccountAdministration,
    /// The digital student card.
    StudentCard,
}

/// A tab of the bottom navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Tab {
    Home,
    Timetable,
    Messages,
    Help,
    Directory,
    Services,
    More,
}

impl Home {
    /// The layout of a role (`student`, `teacher`, `staff`: people's roles as stored).
    pub fn of(&self, role: &str) -> &Layout {
        match role {
            "teacher" => &self.teacher,
            "staff" => &self.staff,
            _ => &self.student,
        }
    }

    pub(super) fn check(&self) -> Result<(), ConfigError> {
        for role in [RoleName::Student, RoleName::Teacher, RoleName::Staff] {
            let layout = self.of(role.as_str());
            let err = |m: &str| Err(ConfigError(format!("home.{}.{m}", role.as_str())));
            if first_duplicate(layout.cards.iter()).is_some() {
                return err("cards: a card appears twice");
            }
            let tabs = &layout.tabs;
            if first_duplicate(tabs.iter()).is_some() {
                return err("tabs: a tab appears twice");
            }
            if !(3..=5).contains(&tabs.len())
                || tabs.first() != Some(&Tab::Home)
                || tabs.last() != Some(&Tab::More)
            {
                return err("tabs: three to five tabs, `home` first and `more` last");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(tabs: Vec<Tab>) -> Home {
        let layout = Layout {
            cards: vec![Card::News],
            tabs,
        };
        Home {
            student: layout.clone(),
            teacher: layout.clone(),
            staff: layout,
        }
    }

    #[test]
    fn tabs_start_at_home_end_at_more_and_fit_a_phone() {
        use Tab::*;
        assert!(home(vec![Home, Timetable, More]).check().is_ok());
        for bad in [
            vec![Timetable, Home, More],
            vec![Home, Timetable, Messages],
            vec![Home, More],
            vec![Home, Timetable, Messages, Help, Directory, More],
            vec![Home, Help, Help, More],
        ] {
            assert!(home(bad).check().is_err());
        }
    }
}
