//! `/api/me/timetable` (the caller's classes), `/api/timetable/…` (staff with the `timetable`
//! permission: a group's classes, moving, changing room, cancelling), `/api/me/calendar-feed`
//! and `/api/calendar/{token}` (the personal calendar feed).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel_async::AsyncConnection;
use poem::{FromRequest, Request, RequestBody, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Header, Path, Query},
    payload::{Json, PlainText},
    types::ToJSON,
};

use super::{
    cache,
    changes::{self, Author, Pending},
    feed,
    model::{Change, Kind, Status, sha256_hex},
    store::EventId,
    store::{self, LastChange, Row, Version},
};
use crate::{
    clock::local_midnight,
    errors::{ApiError, ApiResult, NOT_FOUND},
    http::raw_json::RawJson,
    i18n::Lang,
    people::model::PersonId,
    sessions::Caller,
    state::AppState,
};

crate::errors::problem!(
    INVALID_PERIOD,
    400,
    "invalid-period",
    "Période invalide : la fin doit suivre le début, sur 92 jours au plus",
    "Invalid period: the end must follow the start, 92 days at most"
);
crate::errors::problem!(
    ENDS_BEFORE_START,
    400,
    "ends-before-start",
    "Le cours doit finir après avoir commencé",
    "The class must end after it starts"
);
crate::errors::problem!(
    INVALID_ROOMS,
    400,
    "invalid-rooms",
    "Salles invalides : 10 au plus, de 1 à 40 caractères chacune",
    "Invalid rooms: 10 at most, 1 to 40 characters each"
);
crate::errors::problem!(
    NOTHING_TO_CHANGE,
    400,
    "nothing-to-change",
    "Rien à modifier : indiquez un horaire, une salle ou l’annulation",
    "Nothing to change: give a time, a room or the cancellation"
);

