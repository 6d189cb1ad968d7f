//! Profil → Sécurité → Mot de passe: the current password, a new one under the policy.

use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::{messages::ProtectionChange, notices, password, policy::require_acceptable, store};
use crate::{
    errors::ApiResult,
    http::client::Client,
    i18n::Lang,
    security_log::{self, Event, EventKind},
    sessions::{
        self, Caller,
        login::{confirm_password, renew},
    },
    state::AppState,
};

#[derive(Debug, Object)]
pub struct PasswordChange {
    #[oai(validator(max_length = 1024))]
    pub current_password: String,
    #[oai(validator(max_length = 1024))]
    pub new_password: String,
    /// End the sessions on the person's other devices (ticked by default in the PWA).
    #[oai(default = "default_true")]
    pub end_other_sessions: bool,
}

fn default_true() -> bool {
    true
}

#[derive(ApiResponse)]
pub enum Changed {
    /// Changed; this session continues under a new id.
    #[oai(status = 204)]
    Changed(#[oai(header = "Set-Cookie")] String),
}

#[derive(Default)]
pub struct PasswordChangeApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl PasswordChangeApi {
    /// Changes the signed-in person's password.
    #[oai(
        path = "/me/password",
        method = "put",
        operation_id = "change_password"
    )]
    async fn change(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        client: Client,
        lang: Lang,
        body: Json<PasswordChange>,
    ) -> ApiResult<Changed> {
        let now = state.clock.now();
        let (person, _) =
            confirm_password(&state, &caller, &client, &body.current_password).await?;
        require_acceptable(&state.config.passwords, &body.new_password, &person)?;
        let hash = password::hash(&state.cpu, &body.new_password).await?;
        let mut conn = state.conn().await?;
        let client = &client;
        conn.transaction(async |conn| {
            store::set_password(conn, person.id, &hash, now).await?;
            let change = ProtectionChange::PasswordChanged;
            notices::protection_changed(conn, &state.config, lang, person.id, change, client, now)
                .await?;
            let event = Event::of(person.id, EventKind::PasswordChanged, client);
            security_log::record(conn, event, now).await
        })
        .await?;
        if body.end_other_sessions {
            sessions::end_all(&state, person.id, Some(&caller.key)).await?;
        }
        Ok(Changed::Changed(renew(&state, caller).await?))
    }
}
