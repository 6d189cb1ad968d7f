//! Proving again that one holds the phone on record, after the secretariat corrected it: a code
//! by SMS to the new number, as at activation.

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    activation::{ActivationChallenge, CodeSubmission, NO_PHONE, answer},
    codes::{self, CODE_EXPIRED, CodeCheck, Purpose, wrong_code},
    messages, store,
    texts::{self, Flow, Text},
};
use crate::{
    errors::{ApiError, ApiResult},
    http::client::Client,
    i18n::Lang,
    limits,
    security_log::{self, Event, EventKind},
    sessions::{Caller, caller::NOT_SIGNED_IN},
    state::AppState,
};

#[derive(ApiResponse)]
pub enum Verified {
    #[oai(status = 204)]
    Verified,
}

#[derive(Default)]
pub struct PhoneVerificationApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl PhoneVerificationApi {
    /// Sends a code to the phone on record.
    #[oai(
        path = "/me/phone-verification",
        method = "post",
        operation_id = "start_phone_verification"
    )]
    async fn start(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        lang: Lang,
    ) -> ApiResult<Json<ActivationChallenge>> {
        let now = state.clock.now();
        let subject = caller.person_id.to_string();
        limits::enforce(&state, codes::TEXTS_PER_SUBJECT, &subject).await?;
        let mut conn = state.conn().await?;
        let (person, _) = store::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(NOT_SIGNED_IN))?;
        let phone = person.mobile_phone.ok_or(ApiError::new(NO_PHONE))?;
        let secret = state.config.accounts.secret.expose();
        let purpose = Purpose::PhoneVerification;
        let challenge = codes::issue(
            &state.redis,
            secret,
            purpose,
            Some(person.id.0),
            &subject,
            now,
        )
        .await?;
        let text = Text {
            message: messages::activation_code(&state.config, lang, &phone, &challenge.code),
            flow: Flow::PhoneVerification,
            person: Some(person.id),
        };
        texts::send_later(&state, Some(text), &client);
        Ok(Json(answer(&challenge, &phone, now)))
    }

    /// Checks the code; the phone counts as verified.
    #[oai(
        path = "/me/phone-verification/confirmation",
        method = "post",
        operation_id = "confirm_phone_verification"
    )]
    async fn confirm(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        body: Json<CodeSubmission>,
    ) -> ApiResult<Verified> {
        let now = state.clock.now();
        let secret = state.config.accounts.secret.expose();
        let purpose = Purpose::PhoneVerification;
        let check = codes::check(
            &state.redis,
            secret,
            purpose,
            &body.challenge,
            &body.code,
            now,
        );
        match check.await? {
            CodeCheck::Accepted(person) if person == caller.person_id.0 => {}
            CodeCheck::Accepted(_) | CodeCheck::Gone => return Err(ApiError::new(CODE_EXPIRED)),
            CodeCheck::Wrong { tries_left } => return Err(wrong_code(tries_left)),
        }
        let mut conn = state.conn().await?;
        store::phone_verified(&mut conn, caller.person_id, now).await?;
        let event = Event::of(caller.person_id, EventKind::PhoneVerified, &client);
        security_log::record(&mut conn, event, now).await?;
        Ok(Verified::Verified)
    }
}
