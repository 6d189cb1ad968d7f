//! `/api/secretariat/people…`: account administration, for staff with the `accounts`
//! permission. Everyone else gets 404, as if it did not exist.

use poem::{FromRequest, Request, RequestBody, web::Data};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, param::Path, param::Query, payload::Json};

use super::{
    actions::{self, Action, Actor},
    store,
};
use crate::{
    accounts::store::{self as accounts, Holder, State, SuspensionReason},
    errors::{ApiError, ApiResult, NOT_FOUND},
    http::client::Client,
    i18n::Lang,
    people::model::PersonId,
    people::model::{Enrolment, Role},
    registration::{self, routes::RegistrationView},
    security_log::{self, SecurityEvent},
    sessions::{Caller, store as sessions},
    state::AppState,
};

/// A member of staff with the `accounts` permission.
pub struct Secretary(pub PersonId);

impl<'a> FromRequest<'a> for Secretary {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let caller = Caller::holding(req, body, "accounts").await?;
        Ok(Secretary(caller.person_id))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum AccountState {
    /// Not activated yet.
    Pending,
    Active,
    Suspended,
    Closed,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PersonAccount {
    pub person_id: PersonId,
    pub number: String,
    pub family_name: String,
    pub given_name: String,
    pub role: Role,
    pub institutional_email: Option<String>,
    pub mobile_phone: Option<String>,
    pub enrolment: Enrolment,
    pub account_state: AccountState,
    pub suspension_reason: Option<SuspensionReason>,
    pub suspension_note: Option<String>,
    pub two_factor_enabled: bool,
}

impl From<Holder> for PersonAccount {
    fn from((p, a): Holder) -> Self {
        let account_state = match a.as_ref().map(|a| a.state) {
            None => AccountState::Pending,
            Some(State::Active) => AccountState::Active,
            Some(State::Suspended) => AccountState::Suspended,
            Some(State::Closed) => AccountState::Closed,
        };
        PersonAccount {
            person_id: p.id,
            number: p.number,
            family_name: p.family_name,
            given_name: p.given_name,
            role: p.role,
            institutional_email: p.institutional_email,
            mobile_phone: p.mobile_phone,
            enrolment: p.enrolment,
            account_state,
            suspension_reason: a.as_ref().and_then(|a| a.suspension_reason),
            suspension_note: a.as_ref().and_then(|a| a.suspension_note.clone()),
            two_factor_enabled: a.is_some_and(|a| a.two_factor_on()),
        }
    }
}

#[derive(Debug, Object)]
pub struct PersonAccountDetail {
    pub account: PersonAccount,
    pub active_sessions: u32,
    /// The 20 latest security events.
    pub events: Vec<SecurityEvent>,
    /// Where the registrar says their registrations stand, the latest year first.
    pub registrations: Vec<RegistrationView>,
}

#[derive(Debug, Object)]
pub struct Suspension {
    pub reason: SuspensionReason,
    /// For the secretariat's records (not shown to the person).
    #[oai(validator(max_length = 1000))]
    pub note: String,
}

#[derive(Debug, Object)]
pub struct PhoneCorrection {
    #[oai(validator(max_length = 40))]
    pub phone: String,
}

#[derive(ApiResponse)]
pub enum Done {
    #[oai(status = 204)]
    Done,
}

#[derive(Default)]
pub struct SecretariatApi;

#[OpenApi(tag = "crate::app::Tag::Secretariat")]
impl SecretariatApi {
    /// Finds people by number, name or e-mail (20 at most).
    #[oai(
        path = "/secretariat/people",
        method = "get",
        operation_id = "find_people"
    )]
    async fn find(
        &self,
        state: Data<&AppState>,
        _staff: Secretary,
        #[oai(validator(min_length = 2, max_length = 100))] q: Query<String>,
    ) -> ApiResult<Json<Vec<PersonAccount>>> {
        let mut conn = state.conn().await?;
        let found = store::search(&mut conn, q.trim(), 20).await?;
        Ok(Json(found.into_iter().map(PersonAccount::from).collect()))
    }

    /// One person's account, sessions and recent security events.
    #[oai(
        path = "/secretariat/people/:person_id",
        method = "get",
        operation_id = "person_account"
    )]
    async fn detail(
        &self,
        state: Data<&AppState>,
        _staff: Secretary,
        person_id: Path<PersonId>,
    ) -> ApiResult<Json<PersonAccountDetail>> {
        let mut conn = state.conn().await?;
        let holder = accounts::by_id(&mut conn, *person_id)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        let events = security_log::recent(&mut conn, *person_id, 20).await?;
        let active_sessions = sessions::list(&state.redis, *person_id).await?.len() as u32;
        let registrations = registration::routes::views_of(&state, *person_id).await?;
        Ok(Json(PersonAccountDetail {
            registrations,
            account: holder.into(),
            active_sessions,
            events,
        }))
    }

    /// Suspends the account (its sessions end at once).
    #[oai(
        path = "/secretariat/people/:person_id/suspension",
        method = "post",
        operation_id = "suspend_account"
    )]
    async fn suspend(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
        body: Json<Suspension>,
    ) -> ApiResult<Done> {
        let action = Action::Suspend {
            reason: body.reason,
            note: body.0.note,
        };
        act(&state, &staff, &client, *person_id, action).await
    }

    /// Lifts a suspension (or reopens a closed account).
    #[oai(
        path = "/secretariat/people/:person_id/suspension",
        method = "delete",
        operation_id = "reinstate_account"
    )]
    async fn reinstate(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
    ) -> ApiResult<Done> {
        act(&state, &staff, &client, *person_id, Action::Reinstate).await
    }

    /// Closes the account (its sessions end at once).
    #[oai(
        path = "/secretariat/people/:person_id/closure",
        method = "post",
        operation_id = "close_account"
    )]
    async fn close(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
    ) -> ApiResult<Done> {
        act(&state, &staff, &client, *person_id, Action::Close).await
    }

    /// Sends an SMS inviting a person who has not activated their account to do so.
    #[oai(
        path = "/secretariat/people/:person_id/activation-invitation",
        method = "post",
        operation_id = "invite_to_activate"
    )]
    async fn invite(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        lang: Lang,
        person_id: Path<PersonId>,
    ) -> ApiResult<Done> {
        act(
            &state,
            &staff,
            &client,
            *person_id,
            Action::InviteToActivate(lang),
        )
        .await
    }

    /// Corrects the mobile number on record.
    #[oai(
        path = "/secretariat/people/:person_id/phone",
        method = "put",
        operation_id = "correct_phone"
    )]
    async fn phone(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
        body: Json<PhoneCorrection>,
    ) -> ApiResult<Done> {
        let phone = actions::read_phone(&state, &body.phone)?;
        act(&state, &staff, &client, *person_id, Action::SetPhone(phone)).await
    }

    /// Ends every session of the person.
    #[oai(
        path = "/secretariat/people/:person_id/session-revocation",
        method = "post",
        operation_id = "end_person_sessions"
    )]
    async fn end_sessions(
        &self,
        state: Data<&AppState>,
        staff: Secretary,
        client: Client,
        person_id: Path<PersonId>,
    ) -> ApiResult<Done> {
        act(&state, &staff, &client, *person_id, Action::EndSessions).await
    }
}

async fn act(
    state: &AppState,
    staff: &Secretary,
    client: &Client,
    person: PersonId,
    action: Action,
) -> ApiResult<Done> {
    let actor = Actor {
        staff: Some(staff.0),
        client,
    };
    actions::apply(state, person, action, &actor).await?;
    Ok(Done::Done)
}
