//! Who may start a conversation with whom, after `messaging.may_start`, and who may take part in
//! one.

use diesel_async::AsyncPgConnection;

use super::store::{self, Conversation};
use crate::{
    config::{Correspondents, Messaging},
    errors::{ApiError, NOT_FOUND},
    people::model::PersonId,
    people::model::Role,
};

crate::errors::problem!(
    NOT_ALLOWED,
    403,
    "messaging-not-allowed",
    "Vous ne pouvez pas écrire à cette personne ou à ce groupe",
    "You may not write to this person or group"
);
crate::errors::problem!(
    BLOCKED,
    403,
    "messaging-blocked",
    "Cette conversation est bloquée",
    "This conversation is blocked"
);

/// Whom a conversation is started with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Person(PersonId),
    Group(String),
    Service(String),
}

/// The one conversation for this target (a pair of people is one conversation, whoever starts).
pub fn unique_key(me: PersonId, target: &Target) -> String {
    match target {
        Target::Person(other) => {
            let (a, b) = if me < *other {
                (me, *other)
            } else {
                (*other, me)
            };
            format!("direct:{a}:{b}")
        }
        Target::Group(code) => format!("group:{code}"),
        Target::Service(code) => format!("service:{code}:{me}"),
    }
}

pub fn correspondents(rules: &Messaging, role: Role) -> &[Correspondents] {
    match role {
        Role::Student => &rules.may_start.student,
        Role::Teacher => &rules.may_start.teacher,
        Role::Staff => &rules.may_start.staff,
    }
}

/// Refuses a target the person may not start a conversation with (404 for one that does not
/// exist, 403 for one that is not theirs to write to).
pub async fn may_start(
    conn: &mut AsyncPgConnection,
    rules: &Messaging,
    me: PersonId,
    role: Role,
    target: &Target,
) -> Result<(), ApiError> {
    let allowed = correspondents(rules, role);
    let ok = match target {
        Target::Service(code) => {
            if !rules.services.iter().any(|s| s.code.as_str() == code) {
                return Err(ApiError::new(NOT_FOUND));
            }
            allowed.contains(&Correspondents::Services)
        }
        Target::Group(code) => {
            if !store::group_exists(conn, code).await? {
                return Err(ApiError::new(NOT_FOUND));
            }
            let mine = store::groups_of(conn, me).await?;
            allowed.contains(&Correspondents::Anyone)
                || (allowed.contains(&Correspondents::MyGroups) && mine.contains(code))
        }
        Target::Person(other) => {
            let Some(their_role) = store::role_of(conn, *other).await? else {
                return Err(ApiError::new(NOT_FOUND));
            };
            if *other == me {
                return Err(ApiError::new(NOT_ALLOWED));
            }
            if store::blocked(conn, me, *other).await? {
                return Err(ApiError::new(BLOCKED));
            }
            person_allowed(conn, allowed, me, *other, their_role).await?
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(NOT_ALLOWED))
    }
}

async fn person_allowed(
    conn: &mut AsyncPgConnection,
    allowed: &[Correspondents],
    me: PersonId,
    other: PersonId,
    their_role: Role,
) -> diesel::QueryResult<bool> {
    for rule in allowed {
        let ok = match rule {
            Correspondents::Anyone => true,
            Correspondents::Colleagues => their_role != Role::Student,
            Correspondents::TeachersOfMyGroups if their_role == Role::Teacher => {
                share_a_group(conn, me, other).await?
            }
            Correspondents::StudentsOfMyGroups if their_role == Role::Student => {
                share_a_group(conn, me, other).await?
            }
            _ => false,
        };
        if ok {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Both are in a group (as its students, or teaching its classes).
async fn share_a_group(
    conn: &mut AsyncPgConnection,
    a: PersonId,
    b: PersonId,
) -> diesel::QueryResult<bool> {
    let mine = store::groups_of(conn, a).await?;
    let theirs = store::groups_of(conn, b).await?;
    Ok(theirs.iter().any(|g| mine.contains(g)))
}

/// How the person takes part in the conversation: as a member, as staff of its service, or not
/// at all (then it does not exist for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Member,
    ServiceStaff,
}

pub async fn part_in(
    conn: &mut AsyncPgConnection,
    conversation: &Conversation,
    person: PersonId,
    services: &[String],
) -> Result<Part, ApiError> {
    if conversation
        .service
        .as_ref()
        .is_some_and(|s| services.contains(s))
    {
        return Ok(Part::ServiceStaff);
    }
    match store::member(conn, conversation.id, person).await? {
        Some(m) if m.left_at.is_none() && !m.staff_side => Ok(Part::Member),
        _ => Err(ApiError::new(NOT_FOUND)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_of_people_has_one_conversation_whoever_starts_it() {
        let (a, b) = (
            PersonId(uuid::Uuid::new_v4()),
            PersonId(uuid::Uuid::new_v4()),
        );
        assert_eq!(
            unique_key(a, &Target::Person(b)),
            unique_key(b, &Target::Person(a))
        );
        assert_ne!(
            unique_key(a, &Target::Service("scolarite".into())),
            unique_key(b, &Target::Service("scolarite".into()))
        );
    }
}
