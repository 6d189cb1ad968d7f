//! `GET /api/directory`, `GET /api/directory/services`, `GET /api/directory/{id}`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::store::{self, DirectoryEntry, Search};
use crate::{
    errors::{ApiError, ApiResult, NOT_FOUND},
    limits::{self, Limit},
    pagination::INVALID_CURSOR,
    people::model::PersonId,
    sessions::{Caller, caller},
    state::AppState,
};

crate::errors::problem!(
    SEARCH_TOO_SHORT,
    400,
    "search-too-short",
    "Tapez au moins 2 lettres du nom",
    "Type at least 2 letters of the name"
);

/// Characters of a name before it is searched.
const SEARCH_FROM: usize = 2;
/// People a page holds unless `limit` says fewer.
const PAGE: u32 = 30;

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DirectoryPage {
    /// By family name.
    pub people: Vec<DirectoryEntry>,
    /// Give it back as `cursor` for the next page; none after the last.
    pub next: Option<String>,
}

#[derive(Default)]
pub struct DirectoryApi;

#[OpenApi(tag = "crate::app::Tag::Directory")]
impl DirectoryApi {
    /// Teachers and staff, by name (`q`, 2 letters or more, accents and case aside), service
    /// and campus (a campus code); a page at a time (`limit`, 30 at most). 404 for the roles
    /// it is not open to.
    #[oai(path = "/directory", method = "get", operation_id = "search_directory")]
    #[allow(clippy::too_many_arguments)] // poem-openapi takes each query parameter as one
    async fn search(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        #[oai(validator(max_length = 100))] q: Query<Option<String>>,
        #[oai(validator(max_length = 100))] service: Query<Option<String>>,
        #[oai(validator(max_length = 40))] campus: Query<Option<String>>,
        #[oai(validator(max_length = 400))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "30")))] limit: Query<Option<u32>>,
    ) -> ApiResult<Json<DirectoryPage>> {
        let page = i64::from(limit.unwrap_or(PAGE));
        let mut conn = admitted(&state, &caller).await?;
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let name = given(&q);
        if name
            .as_ref()
            .is_some_and(|n| n.chars().count() < SEARCH_FROM)
        {
            return Err(ApiError::new(SEARCH_TOO_SHORT));
        }
        let (service, campus) = (given(&service), given(&campus));
        let after = cursor.as_deref().map(decode).transpose()?;
        let search = Search {
            name: name.as_deref(),
            service: service.as_deref(),
            campus: campus.as_deref(),
            after,
        };
        // One row more than the page says whether another page follows.
        let mut rows = store::search(&mut conn, search, page + 1).await?;
        let more = rows.len() as i64 > page;
        rows.truncate(page as usize);
        let next = more.then(|| rows.last().map(encode)).flatten();
        Ok(Json(DirectoryPage { people: rows, next }))
    }

    /// The services and departments people are listed under (for the search's filter).
    #[oai(
        path = "/directory/services",
        method = "get",
        operation_id = "directory_services"
    )]
    async fn services(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<Vec<String>>> {
        let mut conn = admitted(&state, &caller).await?;
        Ok(Json(store::services(&mut conn).await?))
    }

    /// One person's card; 404 for a student, someone unlisted or gone, or a caller the
    /// directory is not open to.
    #[oai(
        path = "/directory/:person_id",
        method = "get",
        operation_id = "directory_card"
    )]
    async fn card(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        person_id: Path<PersonId>,
    ) -> ApiResult<Json<DirectoryEntry>> {
        let mut conn = admitted(&state, &caller).await?;
        let listed = store::card(&mut conn, *person_id)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        Ok(Json(listed))
    }
}

/// A connection for a caller whose role the directory is open to (404 otherwise, as if it did
/// not exist), counted against their hourly share.
async fn admitted(state: &AppState, caller: &Caller) -> Result<crate::db::Conn, ApiError> {
    let mut conn = state.conn().await?;
    let (person, _) = crate::accounts::store::by_id(&mut conn, caller.person_id)
        .await?
        .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
    let directory = &state.config.directory;
    if !directory.open_to(person.role.as_str()) {
        return Err(ApiError::new(NOT_FOUND));
    }
    let limit = Limit::per_hour("directory", directory.per_person_per_hour);
    limits::enforce(state, limit, &caller.person_id.to_string()).await?;
    Ok(conn)
}

const SEPARATOR: char = '\u{1f}';

fn encode(last: &DirectoryEntry) -> String {
    let key = format!(
        "{}{SEPARATOR}{}{SEPARATOR}{}",
        last.family_name, last.given_name, last.id
    );
    URL_SAFE_NO_PAD.encode(key)
}

fn decode(cursor: &str) -> Result<(String, String, PersonId), ApiError> {
    let bad = || ApiError::new(INVALID_CURSOR);
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split(SEPARATOR);
    let (Some(family), Some(given), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let id = id.parse().map_err(|_| bad())?;
    Ok((family.to_string(), given.to_string(), id))
}
