//! `GET /api/me/card` (the card and a fresh QR token), `GET /api/card/keys` (the public key
//! for desks), `/verify/card/{token}` (the page a desk or anyone scanning the QR sees).

use chrono::{Duration, NaiveDate};
use poem::{Request, Response, handler, http::StatusCode, web::Data};
use poem_openapi::{Object, OpenApi, payload::Json};
use serde_json::Value;

use super::token::{Claims, Keys, Refused};
use crate::{
    accounts,
    errors::{ApiError, ApiResult},
    http::page::{HOME, Html},
    i18n::{Lang, Text},
    people::model::{Enrolment, Role},
    registration::store as registrations,
    sessions::{Caller, caller},
    state::AppState,
};

crate::errors::problem!(
    NO_CARD,
    404,
    "no-student-card",
    "Pas de carte d’étudiant : elle est délivrée une fois l’inscription administrative de l’année complète.",
    "No student card: it is issued once the year's administrative registration is complete."
);

#[derive(Debug, Object)]
pub struct StudentCardView {
    pub given_name: String,
    pub family_name: String,
    pub number: String,
    pub academic_year: String,
    pub program: String,
    /// The last day of the academic year.
    pub valid_until: NaiveDate,
    /// What the QR code holds: the verification page's address with a signed token.
    pub qr: String,
    /// When the QR stops working; ask again before.
    pub qr_expires_at: chrono::DateTime<chrono::Utc>,
    /// The secretariat gave the card a photo (`GET /api/me/card/photo`).
    pub has_photo: bool,
}

#[derive(Default)]
pub struct CardApi;

#[OpenApi(tag = "crate::app::Tag::Registration")]
impl CardApi {
    /// The signed-in student's card with a fresh QR token (404 `no-student-card` for anyone
    /// without a complete registration this year, former students included).
    #[oai(path = "/me/card", method = "get", operation_id = "my_student_card")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<StudentCardView>> {
        let mut conn = state.conn().await?;
        let (person, _) = accounts::store::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
        if person.role != Role::Student || person.enrolment != Enrolment::Enrolled {
            return Err(ApiError::new(NO_CARD));
        }
        let today = state.today();
        let year = state.config.registration.academic_year(today);
        let registration = registrations::of_person(&mut conn, person.id)
            .await?
            .into_iter()
            .find(|r| r.academic_year == year && r.complete())
            .ok_or(ApiError::new(NO_CARD))?;
        let now = state.clock.now();
        let expires = now + Duration::minutes(state.config.card.token_minutes.into());
        let valid_until = state.config.registration.year_end(today);
        let public_url = state.config.http.public_url.as_str().trim_end_matches('/');
        let token = Keys::of(&state.config.card).sign(&Claims {
            iss: public_url.to_string(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            name: format!("{} {}", person.given_name, person.family_name),
            valid_until,
        });
        let has_photo = super::photo::exists(&mut conn, person.id).await?;
        Ok(Json(StudentCardView {
            has_photo,
            given_name: person.given_name,
            family_name: person.family_name,
            number: person.number,
            academic_year: year,
            program: registration.program,
            valid_until,
            qr: format!("{public_url}/verify/card/{token}"),
            qr_expires_at: expires,
        }))
    }

    /// The key that signs the cards' QR tokens, as a JWK set (Ed25519), for desks that check
    /// cards offline.
    #[oai(
        path = "/card/keys",
        method = "get",
        operation_id = "student_card_keys"
    )]
    async fn keys(&self, state: Data<&AppState>) -> Json<Value> {
        Json(Keys::of(&state.config.card).jwks())
    }
}

/// `GET /verify/card/{token}`: valid or not, with the name and the validity only.
#[handler]
pub async fn verify(
    req: &Request,
    Data(state): Data<&AppState>,
    poem::web::Path(token): poem::web::Path<String>,
) -> Response {
    let lang = Lang::of(req);
    let home = (HOME.0, HOME.1.get(lang));
    match Keys::of(&state.config.card).check(&token, state.clock.now()) {
        Ok(claims) => {
            let until = claims.valid_until.format("%d/%m/%Y").to_string();
            Html {
                status: StatusCode::OK,
                title: VALID.get(lang),
                paragraphs: &[VALID_TEXT.get(lang).to_string()],
                facts: &[
                    (
                        Text {
                            fr: "Nom",
                            en: "Name",
                        }
                        .get(lang),
                        claims.name,
                    ),
                    (
                        Text {
                            fr: "Valable jusqu’au",
                            en: "Valid until",
                        }
                        .get(lang),
                        until,
                    ),
                ],
                link: home,
            }
            .render(lang)
        }
        Err(refused) => Html {
            status: StatusCode::NOT_FOUND,
            title: INVALID.get(lang),
            paragraphs: &[match refused {
                Refused::Expired => EXPIRED_TEXT,
                Refused::Forged => FORGED_TEXT,
            }
            .get(lang)
            .to_string()],
            facts: &[],
            link: home,
        }
        .render(lang),
    }
}

const VALID: Text = Text {
    fr: "Carte d’étudiant valide",
    en: "Valid student card",
};
const VALID_TEXT: Text = Text {
    fr: "L’université confirme cette carte d’étudiant : comparez le nom avec celui de la personne.",
    en: "The university confirms this student card: compare the name with the person's.",
};
const INVALID: Text = Text {
    fr: "Carte non valide",
    en: "Card not valid",
};
const EXPIRED_TEXT: Text = Text {
    fr: "Ce code a expiré : une carte affichée dans l’ENT renouvelle son code toutes les quelques minutes. Une capture d’écran ne vaut pas carte.",
    en: "This code has expired: a card shown in the ENT renews its code every few minutes. A screenshot is not a card.",
};
const FORGED_TEXT: Text = Text {
    fr: "Ce code n’a pas été délivré par l’université.",
    en: "This code was not issued by the university.",
};
