//! What the secretariat does to an account, shared by the API and `ent account`. Every action
//! is written to the security log with the member of staff who took it.

use diesel_async::AsyncConnection;

use super::store;
use crate::{
    accounts::{
        messages,
        store::{self as accounts, Person, State, SuspensionReason},
        texts::{self, Flow, Text},
    },
    couriers,
    errors::{ApiError, NOT_FOUND},
    http::client::Client,
    i18n::{Lang, Translated},
    limits::Verdict,
    people::model::PersonId,
    phone::{self, MobilePhone},
    security_log::{self, Event, EventKind},
    sessions,
    state::AppState,
};

crate::errors::problem!(
    NOT_ACTIVATED,
    409,
    "account-not-activated",
    "Ce compte n’est pas encore activé",
    "This account is not activated yet"
);
crate::errors::problem!(
    ALREADY_ACTIVATED,
    409,
    "account-already-activated",
    "Ce compte est déjà activé",
    "This account is already activated"
);
crate::errors::problem!(
    PHONE_SATURATED,
    429,
    "phone-texted-enough",
    "Ce numéro a reçu assez de SMS pour le moment : réessayez plus tard",
    "This number has received enough text messages for now: try again later"
);
crate::errors::problem!(
    INVALID_PHONE,
    400,
    "invalid-phone",
    "Numéro de portable invalide",
    "Invalid mobile number"
);

pub enum Action {
    Suspend {
        reason: SuspensionReason,
        note: String,
    },
    Reinstate,
    Close,
    /// An SMS inviting a person who has not activated yet to do so.
    InviteToActivate(Lang),
    /// Corrects the phone on record; the person proves they hold it at their next activation.
    SetPhone(String),
    EndSessions,
}

/// Who acts: a member of staff (none from the command line) and from where.
pub struct Actor<'a> {
    pub staff: Option<PersonId>,
    pub client: &'a Client,
}

pub async fn apply(
    state: &AppState,
    person: PersonId,
    action: Action,
    actor: &Actor<'_>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let (found, account) = accounts::by_id(&mut conn, person)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    let event = |kind| {
        let e = Event::of(person, kind, actor.client);
        match actor.staff {
            Some(staff) => e.by(staff),
            None => e,
        }
    };
    if let Action::InviteToActivate(lang) = &action {
        admit_invitation(state, &mut conn, &found, account.is_some(), *lang, actor).await?;
    }
    let ends_sessions = matches!(
        action,
        Action::Suspend { .. } | Action::Close | Action::EndSessions
    );
    let result = conn
        .transaction(async |conn| {
            let (kind, detail) = match &action {
                Action::Suspend { reason, note } => {
                    let ok = store::set_state(
                        conn,
                        person,
                        State::Suspended,
                        Some(*reason),
                        Some(note),
                        now,
                    )
                    .await?;
                    (
                        ok.then_some(EventKind::AccountSuspended),
                        Some(reason.as_str().to_string()),
                    )
                }
                Action::Reinstate => {
                    let ok = store::set_state(conn, person, State::Active, None, None, now).await?;
                    (ok.then_some(EventKind::AccountReinstated), None)
                }
                Action::Close => {
                    let ok = store::set_state(conn, person, State::Closed, None, None, now).await?;
                    (ok.then_some(EventKind::AccountClosed), None)
                }
                Action::InviteToActivate(lang) => {
                    let Some(phone) = found.mobile_phone.as_deref().filter(|_| account.is_none())
                    else {
                        return Ok(None);
                    };
                    couriers::enqueue(
                        conn,
                        &messages::activation_invitation(&state.config, *lang, phone),
                        now,
                    )
                    .await?;
                    (Some(EventKind::ActivationInvited), None)
                }
                Action::SetPhone(phone) => {
                    store::set_phone(conn, person, phone).await?;
                    (Some(EventKind::PhoneChanged), Some(phone::mask(phone)))
                }
                Action::EndSessions => (Some(EventKind::SessionRevoked), None),
            };
            let Some(kind) = kind else { return Ok(None) };
            let e = event(kind);
            let e = match detail {
                Some(d) => e.detail(d),
                None => e,
            };
            security_log::record(conn, e, now).await?;
            Ok::<_, diesel::result::Error>(Some(()))
        })
        .await?;
    if result.is_none() {
        return Err(match action {
            Action::InviteToActivate(_) if account.is_some() => ApiError::new(ALREADY_ACTIVATED),
            Action::InviteToActivate(_) => ApiError::new(INVALID_PHONE),
            _ => ApiError::new(NOT_ACTIVATED),
        });
    }
    if ends_sessions {
        sessions::end_all(state, person, None).await?;
    }
    Ok(())
}

/// Reads a phone number typed by staff, or says what is wrong with it.
pub fn read_phone(state: &AppState, input: &str) -> Result<String, ApiError> {
    let region = state.config.university.phone_region.id();
    MobilePhone::parse(input, region).map_err(|e| {
        ApiError::new(INVALID_PHONE).with_detail(Translated {
            fr: format!("« {input} » n’est pas un numéro de portable valide."),
            en: e.to_string(),
        })
    })
}

/// After a people import: people no longer enrolled lose their account and sessions.
pub async fn close_former_accounts(state: &AppState, client: &Client) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let closed = conn
        .transaction(async |conn| {
            let closed = store::close_former(conn, now).await?;
            for person in &closed {
                let event = Event::of(*person, EventKind::AccountClosed, client);
                security_log::record(conn, event.detail("no longer enrolled"), now).await?;
            }
            Ok::<_, diesel::result::Error>(closed)
        })
        .await?;
    for person in &closed {
        sessions::end_all(state, *person, None).await?;
    }
    Ok(closed.len())
}

/// The per-phone limit, counted before the invitation is queued: staff are told when the phone
/// has had its share (nobody is enumerating here), and the withheld text is logged as elsewhere.
async fn admit_invitation(
    state: &AppState,
    conn: &mut diesel_async::AsyncPgConnection,
    person: &Person,
    activated: bool,
    lang: Lang,
    actor: &Actor<'_>,
) -> Result<(), ApiError> {
    let Some(phone) = person.mobile_phone.as_deref().filter(|_| !activated) else {
        return Ok(());
    };
    let Verdict::Refused { retry_after } = texts::admit(state, phone).await? else {
        return Ok(());
    };
    let text = Text {
        message: messages::activation_invitation(&state.config, lang, phone),
        flow: Flow::Invitation,
        person: Some(person.id),
    };
    texts::withheld(conn, state, &text, actor.client).await?;
    Err(ApiError::new(PHONE_SATURATED).with_retry_after(retry_after))
}
