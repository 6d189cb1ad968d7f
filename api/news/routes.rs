//! `/api/me/news` (the caller's feed), `/api/news/public` (before login), `/api/news…` (staff
//! with the `publishing` permission: write, schedule, edit, withdraw).

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use poem::{FromRequest, Request, RequestBody, web::Data};
use poem_openapi::{
    ApiResponse, Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    announce::announce_due,
    store::{self, Draft, Item, NewsId, Reader},
};
use crate::{
    errors::{ApiError, ApiResult, NOT_FOUND},
    pagination,
    people::model::PersonId,
    people::model::Role,
    sessions::Caller,
    state::AppState,
};

crate::errors::problem!(
    INVALID_NEWS,
    400,
    "invalid-news",
    "Actualité invalide",
    "Invalid news item"
);

/// Items a page.
const PAGE: i64 = 20;

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NewsItem {
    pub id: NewsId,
    pub title: String,
    /// Markdown subset (paragraphs, **bold**, *italic*, lists, links): render as text.
    pub body: String,
    pub link_url: Option<String>,
    pub image_url: Option<String>,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub pinned: bool,
    pub urgent: bool,
    /// The caller opened it (always false before login).
    pub read: bool,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NewsPage {
    pub items: Vec<NewsItem>,
    /// Give it as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
}

/// Who an item is for: everyone, or people matching every list given (any of its values).
#[derive(Debug, Object)]
pub struct Audience {
    pub everyone: bool,
    #[oai(default, validator(max_items = 3))]
    pub roles: Vec<Role>,
    #[oai(default, validator(max_items = 50))]
    pub campuses: Vec<String>,
    #[oai(default, validator(max_items = 200))]
    pub programs: Vec<String>,
    #[oai(default, validator(max_items = 500))]
    pub groups: Vec<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NewsDraft {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    #[oai(validator(min_length = 1, max_length = 20000))]
    pub body: String,
    #[oai(validator(max_length = 2000))]
    pub link_url: Option<String>,
    #[oai(validator(max_length = 2000))]
    pub image_url: Option<String>,
    pub audience: Audience,
    /// Now when absent; may be in the future.
    pub publish_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    #[oai(default)]
    pub pinned: bool,
    /// Pushed to its audience when published.
    #[oai(default)]
    pub urgent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum NewsState {
    Scheduled,
    Published,
    Expired,
    Withdrawn,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ManagedNews {
    pub id: NewsId,
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub image_url: Option<String>,
    pub audience: Audience,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub pinned: bool,
    pub urgent: bool,
    pub state: NewsState,
    /// When its push went out (urgent items).
    pub announced_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ManagedPage {
    pub items: Vec<ManagedNews>,
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum Done {
    #[oai(status = 204)]
    Done,
}

/// A member of staff with the `publishing` permission.
pub struct Publisher(PersonId);

impl<'a> FromRequest<'a> for Publisher {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Publisher(
            Caller::holding(req, body, "publishing").await?.person_id,
        ))
    }
}

#[derive(Default)]
pub struct NewsApi;

#[OpenApi(tag = "crate::app::Tag::News")]
impl NewsApi {
    /// The caller's news: the items whose audience includes them, pinned first then newest.
    #[oai(path = "/me/news", method = "get", operation_id = "my_news")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        #[oai(validator(max_length = 100))] cursor: Query<Option<String>>,
    ) -> ApiResult<Json<NewsPage>> {
        let mut conn = state.conn().await?;
        let reader = store::reader(&mut conn, caller.person_id).await?;
        page(&state, &reader, cursor.as_deref()).await.map(Json)
    }

    /// One item of the caller's feed (404 if it is not theirs to see).
    #[oai(path = "/me/news/:id", method = "get", operation_id = "my_news_item")]
    async fn item(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<NewsId>,
    ) -> ApiResult<Json<NewsItem>> {
        let mut conn = state.conn().await?;
        let reader = store::reader(&mut conn, caller.person_id).await?;
        visible(&mut conn, &reader, state.clock.now(), *id)
            .await
            .map(|row| Json(news_item(row)))
    }

    /// Marks an item as read by the caller (404 if it is not theirs to see).
    #[oai(
        path = "/me/news/:id/read",
        method = "post",
        operation_id = "read_news"
    )]
    async fn read(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        id: Path<NewsId>,
    ) -> ApiResult<Done> {
        let now = state.clock.now();
        let mut conn = state.conn().await?;
        let reader = store::reader(&mut conn, caller.person_id).await?;
        visible(&mut conn, &reader, now, *id).await?;
        store::mark_read(&mut conn, caller.person_id, *id, now).await?;
        Ok(Done::Done)
    }

    /// The news for everyone, readable before login.
    #[oai(path = "/news/public", method = "get", operation_id = "public_news")]
    async fn public(
        &self,
        state: Data<&AppState>,
        #[oai(validator(max_length = 100))] cursor: Query<Option<String>>,
    ) -> ApiResult<Json<NewsPage>> {
        page(&state, &Reader::default(), cursor.as_deref())
            .await
            .map(Json)
    }

    /// Every item, scheduled, published, expired or withdrawn (staff with the publishing
    /// permission).
    #[oai(path = "/news", method = "get", operation_id = "manage_news")]
    async fn all(
        &self,
        state: Data<&AppState>,
        _staff: Publisher,
        #[oai(validator(max_length = 100))] cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ManagedPage>> {
        let after = match cursor.as_deref() {
            Some(c) => {
                let (_, at, id) = pagination::decode(c)?;
                Some((at, id))
            }
            None => None,
        };
        let mut conn = state.conn().await?;
        let items = store::all(&mut conn, after, PAGE).await?;
        let now = state.clock.now();
        let next_cursor = pagination::next(&items, PAGE, |i| (false, i.publish_at, i.id.0));
        Ok(Json(ManagedPage {
            items: items
                .into_iter()
                .map(|i| managed(i, now))
                .collect::<Result<_, _>>()?,
            next_cursor,
        }))
    }

    /// Publishes an item now or later; an urgent one published now is pushed at once.
    #[oai(path = "/news", method = "post", operation_id = "publish_news")]
    async fn publish(
        &self,
        state: Data<&AppState>,
        staff: Publisher,
        body: Json<NewsDraft>,
    ) -> ApiResult<Json<ManagedNews>> {
        let item = save(&state, body.0, Save::New(staff.0)).await?;
        tracing::info!(news = item.id.0, staff = %staff.0, "news published");
        Ok(Json(item))
    }

    /// Rewrites an item (staff with the publishing permission).
    #[oai(path = "/news/:id", method = "put", operation_id = "edit_news")]
    async fn edit(
        &self,
        state: Data<&AppState>,
        _staff: Publisher,
        id: Path<NewsId>,
        body: Json<NewsDraft>,
    ) -> ApiResult<Json<ManagedNews>> {
        save(&state, body.0, Save::Existing(*id)).await.map(Json)
    }

    /// Withdraws an item: no one sees it any more.
    #[oai(path = "/news/:id", method = "delete", operation_id = "withdraw_news")]
    async fn withdraw(
        &self,
        state: Data<&AppState>,
        _staff: Publisher,
        id: Path<NewsId>,
    ) -> ApiResult<Done> {
        let mut conn = state.conn().await?;
        if store::withdraw(&mut conn, *id, state.clock.now()).await? {
            Ok(Done::Done)
        } else {
            Err(ApiError::new(NOT_FOUND))
        }
    }
}

/// A new item by this member of staff, or the item with this id.
enum Save {
    New(PersonId),
    Existing(NewsId),
}

/// Writes a checked draft and, in the same transaction, pushes whatever urgent item is now due.
async fn save(state: &AppState, body: NewsDraft, to: Save) -> ApiResult<ManagedNews> {
    let now = state.clock.now();
    let draft = checked(state, body, now)?;
    let tz = state.config.university.time_zone.tz();
    let mut conn = state.conn().await?;
    let item = conn
        .transaction(async |conn| {
            let item = match to {
                Save::New(author) => store::create(conn, &draft, author, now).await?,
                Save::Existing(id) => store::edit(conn, id, &draft, now)
                    .await?
                    .ok_or(ApiError::new(NOT_FOUND))?,
            };
            announce_due(conn, tz, now).await?;
            Ok::<_, ApiError>(item)
        })
        .await?;
    managed(item, now)
}

async fn page(state: &AppState, reader: &Reader, cursor: Option<&str>) -> ApiResult<NewsPage> {
    let cursor = cursor.map(pagination::decode).transpose()?;
    let mut conn = state.conn().await?;
    let rows = store::feed(&mut conn, reader, state.clock.now(), cursor, None, PAGE).await?;
    let next_cursor = pagination::next(&rows, PAGE, |r| {
        (r.item.pinned, r.item.publish_at, r.item.id.0)
    });
    Ok(NewsPage {
        items: rows.into_iter().map(news_item).collect(),
        next_cursor,
    })
}

/// The item `id` if `reader` may see it now.
async fn visible(
    conn: &mut diesel_async::AsyncPgConnection,
    reader: &Reader,
    now: DateTime<Utc>,
    id: NewsId,
) -> ApiResult<store::FeedRow> {
    let cursor = (true, DateTime::<Utc>::MAX_UTC, i64::MAX);
    let mut rows = store::feed(conn, reader, now, Some(cursor), Some(id), 1).await?;
    rows.pop().ok_or(ApiError::new(NOT_FOUND))
}

fn news_item(r: store::FeedRow) -> NewsItem {
    NewsItem {
        id: r.item.id,
        title: r.item.title,
        body: r.item.body,
        link_url: r.item.link_url,
        image_url: r.item.image_url,
        publish_at: r.item.publish_at,
        expires_at: r.item.expires_at,
        pinned: r.item.pinned,
        urgent: r.item.urgent,
        read: r.read,
    }
}

/// The draft as stored, or a problem naming what is wrong.
fn checked(state: &AppState, d: NewsDraft, now: DateTime<Utc>) -> Result<Draft, ApiError> {
    let invalid = |fr: &str, en: &str| {
        ApiError::new(INVALID_NEWS).with_detail(crate::i18n::Translated {
            fr: fr.into(),
            en: en.into(),
        })
    };
    let title = d.title.trim().to_string();
    let body = d.body.trim().to_string();
    if title.is_empty() || body.is_empty() {
        return Err(invalid(
            "Le titre et le texte sont obligatoires.",
            "The title and the text are required.",
        ));
    }
    for url in [&d.link_url, &d.image_url].into_iter().flatten() {
        if !url.starts_with("https://") || url.contains(char::is_whitespace) {
            return Err(invalid(
                "Les liens et images doivent être des adresses https://.",
                "Links and images must be https:// addresses.",
            ));
        }
    }
    let a = &d.audience;
    if !a.everyone
        && a.roles.is_empty()
        && a.campuses.is_empty()
        && a.programs.is_empty()
        && a.groups.is_empty()
    {
        return Err(invalid(
            "Choisissez à qui s’adresse l’actualité.",
            "Choose who the item is for.",
        ));
    }
    let known = |c: &String| state.config.campuses.iter().any(|k| k.code.as_str() == c);
    if !a.campuses.iter().all(known) {
        return Err(invalid("Campus inconnu.", "Unknown campus."));
    }
    let publish_at = d.publish_at.unwrap_or(now);
    if d.expires_at.is_some_and(|e| e <= publish_at) {
        return Err(invalid(
            "La date de fin doit suivre la publication.",
            "The expiry must follow the publication.",
        ));
    }
    let audience = serde_json::json!({
        "everyone": a.everyone,
        "roles": a.roles,
        "campuses": a.campuses,
        "programs": a.programs,
        "groups": a.groups,
    });
    Ok(Draft {
        title,
        body,
        link_url: d.link_url,
        image_url: d.image_url,
        audience,
        publish_at,
        expires_at: d.expires_at,
        pinned: d.pinned,
        urgent: d.urgent,
    })
}

fn managed(i: Item, now: DateTime<Utc>) -> Result<ManagedNews, ApiError> {
    let state = if i.withdrawn_at.is_some() {
        NewsState::Withdrawn
    } else if i.publish_at > now {
        NewsState::Scheduled
    } else if i.expires_at.is_some_and(|e| e <= now) {
        NewsState::Expired
    } else {
        NewsState::Published
    };
    let list = |key: &str| -> Vec<String> {
        i.audience[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let roles = serde_json::from_value(i.audience["roles"].clone())
        .map_err(|e| ApiError::internal(format!("news item {}: stored roles: {e}", i.id)))?;
    let audience = Audience {
        everyone: i.audience["everyone"].as_bool().unwrap_or(false),
        roles,
        campuses: list("campuses"),
        programs: list("programs"),
        groups: list("groups"),
    };
    Ok(ManagedNews {
        id: i.id,
        title: i.title,
        body: i.body,
        link_url: i.link_url,
        image_url: i.image_url,
        audience,
        publish_at: i.publish_at,
        expires_at: i.expires_at,
        pinned: i.pinned,
        urgent: i.urgent,
        state,
        announced_at: i.announced_at,
    })
}
