//! The card's photo: uploaded by the secretariat (`PUT /api/secretariat/people/{id}/card-photo`),
//! shown on the student's own card (`GET /api/me/card/photo`). The image is sniffed, never
//! taken at the uploader's word, and every change is in the security log.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, delete, insert_into};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use poem::web::Data;
use poem_openapi::{
    ApiRequest, ApiResponse, OpenApi, ResponseContent, param::Path, payload::Binary,
};

use crate::{
    accounts::store as accounts,
    db::schema::card_photos as photos,
    errors::{ApiError, ApiResult, NOT_FOUND},
    http::client::Client,
    people::model::{PersonId, Role},
    secretariat::routes::Secretary,
    security_log::{self, Event, EventKind},
    sessions::Caller,
    state::AppState,
};

crate::errors::problem!(
    INVALID_PHOTO,
    400,
    "card-photo-invalid",
    "Photo refusée : une image JPEG, PNG ou WebP de 2 Mo au plus, d’au moins 150 × 150 pixels",
    "Photo refused: a JPEG, PNG or WebP image of 2 MB at most, at least 150 × 150 pixels"
);
crate::errors::problem!(
    NOT_A_STUDENT,
    409,
    "card-photo-not-a-student",
    "Seuls les étudiants ont une carte d’étudiant",
    "Only students have a student card"
);
crate::errors::problem!(
    NO_PHOTO,
    404,
    "no-card-photo",
    "Pas de photo pour cette carte",
    "No photo for this card"
);

/// What the API takes as a body at all (2 MiB).
const MAX_BYTES: usize = crate::http::guard::BODY_LIMIT;
const PIXELS: std::ops::RangeInclusive<usize> = 150..=6000;

/// The image, in whichever of the three formats it is.
#[derive(ApiRequest, ResponseContent)]
pub enum Image {
    #[oai(content_type = "image/jpeg")]
    Jpeg(Binary<Vec<u8>>),
    #[oai(content_type = "image/png")]
    Png(Binary<Vec<u8>>),
    #[oai(content_type = "image/webp")]
    Webp(Binary<Vec<u8>>),
}

impl Image {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Image::Jpeg(b) | Image::Png(b) | Image::Webp(b) => b.0,
        }
    }

    /// As stored: the content type read from `bytes` themselves.
    fn stored(content_type: &str, bytes: Vec<u8>) -> Image {
        match content_type {
            "image/png" => Image::Png(Binary(bytes)),
            "image/webp" => Image::Webp(Binary(bytes)),
            _ => Image::Jpeg(Binary(bytes)),
        }
    }
}

/// What `bytes` are, if they are a photo the card can take.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() > MAX_BYTES {
        return None;
    }
    let content_type = match imagesize::image_type(bytes).ok()? {
        imagesize::ImageType::Jpeg => "image/jpeg",
        imagesize::ImageType::Png => "image/png",
        imagesize::ImageType::Webp => "image/webp",
        _ => return None,
    };
    let size = imagesize::blob_size(bytes).ok()?;
    (PIXELS.contains(&size.width) && PIXELS.contains(&size.height)).then_some(content_type)
}

#[derive(ApiResponse)]
pub enum Photo {
    #[oai(status = 200)]
    Ok(
        Image,
        #[oai(header = "Cache-Control")] String,
        #[oai(header = "Last-Modified")] String,
    ),
}

#[derive(ApiResponse)]
pub enum Done {
    #[oai(status = 204)]
    Done,
}

#[derive(Default)]
pub struct PhotoApi;

