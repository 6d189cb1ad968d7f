//! `/api/push/vapid-public-key`, `/api/me/push-subscription…`, `/api/me/push-preferences`,
//! `/api/me/push-test`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::NaiveTime;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::{
    model::{Category, Notification},
    store::{self, NewSubscription, Preferences, Queued},
    vapid::Signer,
};
use crate::{
    config,
    errors::{ApiError, ApiResult, NOT_FOUND},
    i18n::{Lang, Text},
    sessions::Caller,
    state::AppState,
};

crate::errors::problem!(
    INVALID_SUBSCRIPTION,
    400,
    "invalid-subscription",
    "Cet abonnement aux notifications n’est pas accepté",
    "This notification subscription is not accepted"
);
crate::errors::problem!(
    INVALID_PREFERENCES,
    400,
    "invalid-preferences",
    "Préférences de notification invalides",
    "Invalid notification preferences"
);

#[derive(Debug, Object)]
pub struct VapidPublicKey {
    /// base64url, for `PushManager.subscribe({applicationServerKey})`.
    pub key: String,
}

#[derive(Debug, Object)]
pub struct SubscriptionKeys {
    #[oai(validator(max_length = 200))]
    pub p256dh: String,
    #[oai(validator(max_length = 100))]
    pub auth: String,
}

/// `PushSubscription.toJSON()`, as the browser gives it.
#[derive(Debug, Object)]
pub struct PushSubscriptionBody {
    #[oai(validator(max_length = 2000))]
    pub endpoint: String,
    pub keys: SubscriptionKeys,
}

#[derive(Debug, Object)]
pub struct DeviceSubscription {
    /// This device receives notifications.
    pub subscribed: bool,
    /// Security alerts are muted on this device.
    pub security_muted: bool,
}

#[derive(Debug, Object)]
pub struct SecurityMute {
    pub muted: bool,
}

#[derive(Debug, Object)]
pub struct CategoryPreference {
    pub category: Category,
    pub enabled: bool,
    /// False for security: it can only be muted per device.
    pub can_disable: bool,
}

