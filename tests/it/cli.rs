//! The `ent` command as operators run it: help, check-config's one-line errors (never a value,
//! never a panic), migrate, import people and seed-demo against a database of their own.

use crate::common;

use std::{path::PathBuf, process::Command};

use common::{TestDb, redis_url};
use diesel::{QueryableByName, sql_types::BigInt};
use diesel_async::RunQueryDsl;

/// A password that must never show in any output.
const SECRET: &str = "pw-Secr3t-4711";

fn secret_url() -> String {
    format!("postgres://ent:{SECRET}@127.0.0.1:5432/ent_cli_nowhere")
}

fn config_dir() -> PathBuf {
    common::project_dir().join("config")
}

/// `ent` with the test profile and nothing inherited from the caller's `ENT_…` variables.
/// The database URL holds [`SECRET`] unless a test gives its own.
fn ent(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ent"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ENT_") {
            cmd.env_remove(&key);
        }
    }
    cmd.args(args)
        .env_remove("RUST_LOG")
        // A panic would print a backtrace: the tests below make sure none does.
        .env("RUST_BACKTRACE", "1")
        .env("ENT_PROFILE", "test")
        .env("ENT_CONFIG_DIR", config_dir())
        .env("ENT_DATABASE__URL", secret_url())
        .env("ENT_REDIS__URL", redis_url())
        .env("ENT_REDIS__PREFIX", "ent-cli-test:");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the ent binary runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Exit 1 with exactly one line on stderr, starting with `prefix`; no panic, no backtrace, no
/// password.
fn assert_one_line_error(r: &Run, prefix: &str) {
    assert_eq!(r.code, 1, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().count(), 1, "one line: {:?}", r.stderr);
    assert!(r.stderr.ends_with('\n'));
    assert!(
        r.stderr.starts_with(prefix),
        "{:?} should start with {prefix:?}",
        r.stderr
    );
    let lower = r.stderr.to_lowercase();
    assert!(!lower.contains("panicked"), "{}", r.stderr);
    assert!(!lower.contains("backtrace"), "{}", r.stderr);
    assert!(!r.stderr.contains(SECRET), "password leaked: {}", r.stderr);
}

fn with_db<'a>(cmd: &'a mut Command, db: &TestDb) -> &'a mut Command {
    cmd.env("ENT_DATABASE__URL", db.config.database.url.as_str())
        .env("ENT_REDIS__PREFIX", db.config.redis.prefix.as_str())
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = db.conn().await;
    let rows: Vec<Count> = diesel::sql_query(sql).load(&mut conn).await.unwrap();
    rows[0].n
}

#[test]
fn help_lists_the_commands_and_explains_the_people_file() {
    let r = run(&mut ent(&["--help"])).ok();
    for command in [
        "serve",
        "migrate",
        "seed-demo",
        "import",
        "check-config",
        "account",
        "vapid-keys",
    ] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} missing from:\n{}",
            r.stdout
        );
    }

    let r = run(&mut ent(&["import", "people", "--help"])).ok();
    let phrases = [
        "enrolled / former",
        "separated by |",
        "`,` or `;`",
        "--skip-invalid",
        "Nothing is written if a line is wrong",
        "<FILE>",
    ];
    for column in ent::people::model::COLUMNS.into_iter().chain(phrases) {
        assert!(
            r.stdout.contains(column),
            "{column} missing from:\n{}",
            r.stdout
        );
    }
}

#[test]
fn check_config_accepts_the_test_profile() {
    let r = run(&mut ent(&["check-config"])).ok();
    assert_eq!(
        r.stdout,
        format!(
            "configuration OK (profile test, folder {})\n",
            config_dir().display()
        )
    );
    assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET));
}

