//! `GET /api/password-policy`, `POST /api/password-policy/check`, and the check every new
//! password goes through.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::{
    codes::{self, Purpose},
    password::{self, Rule, RuleOutcome},
    store::{self, Person},
};
use crate::{
    config,
    errors::{ApiError, ApiResult},
    i18n::Translated,
    sessions::store as sessions,
    state::AppState,
};

crate::errors::problem!(
    PASSWORD_REJECTED,
    422,
    "password-rejected",
    "Ce mot de passe ne respecte pas les règles",
    "This password does not follow the rules"
);

/// The rules as the university configured them, for the PWA to list.
#[derive(Debug, Object)]
pub struct PasswordPolicy {
    pub min_length: u32,
    pub max_length: u32,
    pub require_upper_case: bool,
    pub require_letters_and_digits: bool,
    pub require_special: bool,
    /// Lowest zxcvbn score (0–4) accepted.
    pub min_strength: u8,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PasswordCandidate {
    #[oai(validator(max_length = 1024))]
    pub password: String,
    /// An activation or recovery ticket, so that the person's own names are checked too.
    #[oai(validator(max_length = 100))]
    pub ticket: Option<String>,
}

#[derive(Debug, Object)]
pub struct PasswordCheck {
    pub rules: Vec<RuleOutcome>,
    pub acceptable: bool,
}

#[derive(Default)]
pub struct PasswordPolicyApi;

#[OpenApi(tag = "crate::app::Tag::Account")]
impl PasswordPolicyApi {
    /// The password rules, to show before the person types.
    #[oai(
        path = "/password-policy",
        method = "get",
        operation_id = "password_policy"
    )]
    async fn policy(&self, state: Data<&AppState>) -> ApiResult<Json<PasswordPolicy>> {
        let p = &state.config.passwords;
        Ok(Json(PasswordPolicy {
            min_length: p.min_length as u32,
            max_length: p.max_length as u32,
            require_upper_case: p.require_upper_case,
            require_letters_and_digits: p.require_letters_and_digits,
            require_special: p.require_special,
            min_strength: p.min_strength,
        }))
    }

    /// Checks a candidate password rule by rule (the PWA calls it as the person types).
    #[oai(
        path = "/password-policy/check",
        method = "post",
        operation_id = "check_password"
    )]
    async fn check(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        body: Json<PasswordCandidate>,
    ) -> ApiResult<Json<PasswordCheck>> {
        let person = person_for_check(&state, req, body.ticket.as_deref()).await?;
        let words = person
            .as_ref()
            .map(Person::personal_words)
            .unwrap_or_default();
        let rules = password::check(&state.config.passwords, &body.password, &words);
        Ok(Json(PasswordCheck {
            acceptable: password::acceptable(&rules),
            rules,
        }))
    }
}

/// The person a check is for: the ticket's, else the session's, else nobody.
async fn person_for_check(
    state: &AppState,
    req: &poem::Request,
    ticket: Option<&str>,
) -> Result<Option<Person>, ApiError> {
    let now = state.clock.now();
    let mut person_id = None;
    if let Some(t) = ticket {
        for purpose in [Purpose::Activation, Purpose::Recovery] {
            person_id = person_id.or(codes::peek_ticket(&state.redis, purpose, t, now).await?);
        }
    } else if let Some(id) = crate::sessions::caller::session_id(req, &state.config) {
        person_id = sessions::find(&state.redis, &id)
            .await?
            .map(|(_, s)| s.person_id);
    }
    let Some(id) = person_id else {
        return Ok(None);
    };
    let mut conn = state.conn().await?;
    Ok(store::by_id(&mut conn, id).await?.map(|(p, _)| p))
}

/// A 422 naming every rule `password` breaks, or nothing.
pub fn require_acceptable(
    policy: &config::Passwords,
    password: &str,
    person: &Person,
) -> Result<(), ApiError> {
    let broken: Vec<Rule> = password::check(policy, password, &person.personal_words())
        .into_iter()
        .filter(|o| !o.ok)
        .map(|o| o.rule)
        .collect();
    if broken.is_empty() {
        return Ok(());
    }
    let list = |fr: bool| {
        broken
            .iter()
            .map(|r| rule_text(*r, policy, fr))
            .collect::<Vec<_>>()
            .join(" ; ")
    };
    Err(ApiError::new(PASSWORD_REJECTED).with_detail(Translated {
        fr: list(true),
        en: list(false),
    }))
}

fn rule_text(rule: Rule, p: &config::Passwords, fr: bool) -> String {
    let pick = |f: &str, e: &str| if fr { f.to_string() } else { e.to_string() };
    match rule {
        Rule::MinLength => {
            if fr {
                format!("au moins {} caractères", p.min_length)
            } else {
                format!("at least {} characters", p.min_length)
            }
        }
        Rule::MaxLength => {
            if fr {
                format!("au plus {} caractères", p.max_length)
            } else {
                format!("at most {} characters", p.max_length)
            }
        }
        Rule::LettersAndDigits => pick("des lettres et des chiffres", "letters and digits"),
        Rule::UpperCase => pick("au moins une majuscule", "at least one capital letter"),
        Rule::Special => pick(
            "au moins un caractère spécial comme #",
            "at least one special character such as #",
        ),
        Rule::PersonalInformation => pick(
            "ni votre nom, ni votre prénom, ni votre numéro",
            "not your name or your number",
        ),
        Rule::Common => pick("pas un mot de passe courant", "not a common password"),
        Rule::Strength => pick("plus difficile à deviner", "harder to guess"),
    }
}
