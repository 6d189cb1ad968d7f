//! One-time codes sent by SMS, and tickets (what a verified code or an e-mailed link gives).
//!
//! Both live in Redis under a key that names their purpose, and a code's HMAC covers the
//! purpose too: a code or ticket issued for one flow is useless in any other. Only keyed hashes
//! are stored. Checking a code is one Lua script, so two concurrent submissions of the right
//! code cannot both succeed, and wrong tries are counted exactly.

use chrono::{DateTime, Duration, Utc};
use redis::AsyncCommands;
use uuid::Uuid;

use crate::people::model::PersonId;
use crate::{errors::ApiError, i18n::Translated, limits::Limit, redis::Redis, secrets};

/// What a code or ticket is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    Recovery,
    /// Proving again that one holds the phone on record (after the secretariat changed it).
    PhoneVerification,
    /// Confirming the contact address of someone who cannot log in and asks for help.
    ConnectionAssistance,
    /// A login waiting for its second factor; `remembered` keeps the "stay signed in" choice.
    SecondFactor {
        remembered: bool,
    },
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Activation => "activation",
            Purpose::Recovery => "recovery",
            Purpose::PhoneVerification => "phone-verification",
            Purpose::ConnectionAssistance => "connection-assistance",
            Purpose::SecondFactor { remembered: false } => "second-factor",
            Purpose::SecondFactor { remembered: true } => "second-factor-remembered",
        }
    }
}

crate::errors::problem!(
    CODE_INCORRECT,
    400,
    "code-incorrect",
    "Code incorrect",
    "Incorrect code"
);
crate::errors::problem!(
    CODE_EXPIRED,
    410,
    "code-expired",
    "Ce code n’est plus valable : demandez-en un nouveau",
    "This code is no longer valid: ask for a new one"
);

pub const CODE_DIGITS: u32 = 6;
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
pub const MAX_WRONG_TRIES: u32 = 5;
pub const RESEND_AFTER: Duration = Duration::seconds(60);
/// Codes sent for one subject (the number typed, the person, the address): a code every 12
/// minutes on average is more than anyone needs.
pub const TEXTS_PER_SUBJECT: Limit = Limit::per_hour("sms-subject", 5);
/// Code checks from one address, whatever the flow: 5 tries a code, a dozen codes an hour.
pub const CODES_PER_ADDRESS: Limit = Limit::per_hour("code-ip", 60);

