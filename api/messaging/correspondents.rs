//! `GET /api/me/correspondents`: whom the caller may start a conversation with, after
//! `messaging.may_start`: the services, the groups, and people — those of their groups listed,
//! others (colleagues, or anyone for staff) found by name.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::{rules, store};
use crate::{
    config::Correspondents as Rule,
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::Lang,
    people::model::PersonId,
    people::model::Role,
    sessions::Caller,
    state::AppState,
};

/// People or groups listed at most.
const SHOWN: usize = 50;
/// Characters typed before people beyond one's groups are searched.
const SEARCH_FROM: usize = 2;

#[derive(Debug, Object)]
pub struct ServiceChoice {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Object)]
pub struct GroupChoice {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Object)]
pub struct PersonChoice {
    pub id: PersonId,
    /// "Given Family".
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Object)]
pub struct CorrespondentList {
    pub services: Vec<ServiceChoice>,
    pub groups: Vec<GroupChoice>,
    /// By family name, 50 at most.
    pub people: Vec<PersonChoice>,
    /// More people or groups match than are shown: narrow with `q`.
    pub more: bool,
    /// Typing a name (`q`, 2 characters or more) finds people beyond one's groups.
    pub searchable: bool,
}

#[derive(Default)]
pub struct CorrespondentsApi;

#[OpenApi(tag = "crate::app::Tag::Messages")]
impl CorrespondentsApi {
    /// Whom the caller may start a conversation with; `q` narrows by name (accents and case
    /// aside).
    #[oai(
        path = "/me/correspondents",
        method = "get",
        operation_id = "my_correspondents"
    )]
    async fn correspondents(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        #[oai(validator(max_length = 100))] q: Query<Option<String>>,
    ) -> ApiResult<Json<CorrespondentList>> {
        let me = caller.person_id;
        let query = q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        let searching = query.is_some_and(|q| q.chars().count() >= SEARCH_FROM);
        let messaging = &state.config.messaging;
        let mut conn = state.conn().await?;
        let role = store::role_of(&mut conn, me)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        let allowed = rules::correspondents(messaging, role);
        let anyone = allowed.contains(&Rule::Anyone);
        let mine = store::groups_of(&mut conn, me).await?;

        let services = if allowed.contains(&Rule::Services) {
            messaging
                .services
                .iter()
                .map(|s| ServiceChoice {
                    code: s.code.to_string(),
                    name: s.label(lang).to_string(),
                })
                .filter(|s| query.is_none_or(|q| contains(&s.name, q)))
                .collect()
        } else {
            Vec::new()
        };

        let group_codes = match (anyone, allowed.contains(&Rule::MyGroups)) {
            (true, _) if searching => None,
            (true, _) | (false, true) => Some(mine.as_slice()),
            (false, false) => Some(&[][..]),
        };
        let groups = store::groups_among(&mut conn, group_codes, query, SHOWN as i64 + 1).await?;

        let mut listed = Vec::new();
        if allowed.contains(&Rule::TeachersOfMyGroups) {
            listed.extend(store::teachers_of(&mut conn, &mine).await?);
        }
        if allowed.contains(&Rule::StudentsOfMyGroups) {
            listed.extend(store::students_of(&mut conn, &mine).await?);
        }
        let found_roles: Option<&[Role]> = match (anyone, allowed.contains(&Rule::Colleagues)) {
            _ if !searching => None,
            (true, _) => Some(Role::ALL),
            (false, true) => Some(&[Role::Teacher, Role::Staff]),
            (false, false) => None,
        };
        let people =
            store::people_among(&mut conn, me, &listed, found_roles, query, SHOWN as i64 + 1)
                .await?;

        let more = people.len() > SHOWN || groups.len() > SHOWN;
        Ok(Json(CorrespondentList {
            services,
            groups: groups
                .into_iter()
                .take(SHOWN)
                .map(|(code, name)| GroupChoice { code, name })
                .collect(),
            people: people
                .into_iter()
                .take(SHOWN)
                .map(|(id, given, family, role)| PersonChoice {
                    id,
                    name: format!("{given} {family}"),
                    role,
                })
                .collect(),
            more,
            searchable: anyone || allowed.contains(&Rule::Colleagues),
        }))
    }
}

/// `name` contains what was typed, accents and case aside.
fn contains(name: &str, typed: &str) -> bool {
    crate::text::fold(name).contains(&crate::text::fold(typed))
}