#[OpenApi(tag = "crate::app::Tag::Registration")]
impl PhotoApi {
    /// The signed-in person's card photo (404 `no-card-photo` when the secretariat gave none).
    #[oai(
        path = "/me/card/photo",
        method = "get",
        operation_id = "my_card_photo"
    )]
    async fn mine(&self, state: Data<&AppState>, caller: Caller) -> ApiResult<Photo> {
        let mut conn = state.conn().await?;
        photo(&mut conn, caller.person_id).await
    }

    /// A student's card photo, as the secretariat sees it.
    #[oai(
        path = "/secretariat/people/:person_id/card-photo",
        method = "get",
        operation_id = "card_photo"
    )]
    async fn of_person(
        &self,
        state: Data<&AppState>,
        _staff: Secretary,
        person_id: Path<PersonId>,
    ) -> ApiResult<Photo> {
        let mut conn = state.conn().await?;
        photo(&mut conn, *person_id).await
    }

    /// Gives a student's card its photo (replacing the one before): JPEG, PNG or WebP, 2 MB at
    /// most, 150 to 6 000 pixels a side.
    #[oai(
        path = "/secretariat/people/:person_id/card-photo",
        method = "put",
        operation_id = "set_card_photo"
    )]
    async fn set(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
        image: Image,
    ) -> ApiResult<Done> {
        let bytes = image.into_bytes();
        let content_type = sniff(&bytes).ok_or(ApiError::new(INVALID_PHOTO))?;
        change(
            &state,
            &staff,
            &client,
            *person_id,
            Some((content_type, bytes)),
        )
        .await
    }

    /// Takes the photo off a student's card (doing it twice changes nothing).
    #[oai(
        path = "/secretariat/people/:person_id/card-photo",
        method = "delete",
        operation_id = "remove_card_photo"
    )]
    async fn remove(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
    ) -> ApiResult<Done> {
        change(&state, &staff, &client, *person_id, None).await
    }
}

async fn photo(conn: &mut AsyncPgConnection, person: PersonId) -> ApiResult<Photo> {
    let (content_type, bytes, at) = stored(conn, person).await?.ok_or(ApiError::new(NO_PHOTO))?;
    Ok(Photo::Ok(
        Image::stored(&content_type, bytes),
        "private, no-cache".into(),
        at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
    ))
}

pub async fn stored(
    conn: &mut AsyncPgConnection,
    person: PersonId,
) -> diesel::QueryResult<Option<(String, Vec<u8>, DateTime<Utc>)>> {
    photos::table
        .find(person)
        .select((photos::content_type, photos::bytes, photos::uploaded_at))
        .first(conn)
        .await
        .optional()
}

/// Whether the person's card has a photo.
pub async fn exists(conn: &mut AsyncPgConnection, person: PersonId) -> diesel::QueryResult<bool> {
    diesel::select(diesel::dsl::exists(photos::table.find(person)))
        .get_result(conn)
        .await
}

/// Sets (`Some`) or removes the photo, with its security event, in one transaction.
async fn change(
    state: &AppState,
    staff: &Secretary,
    client: &Client,
    person: PersonId,
    photo: Option<(&str, Vec<u8>)>,
) -> ApiResult<Done> {
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let (found, _) = accounts::by_id(&mut conn, person)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    if found.role != Role::Student {
        return Err(ApiError::new(NOT_A_STUDENT));
    }
    conn.transaction(async |conn| {
        let detail = match photo {
            Some((content_type, bytes)) => {
                insert_into(photos::table)
                    .values((
                        photos::person_id.eq(person),
                        photos::content_type.eq(content_type),
                        photos::bytes.eq(&bytes),
                        photos::uploaded_at.eq(now),
                    ))
                    .on_conflict(photos::person_id)
                    .do_update()
                    .set((
                        photos::content_type.eq(content_type),
                        photos::bytes.eq(&bytes),
                        photos::uploaded_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                "set"
            }
            None => {
                let removed = delete(photos::table.find(person)).execute(conn).await?;
                if removed == 0 {
                    return Ok(());
                }
                "removed"
            }
        };
        let event = Event::of(person, EventKind::CardPhotoChanged, client)
            .by(staff.0)
            .detail(detail);
        security_log::record(conn, event, now).await
    })
    .await?;
    Ok(Done::Done)
}
