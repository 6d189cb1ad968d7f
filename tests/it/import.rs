//! The people import at library level (`people::import::{read, write}` and `demo::seed`)
//! against a real PostgreSQL database of its own: creation, idempotence, updates, refused
//! files (nothing written), `--skip-invalid`, headers and encodings, e-mail conflicts, scale.

use crate::common;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::TestDb;
use diesel::{
    QueryableByName,
    sql_types::{BigInt, Date, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use ent::{
    clock::{Clock, ManualClock},
    people::{
        import::{self, ImportError, LineError, Report},
        model::Rules,
        store::Written,
    },
};

const HEADER: &str = "number,role,family_name,given_name,birth_date,institutional_email,\
                      personal_email,mobile_phone,campus,program,groups,status";

/// A database with the configuration's campuses (as `ent migrate` leaves it), a connection,
/// and a clock the test moves.
struct Setup {
    db: TestDb,
    conn: AsyncPgConnection,
    clock: Arc<ManualClock>,
}

impl Setup {
    async fn new() -> Setup {
        let db = TestDb::new().await;
        let mut conn = db.conn().await;
        ent::university::store::sync_campuses(&mut conn, &db.config.campuses)
            .await
            .expect("campuses copied");
        let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 11, 30, 7, 45, 0).unwrap());
        Setup { db, conn, clock }
    }

    fn rules(&self) -> Rules {
        ent::cli::rules(&self.db.config, self.clock.as_ref())
    }

    fn timetable(&self) -> ent::timetable::import::Settings {
        ent::timetable::import::Settings::of(&self.db.config)
    }

    /// Reads then writes `bytes`, as `ent import people` does.
    async fn import(&mut self, bytes: &[u8], skip_invalid: bool) -> Result<Report, ImportError> {
        let (records, errors) = import::read(bytes, &self.rules())?;
        let now = self.clock.now();
        import::write(
            &mut self.conn,
            records,
            errors,
            skip_invalid,
            now,
            &|_, _| (),
        )
        .await
    }

    async fn count(&mut self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let rows: Vec<Count> = diesel::sql_query(sql).load(&mut self.conn).await.unwrap();
        rows[0].n
    }

    async fn people(&mut self) -> i64 {
        self.count("SELECT count(*) AS n FROM people").await
    }

    async fn person(&mut self, number: &str) -> Person {
        let mut rows: Vec<Person> = diesel::sql_query(
            "SELECT number, role, family_name, given_name, birth_date, institutional_email, \
             personal_email, mobile_phone, campus_code, program_code, enrolment, created_at, \
             updated_at FROM people WHERE number = $1",
        )
        .bind::<Text, _>(number)
        .load(&mut self.conn)
        .await
        .unwrap();
        assert_eq!(rows.len(), 1, "person {number} exists once");
        rows.remove(0)
    }

    /// Every person's groups, by number.
    async fn memberships(&mut self) -> BTreeMap<String, Vec<String>> {
        #[derive(QueryableByName)]
        struct Pair {
            #[diesel(sql_type = Text)]
            number: String,
            #[diesel(sql_type = Text)]
            group_code: String,
        }
        let rows: Vec<Pair> = diesel::sql_query(
            "SELECT p.number, gm.group_code FROM group_memberships gm \
             JOIN people p ON p.id = gm.person_id ORDER BY 1, 2",
        )
        .load(&mut self.conn)
        .await
        .unwrap();
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in rows {
            map.entry(r.number).or_default().push(r.group_code);
        }
        map
    }

    async fn codes(&mut self, sql: &str) -> Vec<(String, String, Option<String>)> {
        #[derive(QueryableByName)]
        struct Code {
            #[diesel(sql_type = Text)]
            code: String,
            #[diesel(sql_type = Text)]
            name: String,
            #[diesel(sql_type = Nullable<Text>)]
            parent: Option<String>,
        }
        let rows: Vec<Code> = diesel::sql_query(sql).load(&mut self.conn).await.unwrap();
        rows.into_iter()
            .map(|r| (r.code, r.name, r.parent))
            .collect()
    }

    async fn updated_at(&mut self) -> BTreeMap<String, DateTime<Utc>> {
        #[derive(QueryableByName)]
        struct Stamp {
            #[diesel(sql_type = Text)]
            number: String,
            #[diesel(sql_type = Timestamptz)]
            updated_at: DateTime<Utc>,
        }
        let rows: Vec<Stamp> = diesel::sql_query("SELECT number, updated_at FROM people")
            .load(&mut self.conn)
            .await
            .unwrap();
        rows.into_iter().map(|r| (r.number, r.updated_at)).collect()
    }
}

