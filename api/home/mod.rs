//! The home screen that follows the role: which cards a person's home shows, in `[home]`'s
//! order, and the tabs of their bottom navigation — less what they have no right to.

use poem_openapi::Object;

use crate::accounts::store::Person;
use crate::config::{Card, Config, Tab};
use crate::people::model::{Enrolment, Role};

/// What the PWA draws around this person.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct HomeLayout {
    /// The home's cards, top to bottom.
    pub cards: Vec<Card>,
    /// The bottom navigation, left to right.
    pub tabs: Vec<Tab>,
}

/// The layout `[home]` gives the person's role, less the cards and tabs they cannot open.
pub fn layout(config: &Config, person: &Person, permissions: &[String]) -> HomeLayout {
    let layout = config.home.of(person.role.as_str());
    let directory = config.directory.open_to(person.role.as_str());
    let enrolled_student = person.role == Role::Student && person.enrolment == Enrolment::Enrolled;
    let holds = |p: &str| permissions.iter().any(|held| held == p);
    let card_open = |card: &Card| match card {
        Card::Registration | Card::StudentCard => enrolled_student,
        Card::DirectorySearch => directory,
        Card::HelpQueues => permissions.iter().any(|p| p.starts_with("help:")),
        Card::Publishing => holds("publishing"),
        Card::AccountAdministration => holds("accounts"),
        _ => true,
    };
    HomeLayout {
        cards: layout.cards.iter().copied().filter(card_open).collect(),
        tabs: layout
            .tabs
            .iter()
            .copied()
            .filter(|tab| *tab != Tab::Directory || directory)
            .collect(),
    }
}
