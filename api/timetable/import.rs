//! Importing one group's ADE export: the file is read whole first (a bad one changes nothing),
//! then compared by UID with what the group's last export held, in one transaction: added,
//! moved, room or teacher changed, cancelled (gone from the export, or `STATUS:CANCELLED`).
//! The same export again changes nothing and tells no one; a class that staff edited keeps
//! the edit until its source changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::cache;
use super::{
    changes::{self, Author, Pending},
    ics::{self, IcsError},
    model::{
        self, Change, Previous, Slot, SourceEvent, Status, course_code, course_colour, sha256_hex,
    },
    notice::Notice,
    store::EventId,
    store::{self, LastChange, StoredEvent, Version},
};
use crate::people::model::PersonId;
use crate::{config::Config, redis::Redis, text::fold};

/// What an import needs from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub tz: Tz,
    pub notify_days: u32,
    pub max_file_bytes: usize,
}

impl Settings {
    pub fn of(config: &Config) -> Settings {
        Settings {
            tz: config.university.time_zone.tz(),
            notify_days: config.timetable.notify_days,
            max_file_bytes: config.timetable.max_file_bytes,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}; nothing was imported")]
    File(#[from] IcsError),
    #[error("«{0}» is not a known course group (import the people first); nothing was imported")]
    UnknownGroup(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub events: usize,
    pub added: usize,
    pub changed: usize,
    pub cancelled: usize,
    pub unchanged: usize,
    /// People told of changes.
    pub notified: usize,
    /// Classes already known from other groups' exports, now this group's too.
    pub joined: usize,
}

impl Report {
    /// Whether anyone's timetable changed.
    pub fn wrote(&self) -> bool {
        self.added + self.changed + self.cancelled + self.joined > 0
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} events: {} added, {} changed, {} cancelled, {} unchanged; {} people notified",
            self.events, self.added, self.changed, self.cancelled, self.unchanged, self.notified
        )
    }
}

/// Imports `bytes`, the export of `group`.
pub async fn import(
    conn: &mut AsyncPgConnection,
    redis: &Redis,
    settings: Settings,
    group: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Report, ImportError> {
    let events = ics::parse(bytes, settings.tz, settings.max_file_bytes)?;
    let group = group.to_string();
    let report = conn
        .transaction(async |conn| {
            {
                let campus = store::group_campus(conn, &group)
                    .await?
                    .ok_or_else(|| ImportError::UnknownGroup(group.clone()))?;
                // One import of a group at a time, whichever instance runs it.
                diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('timetable:' || $1))")
                    .bind::<diesel::sql_types::Text, _>(&group)
                    .execute(conn)
                    .await?;
                let first = store::last_import(conn, &group).await?.is_none();
                let students = if first {
                    Vec::new()
                } else {
                    store::students_of(conn, &group).await?
                };
                let run = Run {
                    directory: Directory::load(conn).await?,
                    group: &group,
                    campus,
                    first,
                    students,
                    now,
                };
                let fingerprint = export_fingerprint(&events);
                let (mut report, pending) = run.write(conn, &events).await?;
                report.notified = pending
                    .tell(conn, settings.tz, settings.notify_days, now)
                    .await?;
                store::set_import(conn, &group, &fingerprint, events.len(), now).await?;
                Ok::<_, ImportError>(report)
            }
        })
        .await?;
    if report.wrote() {
        cache::changed(redis).await;
    }
    Ok(report)
}

/// The same classes give the same fingerprint, whatever the export's stamps.
fn export_fingerprint(events: &[SourceEvent]) -> String {
    let mut prints: Vec<String> = events.iter().map(SourceEvent::fingerprint).collect();
    prints.sort();
    sha256_hex(prints.concat().as_bytes())
}

/// Group names and teachers' names, to read descriptions.
struct Directory {
    groups: HashMap<String, String>,
    teachers: HashMap<String, PersonId>,
}

/// `L1 INFO TD1`, `l1-info-td1` → `l1 info td1`.
fn words(s: &str) -> String {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Directory {
    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Directory> {
        let mut groups = HashMap::new();
        for (code, name) in store::groups(conn).await? {
            groups.insert(words(&code), name.clone());
            groups.insert(words(&name), name);
        }
        let mut teachers = HashMap::new();
        for (id, family, given) in store::teachers(conn).await? {
            teachers.insert(words(&format!("{family} {given}")), id);
            teachers.insert(words(&format!("{given} {family}")), id);
        }
        Ok(Directory { groups, teachers })
    }

    /// A description's lines: the groups it names, the teachers (names, and people when known).
    fn read(&self, lines: &[String]) -> (Vec<String>, Vec<String>, Vec<PersonId>) {
        let mut groups = Vec::new();
        let mut names = Vec::new();
        let mut people = Vec::new();
        for line in lines {
            let key = words(line);
            if let Some(group) = self.groups.get(&key) {
                groups.push(group.as_str());
            } else {
                names.push(line.as_str());
                people.extend(self.teachers.get(&key));
            }
        }
        people.sort();
        people.dedup();
        (
            model::sorted(groups.into_iter()),
            model::sorted(names.into_iter()),
            people,
        )
    }
}

struct Run<'a> {
    directory: Directory,
    group: &'a str,
    campus: Option<String>,
    /// The group's first import: nothing in it is news.
    first: bool,
    /// The group's students, told of its changes (none at the first import).
    students: Vec<PersonId>,
    now: DateTime<Utc>,
}

/// A source event made ready to store.
struct Ready<'a> {
    source: &'a SourceEvent,
    version: Version,
    teachers: Vec<PersonId>,
}