#[derive(Debug, QueryableByName)]
struct Person {
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Text)]
    family_name: String,
    #[diesel(sql_type = Text)]
    given_name: String,
    #[diesel(sql_type = Date)]
    birth_date: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    institutional_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    personal_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    mobile_phone: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    campus_code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    program_code: Option<String>,
    #[diesel(sql_type = Text)]
    enrolment: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
}

/// Four people, names written decomposed (NFD, as some Mac exports do), French values.
fn four_people() -> String {
    let lines = [
        HEADER.to_string(),
        // "Lefèvre" and "Chloé" in NFD: e + U+0300, e + U+0301.
        "21901234,étudiant,Lefe\u{300}vre,Chloe\u{301},14/03/2004,Chloe.Lefevre@Etu.Univ-Tours.fr,\
         Chloe.L@Example.ORG,06 12 34 56 78,Grandmont,L1-INFO,L1-INFO|L1-INFO-TD1,inscrit"
            .to_string(),
        "21901235,student,Müller,Zoë,2004-07-01,,,+33 7 81 22 33 44,tanneurs,L2-DROIT,\
         L2-DROIT|L2-DROIT-TD1,enrolled"
            .to_string(),
        "T0042,enseignant,N'Guessan,Aïssata,1979-12-25,aissata.nguessan@univ-tours.fr,,,\
         grandmont,,L1-INFO|L1-INFO-TD1|L2-DROIT,enrolled"
            .to_string(),
        "P0007,personnel,Petit,Jean,31/01/1965,,,,,,,ancien".to_string(),
    ];
    lines.join("\n") + "\n"
}

