//! Every text message about an account leaves through here. On top of the limits per number
//! typed and per address, one destination phone receives at most `limits.sms_per_phone_per_hour`
//! and `…_per_day` texts, whoever asks and whichever record holds the number (siblings may share
//! a family phone; the registrar's file may hold a mistake). A text over the limit is not sent
//! and the asker is not told (that would say whose phone it is): the security log and
//! `sms_withheld_total` in `/metrics` say so.

use diesel_async::AsyncPgConnection;

use crate::{
    couriers::{self, Message},
    errors::ApiError,
    http::client::Client,
    limits::{self, Limit, Verdict},
    people::model::PersonId,
    phone,
    security_log::{self, Event, EventKind},
    state::AppState,
};

/// Which flow a text belongs to: the label of the metric and the security log's detail.
#[derive(Debug, Clone, Copy)]
pub enum Flow {
    Activation,
    Resend,
    PhoneVerification,
    Invitation,
}

impl Flow {
    fn as_str(self) -> &'static str {
        match self {
            Flow::Activation => "activation",
            Flow::Resend => "resend",
            Flow::PhoneVerification => "phone_verification",
            Flow::Invitation => "invitation",
        }
    }
}

/// A text to send: the message, its flow, and whom it is about when known.
pub struct Text {
    pub message: Message,
    pub flow: Flow,
    pub person: Option<PersonId>,
}

/// Counts one more text to `phone` in both windows; refused beyond either limit.
pub async fn admit(state: &AppState, phone: &str) -> Result<Verdict, ApiError> {
    let l = &state.config.limits;
    let now = state.clock.now();
    for limit in [
        Limit::per_hour("sms-phone-hour", l.sms_per_phone_per_hour),
        Limit::per_day("sms-phone-day", l.sms_per_phone_per_day),
    ] {
        let verdict = limits::hit(&state.redis, limit, phone, now).await?;
        if verdict != Verdict::Allowed {
            return Ok(verdict);
        }
    }
    Ok(Verdict::Allowed)
}

/// Queues `text` if its phone is within its limits; otherwise records it as withheld.
/// Whether it was queued.
pub async fn send(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    text: &Text,
    client: &Client,
) -> Result<bool, ApiError> {
    let now = state.clock.now();
    if admit(state, &text.message.recipient).await? == Verdict::Allowed {
        couriers::enqueue(conn, &text.message, now).await?;
        return Ok(true);
    }
    withheld(conn, state, text, client).await?;
    Ok(false)
}

/// Writes the withheld text to the security log (masked phone and flow) and counts it.
pub async fn withheld(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    text: &Text,
    client: &Client,
) -> diesel::QueryResult<()> {
    let flow = text.flow.as_str();
    state.metrics.sms_withheld(flow);
    tracing::warn!(
        flow,
        "text message withheld: its phone had received its share"
    );
    let detail = format!("{flow} {}", phone::mask(&text.message.recipient));
    let event = Event::about(text.person, EventKind::SmsWithheld, client)
        .failed()
        .detail(detail);
    security_log::record(conn, event, state.clock.now()).await
}

/// Sends `text` after answering, so that the answer takes the same time whether a text goes
/// or not, and whether the phone is over its limit or not (an instance that dies in between
/// loses it; the person asks again).
pub fn send_later(state: &AppState, text: Option<Text>, client: &Client) {
    let Some(text) = text else { return };
    let (state, client) = (state.clone(), client.clone());
    tokio::spawn(async move {
        let sent = match state.db.get().await {
            Ok(mut conn) => send(&mut conn, &state, &text, &client)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = sent {
            tracing::error!(error = %e, flow = text.flow.as_str(), "text message not queued");
        }
    });
}
