//! The security log: every security event, for the person's own history and for audit. All
//! events go through [`record`], the one place where notifications can hook in.

pub mod routes;

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, insert_into};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use poem_openapi::{Enum, Object};

use crate::{
    db::{schema::security_events as ev, words::stored_word},
    http::client::Client,
    i18n::Translated,
    people::model::PersonId,
    push::{self, Category, Notification},
};

stored_word! {
    #[derive(Enum)]
    #[oai(rename_all = "snake_case")]
    pub enum EventKind {
        Activation = "activation",
        Login = "login",
        LoginFailed = "login_failed",
        AccountLocked = "account_locked",
        PasswordChanged = "password_changed",
        PasswordReset = "password_reset",
        RecoveryRequested = "recovery_requested",
        TwoFactorEnabled = "two_factor_enabled",
        TwoFactorDisabled = "two_factor_disabled",
        TwoFactorFailed = "two_factor_failed",
        SessionRevoked = "session_revoked",
        AccountSuspended = "account_suspended",
        AccountReinstated = "account_reinstated",
        AccountClosed = "account_closed",
        PhoneChanged = "phone_changed",
        PhoneVerified = "phone_verified",
        ActivationInvited = "activation_invited",
        /// A text message not sent: its phone had received its share (`limits.sms_per_phone_*`).
        SmsWithheld = "sms_withheld",
        /// A service opened through the central authentication service (detail: its code).
        ServiceOpened = "service_opened",
        /// The secretariat gave the student card a photo or took it off (detail: set, removed).
        CardPhotoChanged = "card_photo_changed",
        /// Detail: the passkey's name.
        PasskeyAdded = "passkey_added",
        /// Detail: the names removed (by the person, or by the secretariat for a lost phone).
        PasskeyRemoved = "passkey_removed",
        /// A passkey's signature counter went backwards: a cloned authenticator, refused.
        PasskeyRefused = "passkey_refused",
    }
}

/// One event about `person` (when known), caused from `client`.
pub struct Event<'a> {
    pub person_id: Option<PersonId>,
    pub kind: EventKind,
    pub success: bool,
    pub client: &'a Client,
    /// The member of staff who acted, for secretariat actions.
    pub actor_id: Option<PersonId>,
    pub detail: Option<String>,
}

impl<'a> Event<'a> {
    pub fn of(person_id: PersonId, kind: EventKind, client: &'a Client) -> Self {
        Self::about(Some(person_id), kind, client)
    }

    /// An event about a person who may not be known (someone typed a number).
    pub fn about(person_id: Option<PersonId>, kind: EventKind, client: &'a Client) -> Self {
        Event {
            person_id,
            kind,
            success: true,
            client,
            actor_id: None,
            detail: None,
        }
    }

    pub fn failed(mut self) -> Self {
        self.success = false;
        self
    }