/// The longest period one request may ask for.
const MAX_DAYS: i64 = 92;

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EventChange {
    pub at: DateTime<Utc>,
    pub changes: Vec<Change>,
    pub previous_starts_at: Option<DateTime<Utc>>,
    pub previous_ends_at: Option<DateTime<Utc>>,
    pub previous_rooms: Option<Vec<String>>,
    pub previous_teachers: Option<Vec<String>>,
    /// Given by staff, shown to students.
    pub reason: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TimetableEvent {
    pub id: EventId,
    pub course_code: String,
    pub title: String,
    /// `#rrggbb`, readable with white text.
    pub colour: String,
    pub kind: Kind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub rooms: Vec<String>,
    pub campus: Option<String>,
    pub teachers: Vec<String>,
    pub groups: Vec<String>,
    pub status: Status,
    /// The last change (moved, room, teacher, cancelled, added, restored), if any.
    pub change: Option<EventChange>,
}

impl From<Row> for TimetableEvent {
    fn from(r: Row) -> Self {
        let change = r
            .last_change
            .and_then(|v| serde_json::from_value::<LastChange>(v).ok())
            .map(|c| EventChange {
                at: c.at,
                changes: c.changes,
                previous_starts_at: c.previous.starts_at,
                previous_ends_at: c.previous.ends_at,
                previous_rooms: c.previous.rooms,
                previous_teachers: c.previous.teachers,
                reason: c.reason,
            });
        TimetableEvent {
            id: r.id,
            course_code: r.course_code,
            title: r.title,
            colour: r.colour,
            kind: r.kind,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            rooms: r.rooms,
            campus: r.campus_code,
            teachers: r.teachers,
            groups: r.groups,
            status: r.status,
            change,
        }
    }
}

#[derive(Debug, Object)]
pub struct Timetable {
    /// First day (the university's local date).
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
    /// `Europe/Paris`: show times there.
    pub time_zone: String,
    /// Classes starting in the period, in order.
    pub events: Vec<TimetableEvent>,
}

#[derive(ApiResponse)]
pub enum TimetableResponse {
    #[oai(status = 200)]
    Ok(
        RawJson<Timetable>,
        /// Send it back in `If-None-Match`: 304 when nothing changed.
        #[oai(header = "ETag")]
        String,
    ),
    /// Nothing changed since the `ETag` given in `If-None-Match`.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

#[derive(Debug, Object)]
pub struct CourseGroup {
    pub code: String,
    pub name: String,
}

/// A change made by staff: any of a new time, new rooms, cancelled (or restored), and why.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EventEdit {
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[oai(validator(max_items = 10))]
    pub rooms: Option<Vec<String>>,
    pub cancelled: Option<bool>,
    /// Shown to students.
    #[oai(validator(max_length = 300))]
    pub reason: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CalendarFeed {
    /// `https://…/api/calendar/….ics`; none until made.
    pub url: Option<String>,
    /// The same as `webcal://…`, which phone calendars subscribe to.
    pub webcal_url: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(ApiResponse)]
pub enum CalendarFile {
    #[oai(status = 200, content_type = "text/calendar; charset=utf-8")]
    Ok(PlainText<String>),
}

/// A member of staff with the `timetable` permission.
pub struct TimetableEditor(PersonId);

impl<'a> FromRequest<'a> for TimetableEditor {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(TimetableEditor(
            Caller::holding(req, body, "timetable").await?.person_id,
        ))
    }
}

#[derive(Default)]
pub struct TimetableApi;

#[OpenApi(tag = "crate::app::Tag::Timetable")]
impl TimetableApi {
    /// The caller's classes from `from` to `to` (local dates, included; this week by default).
    #[oai(path = "/me/timetable", method = "get", operation_id = "my_timetable")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        #[oai(name = "If-None-Match")] if_none_match: Header<Option<String>>,
    ) -> ApiResult<TimetableResponse> {
        let tz = state.config.university.time_zone.tz();
        let (from, to) = period(*from, *to, tz, state.clock.now())?;
        let (start, end) = (
            local_midnight(from, tz),
            local_midnight(to + Duration::days(1), tz),
        );
        let person = caller.person_id;
        let (generation, cached) = cache::get(&state.redis, person, from, to).await;
        let week = match cached {
            Some(week) => week,
            None => {
                let mut conn = state.conn().await?;
                let rows = store::of_person(&mut conn, person, start, end).await?;
                let etag = etag(from, to, &rows);
                let body = Timetable {
                    from,
                    to,
                    time_zone: tz.name().to_string(),
                    events: rows.into_iter().map(TimetableEvent::from).collect(),
                };
                let week = cache::Week {
                    etag,
                    json: body.to_json_string(),
                };
                cache::put(&state.redis, person, from, to, generation, &week).await;
                week
            }
        };
        if if_none_match.as_deref() == Some(week.etag.as_str()) {
            return Ok(TimetableResponse::NotModified(week.etag));
        }
        Ok(TimetableResponse::Ok(RawJson::new(week.json), week.etag))
    }

    /// The course groups (staff with the timetable permission).
    #[oai(
        path = "/timetable/groups",
        method = "get",
        operation_id = "timetable_groups"
    )]
    async fn groups(
        &self,
        state: Data<&AppState>,
        _staff: TimetableEditor,
    ) -> ApiResult<Json<Vec<CourseGroup>>> {
        let mut conn = state.conn().await?;
        let mut groups = store::groups(&mut conn).await?;
        groups.sort();
        Ok(Json(
            groups
                .into_iter()
                .map(|(code, name)| CourseGroup { code, name })
                .collect(),
        ))
    }

    /// A group's classes from `from` to `to` (staff with the timetable permission).
    #[oai(
        path = "/timetable/groups/:code/events",
        method = "get",
        operation_id = "group_timetable"
    )]
    async fn group(
        &self,
        state: Data<&AppState>,
        _staff: TimetableEditor,
        #[oai(validator(max_length = 40))] code: Path<String>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<Timetable>> {
        let tz = state.config.university.time_zone.tz();
        let (from, to) = period(*from, *to, tz, state.clock.now())?;
        let mut conn = state.conn().await?;
        store::group_campus(&mut conn, &code)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        let (start, end) = (
            local_midnight(from, tz),
            local_midnight(to + Duration::days(1), tz),
        );
        let rows = store::of_group_between(&mut conn, &code, start, end).await?;
        Ok(Json(Timetable {
            from,
            to,
            time_zone: tz.name().to_string(),
            events: rows.into_iter().map(TimetableEvent::from).collect(),
        }))
    }

    /// Moves a class, changes its rooms, cancels or restores it (staff with the timetable
    /// permission); the people concerned are notified.
    #[oai(
        path = "/timetable/events/:id",
        method = "patch",
        operation_id = "edit_timetable_event"
    )]
    async fn edit(
        &self,
        state: Data<&AppState>,
        staff: TimetableEditor,
        id: Path<EventId>,
        body: Json<EventEdit>,
    ) -> ApiResult<Json<TimetableEvent>> {
        let rooms = checked_rooms(body.rooms.as_deref())?;
        if body.starts_at.is_none()
            && body.ends_at.is_none()
            && rooms.is_none()
            && body.cancelled.is_none()
        {
            return Err(ApiError::new(NOTHING_TO_CHANGE));
        }
        let now = state.clock.now();
        let settings = super::import::Settings::of(&state.config);
        let mut conn = state.conn().await?;
        let reason = body
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let edit = body.0;
        let staff = staff.0;
        let edited = conn
            .transaction(async |conn| {
                let stored = store::by_id(conn, *id)
                    .await?
                    .ok_or(ApiError::new(NOT_FOUND))?;
                let mut next = Version {
                    course_code: stored.course_code.clone(),
                    kind: stored.kind,
                    slot: stored.slot(),
                    campus_code: stored.campus_code.clone(),
                    groups: stored.groups.clone(),
                    fingerprint: stored.source_fingerprint.clone(),
                };
                let length = stored.ends_at - stored.starts_at;
                if let Some(start) = edit.starts_at {
                    next.slot.starts_at = start;
                    next.slot.ends_at = edit.ends_at.unwrap_or(start + length);
                } else if let Some(end) = edit.ends_at {
                    next.slot.ends_at = end;
                }
                if next.slot.ends_at <= next.slot.starts_at {
                    return Err(ApiError::new(ENDS_BEFORE_START));
                }
                if let Some(rooms) = rooms {
                    next.slot.rooms = rooms;
                }
                if let Some(cancelled) = edit.cancelled {
                    next.slot.status = if cancelled {
                        Status::Cancelled
                    } else {
                        Status::Scheduled
                    };
                }
                let title = store::course_title(conn, &stored.course_code).await?;
                let author = Author {
                    actor: Some(staff),
                    reason,
                };
                let change =
                    changes::apply(conn, &stored, &next, None, &title, author, now).await?;
                let mut pending = Pending::default();
                if let Some((people, notice)) = change {
                    pending.add(people, notice);
                }
                pending
                    .tell(conn, settings.tz, settings.notify_days, now)
                    .await?;
                tracing::info!(event = stored.id.0, staff = %staff, "timetable event edited");
                store::row(conn, stored.id)
                    .await?
                    .map(|r| Json(TimetableEvent::from(r)))
                    .ok_or(ApiError::new(NOT_FOUND))
            })
            .await?;
        cache::changed(&state.redis).await;
        Ok(edited)
    }

    /// The caller's calendar feed URL, if they made one.
    #[oai(
        path = "/me/calendar-feed",
        method = "get",
        operation_id = "my_calendar_feed"
    )]
    async fn my_feed(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<CalendarFeed>> {
        let mut conn = state.conn().await?;
        let feed = store::feed(&mut conn, caller.person_id).await?;
        Ok(Json(feed_urls(&state, caller.person_id, feed)))
    }

    /// Makes a new calendar feed URL; the previous one stops working.
    #[oai(
        path = "/me/calendar-feed",
        method = "post",
        operation_id = "renew_calendar_feed"
    )]
    async fn renew_feed(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<CalendarFeed>> {
        let now = state.clock.now();
        let mut conn = state.conn().await?;
        let generation = store::renew_feed(&mut conn, caller.person_id, now).await?;
        Ok(Json(feed_urls(
            &state,
            caller.person_id,
            Some((generation, now)),
        )))
    }

    /// A person's classes as iCalendar (RFC 5545), for phone calendars; the secret URL is the
    /// only credential.
    #[oai(
        path = "/calendar/:token",
        method = "get",
        operation_id = "calendar_feed"
    )]
    async fn calendar(
        &self,
        state: Data<&AppState>,
        #[oai(validator(max_length = 120))] token: Path<String>,
        lang: Lang,
    ) -> ApiResult<CalendarFile> {
        let key = state.config.accounts.secret.expose();
        let (person, generation) = feed::verify(key, &token).ok_or(ApiError::new(NOT_FOUND))?;
        let mut conn = state.conn().await?;
        let current = store::feed(&mut conn, person).await?;
        let holder = crate::accounts::store::by_id(&mut conn, person).await?;
        let active = holder.is_some_and(|(_, a)| {
            a.is_some_and(|a| a.state == crate::accounts::store::State::Active)
        });
        if current.map(|(g, _)| g) != Some(generation) || !active {
            return Err(ApiError::new(NOT_FOUND));
        }
        let now = state.clock.now();
        let (from, to) = feed::window(now);
        let rows = store::of_person(&mut conn, person, from, to).await?;
        let u = &state.config.university;
        let name = match lang {
            Lang::Fr => format!("Emploi du temps — {}", u.short_name),
            Lang::En => format!("Timetable — {}", u.short_name),
        };
        let host = host_of(state.config.http.public_url.as_str());
        Ok(CalendarFile::Ok(PlainText(feed::render(
            &name, host, &rows, lang, now,
        ))))
    }
}

