//! First connection: number and birth date, a code by SMS to the phone on record, a password.
//!
//! Whoever asks gets the same answer in the same time, match or not: unknown numbers and
//! accounts already active get a decoy challenge that no code meets (an active account's holder
//! receives an SMS saying so instead of a code).

use chrono::{Duration, NaiveDate};
use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::{
    codes::{self, CODE_EXPIRED, CodeCheck, Purpose, Resend, wrong_code},
    messages, password,
    policy::require_acceptable,
    store::{self, Person},
    texts::{self, Flow, Text},
};
use crate::{
    errors::{ApiError, ApiResult, TOO_MANY_REQUESTS},
    http::client::Client,
    i18n::Lang,
    limits::{self, Limit},
    people::model::PersonId,
    people::model::{Enrolment, Role},
    phone, secrets,
    security_log::{self, Event, EventKind},
    state::AppState,
};

crate::errors::problem!(
    NO_PHONE,
    409,
    "activation-no-phone",
    "Aucun numéro de portable n’est enregistré pour vous : contactez le secrétariat",
    "No mobile number is on record for you: contact the secretariat"
);
crate::errors::problem!(
    TICKET_EXPIRED,
    410,
    "ticket-expired",
    "Le délai est dépassé : recommencez l’activation",
    "Time ran out: start the activation again"
);

/// How long the person has to choose a password once the code is accepted.
const TICKET_LIFETIME: Duration = Duration::minutes(30);
/// Activations started or codes re-sent from one address: a campus NAT is many people.
const ACTIVATION_PER_ADDRESS: Limit = Limit::per_hour("activation-ip", 20);

#[derive(Debug, Object)]
pub struct ActivationRequest {
    /// Student or staff number.
    #[oai(validator(min_length = 1, max_length = 40))]
    pub number: String,
    pub birth_date: NaiveDate,
}

#[derive(Debug, Object)]
pub struct ActivationChallenge {
    pub challenge: String,
    /// The phone on record, masked: `+33 6 •• •• •• 78`.
    pub masked_phone: String,
    /// Seconds before a new code can be asked for.
    pub resend_in: u32,
    /// Seconds the code stays valid.
    pub expires_in: u32,
}

#[derive(Debug, Object)]
pub struct ChallengeRef {
    #[oai(validator(max_length = 100))]
    pub challenge: String,
}

#[derive(Debug, Object)]
pub struct CodeSubmission {
    #[oai(validator(max_length = 100))]
    pub challenge: String,
    #[oai(validator(max_length = 20))]
    pub code: String,
}

#[derive(Debug, Object)]
pub struct ActivationTicket {
    /// Lets the person choose their password (30 minutes, once).
    pub ticket: String,
}

#[derive(Debug, Object)]
pub struct ActivationCompletion {
    #[oai(validator(max_length = 100))]
    pub ticket: String,
    #[oai(validator(max_length = 1024))]
    pub password: String,
}

#[derive(Debug, Object)]
pub struct ActivatedAccount {
    /// What to type to log in.
    pub identifier: String,
    pub institutional_email: String,
}

#[derive(Default)]
pub struct ActivationApi;

