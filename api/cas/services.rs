//! « Tous les services »: the services the person's role may use, by category, their
//! favourites first, each opened through `/cas/login` so that it arrives signed in.

use diesel::{ExpressionMethods, QueryDsl, delete, insert_into};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};

use crate::{
    accounts::store as accounts,
    config::Service,
    db::Conn,
    db::schema::service_favourites as fav,
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::Lang,
    people::model::PersonId,
    sessions::{Caller, caller},
    state::AppState,
};

#[derive(Debug, Object)]
pub struct ServiceCategory {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ServiceTile {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    /// One of the PWA's icons (`book`, `mail`, `library`, `id-card`, `link`, …).
    pub icon: String,
    pub category: String,
    /// What the tile opens: `/cas/login?service=…` for a service that signs in through the
    /// ENT, the service's own address for a plain link.
    pub href: String,
    /// The service signs the person in through the ENT (single sign-on).
    pub single_sign_on: bool,
    pub favourite: bool,
}

#[derive(Debug, Object)]
pub struct ServiceList {
    /// In the configured order; only those with a service for the person.
    pub categories: Vec<ServiceCategory>,
    /// Favourites first (in the order they were chosen), then the configured order.
    pub services: Vec<ServiceTile>,
}

#[derive(ApiResponse)]
pub enum Favourite {
    /// Done (doing it twice changes nothing).
    #[oai(status = 204)]
    Done,
}

#[derive(Default)]
pub struct ServicesApi;

#[OpenApi(tag = "crate::app::Tag::Services")]
impl ServicesApi {
    /// The services the signed-in person may open.
    #[oai(path = "/services", method = "get", operation_id = "my_services")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
    ) -> ApiResult<Json<ServiceList>> {
        let cas = &state.config.cas;
        let mut conn = state.conn().await?;
        let (person, _) = accounts::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
        let favourites = favourites(&mut conn, caller.person_id).await?;
        let mut mine: Vec<&Service> = cas
            .services
            .iter()
            .filter(|s| s.open_to(person.role.as_str()))
            .collect();
        mine.sort_by_key(|s| {
            favourites
                .iter()
                .position(|f| f == s.code.as_str())
                .unwrap_or(usize::MAX)
        });
        let categories = cas
            .categories
            .iter()
            .filter(|c| mine.iter().any(|s| s.category == c.code))
            .map(|c| ServiceCategory {
                code: c.code.to_string(),
                name: c.label(lang).to_string(),
            })
            .collect();
        let services = mine
            .into_iter()
            .map(|s| ServiceTile {
                code: s.code.to_string(),
                name: s.label(lang).to_string(),
                description: s.description(lang).map(str::to_string),
                icon: s.icon.to_string(),
                category: s.category.to_string(),
                href: href(s),
                single_sign_on: s.pattern.is_some(),
                favourite: favourites.iter().any(|f| f == s.code.as_str()),
            })
            .collect();
        Ok(Json(ServiceList {
            categories,
            services,
        }))
    }

    /// Puts a service among the person's favourites.
    #[oai(
        path = "/services/:code/favourite",
        method = "put",
        operation_id = "add_favourite_service"
    )]
    async fn add(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        code: Path<String>,
    ) -> ApiResult<Favourite> {
        let mut conn = usable(&state, &caller, &code).await?;
        insert_into(fav::table)
            .values((
                fav::person_id.eq(caller.person_id),
                fav::service_code.eq(&*code),
                fav::created_at.eq(state.clock.now()),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await?;
        Ok(Favourite::Done)
    }

    /// Takes a service out of the person's favourites.
    #[oai(
        path = "/services/:code/favourite",
        method = "delete",
        operation_id = "remove_favourite_service"
    )]
    async fn remove(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        code: Path<String>,
    ) -> ApiResult<Favourite> {
        let mut conn = usable(&state, &caller, &code).await?;
        delete(
            fav::table
                .filter(fav::person_id.eq(caller.person_id))
                .filter(fav::service_code.eq(&*code)),
        )
        .execute(&mut conn)
        .await?;
        Ok(Favourite::Done)
    }
}

/// The tile's address: through `/cas/login` for a CAS service.
pub fn href(s: &Service) -> String {
    if s.pattern.is_some() {
        through_cas(s.url.as_str())
    } else {
        s.url.to_string()
    }
}

/// `/cas/login` sending the person on to `url` signed in.
pub fn through_cas(url: &str) -> String {
    let service: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
    format!("/cas/login?service={service}")
}

/// A connection, or 404 for a service that does not exist or that the caller's role may not
/// use.
async fn usable(state: &AppState, caller: &Caller, code: &str) -> Result<Conn, ApiError> {
    let mut conn = state.conn().await?;
    let (person, _) = accounts::by_id(&mut conn, caller.person_id)
        .await?
        .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
    match state.config.cas.service(code) {
        Some(s) if s.open_to(person.role.as_str()) => Ok(conn),
        _ => Err(ApiError::new(NOT_FOUND)),
    }
}

async fn favourites(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Vec<String>> {
    fav::table
        .filter(fav::person_id.eq(person))
        .order(fav::created_at)
        .select(fav::service_code)
        .load(conn)
        .await
}