impl Run<'_> {
    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        events: &[SourceEvent],
    ) -> diesel::QueryResult<(Report, Pending)> {
        let mut report = Report {
            events: events.len(),
            ..Report::default()
        };
        let mut pending = Pending::default();
        let ready: Vec<Ready> = events.iter().map(|e| self.ready(e)).collect();
        let courses: HashMap<&str, &str> = ready
            .iter()
            .map(|r| (r.version.course_code.as_str(), r.source.title.as_str()))
            .collect();
        let courses: Vec<(&str, &str, &str)> = courses
            .into_iter()
            .map(|(code, title)| (code, title, course_colour(code)))
            .collect();
        store::upsert_courses(conn, &courses).await?;

        let uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
        let stored: HashMap<String, StoredEvent> = store::by_uids(conn, &uids)
            .await?
            .into_iter()
            .map(|e| (e.uid.clone(), e))
            .collect();
        let (known, new): (Vec<&Ready>, Vec<&Ready>) = ready
            .iter()
            .partition(|r| stored.contains_key(&r.source.uid));

        let mut linked: Vec<(EventId, DateTime<Utc>)> = Vec::new();
        for r in known {
            let before = &stored[&r.source.uid];
            linked.push((before.id, r.version.slot.starts_at));
            if before.source_fingerprint == r.version.fingerprint {
                report.unchanged += 1;
                continue;
            }
            let author = Author {
                actor: None,
                reason: None,
            };
            let change = changes::apply(
                conn,
                before,
                &r.version,
                Some(&r.teachers),
                &r.source.title,
                author,
                self.now,
            )
            .await?;
            match change {
                Some((people, notice)) => {
                    if notice.changes.contains(&Change::Cancelled) {
                        report.cancelled += 1;
                    } else {
                        report.changed += 1;
                    }
                    pending.add(people, notice);
                }
                None => report.unchanged += 1,
            }
        }
        self.add(conn, &new, &mut report, &mut pending, &mut linked)
            .await?;
        report.joined = store::link_group(conn, self.group, &linked).await? - report.added;
        for event in store::of_group(conn, self.group).await? {
            if !uids.contains(&event.uid.as_str()) {
                self.withdraw(conn, &event, &mut report, &mut pending)
                    .await?;
            }
        }
        Ok((report, pending))
    }

    fn ready<'e>(&self, source: &'e SourceEvent) -> Ready<'e> {
        let (groups, names, teachers) = self.directory.read(&source.lines);
        let status = if source.cancelled {
            Status::Cancelled
        } else {
            Status::Scheduled
        };
        Ready {
            source,
            version: Version {
                course_code: course_code(&source.title),
                kind: source.kind,
                slot: Slot {
                    starts_at: source.starts_at,
                    ends_at: source.ends_at,
                    rooms: source.rooms.clone(),
                    teachers: names,
                    status,
                },
                campus_code: self.campus.clone(),
                groups,
                fingerprint: Some(source.fingerprint()),
            },
            teachers,
        }
    }

    /// New classes (news, unless this is the group's first import).
    async fn add(
        &self,
        conn: &mut AsyncPgConnection,
        new: &[&Ready<'_>],
        report: &mut Report,
        pending: &mut Pending,
        linked: &mut Vec<(EventId, DateTime<Utc>)>,
    ) -> diesel::QueryResult<()> {
        let added = (!self.first).then(|| LastChange {
            at: self.now,
            changes: vec![Change::Added],
            previous: Previous::default(),
            reason: None,
        });
        let rows: Vec<(&str, &Version, Option<serde_json::Value>)> = new
            .iter()
            .map(|r| {
                (
                    r.source.uid.as_str(),
                    &r.version,
                    added.as_ref().map(store::to_json),
                )
            })
            .collect();
        let ids = store::insert(conn, &rows, self.now).await?;
        let mut teaching = Vec::new();
        for (r, id) in new.iter().zip(ids) {
            let starts_at = r.version.slot.starts_at;
            linked.push((id, starts_at));
            teaching.extend(r.teachers.iter().map(|t| (*t, starts_at, id)));
            report.added += 1;
            if let Some(change) = &added {
                store::record_change(conn, id, change, None).await?;
                let mut people = self.students.clone();
                people.extend_from_slice(&r.teachers);
                let notice = notice_of(id, &r.source.title, &r.version.slot, Change::Added);
                pending.add(people, notice);
            }
        }
        store::add_teachers(conn, &teaching).await
    }

    /// A class gone from the group's export: the group no longer attends it when others still
    /// do; otherwise it is cancelled (and stays in the group's timetable, marked). Its
    /// fingerprint is forgotten, so that it comes back if the export brings it back.
    async fn withdraw(
        &self,
        conn: &mut AsyncPgConnection,
        event: &StoredEvent,
        report: &mut Report,
        pending: &mut Pending,
    ) -> diesel::QueryResult<()> {
        let title = store::course_title(conn, &event.course_code).await?;
        let people = self.students.clone();
        if store::groups_of(conn, event.id).await? > 1 {
            store::unlink_group(conn, self.group, event.id).await?;
            pending.add(
                people,
                notice_of(event.id, &title, &event.slot(), Change::Cancelled),
            );
            report.cancelled += 1;
            return Ok(());
        }
        let mut next = Version {
            course_code: event.course_code.clone(),
            kind: event.kind,
            slot: event.slot(),
            campus_code: event.campus_code.clone(),
            groups: event.groups.clone(),
            fingerprint: None,
        };
        next.slot.status = Status::Cancelled;
        let author = Author {
            actor: None,
            reason: None,
        };
        if let Some((mut concerned, notice)) =
            changes::apply(conn, event, &next, None, &title, author, self.now).await?
        {
            concerned.extend(people);
            pending.add(concerned, notice);
            report.cancelled += 1;
        }
        Ok(())
    }
}

fn notice_of(event_id: EventId, title: &str, slot: &Slot, change: Change) -> Notice {
    Notice {
        event_id,
        title: title.to_string(),
        changes: vec![change],
        was: slot.starts_at,
        starts_at: slot.starts_at,
        rooms_before: slot.rooms.clone(),
        rooms: slot.rooms.clone(),
        teachers_before: slot.teachers.clone(),
        teachers: slot.teachers.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_name_groups_and_teachers() {
        let id = PersonId(uuid::Uuid::new_v4());
        let directory = Directory {
            groups: HashMap::from([(words("L1-INFO-TD1"), "L1 Info TD1".to_string())]),
            teachers: HashMap::from([(words("Petit Isabelle"), id)]),
        };
        let lines = ["L1 INFO TD1", "PETIT Isabelle", "DURAND Marc"].map(String::from);
        let (groups, names, people) = directory.read(&lines);
        assert_eq!(groups, ["L1 Info TD1"]);
        assert_eq!(names, ["DURAND Marc", "PETIT Isabelle"]);
        assert_eq!(people, [id]);
    }
}