#[test]
fn check_config_reports_one_line_naming_the_key() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "ENT_HTTP__LISTEN",
            "nonsense",
            "error: configuration error: http.listen: ",
        ),
        (
            "ENT_UNIVERSITY__TIME_ZONE",
            "Mars/Olympus",
            "error: configuration error: university.time_zone: «Mars/Olympus» is not a known time zone",
        ),
        (
            "ENT_BRANDING__PRIMARY_COLOR",
            "blue",
            "error: configuration error: branding.primary_color: «blue» is not a colour",
        ),
        (
            "ENT_PROFILE",
            "prod",
            "error: configuration error: ENT_PROFILE: «prod» is not a profile (expected one of \
             development, test, production)",
        ),
        (
            "ENT_HTTP__LISTN",
            "1",
            "error: configuration error: http.listn: unknown key",
        ),
        (
            "ENT_CAS__ALLOW_LOOPBACK",
            "false",
            "error: configuration error: cas.services.demo.pattern: must only match https:// addresses",
        ),
    ];
    for (key, value, prefix) in cases {
        let r = run(ent(&["check-config"]).env(key, value));
        assert_one_line_error(&r, prefix);
    }
}

#[test]
fn check_config_names_a_missing_database_url() {
    let dir = tempfile::tempdir().unwrap();
    let default = std::fs::read_to_string(config_dir().join("default.toml")).unwrap();
    let mut section = "";
    let mut removed = 0;
    let kept: Vec<&str> = default
        .lines()
        .filter(|l| {
            if l.starts_with('[') {
                section = l.trim();
            }
            let drop = section == "[database]" && l.starts_with("url");
            removed += usize::from(drop);
            !drop
        })
        .collect();
    assert_eq!(removed, 1, "default.toml has one [database] url");
    std::fs::write(dir.path().join("default.toml"), kept.join("\n")).unwrap();
    std::fs::copy(config_dir().join("test.toml"), dir.path().join("test.toml")).unwrap();

    let r = run(ent(&["check-config"])
        .env("ENT_CONFIG_DIR", dir.path())
        .env_remove("ENT_DATABASE__URL"));
    assert_one_line_error(&r, "error: configuration error: database.url: missing");
    assert!(
        !r.stderr.contains("test.toml"),
        "the key is not missing from test.toml: {}",
        r.stderr
    );

    // With the URL given by the environment, that folder is fine.
    run(ent(&["check-config"]).env("ENT_CONFIG_DIR", dir.path())).ok();
}