#[OpenApi(tag = "crate::app::Tag::Activation")]
impl ActivationApi {
    /// Starts an activation: sends a code by SMS to the phone on record.
    #[oai(
        path = "/activation",
        method = "post",
        operation_id = "start_activation"
    )]
    async fn start(
        &self,
        state: Data<&AppState>,
        client: Client,
        lang: Lang,
        body: Json<ActivationRequest>,
    ) -> ApiResult<Json<ActivationChallenge>> {
        let now = state.clock.now();
        limits::enforce(&state, ACTIVATION_PER_ADDRESS, &client.ip).await?;
        let subject = body.number.trim().to_lowercase();
        limits::enforce(&state, codes::TEXTS_PER_SUBJECT, &subject).await?;
        let mut conn = state.conn().await?;
        let holder = store::by_number_and_birth_date(&mut conn, &subject, body.birth_date).await?;
        drop(conn);
        let secret = state.config.accounts.secret.expose();
        // Who gets a code: an enrolled person without an account. An active account's holder
        // is told so instead; anyone else gets a decoy.
        let (phone, person, notice) = match holder {
            Some((p, None)) if p.enrolment == Enrolment::Enrolled => (
                p.mobile_phone.ok_or(ApiError::new(NO_PHONE))?,
                Some(p.id),
                None,
            ),
            Some((p, Some(_))) if p.mobile_phone.is_some() => {
                (p.mobile_phone.unwrap_or_default(), None, Some(p.id))
            }
            _ => (decoy_phone(&state, &["decoy-phone", &subject]), None, None),
        };
        let challenge = codes::issue(
            &state.redis,
            secret,
            Purpose::Activation,
            person.map(|p| p.0),
            &subject,
            now,
        )
        .await?;
        let config = &state.config;
        let message = match (person, notice) {
            (Some(_), _) => Some(messages::activation_code(
                config,
                lang,
                &phone,
                &challenge.code,
            )),
            (None, Some(_)) => Some(messages::already_active(config, lang, &phone)),
            (None, None) => None,
        };
        let text = message.map(|message| Text {
            message,
            flow: Flow::Activation,
            person: person.or(notice),
        });
        texts::send_later(&state, text, &client);
        Ok(Json(answer(&challenge, &phone, now)))
    }

    /// Sends a new code for the same activation (after 60 s; 5 SMS an hour at most).
    #[oai(
        path = "/activation/resend",
        method = "post",
        operation_id = "resend_activation_code"
    )]
    async fn resend(
        &self,
        state: Data<&AppState>,
        client: Client,
        lang: Lang,
        body: Json<ChallengeRef>,
    ) -> ApiResult<Json<ActivationChallenge>> {
        let now = state.clock.now();
        limits::enforce(&state, ACTIVATION_PER_ADDRESS, &client.ip).await?;
        let secret = state.config.accounts.secret.expose();
        let challenge = match codes::reissue(
            &state.redis,
            secret,
            Purpose::Activation,
            &body.challenge,
            now,
        )
        .await?
        {
            Resend::Sent(c) => c,
            Resend::TooEarly { retry_after } => {
                return Err(ApiError::new(TOO_MANY_REQUESTS).with_retry_after(retry_after));
            }
            Resend::Gone => return Err(ApiError::new(CODE_EXPIRED)),
        };
        limits::enforce(&state, codes::TEXTS_PER_SUBJECT, &challenge.subject).await?;
        let phone = match challenge.person {
            Some(id) => {
                let mut conn = state.conn().await?;
                let person = store::by_id(&mut conn, PersonId(id)).await?;
                person
                    .and_then(|(p, _)| p.mobile_phone)
                    .ok_or(ApiError::new(NO_PHONE))?
            }
            None => decoy_phone(&state, &["decoy-phone", &challenge.subject]),
        };
        let text = challenge.person.map(|person| Text {
            message: messages::activation_code(&state.config, lang, &phone, &challenge.code),
            flow: Flow::Resend,
            person: Some(PersonId(person)),
        });
        texts::send_later(&state, text, &client);
        Ok(Json(answer(&challenge, &phone, now)))
    }

    /// Checks the code (5 wrong tries at most); gives the ticket to choose a password.
    #[oai(
        path = "/activation/verification",
        method = "post",
        operation_id = "verify_activation_code"
    )]
    async fn verify(
        &self,
        state: Data<&AppState>,
        client: Client,
        body: Json<CodeSubmission>,
    ) -> ApiResult<Json<ActivationTicket>> {
        let now = state.clock.now();
        limits::enforce(&state, codes::CODES_PER_ADDRESS, &client.ip).await?;
        let secret = state.config.accounts.secret.expose();
        match codes::check(
            &state.redis,
            secret,
            Purpose::Activation,
            &body.challenge,
            &body.code,
            now,
        )
        .await?
        {
            CodeCheck::Accepted(person) => {
                let ticket = codes::issue_ticket(
                    &state.redis,
                    Purpose::Activation,
                    PersonId(person),
                    TICKET_LIFETIME,
                    now,
                )
                .await?;
                Ok(Json(ActivationTicket { ticket }))
            }
            CodeCheck::Wrong { tries_left } => Err(wrong_code(tries_left)),
            CodeCheck::Gone => Err(ApiError::new(CODE_EXPIRED)),
        }
    }

    /// Sets the password and activates the account.
    #[oai(
        path = "/activation/completion",
        method = "post",
        operation_id = "complete_activation"
    )]
    async fn complete(
        &self,
        state: Data<&AppState>,
        client: Client,
        body: Json<ActivationCompletion>,
    ) -> ApiResult<Json<ActivatedAccount>> {
        let now = state.clock.now();
        let person_id = codes::peek_ticket(&state.redis, Purpose::Activation, &body.ticket, now)
            .await?
            .ok_or(ApiError::new(TICKET_EXPIRED))?;
        let mut conn = state.conn().await?;
        let (person, account) = store::by_id(&mut conn, person_id)
            .await?
            .ok_or(ApiError::new(TICKET_EXPIRED))?;
        if account.is_some() {
            return Err(ApiError::new(TICKET_EXPIRED));
        }
        require_acceptable(&state.config.passwords, &body.password, &person)?;
        let hash = password::hash(&state.cpu, &body.password).await?;
        // Single use: of two concurrent completions, one gets the ticket.
        codes::take_ticket(&state.redis, Purpose::Activation, &body.ticket, now)
            .await?
            .ok_or(ApiError::new(TICKET_EXPIRED))?;
        let email = match &person.institutional_email {
            Some(e) => e.clone(),
            None => derive_email(&state, &mut conn, &person).await?,
        };
        let client = &client;
        conn.transaction(async |conn| {
            store::create(conn, &person, &email, &hash, now).await?;
            let event = Event::of(person.id, EventKind::Activation, client);
            security_log::record(conn, event, now).await?;
            Ok::<_, diesel::result::Error>(ActivatedAccount {
                identifier: person.number.to_lowercase(),
                institutional_email: email,
            })
        })
        .await
        .map(Json)
        .map_err(ApiError::from)
    }
}

