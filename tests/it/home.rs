//! The home follows the role: `[home]` orders each role's cards and tabs, and nobody is shown a
//! card or a tab they cannot open.

use serde_json::Value;

use crate::common::session::{app, app_with};

fn words(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_has_its_home_and_navigation() {
    let app = app().await;
    let student = app.sign_in("25000002").await.get_ok("/api/session").await;
    assert_eq!(
        words(&student["home"]["cards"]),
        [
            "registration",
            "next_class",
            "timetable_changes",
            "unread",
            "news",
            "favourite_services",
            "student_card"
        ]
    );
    assert_eq!(
        words(&student["home"]["tabs"]),
        ["home", "timetable", "messages", "help", "more"]
    );
    let teacher = app.sign_in("t1001").await.get_ok("/api/session").await;
    assert_eq!(words(&teacher["home"]["cards"])[0], "today_classes");
    assert!(words(&teacher["home"]["tabs"]).contains(&"directory"));
    let staff = app.sign_in("p2001").await.get_ok("/api/session").await;
    assert_eq!(
        words(&staff["home"]["cards"])[..4],
        [
            "help_queues",
            "unread",
            "publishing",
            "account_administration"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_person_cannot_open_is_left_out() {
    use ent::config::{Card, Tab};
    // The directory closed to teachers, and the staff's cards given to a teacher.
    let app = app_with(|c| {
        c.directory.roles.retain(|r| r.as_str() != "teacher");
        c.home.teacher.cards = vec![
            Card::HelpQueues,
            Card::Publishing,
            Card::DirectorySearch,
            Card::News,
        ];
        c.home.teacher.tabs = vec![Tab::Home, Tab::Directory, Tab::More];
    })
    .await;
    let teacher = app.sign_in("t1001").await.get_ok("/api/session").await;
    assert_eq!(words(&teacher["home"]["cards"]), ["news"]);
    assert_eq!(words(&teacher["home"]["tabs"]), ["home", "more"]);
}