#[test]
fn database_errors_never_show_the_password() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        "number,role,family_name,given_name,birth_date,status\n1,student,A,B,2000-01-01,enrolled\n",
    )
    .unwrap();
    let path = file.path().to_str().unwrap();
    for url in [
        // A wrong password, then a closed port.
        format!("postgres://ent:{SECRET}@127.0.0.1:5432/postgres"),
        format!("postgres://ent:{SECRET}@127.0.0.1:1/postgres"),
    ] {
        for args in [
            &["migrate"][..],
            &["seed-demo"][..],
            &["import", "people", path][..],
        ] {
            let r = run(ent(args).env("ENT_DATABASE__URL", &url));
            assert_one_line_error(&r, "error: ");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_applies_the_migrations_once_and_copies_the_campuses() {
    let db = TestDb::empty().await;
    let first =
        run(ent(&["migrate"]).env("ENT_DATABASE__URL", db.config.database.url.as_str())).ok();
    let versions = migration_versions();
    assert_eq!(
        first.stdout,
        format!(
            "applied {} migration(s): {}\n",
            versions.len(),
            versions.join(", ")
        ),
        "stderr: {}",
        first.stderr
    );
    let second =
        run(ent(&["migrate"]).env("ENT_DATABASE__URL", db.config.database.url.as_str())).ok();
    assert_eq!(second.stdout, "database up to date\n");

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = db.conn().await;
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM campuses")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows[0].n, 6, "the configuration's six campuses");
}

/// The versions of `migrations/` (`2026-11-28-000001_reference_data` → `20261128000001`), in
/// order: the expectation follows the folder instead of being edited with every migration.
fn migration_versions() -> Vec<String> {
    let mut versions: Vec<String> = std::fs::read_dir(common::project_dir().join("migrations"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| Some(name.split_once('_')?.0.replace('-', "")))
        .collect();
    versions.sort();
    versions
}

const BAD_FILE: &str = "\
number,role,family_name,given_name,birth_date,institutional_email,personal_email,mobile_phone,campus,program,groups,status
30000001,student,Durand,Alice,2005-05-05,,,06 10 00 00 01,grandmont,NEW-PROG,NEW-G1,enrolled
30000002,student,Durand,Bob,2005-05-05,,,06 12,grandmont,,,enrolled
30000003,student,Durand,Carl,31/02/2004,,,,grandmont,,,enrolled
30000004,student,Durand,Dora,2005-05-05,,,,mars,,,enrolled
30000005,wizard,Durand,Eve,2005-05-05,,,,grandmont,,,enrolled
30000006,student,Durand,Fay,2005-05-05,,,,grandmont,,,enrolled,extra
30000001,student,Durand,Gus,2005-05-05,,,,grandmont,,,enrolled
30000009,teacher,Durand,Hal,1970-05-05,,,,tanneurs,NEW-PROG2,NEW-G2,enrolled
";

const BAD_LINES: [&str; 6] = [
    "line 3: mobile_phone: «06 12» is not a valid phone number",
    "line 4: birth_date: «31/02/2004» is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    "line 5: campus: «mars» is not a campus (blois, deux-lions, grandmont, portalis, tanneurs, tonnelle)",
    "line 6: role: «wizard» is not a role (student, teacher, staff)",
    "line 7: 13 fields where the header has 12",
    "line 8: number: 30000001 already appears on line 2",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_people_refuses_a_bad_file_or_skips_its_bad_lines() {
    let db = TestDb::new().await;
    // `ent migrate` also copies the campuses the file refers to.
    let r = run(with_db(&mut ent(&["migrate"]), &db)).ok();
    assert_eq!(r.stdout, "database up to date\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(&file, BAD_FILE).unwrap();
    let path = file.to_str().unwrap();

    let r = run(with_db(&mut ent(&["import", "people", path]), &db));
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    assert_eq!(r.stdout, "");
    let mut expected: Vec<String> = BAD_LINES.iter().map(ToString::to_string).collect();
    expected.push(
        "error: 6 invalid line(s); nothing was imported (fix them, or pass --skip-invalid)".into(),
    );
    assert_eq!(r.stderr.lines().collect::<Vec<_>>(), expected);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM people").await, 0);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM programs").await, 0);

    let r = run(with_db(
        &mut ent(&["import", "people", path, "--skip-invalid"]),
        &db,
    ))
    .ok();
    assert_eq!(
        r.stdout,
        "8 line(s) read: 2 created, 0 updated, 0 unchanged, 6 skipped; \
         2 new program(s), 2 new group(s); memberships +2 −0\n"
    );
    for bad in BAD_LINES {
        assert!(
            r.stderr.lines().any(|l| l == format!("skipped {bad}")),
            "skipped {bad} missing from:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.lines().any(|l| l == "2/2 people written"),
        "progress in logs: {}",
        r.stderr
    );
    assert_eq!(count(&db, "SELECT count(*) AS n FROM people").await, 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM people WHERE number IN ('30000001', '30000009')"
        )
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_demo_twice_changes_nothing_the_second_time() {
    let db = TestDb::new().await;
    run(with_db(&mut ent(&["migrate"]), &db)).ok();

    let first = run(with_db(&mut ent(&["seed-demo"]), &db)).ok();
    assert_eq!(
        first.stdout,
        "demo university ready: 38 line(s) read: 38 created, 0 updated, 0 unchanged, \
         0 skipped; 0 new program(s), 0 new group(s); memberships +71 −0\n"
    );
    let second = run(with_db(&mut ent(&["seed-demo"]), &db)).ok();
    assert_eq!(
        second.stdout,
        "demo university ready: 38 line(s) read: 0 created, 0 updated, 38 unchanged, \
         0 skipped; 0 new program(s), 0 new group(s); memberships +0 −0\n"
    );
    assert_eq!(count(&db, "SELECT count(*) AS n FROM people").await, 38);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM programs").await, 3);
}

/// The campuses a line may name come from the configuration, but `import people` and
/// `seed-demo` rely on the last `ent migrate`/`ent serve` having copied them into the database:
/// on a database where they are not (yet) there, the whole import fails with a foreign-key
/// error, printed twice ("…violates foreign key constraint…: …violates foreign key
/// constraint…").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_demo_works_on_a_database_whose_campuses_were_not_copied_yet() {
    let db = TestDb::new().await; // migrated by the library: no campuses copied
    let r = run(with_db(&mut ent(&["seed-demo"]), &db));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM people").await, 38);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_commands_act_like_the_secretariat_and_import_closes_former_accounts() {
    let db = TestDb::new().await;
    run(with_db(&mut ent(&["seed-demo"]), &db)).ok();
    let suspended = run(with_db(
        &mut ent(&[
            "account", "suspend", "25000002", "--reason", "security", "--note", "phishing", "--by",
            "P2001",
        ]),
        &db,
    ))
    .ok();
    assert_eq!(suspended.stdout, "done: 25000002\n");
    let found = run(with_db(&mut ent(&["account", "find", "martin"]), &db)).ok();
    assert!(
        found
            .stdout
            .contains("25000002\tLucas Martin\tstudent\tsuspended"),
        "{}",
        found.stdout
    );
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM security_events WHERE kind = 'account_suspended' AND actor_id IS NOT NULL AND device = 'ent account'").await,
        1
    );
    let granted = run(with_db(
        &mut ent(&["account", "grant", "P2002", "timetable"]),
        &db,
    ))
    .ok();
    assert_eq!(granted.stdout, "P2002 now has the permission timetable\n");
    let queue = run(with_db(
        &mut ent(&["account", "grant", "P2002", "help:comptes"]),
        &db,
    ))
    .ok();
    assert_eq!(queue.stdout, "P2002 now has the permission help:comptes\n");
    for wrong in ["root", "help:cafeteria"] {
        let refused = run(with_db(
            &mut ent(&["account", "grant", "P2002", wrong]),
            &db,
        ));
        assert_one_line_error(
            &refused,
            &format!(
                "error: «{wrong}» is not a permission (known: accounts, timetable, publishing, help:comptes, help:scolarite,"
            ),
        );
    }
    let unknown = run(with_db(&mut ent(&["account", "close", "99999999"]), &db));
    assert_one_line_error(&unknown, "error: nobody has the number «99999999»");
    let pending = run(with_db(&mut ent(&["account", "close", "25000001"]), &db));
    assert_one_line_error(&pending, "error: This account is not activated yet");
    let phone = run(with_db(
        &mut ent(&["account", "set-phone", "25000001", "02 47 36 66 00"]),
        &db,
    ));
    assert_one_line_error(&phone, "error: Invalid mobile number");

    // The registrar marks T1001 former: the import closes the account.
    let file = tempfile::NamedTempFile::new().unwrap();
    let header = ent::demo::PEOPLE_CSV.lines().next().unwrap();
    let line = ent::demo::PEOPLE_CSV
        .lines()
        .find(|l| l.starts_with("T1001,"))
        .unwrap();
    std::fs::write(
        file.path(),
        format!("{header}\n{}\n", line.replace(",enrolled", ",former")),
    )
    .unwrap();
    let imported = run(with_db(
        &mut ent(&["import", "people", file.path().to_str().unwrap()]),
        &db,
    ))
    .ok();
    assert!(
        imported
            .stdout
            .ends_with("1 account(s) closed: no longer enrolled\n"),
        "{}",
        imported.stdout
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM accounts WHERE state = 'closed'"
        )
        .await,
        1
    );
    let again = run(with_db(
        &mut ent(&["import", "people", file.path().to_str().unwrap()]),
        &db,
    ))
    .ok();
    assert!(!again.stdout.contains("closed"), "{}", again.stdout);
}

#[test]
fn vapid_keys_prints_a_pair_the_configuration_accepts() {
    let r = run(&mut ent(&["vapid-keys"])).ok();
    let private = r
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("vapid_private_key = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("a vapid_private_key line");
    assert!(r.stdout.starts_with("[push]\n"), "{}", r.stdout);
    let checked = run(ent(&["check-config"]).env("ENT_PUSH__VAPID_PRIVATE_KEY", private)).ok();
    assert!(
        checked.stdout.starts_with("configuration OK"),
        "{}",
        checked.stdout
    );
    let wrong = run(ent(&["check-config"]).env("ENT_PUSH__VAPID_PRIVATE_KEY", "not-a-key"));
    assert_one_line_error(
        &wrong,
        "error: configuration error: push.vapid_private_key:",
    );
    let again = run(&mut ent(&["vapid-keys"])).ok();
    assert_ne!(again.stdout, r.stdout, "a new pair each time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_timetable_reports_the_changes_or_one_line_naming_the_problem() {
    let db = TestDb::new().await;
    run(with_db(&mut ent(&["migrate"]), &db)).ok();
    run(with_db(&mut ent(&["seed-demo"]), &db)).ok();
    let events = "SELECT count(*) AS n FROM timetable_events";
    let seeded = count(&db, events).await;
    assert!(seeded > 500, "{seeded}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("td2.ics");
    let export = ent::demo::timetable::export_of(
        "L1-INFO-TD2",
        chrono_tz::Europe::Paris,
        // The binary under test runs on the real clock.
        ent::clock::Clock::now(&ent::clock::SystemClock),
    )
    .unwrap();
    std::fs::write(&file, &export).unwrap();
    let path = file.to_str().unwrap();
    let again = run(with_db(
        &mut ent(&["import", "timetable", path, "--group", "L1-INFO-TD2"]),
        &db,
    ))
    .ok();
    assert!(
        again.stdout.ends_with(" unchanged; 0 people notified\n")
            && again.stdout.contains(": 0 added, 0 changed, 0 cancelled, "),
        "{}",
        again.stdout
    );
    std::fs::write(&file, &export[..export.len() / 3]).unwrap();
    let truncated = run(with_db(
        &mut ent(&["import", "timetable", path, "--group", "L1-INFO-TD2"]),
        &db,
    ));
    assert_one_line_error(&truncated, "error: ");
    assert!(truncated.stderr.contains("truncated; nothing was imported"));
    let unknown = run(with_db(
        &mut ent(&["import", "timetable", path, "--group", "NOPE"]),
        &db,
    ));
    assert_one_line_error(&unknown, "error: ");
    assert_eq!(count(&db, events).await, seeded);
}

#[test]
fn the_production_profile_refuses_the_published_development_keys() {
    let own = [
        (
            "ENT_ACCOUNTS__SECRET",
            "a-production-secret-of-40-characters-xyz",
        ),
        (
            "ENT_ACCOUNTS__TWO_FACTOR_KEY",
            "cHJvZHVjdGlvbi10d28tZmFjdG9yLWtleS0wMTIzNDU=",
        ),
        (
            "ENT_PUSH__VAPID_PRIVATE_KEY",
            "3xE4gkPfbXqLqTqC8e3yq0c6L2c2s2rQZ3mWq9y8p5A",
        ),
        (
            "ENT_CARD__SIGNING_KEY",
            "cHJvZHVjdGlvbi1jYXJkLXNpZ25pbmcta2V5LTAxMjM=",
        ),
    ];
    let production = || {
        let mut cmd = ent(&["check-config"]);
        cmd.env("ENT_PROFILE", "production");
        cmd
    };
    // Each key left at default.toml's value is named, one at a time.
    for (i, (left, _)) in own.iter().enumerate() {
        let mut cmd = production();
        for (key, value) in own.iter().filter(|(k, _)| k != left) {
            cmd.env(key, value);
        }
        let name = [
            "accounts.secret",
            "accounts.two_factor_key",
            "push.vapid_private_key",
        ]
        .get(i)
        .copied()
        .unwrap_or("card.signing_key");
        let r = run(&mut cmd);
        assert_one_line_error(
            &r,
            &format!(
                "error: configuration error: {name}: still the development value from default.toml"
            ),
        );
    }
    let mut cmd = production();
    cmd.envs(own);
    let r = run(&mut cmd).ok();
    assert!(r.stdout.starts_with("configuration OK (profile production"));
}