    pub fn by(mut self, actor: PersonId) -> Self {
        self.actor_id = Some(actor);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Writes the event, and queues its alert to the person's devices; call it in the transaction
/// of the change it records.
pub async fn record(
    conn: &mut AsyncPgConnection,
    event: Event<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let device = describe_device(&event.client.user_agent);
    if let Some(person) = event.person_id.filter(|_| event.success) {
        let alert = match event.kind {
            EventKind::Login if !new_device(conn, person, &device).await? => None,
            kind => alert(kind, &device),
        };
        if let Some(alert) = alert {
            // Security alerts ignore quiet hours: the time zone does not matter.
            push::notify(conn, chrono_tz::UTC, person, &alert, now).await?;
        }
    }
    tracing::info!(
        security.kind = %event.kind.as_str(), security.success = event.success,
        person = ?event.person_id, actor = ?event.actor_id, ip = %event.client.ip, "security event"
    );
    insert_into(ev::table)
        .values((
            ev::person_id.eq(event.person_id),
            ev::kind.eq(event.kind),
            ev::success.eq(event.success),
            ev::at.eq(now),
            ev::ip.eq(&event.client.ip),
            ev::device.eq(device),
            ev::actor_id.eq(event.actor_id),
            ev::detail.eq(event.detail),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Whether no earlier login of the person came from this device.
async fn new_device(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    device: &str,
) -> diesel::QueryResult<bool> {
    let earlier: i64 = ev::table
        .filter(ev::person_id.eq(person))
        .filter(ev::kind.eq("login"))
        .filter(ev::success.eq(true))
        .filter(ev::device.eq(device))
        .count()
        .get_result(conn)
        .await?;
    Ok(earlier == 0)
}

/// The push alert an event deserves, if any.
fn alert(kind: EventKind, device: &str) -> Option<Notification> {
    use EventKind::*;
    let (fr, en, body_fr, body_en): (&str, &str, String, String) = match kind {
        Login => (
            "Nouvelle connexion",
            "New sign-in",
            format!(
                "Connexion depuis un nouvel appareil : {device}. Si ce n’est pas vous, changez votre mot de passe."
            ),
            format!(
                "Signed in from a new device: {device}. If it was not you, change your password."
            ),
        ),
        PasswordChanged => (
            "Mot de passe modifié",
            "Password changed",
            "Le mot de passe de votre compte a été modifié.".into(),
            "Your account's password was changed.".into(),
        ),
        PasswordReset => (
            "Mot de passe réinitialisé",
            "Password reset",
            "Votre mot de passe a été réinitialisé par le lien reçu par e-mail.".into(),
            "Your password was reset with the link sent by e-mail.".into(),
        ),
        TwoFactorEnabled => (
            "Double authentification activée",
            "Two-factor turned on",
            "La double authentification protège désormais votre compte.".into(),
            "Two-factor authentication now protects your account.".into(),
        ),
        TwoFactorDisabled => (
            "Double authentification désactivée",
            "Two-factor turned off",
            "La double authentification a été désactivée sur votre compte.".into(),
            "Two-factor authentication was turned off on your account.".into(),
        ),
        AccountLocked => (
            "Compte bloqué quelques instants",
            "Account locked for a moment",
            "Plusieurs mots de passe erronés ont été essayés sur votre compte.".into(),
            "Several wrong passwords were tried on your account.".into(),
        ),
        SessionRevoked => (
            "Appareil déconnecté",
            "Device signed out",
            "Une session de votre compte a été fermée.".into(),
            "A session of your account was ended.".into(),
        ),
        PasskeyAdded => (
            "Clé d’accès ajoutée",
            "Passkey added",
            format!("Une clé d’accès a été ajoutée à votre compte depuis : {device}."),
            format!("A passkey was added to your account from: {device}."),
        ),
        PasskeyRemoved => (
            "Clé d’accès supprimée",
            "Passkey removed",
            "Une clé d’accès a été supprimée de votre compte.".into(),
            "A passkey was removed from your account.".into(),
        ),
        Activation => (
            "Compte activé",
            "Account activated",
            "Votre compte ENT est activé.".into(),
            "Your ENT account is activated.".into(),
        ),
        _ => return None,
    };
    Some(Notification {
        category: Category::Security,
        title: Translated {
            fr: fr.into(),
            en: en.into(),
        },
        body: Translated {
            fr: body_fr,
            en: body_en,
        },
        url: "/more/security".into(),
        tag: format!("security-{}", kind.as_str()),
    })
}

/// One line of a person's security history.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SecurityEvent {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub success: bool,
    pub ip: String,
    pub device: String,
    /// For `service_opened`: the code of the service (« Tous les services » names it). Other
    /// events' details stay for audit.
    pub service: Option<String>,
}

/// The person's latest events, newest first.
pub async fn recent(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    limit: i64,
) -> diesel::QueryResult<Vec<SecurityEvent>> {
    type Row = (
        DateTime<Utc>,
        EventKind,
        bool,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = ev::table
        .filter(ev::person_id.eq(person))
        .order((ev::at.desc(), ev::id.desc()))
        .limit(limit)
        .select((
            ev::at,
            ev::kind,
            ev::success,
            ev::ip,
            ev::device,
            ev::detail,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(at, kind, success, ip, device, detail)| SecurityEvent {
            service: detail.filter(|_| kind == EventKind::ServiceOpened),
            at,
            kind,
            success,
            ip,
            device,
        })
        .collect())
}

/// "Firefox · Android" from a user agent, for people to recognise their devices.
pub fn describe_device(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(r) if r.name != "UNKNOWN" => {
            let os = if r.os == "UNKNOWN" { "" } else { r.os };
            format!("{} · {}", r.name, os)
                .trim_end_matches(" · ")
                .to_string()
        }
        _ if !user_agent.trim().is_empty() => user_agent.chars().take(100).collect(),
        _ => "?".into(),
    }
}