/// Names one answer: the period, and each class at its revision (every write of an event counts
/// one more), so that comparing it costs no serialisation.
fn etag(from: NaiveDate, to: NaiveDate, rows: &[Row]) -> String {
    let mut text = format!("{from}/{to}");
    for r in rows {
        text.push_str(&format!(
            ";{}@{}:{}:{}",
            r.id, r.revision, r.title, r.colour
        ));
    }
    format!("\"{}\"", &sha256_hex(text.as_bytes())[..32])
}

fn feed_urls(
    state: &AppState,
    person: PersonId,
    feed: Option<(i32, DateTime<Utc>)>,
) -> CalendarFeed {
    let Some((generation, created_at)) = feed else {
        return CalendarFeed {
            url: None,
            webcal_url: None,
            created_at: None,
        };
    };
    let base = state.config.http.public_url.as_str().trim_end_matches('/');
    let token = feed::token(state.config.accounts.secret.expose(), person, generation);
    let url = format!("{base}/api/calendar/{token}");
    let webcal = format!(
        "webcal://{}",
        url.split_once("://").map_or(url.as_str(), |(_, rest)| rest)
    );
    CalendarFeed {
        url: Some(url),
        webcal_url: Some(webcal),
        created_at: Some(created_at),
    }
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// `from`–`to` (included), this week (Monday to Sunday) by default.
fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let today = now.with_timezone(&tz).date_naive();
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    let from = from.unwrap_or(monday);
    let to = to.unwrap_or(from + Duration::days(6));
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::new(INVALID_PERIOD));
    }
    Ok((from, to))
}

fn checked_rooms(rooms: Option<&[String]>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(rooms) = rooms else {
        return Ok(None);
    };
    let trimmed: Vec<&str> = rooms.iter().map(|r| r.trim()).collect();
    if trimmed
        .iter()
        .any(|r| r.is_empty() || r.chars().count() > 40)
    {
        return Err(ApiError::new(INVALID_ROOMS));
    }
    Ok(Some(super::model::sorted(trimmed.into_iter())))
}
