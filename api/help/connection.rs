//! "Assistance connexion étudiant": someone who cannot log in or activate files a request with
//! their number, names and birth date, and an e-mail address they prove they read by typing the
//! code sent to it. The request lands in the `help.connection_category` queue with whether the
//! details match a registrar record, which only staff see: every answer here is the same
//! whether or not such a record exists.

use chrono::NaiveDate;
use diesel_async::AsyncConnection;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    model::RegistrarMatch,
    model::{self, MESSAGE, MESSAGE_MAX, SUBJECT, SUBJECT_MAX},
    model::{category, lang_code},
    store::{self, Contact, Filed, HelpRequestId},
};
use crate::{
    accounts::{
        self,
        codes::{self, CODE_EXPIRED, CodeCheck, Purpose, Resend, wrong_code},
    },
    config::Config,
    couriers::{self, Channel, Message},
    errors::{ApiError, ApiResult, TOO_MANY_REQUESTS},
    http::client::Client,
    i18n::{Lang, Translated},
    limits::{self, Limit},
    people::model::PersonId,
    state::AppState,
    text::fold,
};

/// Connection-help requests from one address and to one mailbox, and codes re-sent.
const REQUESTS_PER_ADDRESS: Limit = Limit::per_hour("connection-help-ip", 5);
const REQUESTS_PER_EMAIL: Limit = Limit::per_hour("connection-help-email", 3);
const RESENDS_PER_ADDRESS: Limit = Limit::per_hour("connection-help-resend-ip", 10);

crate::errors::problem!(
    INVALID_EMAIL,
    400,
    "invalid-email",
    "Adresse e-mail invalide",
    "Invalid e-mail address"
);

#[derive(Debug, Object)]
pub struct ConnectionRequest {
    /// Student or staff number, as on the card.
    #[oai(validator(min_length = 1, max_length = 40))]
    pub number: String,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub family_name: String,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub given_name: String,
    pub birth_date: NaiveDate,
    /// Where the answer goes; a code is sent to it first.
    #[oai(validator(max_length = 254))]
    pub email: String,
    /// 200 characters at most.
    pub subject: String,
    /// 10 000 characters at most; shown as text.
    pub message: String,
}

#[derive(Debug, Object)]
pub struct EmailChallenge {
    /// Names this request in the next calls.
    pub challenge: String,
    pub resend_in: u32,
    pub expires_in: u32,
}

#[derive(Debug, Object)]
pub struct EmailChallengeRef {
    #[oai(validator(max_length = 100))]
    pub challenge: String,
}

#[derive(Debug, Object)]
pub struct EmailCode {
    #[oai(validator(max_length = 100))]
    pub challenge: String,
    #[oai(validator(max_length = 12))]
    pub code: String,
}

#[derive(Debug, Object)]
pub struct ConnectionFiled {
    /// The request's number, to quote.
    pub reference: HelpRequestId,
}

#[derive(ApiResponse)]
pub enum CodeSent {
    /// A code is on its way to the address.
    #[oai(status = 202)]
    Sent(Json<EmailChallenge>),
}

#[derive(ApiResponse)]
pub enum RequestFiled {
    #[oai(status = 201)]
    Filed(Json<ConnectionFiled>),
}

/// What waits in Redis for the code, under the challenge's draft id.
#[derive(Debug, Serialize, Deserialize)]
struct Draft {
    number: String,
    family_name: String,
    given_name: String,
    birth_date: NaiveDate,
    email: String,
    subject: String,
    message: String,
    lang: String,
}

#[derive(Default)]
pub struct ConnectionApi;