#[derive(Debug, Object)]
pub struct QuietHours {
    /// `22:00`, the university's local time.
    #[oai(validator(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub start: String,
    #[oai(validator(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub end: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PushPreferences {
    pub categories: Vec<CategoryPreference>,
    /// Notifications other than security wait until they end.
    pub quiet_hours: Option<QuietHours>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PushPreferencesUpdate {
    /// Categories turned off (security cannot be).
    #[oai(validator(max_items = 10))]
    pub disabled: Vec<Category>,
    pub quiet_hours: Option<QuietHours>,
}

#[derive(ApiResponse)]
pub enum Done {
    #[oai(status = 204)]
    Done,
}

#[derive(ApiResponse)]
pub enum Queued202 {
    /// The test notification is on its way.
    #[oai(status = 202)]
    Queued,
}

#[derive(Default)]
pub struct PushApi;

#[OpenApi(tag = "crate::app::Tag::Notifications")]
impl PushApi {
    /// The server's VAPID public key.
    #[oai(
        path = "/push/vapid-public-key",
        method = "get",
        operation_id = "vapid_public_key"
    )]
    async fn public_key(&self, state: Data<&AppState>) -> ApiResult<Json<VapidPublicKey>> {
        let signer = Signer::new(&state.config.push).map_err(ApiError::internal)?;
        Ok(Json(VapidPublicKey {
            key: signer.public_key(),
        }))
    }

    /// Whether this device receives notifications.
    #[oai(
        path = "/me/push-subscription",
        method = "get",
        operation_id = "my_push_subscription"
    )]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<DeviceSubscription>> {
        let mut conn = state.conn().await?;
        let sub = store::of_session(&mut conn, &caller.key).await?;
        Ok(Json(DeviceSubscription {
            subscribed: sub.is_some(),
            security_muted: sub.is_some_and(|s| s.security_muted),
        }))
    }

    /// Registers this device's push subscription (it ends with the session).
    #[oai(
        path = "/me/push-subscription",
        method = "put",
        operation_id = "subscribe_push"
    )]
    async fn subscribe(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
        body: Json<PushSubscriptionBody>,
    ) -> ApiResult<Done> {
        check_subscription(&state.config.push, &body)?;
        let mut conn = state.conn().await?;
        let language = if lang == Lang::En { "en" } else { "fr" };
        let new = NewSubscription {
            person: caller.person_id,
            session_key: &caller.key,
            endpoint: &body.endpoint,
            p256dh: &body.keys.p256dh,
            auth: &body.keys.auth,
            language,
        };
        store::subscribe(&mut conn, &new, state.clock.now()).await?;
        Ok(Done::Done)
    }

    /// Stops notifications on this device.
    #[oai(
        path = "/me/push-subscription",
        method = "delete",
        operation_id = "unsubscribe_push"
    )]
    async fn unsubscribe(&self, state: Data<&AppState>, caller: Caller) -> ApiResult<Done> {
        let mut conn = state.conn().await?;
        store::forget_sessions(&mut conn, std::slice::from_ref(&caller.key)).await?;
        Ok(Done::Done)
    }

    /// Mutes (or unmutes) security alerts on this device only.
    #[oai(
        path = "/me/push-subscription/security-mute",
        method = "put",
        operation_id = "mute_security_push"
    )]
    async fn mute(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        body: Json<SecurityMute>,
    ) -> ApiResult<Done> {
        let mut conn = state.conn().await?;
        let found = store::mute_security(&mut conn, &caller.key, body.muted).await?;
        found.then_some(Done::Done).ok_or(ApiError::new(NOT_FOUND))
    }

    /// The person's notification preferences.
    #[oai(
        path = "/me/push-preferences",
        method = "get",
        operation_id = "my_push_preferences"
    )]
    async fn preferences(
        &self,
        state: Data<&AppState>,
        caller: Caller,
    ) -> ApiResult<Json<PushPreferences>> {
        let mut conn = state.conn().await?;
        let p = store::preferences(&mut conn, caller.person_id).await?;
        let categories = Category::ALL
            .iter()
            .map(|&category| CategoryPreference {
                category,
                enabled: !p.disabled.contains(&category),
                can_disable: category.can_disable(),
            })
            .collect();
        let quiet_hours = p.quiet_start.zip(p.quiet_end).map(|(s, e)| QuietHours {
            start: s.format("%H:%M").to_string(),
            end: e.format("%H:%M").to_string(),
        });
        Ok(Json(PushPreferences {
            categories,
            quiet_hours,
        }))
    }

    /// Changes the preferences.
    #[oai(
        path = "/me/push-preferences",
        method = "put",
        operation_id = "set_push_preferences"
    )]
    async fn set_preferences(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        body: Json<PushPreferencesUpdate>,
    ) -> ApiResult<Done> {
        if body.disabled.iter().any(|c| !c.can_disable()) {
            return Err(ApiError::new(INVALID_PREFERENCES).with_detail(Text {
                fr: "Les alertes de sécurité ne peuvent pas être désactivées (seulement mises en sourdine sur un appareil).",
                en: "Security alerts cannot be turned off (only muted on one device).",
            }));
        }
        let time = |s: &str| {
            NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| ApiError::new(INVALID_PREFERENCES))
        };
        let (quiet_start, quiet_end) = match &body.quiet_hours {
            Some(q) if q.start != q.end => (Some(time(&q.start)?), Some(time(&q.end)?)),
            _ => (None, None),
        };
        let prefs = Preferences {
            disabled: body.disabled.clone(),
            quiet_start,
            quiet_end,
        };
        let mut conn = state.conn().await?;
        store::set_preferences(&mut conn, caller.person_id, &prefs).await?;
        Ok(Done::Done)
    }

    /// "Send me a test notification": to this device, now.
    #[oai(path = "/me/push-test", method = "post", operation_id = "test_push")]
    async fn test(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
    ) -> ApiResult<Queued202> {
        let mut conn = state.conn().await?;
        let sub = store::of_session(&mut conn, &caller.key)
            .await?
            .ok_or(ApiError::new(NOT_FOUND))?;
        let notification = Notification {
            category: Category::Security,
            title: Text {
                fr: "Notification de test",
                en: "Test notification",
            }
            .into(),
            body: Text {
                fr: "Les notifications d’ENT mobile arrivent bien sur cet appareil.",
                en: "ENT mobile's notifications reach this device.",
            }
            .into(),
            url: "/more/notifications".into(),
            tag: "test".into(),
        };
        let now = state.clock.now();
        let push = Queued {
            subscription: sub.id,
            category: Category::Security,
            payload: notification.payload(lang),
            topic: notification.topic(),
            urgency: "normal",
            ttl: 300,
            not_before: now,
        };
        store::enqueue(&mut conn, &[push], now).await?;
        Ok(Queued202::Queued)
    }
}

/// Only known push services (no SSRF), https, and keys of the right sizes.
fn check_subscription(cfg: &config::Push, body: &PushSubscriptionBody) -> Result<(), ApiError> {
    let refuse = |fr: &str, en: &str| {
        ApiError::new(INVALID_SUBSCRIPTION).with_detail(crate::i18n::Translated {
            fr: fr.into(),
            en: en.into(),
        })
    };
    if !allowed_endpoint(cfg, &body.endpoint) {
        return Err(refuse(
            "Ce service de notifications n’est pas reconnu.",
            "This push service is not a known one.",
        ));
    }
    let p256dh = URL_SAFE_NO_PAD.decode(body.keys.p256dh.trim_end_matches('='));
    let auth = URL_SAFE_NO_PAD.decode(body.keys.auth.trim_end_matches('='));
    let keys_ok =
        p256dh.is_ok_and(|k| k.len() == 65 && k[0] == 4) && auth.is_ok_and(|a| a.len() == 16);
    if !keys_ok {
        return Err(refuse(
            "Clés d’abonnement invalides.",
            "Invalid subscription keys.",
        ));
    }
    Ok(())
}

/// `https://` on an allowed host (`*.push.apple.com` covers its subdomains); `http://127.0.0.1`
/// only when `allow_loopback` (tests).
pub fn allowed_endpoint(cfg: &config::Push, endpoint: &str) -> bool {
    let Ok(url) = url::Url::parse(endpoint) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => cfg.allowed_hosts.iter().any(|allowed| {
            let allowed = allowed.as_str().to_ascii_lowercase();
            match allowed.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == allowed,
            }
        }),
        "http" => cfg.allow_loopback && (host == "127.0.0.1" || host == "localhost"),
        _ => false,
    }
}
