//! The person a ticket stands for, and what a service may learn about them.

use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    accounts::store::{self as accounts, Account, Person, State},
    config::{Attribute, Service},
    db::schema::{group_memberships, people},
    people::model::{PersonId, Role},
};

pub struct Principal {
    pub person: Person,
    pub account: Account,
    pub campus: Option<String>,
    pub groups: Vec<String>,
}

/// Why a person gets no ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Suspended or closed.
    Inactive,
    /// The secretariat changed their phone: they prove they hold it first.
    PhoneToVerify,
    /// Their role may not use the service.
    Forbidden,
}

pub async fn load(
    conn: &mut AsyncPgConnection,
    id: PersonId,
) -> diesel::QueryResult<Option<Principal>> {
    let Some((person, Some(account))) = accounts::by_id(conn, id).await? else {
        return Ok(None);
    };
    let campus: Option<String> = people::table
        .find(id)
        .select(people::campus_code)
        .first(conn)
        .await
        .optional()?
        .flatten();
    let groups = group_memberships::table
        .filter(group_memberships::person_id.eq(id))
        .select(group_memberships::group_code)
        .order(group_memberships::group_code)
        .load(conn)
        .await?;
    Ok(Some(Principal {
        person,
        account,
        campus,
        groups,
    }))
}

impl Principal {
    /// Whether the person may open `service` now.
    pub fn may_open(&self, service: &Service) -> Result<(), Refusal> {
        if self.account.state != State::Active {
            Err(Refusal::Inactive)
        } else if self.person.mobile_phone.is_some() && self.person.phone_verified_at.is_none() {
            Err(Refusal::PhoneToVerify)
        } else if !service.open_to(self.person.role.as_str()) {
            Err(Refusal::Forbidden)
        } else {
            Ok(())
        }
    }

    /// The CAS `user`: the identifier the person logs in with.
    pub fn user(&self) -> &str {
        &self.account.identifier
    }

    /// The attributes `service` may receive, each with its values (several for some).
    pub fn attributes(&self, service: &Service, scope: &str) -> Vec<(&'static str, Vec<String>)> {
        service
            .attributes
            .iter()
            .filter_map(|a| self.attribute(*a, scope))
            .filter(|(_, values)| !values.is_empty())
            .collect()
    }

    fn attribute(&self, attribute: Attribute, scope: &str) -> Option<(&'static str, Vec<String>)> {
        let p = &self.person;
        let one = |v: &str| vec![v.to_string()];
        let student = p.role == Role::Student;
        Some(match attribute {
            Attribute::Uid => ("uid", one(self.user())),
            Attribute::Mail => ("mail", p.institutional_email.iter().cloned().collect()),
            Attribute::DisplayName => (
                "displayName",
                one(&format!("{} {}", p.given_name, p.family_name)),
            ),
            Attribute::GivenName => ("givenName", one(&p.given_name)),
            Attribute::Surname => ("sn", one(&p.family_name)),
            Attribute::Affiliation => (
                "eduPersonAffiliation",
                affiliations(p.role).iter().map(|a| a.to_string()).collect(),
            ),
            Attribute::PrimaryAffiliation => {
                ("eduPersonPrimaryAffiliation", one(affiliations(p.role)[0]))
            }
            Attribute::PrincipalName => (
                "eduPersonPrincipalName",
                one(&format!("{}@{scope}", self.user())),
            ),
            Attribute::StudentNumber if student => ("supannEtuId", one(&p.number)),
            Attribute::EmployeeNumber if !student => ("supannEmpId", one(&p.number)),
            Attribute::StudentNumber | Attribute::EmployeeNumber => return None,
            Attribute::Affectation => (
                "supannEntiteAffectationPrincipale",
                self.campus.iter().cloned().collect(),
            ),
            Attribute::MemberOf => ("memberOf", self.groups.clone()),
        })
    }
}

/// eduPerson affiliations, the primary one first.
fn affiliations(role: Role) -> &'static [&'static str] {
    match role {
        Role::Student => &["student", "member"],
        Role::Teacher => &["faculty", "employee", "member"],
        Role::Staff => &["staff", "employee", "member"],
    }
}