#[OpenApi(tag = "crate::app::Tag::Assistance")]
impl ConnectionApi {
    /// Starts a request without an account: checks it and sends a code to the e-mail address
    /// (5 requests an hour per address and 3 codes per e-mail address).
    #[oai(
        path = "/assistance/connection",
        method = "post",
        operation_id = "start_connection_assistance"
    )]
    async fn start(
        &self,
        state: Data<&AppState>,
        client: Client,
        lang: Lang,
        body: Json<ConnectionRequest>,
    ) -> ApiResult<CodeSent> {
        let body = body.0;
        let email = checked_email(&body.email)?;
        let draft = Draft {
            number: body.number.trim().to_string(),
            family_name: body.family_name.trim().to_string(),
            given_name: body.given_name.trim().to_string(),
            birth_date: body.birth_date,
            subject: model::text(&body.subject, SUBJECT_MAX, SUBJECT)?,
            message: model::text(&body.message, MESSAGE_MAX, MESSAGE)?,
            email,
            lang: lang_code(lang).to_string(),
        };
        if draft.number.is_empty() || draft.family_name.is_empty() || draft.given_name.is_empty() {
            return Err(
                ApiError::new(model::INVALID_HELP_REQUEST).with_detail(Translated {
                    fr: "Le numéro, le nom et le prénom sont obligatoires.".into(),
                    en: "The number, family name and given name are required.".into(),
                }),
            );
        }
        limits::enforce(&state, REQUESTS_PER_ADDRESS, &client.ip).await?;
        limits::enforce(&state, REQUESTS_PER_EMAIL, &draft.email).await?;
        let now = state.clock.now();
        let id = Uuid::new_v4();
        let secret = state.config.accounts.secret.expose();
        let purpose = Purpose::ConnectionAssistance;
        let challenge =
            codes::issue(&state.redis, secret, purpose, Some(id), &draft.email, now).await?;
        save_draft(&state, id, &draft).await?;
        send_code(&state, lang, &challenge).await
    }

    /// Sends a new code (after 60 s; 3 codes an hour per e-mail address, 10 re-sends an hour
    /// per network address).
    #[oai(
        path = "/assistance/connection/resend",
        method = "post",
        operation_id = "resend_connection_assistance_code"
    )]
    async fn resend(
        &self,
        state: Data<&AppState>,
        client: Client,
        lang: Lang,
        body: Json<EmailChallengeRef>,
    ) -> ApiResult<CodeSent> {
        // Its own count: re-sending must not use up the requests a network address may start.
        limits::enforce(&state, RESENDS_PER_ADDRESS, &client.ip).await?;
        let now = state.clock.now();
        let secret = state.config.accounts.secret.expose();
        let purpose = Purpose::ConnectionAssistance;
        let challenge =
            match codes::reissue(&state.redis, secret, purpose, &body.challenge, now).await? {
                Resend::Sent(c) => c,
                Resend::TooEarly { retry_after } => {
                    return Err(ApiError::new(TOO_MANY_REQUESTS).with_retry_after(retry_after));
                }
                Resend::Gone => return Err(ApiError::new(CODE_EXPIRED)),
            };
        limits::enforce(&state, REQUESTS_PER_EMAIL, &challenge.subject).await?;
        send_code(&state, lang, &challenge).await
    }

    /// Checks the code (5 wrong tries at most) and files the request.
    #[oai(
        path = "/assistance/connection/confirmation",
        method = "post",
        operation_id = "confirm_connection_assistance"
    )]
    async fn confirm(
        &self,
        state: Data<&AppState>,
        client: Client,
        body: Json<EmailCode>,
    ) -> ApiResult<RequestFiled> {
        limits::enforce(&state, codes::CODES_PER_ADDRESS, &client.ip).await?;
        let now = state.clock.now();
        let secret = state.config.accounts.secret.expose();
        let purpose = Purpose::ConnectionAssistance;
        let id = match codes::check(
            &state.redis,
            secret,
            purpose,
            &body.challenge,
            &body.code,
            now,
        )
        .await?
        {
            CodeCheck::Accepted(id) => id,
            CodeCheck::Wrong { tries_left } => return Err(wrong_code(tries_left)),
            CodeCheck::Gone => return Err(ApiError::new(CODE_EXPIRED)),
        };
        let draft = take_draft(&state, id)
            .await?
            .ok_or(ApiError::new(CODE_EXPIRED))?;
        let reference = file(&state, &draft).await?;
        tracing::info!(request = reference.0, "connection assistance filed");
        Ok(RequestFiled::Filed(Json(ConnectionFiled { reference })))
    }
}

/// Files the confirmed draft with what the registrar says of it, and acknowledges it by e-mail.
async fn file(state: &AppState, draft: &Draft) -> ApiResult<HelpRequestId> {
    let config = &state.config;
    let category = category(config, config.help.connection_category.as_str())?;
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let (registrar, person_id) = registrar_match(&mut conn, draft).await?;
    let lang = if draft.lang == "en" {
        Lang::En
    } else {
        Lang::Fr
    };
    let filed = Filed {
        category: category.code.as_str(),
        queue: category.queue.as_str(),
        requester_id: None,
        subject: &draft.subject,
        lang: lang_code(lang),
    };
    conn.transaction(async |conn| {
        let request = store::file(conn, &filed, &draft.message, now).await?;
        let contact = Contact {
            request_id: request.id,
            number: draft.number.clone(),
            family_name: draft.family_name.clone(),
            given_name: draft.given_name.clone(),
            birth_date: draft.birth_date,
            email: draft.email.clone(),
            registrar,
            person_id,
        };
        store::add_contact(conn, &contact).await?;
        let ack = acknowledgement(config, lang, &draft.email, request.id, &draft.subject);
        couriers::enqueue(conn, &ack, now).await?;
        Ok::<_, ApiError>(request.id)
    })
    .await
}