fn groups(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_file_creates_people_programs_groups_and_memberships() {
    let mut s = Setup::new().await;
    let t0 = s.clock.now();
    let report = s.import(four_people().as_bytes(), false).await.unwrap();
    assert_eq!(
        report,
        Report {
            read: 4,
            written: Written {
                created: 4,
                updated: 0,
                memberships_added: 7,
                memberships_removed: 0,
            },
            unchanged: 0,
            new_programs: 2,
            new_groups: 4,
            skipped: vec![],
        }
    );
    assert_eq!(s.people().await, 4);

    let chloe = s.person("21901234").await;
    assert_eq!(chloe.number, "21901234");
    assert_eq!(chloe.role, "student");
    assert_eq!(chloe.family_name, "Lefèvre");
    assert_eq!(
        chloe.family_name, "Lef\u{e8}vre",
        "NFC: one code point for è"
    );
    assert_eq!(chloe.given_name, "Chlo\u{e9}");
    assert_eq!(
        chloe.birth_date,
        NaiveDate::from_ymd_opt(2004, 3, 14).unwrap()
    );
    assert_eq!(
        chloe.institutional_email.as_deref(),
        Some("chloe.lefevre@etu.univ-tours.fr")
    );
    assert_eq!(chloe.personal_email.as_deref(), Some("chloe.l@example.org"));
    assert_eq!(chloe.mobile_phone.as_deref(), Some("+33612345678"));
    assert_eq!(chloe.campus_code.as_deref(), Some("grandmont"));
    assert_eq!(chloe.program_code.as_deref(), Some("L1-INFO"));
    assert_eq!(chloe.enrolment, "enrolled");
    assert_eq!(chloe.created_at, t0);
    assert_eq!(chloe.updated_at, t0);

    let zoe = s.person("21901235").await;
    assert_eq!(
        (zoe.family_name.as_str(), zoe.given_name.as_str()),
        ("Müller", "Zoë")
    );
    assert_eq!(zoe.mobile_phone.as_deref(), Some("+33781223344"));
    assert_eq!(zoe.campus_code.as_deref(), Some("tanneurs"));
    assert_eq!(zoe.institutional_email, None);

    let teacher = s.person("T0042").await;
    assert_eq!(teacher.role, "teacher");
    assert_eq!(teacher.given_name, "Aïssata");
    assert_eq!(teacher.program_code, None);
    assert_eq!(teacher.mobile_phone, None);

    let staff = s.person("P0007").await;
    assert_eq!(staff.role, "staff");
    assert_eq!(staff.enrolment, "former");
    assert_eq!(
        staff.birth_date,
        NaiveDate::from_ymd_opt(1965, 1, 31).unwrap()
    );
    assert_eq!(staff.campus_code, None);

    // Programs and groups unknown before are created, named by their code.
    assert_eq!(
        s.codes("SELECT code, name, campus_code AS parent FROM programs ORDER BY code")
            .await,
        [
            ("L1-INFO".into(), "L1-INFO".into(), None),
            ("L2-DROIT".into(), "L2-DROIT".into(), None),
        ]
    );
    let group_codes: Vec<String> = s
        .codes("SELECT code, name, program_code AS parent FROM course_groups ORDER BY code")
        .await
        .into_iter()
        .map(|g| g.0)
        .collect();
    assert_eq!(
        group_codes,
        groups(&["L1-INFO", "L1-INFO-TD1", "L2-DROIT", "L2-DROIT-TD1"])
    );
    assert_eq!(
        s.memberships().await,
        BTreeMap::from([
            ("21901234".into(), groups(&["L1-INFO", "L1-INFO-TD1"])),
            ("21901235".into(), groups(&["L2-DROIT", "L2-DROIT-TD1"])),
            (
                "T0042".into(),
                groups(&["L1-INFO", "L1-INFO-TD1", "L2-DROIT"])
            ),
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_the_same_file_again_changes_nothing() {
    let mut s = Setup::new().await;
    let t0 = s.clock.now();
    s.import(four_people().as_bytes(), false).await.unwrap();
    let before = s.memberships().await;

    s.clock.advance(Duration::days(3));
    let report = s.import(four_people().as_bytes(), false).await.unwrap();
    assert_eq!(report.read, 4);
    assert_eq!(report.written, Written::default(), "0 created, 0 updated");
    assert_eq!(report.unchanged, 4);
    assert_eq!((report.new_programs, report.new_groups), (0, 0));
    assert!(report.skipped.is_empty());
    assert_eq!(
        report.to_string(),
        "4 line(s) read: 0 created, 0 updated, 4 unchanged, 0 skipped; \
         0 new program(s), 0 new group(s); memberships +0 −0"
    );

    let stamps = s.updated_at().await;
    assert_eq!(stamps.len(), 4);
    for (number, at) in stamps {
        assert_eq!(at, t0, "updated_at of {number} must not move");
    }
    assert_eq!(s.memberships().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_phone_and_changed_groups_are_applied_and_a_file_without_groups_keeps_them() {
    let mut s = Setup::new().await;
    let t0 = s.clock.now();
    s.import(four_people().as_bytes(), false).await.unwrap();

    // Chloé's phone changes; Zoë leaves L2-DROIT-TD1 for L1-INFO.
    s.clock.advance(Duration::days(1));
    let t1 = s.clock.now();
    let file = four_people()
        .replace("06 12 34 56 78", "06 98 76 54 32")
        .replace("L2-DROIT|L2-DROIT-TD1", "L2-DROIT|L1-INFO");
    let report = s.import(file.as_bytes(), false).await.unwrap();
    assert_eq!(report.written.created, 0);
    assert_eq!(report.written.updated, 1);
    assert_eq!(report.written.memberships_added, 1);
    assert_eq!(report.written.memberships_removed, 1);
    assert_eq!((report.new_programs, report.new_groups), (0, 0));

    let chloe = s.person("21901234").await;
    assert_eq!(chloe.mobile_phone.as_deref(), Some("+33698765432"));
    assert_eq!(chloe.updated_at, t1);
    assert_eq!(chloe.created_at, t0);
    let stamps = s.updated_at().await;
    for number in ["21901235", "T0042", "P0007"] {
        assert_eq!(stamps[number], t0, "{number} untouched");
    }
    let memberships = s.memberships().await;
    assert_eq!(memberships["21901235"], groups(&["L1-INFO", "L2-DROIT"]));
    assert_eq!(memberships["21901234"], groups(&["L1-INFO", "L1-INFO-TD1"]));

    // A file without a groups column: the teacher's phone changes, the groups stay.
    s.clock.advance(Duration::days(1));
    let no_groups = "number,role,family_name,given_name,birth_date,institutional_email,\
                     mobile_phone,campus,status\n\
                     T0042,teacher,N'Guessan,Aïssata,1979-12-25,aissata.nguessan@univ-tours.fr,\
                     06 11 11 11 11,grandmont,enrolled\n";
    let report = s.import(no_groups.as_bytes(), false).await.unwrap();
    assert_eq!(
        report.written,
        Written {
            created: 0,
            updated: 1,
            memberships_added: 0,
            memberships_removed: 0,
        }
    );
    assert_eq!(
        s.person("T0042").await.mobile_phone.as_deref(),
        Some("+33611111111")
    );
    assert_eq!(
        s.memberships().await,
        memberships,
        "no groups column: memberships kept"
    );

    // An empty groups cell, on the other hand, empties them.
    let emptied = format!(
        "{HEADER}\nT0042,teacher,N'Guessan,Aïssata,1979-12-25,aissata.nguessan@univ-tours.fr,,\
         06 11 11 11 11,grandmont,,,enrolled\n"
    );
    let report = s.import(emptied.as_bytes(), false).await.unwrap();
    assert_eq!(report.written.memberships_removed, 3);
    assert!(!s.memberships().await.contains_key("T0042"));
}

/// Two valid lines (2 and 9) around six bad ones.
fn file_with_bad_lines() -> String {
    [
        HEADER,
        "30000001,student,Durand,Alice,2005-05-05,,,06 10 00 00 01,grandmont,NEW-PROG,NEW-G1,enrolled",
        "30000002,student,Durand,Bob,2005-05-05,,,06 12,grandmont,,,enrolled",
        "30000003,student,Durand,Carl,31/02/2004,,,,grandmont,,,enrolled",
        "30000004,student,Durand,Dora,2005-05-05,,,,mars,,,enrolled",
        "30000005,wizard,Durand,Eve,2005-05-05,,,,grandmont,,,enrolled",
        "30000006,student,Durand,Fay,2005-05-05,,,,grandmont,,,enrolled,extra",
        "30000001,student,Durand,Gus,2005-05-05,,,,grandmont,,,enrolled",
        "30000009,teacher,Durand,Hal,1970-05-05,,,,tanneurs,NEW-PROG2,NEW-G2,enrolled",
    ]
    .join("\n")
        + "\n"
}

fn expected_bad_lines() -> Vec<LineError> {
    let e = |line, problem: &str| LineError {
        line,
        problem: problem.to_string(),
    };
    vec![
        e(3, "mobile_phone: «06 12» is not a valid phone number"),
        e(
            4,
            "birth_date: «31/02/2004» is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        ),
        e(
            5,
            "campus: «mars» is not a campus (blois, deux-lions, grandmont, portalis, tanneurs, \
             tonnelle)",
        ),
        e(6, "role: «wizard» is not a role (student, teacher, staff)"),
        e(7, "13 fields where the header has 12"),
        e(8, "number: 30000001 already appears on line 2"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_bad_lines_is_refused_whole_with_every_line_and_column() {
    let mut s = Setup::new().await;
    s.import(four_people().as_bytes(), false).await.unwrap();
    let programs = s.count("SELECT count(*) AS n FROM programs").await;
    let groups = s.count("SELECT count(*) AS n FROM course_groups").await;

    let err = s
        .import(file_with_bad_lines().as_bytes(), false)
        .await
        .unwrap_err();
    let ImportError::Invalid(errors) = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(errors, &expected_bad_lines());
    assert_eq!(
        errors[0].to_string(),
        "line 3: mobile_phone: «06 12» is not a valid phone number"
    );
    assert!(err.to_string().contains("nothing was imported"), "{err}");

    // Nothing written, not even the valid lines 2 and 9 or their new codes.
    assert_eq!(s.people().await, 4);
    assert_eq!(
        s.count("SELECT count(*) AS n FROM people WHERE number LIKE '3000000%'")
            .await,
        0
    );
    assert_eq!(
        s.count("SELECT count(*) AS n FROM programs").await,
        programs
    );
    assert_eq!(
        s.count("SELECT count(*) AS n FROM course_groups").await,
        groups
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_invalid_writes_the_valid_lines_and_lists_the_others() {
    let mut s = Setup::new().await;
    let report = s
        .import(file_with_bad_lines().as_bytes(), true)
        .await
        .unwrap();
    assert_eq!(report.read, 8);
    assert_eq!(report.written.created, 2);
    assert_eq!(report.written.updated, 0);
    assert_eq!(report.written.memberships_added, 2);
    assert_eq!(report.unchanged, 0);
    assert_eq!((report.new_programs, report.new_groups), (2, 2));
    assert_eq!(report.skipped, expected_bad_lines());
    assert_eq!(s.people().await, 2);
    assert_eq!(
        s.person("30000001").await.given_name,
        "Alice",
        "first line wins"
    );
    assert_eq!(s.person("30000009").await.role, "teacher");
    assert_eq!(
        s.memberships().await,
        BTreeMap::from([
            ("30000001".into(), groups(&["NEW-G1"])),
            ("30000009".into(), groups(&["NEW-G2"])),
        ])
    );
}

/// A line with several bad values is one invalid line. Today the error and the summary count
/// problems instead of lines (`ImportError::Invalid`'s message uses `errors.len()`, `Report`'s
/// Display `skipped.len()`), so "2 line(s) read: 1 created, …, 2 skipped" does not add up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_with_two_problems_counts_as_one_invalid_line() {
    let mut s = Setup::new().await;
    let file = format!(
        "{HEADER}\n\
         30000001,student,Durand,Alice,2005-05-05,,,06 12,mars,,,enrolled\n\
         30000002,student,Durand,Bob,2005-05-05,,,,grandmont,,,enrolled\n"
    );
    let err = s.import(file.as_bytes(), false).await.unwrap_err();
    assert!(err.to_string().starts_with("1 invalid line(s)"), "{err}");
    let report = s.import(file.as_bytes(), true).await.unwrap();
    assert_eq!(report.skipped.len(), 2, "both problems are listed");
    assert!(
        report
            .to_string()
            .contains("1 created, 0 updated, 0 unchanged, 1 skipped"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_problems_delimiters_bom_and_encodings() {
    let mut s = Setup::new().await;
    let unreadable = |r: Result<Report, ImportError>| match r {
        Err(ImportError::Unreadable(m)) => m,
        other => panic!("expected Unreadable, got {other:?}"),
    };
    let line = "\n21901234,student,Lefèvre,Chloé,2004-03-14,enrolled\n";

    let m = unreadable(s.import(" \n\n".as_bytes(), false).await);
    assert_eq!(m, "the file is empty");

    let m = unreadable(
        s.import(
            format!("number,role,family_name,given_name,birth_date,status,shoe_size{line}")
                .as_bytes(),
            false,
        )
        .await,
    );
    assert!(
        m.starts_with("line 1: unknown column «shoe_size» (expected: number, role,"),
        "{m}"
    );
    let m = unreadable(
        s.import(
            "number,role,family_name,given_name\n21901234,student,Lefèvre,Chloé\n".as_bytes(),
            false,
        )
        .await,
    );
    assert_eq!(m, "line 1: missing column(s) birth_date, status");
    let m = unreadable(
        s.import(
            format!("number,role,family_name,given_name,birth_date,Number{line}").as_bytes(),
            false,
        )
        .await,
    );
    assert_eq!(m, "line 1: column «number» appears twice");
    assert_eq!(
        ImportError::Unreadable(m).to_string(),
        "the file cannot be read: line 1: column «number» appears twice"
    );
    assert_eq!(s.people().await, 0);

    // A French spreadsheet export: `;`, a UTF-8 byte-order mark, CRLF, commas inside values.
    let mut excel = b"\xEF\xBB\xBF".to_vec();
    excel.extend_from_slice(
        "Number;Role;Family_Name;Given_Name;Birth_Date;Campus;Groups;Status\r\n\
         21901234;étudiant;Lefèvre, dite Lolo;Chloé;14/03/2004;grandmont;L1-INFO;inscrit\r\n\
         21901235;étudiant;Martin;Lucas;15/03/2004;tanneurs;;inscrit\r\n"
            .as_bytes(),
    );
    let report = s.import(&excel, false).await.unwrap();
    assert_eq!((report.read, report.written.created), (2, 2));
    let chloe = s.person("21901234").await;
    assert_eq!(chloe.family_name, "Lefèvre, dite Lolo");
    assert_eq!(
        chloe.birth_date,
        NaiveDate::from_ymd_opt(2004, 3, 14).unwrap()
    );
    assert_eq!(
        s.person("21901235").await.campus_code.as_deref(),
        Some("tanneurs")
    );

    // Latin-1 (a spreadsheet's "CSV" without UTF-8): that line says so, nothing is written.
    let mut latin1 =
        format!("{HEADER}\n30000001,student,Durand,Alice,2005-05-05,,,,,,,enrolled\n").into_bytes();
    latin1.extend_from_slice(b"30000002,student,Lef\xe8vre,Bob,2005-05-05,,,,,,,enrolled\n");
    let err = s.import(&latin1, false).await.unwrap_err();
    let ImportError::Invalid(errors) = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 3);
    assert!(errors[0].problem.contains("UTF-8"), "{}", errors[0]);
    assert_eq!(s.people().await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_institutional_address_held_by_another_person_is_refused() {
    let mut s = Setup::new().await;
    s.import(four_people().as_bytes(), false).await.unwrap();

    let file = format!(
        "{HEADER}\n\
         30000001,student,Durand,Alice,2005-05-05,alice.durand@etu.univ-tours.fr,,,,,,enrolled\n\
         30000002,student,Lefèvre,Chloé,2005-05-05,CHLOE.LEFEVRE@etu.univ-tours.fr,,,,,,enrolled\n"
    );
    let err = s.import(file.as_bytes(), false).await.unwrap_err();
    let ImportError::Invalid(errors) = err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(
        errors,
        [LineError {
            line: 3,
            problem: "institutional_email: chloe.lefevre@etu.univ-tours.fr already belongs to \
                      person 21901234"
                .into(),
        }]
    );
    assert_eq!(s.people().await, 4, "nothing written, not even line 2");

    // The owner herself listing her address (with another change) is no conflict.
    let file = format!(
        "{HEADER}\n\
         30000001,student,Durand,Alice,2005-05-05,alice.durand@etu.univ-tours.fr,,,,,,enrolled\n\
         21901234,étudiant,Lefèvre,Chloé,14/03/2004,Chloe.Lefevre@etu.univ-tours.fr,,,,,,inscrit\n"
    );
    let report = s.import(file.as_bytes(), false).await.unwrap();
    assert_eq!((report.written.created, report.written.updated), (1, 1));
    assert_eq!(s.people().await, 5);
}

/// `count` people with varied numbers, roles, campuses, programs and groups.
fn big_file(count: usize) -> String {
    const CAMPUSES: [&str; 6] = [
        "grandmont",
        "tanneurs",
        "portalis",
        "deux-lions",
        "tonnelle",
        "blois",
    ];
    let mut out = String::with_capacity(count * 160);
    out.push_str(HEADER);
    out.push('\n');
    let first_birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap();
    for i in 0..count {
        let (number, role) = match i % 25 {
            0 => (format!("T{i:07}"), "teacher"),
            1 => (format!("P{i:07}"), "staff"),
            _ => (format!("{}", 30_000_000 + i), "student"),
        };
        let birth = first_birth + Duration::days((i * 7 % 16_000) as i64);
        let program = i % 40;
        let institutional = if i % 3 == 0 {
            format!("person.{i}@etu.univ-tours.fr")
        } else {
            String::new()
        };
        let personal = if i % 4 == 0 {
            format!("p{i}@example.org")
        } else {
            String::new()
        };
        let phone = if i % 10 == 9 {
            String::new()
        } else {
            format!(
                "06 1{} {:02} {:02} {:02}",
                i / 1_000_000 % 10,
                i / 10_000 % 100,
                i / 100 % 100,
                i % 100
            )
        };
        let status = if i % 17 == 0 { "former" } else { "enrolled" };
        out.push_str(&format!(
            "{number},{role},Nom{i},Prénom{},{birth},{institutional},{personal},{phone},{},\
             PROG-{program},PROG-{program}|PROG-{program}-TD{},{status}\n",
            i % 1000,
            CAMPUSES[i % CAMPUSES.len()],
            i / 40 % 5,
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_lines_are_imported_with_progress_then_found_unchanged() {
    const LINES: usize = 50_000;
    let mut s = Setup::new().await;
    let file = big_file(LINES);

    let started = Instant::now();
    let (records, errors) = import::read(file.as_bytes(), &s.rules()).unwrap();
    let read_time = started.elapsed();
    assert!(errors.is_empty(), "{:?}", &errors[..errors.len().min(5)]);
    assert_eq!(records.len(), LINES);
    let calls = Mutex::new(Vec::new());
    let progress = |done: usize, total: usize| calls.lock().unwrap().push((done, total));
    let now = s.clock.now();
    let report = import::write(&mut s.conn, records, errors, false, now, &progress)
        .await
        .unwrap();
    let first = started.elapsed();
    eprintln!("import of {LINES} lines: {first:.2?} (of which reading {read_time:.2?})");

    assert_eq!(report.read, LINES);
    assert_eq!(report.written.created, LINES);
    assert_eq!(report.written.updated, 0);
    assert_eq!(report.written.memberships_added, 2 * LINES);
    assert_eq!(report.new_programs, 40);
    assert_eq!(report.new_groups, 40 + 40 * 5);
    assert_eq!(s.people().await, LINES as i64);
    assert_eq!(
        s.count("SELECT count(*) AS n FROM people WHERE role = 'teacher'")
            .await,
        (LINES / 25) as i64
    );

    let calls = calls.into_inner().unwrap();
    assert!(calls.len() >= 25, "{} progress calls", calls.len());
    assert!(
        calls.windows(2).all(|w| w[0].0 < w[1].0),
        "counts increase: {calls:?}"
    );
    assert!(calls.iter().all(|&(_, total)| total == LINES));
    assert_eq!(calls.last(), Some(&(LINES, LINES)));

    s.clock.advance(Duration::days(1));
    let started = Instant::now();
    let report = s.import(file.as_bytes(), false).await.unwrap();
    eprintln!(
        "re-import of {LINES} unchanged lines: {:.2?}",
        started.elapsed()
    );
    assert_eq!(report.written, Written::default());
    assert_eq!(report.unchanged, LINES);
    assert_eq!(
        s.count(&format!(
            "SELECT count(*) AS n FROM people WHERE updated_at <> '{}'",
            now.to_rfc3339()
        ))
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_university_is_seeded_once() {
    let mut s = Setup::new().await;
    let rules = s.rules();
    let now = s.clock.now();
    let timetable = s.timetable();
    let redis = ent::redis::Redis::new(&s.db.config.redis).unwrap();
    let report = ent::demo::seed(&mut s.conn, &s.db.config, &rules, &redis, timetable, now)
        .await
        .unwrap();
    assert_eq!(report.read, 38);
    assert_eq!(report.written.created, 38);
    assert_eq!(report.written.updated, 0);
    assert_eq!(report.written.memberships_added, 71);
    assert!(report.skipped.is_empty());

    assert_eq!(s.people().await, 38);
    for (role, n) in [("student", 30), ("teacher", 5), ("staff", 3)] {
        assert_eq!(
            s.count(&format!(
                "SELECT count(*) AS n FROM people WHERE role = '{role}'"
            ))
            .await,
            n,
            "{role}"
        );
    }
    let campuses = s
        .codes(
            "SELECT DISTINCT campus_code AS code, '' AS name, NULL AS parent FROM people \
             ORDER BY 1",
        )
        .await;
    let campuses: Vec<_> = campuses.into_iter().map(|c| c.0).collect();
    assert_eq!(campuses, ["grandmont", "tanneurs"]);
    assert_eq!(
        s.codes("SELECT code, name, campus_code AS parent FROM programs ORDER BY code")
            .await,
        [
            (
                "L1-INFO".into(),
                "Licence 1 Informatique".into(),
                Some("grandmont".into())
            ),
            (
                "L2-DROIT".into(),
                "Licence 2 Droit".into(),
                Some("tanneurs".into())
            ),
            (
                "M1-HIST".into(),
                "Master 1 Histoire".into(),
                Some("tanneurs".into())
            ),
        ]
    );
    assert_eq!(
        s.codes(
            "SELECT code, name, program_code AS parent FROM course_groups \
             WHERE code = 'L1-INFO-TD1'"
        )
        .await,
        [(
            "L1-INFO-TD1".into(),
            "L1 Informatique — TD 1".into(),
            Some("L1-INFO".into())
        )]
    );
    assert_eq!(s.count("SELECT count(*) AS n FROM course_groups").await, 7);
    assert_eq!(s.person("25000001").await.given_name, "Chloé");

    s.clock.advance(Duration::days(1));
    let rules = s.rules();
    let now = s.clock.now();
    let again = ent::demo::seed(&mut s.conn, &s.db.config, &rules, &redis, timetable, now)
        .await
        .unwrap();
    assert_eq!(again.written, Written::default());
    assert_eq!(again.unchanged, 38);
    assert_eq!((again.new_programs, again.new_groups), (0, 0));
    assert_eq!(s.people().await, 38);
}