pub fn answer(
    c: &codes::Challenge,
    phone: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> ActivationChallenge {
    ActivationChallenge {
        challenge: c.token.clone(),
        masked_phone: phone::mask(phone),
        resend_in: (c.resend_at - now).num_seconds().max(0) as u32,
        expires_in: (c.expires_at - now).num_seconds().max(0) as u32,
    }
}

/// The masked number shown when nobody matched: always the same for the same input.
fn decoy_phone(state: &AppState, parts: &[&str]) -> String {
    let seed = secrets::keyed_hash(state.config.accounts.secret.expose(), parts);
    phone::decoy(state.config.university.phone_region.id(), &seed)
}

/// `firstname.lastname@domain` from the configured rule, accents folded, a number appended when
/// the address is taken (`jean.dupont2`).
async fn derive_email(
    state: &AppState,
    conn: &mut diesel_async::AsyncPgConnection,
    person: &Person,
) -> Result<String, ApiError> {
    let a = &state.config.accounts;
    let domain = if person.role == Role::Student {
        &a.student_mail_domain
    } else {
        &a.staff_mail_domain
    };
    let local = a
        .email_local_part
        .as_str()
        .replace("{given}", &email_word(&person.given_name))
        .replace("{family}", &email_word(&person.family_name));
    let taken = store::emails_like(conn, &local, domain.as_str()).await?;
    let taken: Vec<String> = taken.iter().map(|e| e.to_lowercase()).collect();
    let candidate = |n: usize| match n {
        1 => format!("{local}@{domain}"),
        n => format!("{local}{n}@{domain}"),
    };
    Ok((1..)
        .map(candidate)
        .find(|c| !taken.contains(c))
        .expect("some number is free"))
}

/// `Jean-Édouard d'Arc` → `jean-edouard-darc`.
fn email_word(name: &str) -> String {
    crate::text::fold(name)
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            ' ' | '-' => Some('-'),
            _ => None,
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_become_address_words() {
        assert_eq!(super::email_word("Jean-Édouard d'Arc"), "jean-edouard-darc");
        assert_eq!(super::email_word("  Lefèvre  "), "lefevre");
    }
}