/// Whether the number, birth date and names (accents and case aside) agree with a record.
async fn registrar_match(
    conn: &mut diesel_async::AsyncPgConnection,
    draft: &Draft,
) -> ApiResult<(RegistrarMatch, Option<PersonId>)> {
    let holder = accounts::store::by_number(conn, &draft.number.to_uppercase()).await?;
    let holder = match holder {
        Some(h) => Some(h),
        None => accounts::store::by_number(conn, &draft.number).await?,
    };
    Ok(match holder {
        None => (RegistrarMatch::None, None),
        Some((p, _)) => {
            let same = p.birth_date == draft.birth_date
                && fold(&p.family_name) == fold(&draft.family_name)
                && fold(&p.given_name) == fold(&draft.given_name);
            let found = if same {
                RegistrarMatch::Matched
            } else {
                RegistrarMatch::Partial
            };
            (found, Some(p.id))
        }
    })
}

/// An address that can receive mail: one `@`, a dotted domain, no spaces; lower-cased.
fn checked_email(email: &str) -> Result<String, ApiError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !email.contains(|c: char| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(ApiError::new(INVALID_EMAIL).with_detail(Translated {
            fr: "Vérifiez l’adresse : elle doit ressembler à prenom.nom@exemple.fr.".into(),
            en: "Check the address: it should look like name@example.com.".into(),
        }))
    }
}

fn draft_key(state: &AppState, id: Uuid) -> String {
    state.redis.key(&format!("connection-help:{id}"))
}

async fn save_draft(state: &AppState, id: Uuid, draft: &Draft) -> ApiResult<()> {
    let key = draft_key(state, id);
    let value = serde_json::to_string(draft).map_err(ApiError::internal)?;
    let ttl = codes::CODE_LIFETIME.num_seconds() as u64 + 60;
    state
        .redis
        .run(|mut c| async move { c.set_ex::<_, _, ()>(&key, value, ttl).await })
        .await
}

async fn take_draft(state: &AppState, id: Uuid) -> ApiResult<Option<Draft>> {
    let key = draft_key(state, id);
    let value: Option<String> = state
        .redis
        .run(|mut c| async move { c.get_del(&key).await })
        .await?;
    Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
}

/// E-mails the challenge's code to its address (its subject) and says when it may be resent.
async fn send_code(state: &AppState, lang: Lang, c: &codes::Challenge) -> ApiResult<CodeSent> {
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let message = code_email(&state.config, lang, &c.subject, &c.code);
    couriers::enqueue(&mut conn, &message, now).await?;
    Ok(CodeSent::Sent(Json(EmailChallenge {
        challenge: c.token.clone(),
        resend_in: (c.resend_at - now).num_seconds().max(0) as u32,
        expires_in: (c.expires_at - now).num_seconds().max(0) as u32,
    })))
}

fn email(to: &str, subject: String, body: String) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_string(),
        subject: Some(subject),
        body,
    }
}

fn code_email(config: &Config, lang: Lang, to: &str, code: &str) -> Message {
    let name = config.university.short_name.as_str();
    match lang {
        Lang::Fr => email(
            to,
            format!("{name} : votre code de confirmation {code}"),
            format!(
                "Bonjour,\n\nPour envoyer votre demande d’assistance connexion, saisissez ce code : \
                 {code}\n\nIl expire dans 10 minutes. Si vous n’êtes pas à l’origine de cette \
                 demande, ignorez ce message.\n"
            ),
        ),
        Lang::En => email(
            to,
            format!("{name}: your confirmation code {code}"),
            format!(
                "Hello,\n\nTo send your login help request, type this code: {code}\n\nIt expires \
                 in 10 minutes. If you did not ask for this, ignore this message.\n"
            ),
        ),
    }
}

fn acknowledgement(
    config: &Config,
    lang: Lang,
    to: &str,
    id: HelpRequestId,
    subject: &str,
) -> Message {
    let name = config.university.short_name.as_str();
    match lang {
        Lang::Fr => email(
            to,
            format!("{name} — demande d’assistance n° {id} reçue"),
            format!(
                "Bonjour,\n\nVotre demande d’assistance n° {id} « {subject} » est enregistrée. Le \
                 service qui la traite vous répondra à cette adresse.\n"
            ),
        ),
        Lang::En => email(
            to,
            format!("{name} — help request no. {id} received"),
            format!(
                "Hello,\n\nYour help request no. {id} “{subject}” is recorded. The service in \
                 charge will answer you at this address.\n"
            ),
        ),
    }
}