/// A code waiting to be typed.
pub struct Challenge {
    /// Names the challenge in the next requests.
    pub token: String,
    /// To send; never stored.
    pub code: String,
    /// Whom it names: a person's id, or (connection assistance) the draft it confirms.
    pub person: Option<Uuid>,
    /// What the person typed to start (their number): SMS limits count by it, so that they
    /// apply to strangers and to real people alike.
    pub subject: String,
    pub resend_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub enum CodeCheck {
    /// The right code: the challenge is consumed. `None` for a decoy challenge (never matches).
    Accepted(Uuid),
    Wrong {
        tries_left: u32,
    },
    /// Expired, used, unknown or out of tries: a new code is needed.
    Gone,
}

fn challenge_key(redis: &Redis, purpose: Purpose, token: &str) -> String {
    redis.key(&format!(
        "challenge:{}:{}",
        purpose.as_str(),
        secrets::token_hash(token)
    ))
}

fn code_hash(secret: &str, purpose: Purpose, token: &str, code: &str) -> String {
    secrets::keyed_hash(secret, &["code", purpose.as_str(), token, code])
}

/// Issues a code for `person`; with `None` a decoy that behaves the same but can never be met.
pub async fn issue(
    redis: &Redis,
    secret: &str,
    purpose: Purpose,
    person: Option<Uuid>,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Challenge, ApiError> {
    let token = secrets::random_token();
    let challenge = fresh_code(token, person, subject.to_string(), now);
    store_code(redis, secret, purpose, &challenge).await?;
    Ok(challenge)
}

fn fresh_code(
    token: String,
    person: Option<Uuid>,
    subject: String,
    now: DateTime<Utc>,
) -> Challenge {
    Challenge {
        token,
        code: secrets::random_digits(CODE_DIGITS),
        person,
        subject,
        resend_at: now + RESEND_AFTER,
        expires_at: now + CODE_LIFETIME,
    }
}

async fn store_code(
    redis: &Redis,
    secret: &str,
    purpose: Purpose,
    c: &Challenge,
) -> Result<(), ApiError> {
    let key = challenge_key(redis, purpose, &c.token);
    let fields = [
        (
            "person",
            c.person.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("subject", c.subject.clone()),
        ("code", code_hash(secret, purpose, &c.token, &c.code)),
        ("tries", "0".into()),
        ("expires", c.expires_at.timestamp().to_string()),
        ("resend", c.resend_at.timestamp().to_string()),
    ];
    let ttl = CODE_LIFETIME.num_seconds() as u64 + 60;
    redis
        .run(|mut c| async move {
            redis::pipe()
                .atomic()
                .del(&key)
                .ignore()
                .hset_multiple(&key, &fields)
                .ignore()
                .expire(&key, ttl as i64)
                .ignore()
                .query_async::<()>(&mut c)
                .await
        })
        .await
}

/// What re-sending found.
pub enum Resend {
    Sent(Challenge),
    TooEarly { retry_after: u64 },
    Gone,
}

/// A new code for the same challenge, once a minute at most; tries start again.
pub async fn reissue(
    redis: &Redis,
    secret: &str,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Resend, ApiError> {
    let key = challenge_key(redis, purpose, token);
    let (person, subject, resend): (Option<String>, Option<String>, Option<i64>) = redis
        .run(|mut c| async move {
            redis::pipe()
                .hget(&key, "person")
                .hget(&key, "subject")
                .hget(&key, "resend")
                .query_async(&mut c)
                .await
        })
        .await?;
    let (Some(person), Some(subject), Some(resend)) = (person, subject, resend) else {
        return Ok(Resend::Gone);
    };
    if now.timestamp() < resend {
        return Ok(Resend::TooEarly {
            retry_after: (resend - now.timestamp()) as u64,
        });
    }
    let challenge = fresh_code(token.to_string(), person.parse().ok(), subject, now);
    store_code(redis, secret, purpose, &challenge).await?;
    Ok(Resend::Sent(challenge))
}

const CHECK_SCRIPT: &str = r"
local k = KEYS[1]
if redis.call('EXISTS', k) == 0 then return {-1, ''} end
if tonumber(redis.call('HGET', k, 'expires')) <= tonumber(ARGV[2]) then
  redis.call('DEL', k)
  return {-1, ''}
end
if redis.call('HGET', k, 'code') == ARGV[1] then
  local person = redis.call('HGET', k, 'person')
  redis.call('DEL', k)
  return {1, person}
end
local tries = redis.call('HINCRBY', k, 'tries', 1)
if tries >= tonumber(ARGV[3]) then
  redis.call('DEL', k)
  return {-1, ''}
end
return {0, tostring(tonumber(ARGV[3]) - tries)}
";

pub async fn check(
    redis: &Redis,
    secret: &str,
    purpose: Purpose,
    token: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<CodeCheck, ApiError> {
    let key = challenge_key(redis, purpose, token);
    let hash = code_hash(secret, purpose, token, code.trim());
    let (status, value): (i64, String) = redis
        .run(|mut c| async move {
            redis::Script::new(CHECK_SCRIPT)
                .key(&key)
                .arg(hash)
                .arg(now.timestamp())
                .arg(MAX_WRONG_TRIES)
                .invoke_async(&mut c)
                .await
        })
        .await?;
    Ok(match status {
        1 => match value.parse() {
            Ok(person) => CodeCheck::Accepted(person),
            Err(_) => CodeCheck::Wrong { tries_left: 0 },
        },
        0 => CodeCheck::Wrong {
            tries_left: value.parse().unwrap_or(0),
        },
        _ => CodeCheck::Gone,
    })
}

fn ticket_key(redis: &Redis, purpose: Purpose, token: &str) -> String {
    redis.key(&format!(
        "ticket:{}:{}",
        purpose.as_str(),
        secrets::token_hash(token)
    ))
}

/// A single-use ticket for `person`, valid `lifetime`.
pub async fn issue_ticket(
    redis: &Redis,
    purpose: Purpose,
    person: PersonId,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let token = secrets::random_token();
    let key = ticket_key(redis, purpose, &token);
    let value = format!("{person} {}", (now + lifetime).timestamp());
    let ttl = lifetime.num_seconds() as u64 + 60;
    redis
        .run(|mut c| async move { c.set_ex::<_, _, ()>(&key, value, ttl).await })
        .await?;
    Ok(token)
}

fn read_ticket(value: Option<String>, now: DateTime<Utc>) -> Option<PersonId> {
    let value = value?;
    let (person, expires) = value.split_once(' ')?;
    let expires: i64 = expires.parse().ok()?;
    (now.timestamp() < expires).then(|| person.parse().ok())?
}

/// Whose ticket this is, leaving it usable.
pub async fn peek_ticket(
    redis: &Redis,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<PersonId>, ApiError> {
    let key = ticket_key(redis, purpose, token);
    let value: Option<String> = redis.run(|mut c| async move { c.get(&key).await }).await?;
    Ok(read_ticket(value, now))
}

/// Uses the ticket up: of two concurrent takers, one gets it.
pub async fn take_ticket(
    redis: &Redis,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<PersonId>, ApiError> {
    let key = ticket_key(redis, purpose, token);
    let value: Option<String> = redis
        .run(|mut c| async move { c.get_del(&key).await })
        .await?;
    Ok(read_ticket(value, now))
}

/// A wrong code, with the tries left.
pub fn wrong_code(tries_left: u32) -> ApiError {
    ApiError::new(CODE_INCORRECT).with_detail(Translated {
        fr: format!("Essais restants : {tries_left}"),
        en: format!("Tries left: {tries_left}"),
    })
}
