//! The password policy (checked rule by rule, shown live in the PWA) and argon2id hashing off the
//! async workers.

use std::sync::LazyLock;

use crate::{config, cpu::CpuPool, errors::ApiError, text::fold};
use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use poem_openapi::{Enum, Object};

/// One rule of the policy, in the order the PWA lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum Rule {
    MinLength,
    MaxLength,
    LettersAndDigits,
    UpperCase,
    Special,
    PersonalInformation,
    Common,
    Strength,
}

#[derive(Debug, Clone, Object)]
pub struct RuleOutcome {
    pub rule: Rule,
    pub ok: bool,
}

/// Every rule that applies under `policy`, with whether `password` meets it. `personal` holds
/// what must not appear in it: the person's names, identifier and number.
pub fn check(policy: &config::Passwords, password: &str, personal: &[&str]) -> Vec<RuleOutcome> {
    let length = password.chars().count();
    let has = |f: fn(char) -> bool| password.chars().any(f);
    let folded = fold(password);
    let rules = [
        (Rule::MinLength, true, length >= policy.min_length),
        (Rule::MaxLength, true, length <= policy.max_length),
        (
            Rule::LettersAndDigits,
            policy.require_letters_and_digits,
            has(char::is_alphabetic) && has(|c| c.is_ascii_digit()),
        ),
        (
            Rule::UpperCase,
            policy.require_upper_case,
            has(char::is_uppercase),
        ),
        (
            Rule::Special,
            policy.require_special,
            has(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        ),
        (
            Rule::PersonalInformation,
            true,
            !personal
                .iter()
                .map(|p| fold(p))
                .filter(|p| p.chars().count() >= 3)
                .any(|p| folded.contains(&p)),
        ),
        (Rule::Common, true, !is_common(&password.to_lowercase())),
        (
            Rule::Strength,
            true,
            length > policy.max_length || strength(password, personal) >= policy.min_strength,
        ),
    ];
    rules
        .into_iter()
        .filter(|(_, applies, _)| *applies)
        .map(|(rule, _, ok)| RuleOutcome { rule, ok })
        .collect()
}

pub fn acceptable(outcomes: &[RuleOutcome]) -> bool {
    outcomes.iter().all(|o| o.ok)
}

/// zxcvbn's score (0–4), the person's own words counting as guessable.
fn strength(password: &str, personal: &[&str]) -> u8 {
    zxcvbn::zxcvbn(password, personal).score() as u8
}

static COMMON: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut list: Vec<&str> = include_str!("common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect();
    list.sort_unstable();
    list
});

fn is_common(lower: &str) -> bool {
    COMMON.binary_search(&lower).is_ok()
}

/// Verified instead of a real hash when the identifier is unknown, so that both cost the same.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"decoy password, never matches")
        .expect("argon2 with default parameters")
        .to_string()
});

/// argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1), on the CPU pool.
pub async fn hash(cpu: &CpuPool, password: &str) -> Result<String, ApiError> {
    let password = password.to_owned();
    cpu.run(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await?
}

/// Whether `password` matches `hash`; with no hash, a decoy is verified and the answer is no.
pub async fn verify(cpu: &CpuPool, hash: Option<&str>, password: &str) -> Result<bool, ApiError> {
    let (known, hash) = match hash {
        Some(h) => (true, h.to_owned()),
        None => (false, DECOY.clone()),
    };
    let password = password.to_owned();
    let matches = cpu
        .run(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await?;
    Ok(known && matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> config::Passwords {
        config::Passwords {
            min_length: 12,
            max_length: 128,
            require_upper_case: true,
            require_letters_and_digits: true,
            require_special: true,
            min_strength: 3,
        }
    }

    fn failed(password: &str, personal: &[&str]) -> Vec<Rule> {
        check(&policy(), password, personal)
            .into_iter()
            .filter(|o| !o.ok)
            .map(|o| o.rule)
            .collect()
    }

    #[test]
    fn each_rule_is_reported_on_its_own() {
        assert_eq!(
            failed("Vélo#Tanneurs-1987-gris", &["Chloé", "Lefèvre"]),
            vec![]
        );
        assert!(failed("Ab#1", &[]).contains(&Rule::MinLength));
        assert!(failed("abcdefgh#jklmnop", &[]).contains(&Rule::LettersAndDigits));
        assert!(failed("vélo#tanneurs-1987-gris", &[]).contains(&Rule::UpperCase));
        assert!(failed("VeloTanneurs1987gris", &[]).contains(&Rule::Special));
        assert_eq!(
            failed("Chloe#Tanneurs-1987-gris", &["Chloé", "25000001"]),
            vec![Rule::PersonalInformation]
        );
        assert!(failed("Password1234", &[]).contains(&Rule::Common));
        assert!(failed("Aaaaaaaaaaa#1", &[]).contains(&Rule::Strength));
        let long = format!("Vélo#Tanneurs-1987-{}", "x".repeat(120));
        assert_eq!(failed(&long, &[]), vec![Rule::MaxLength]);
    }

    #[test]
    fn rules_the_university_does_not_ask_for_are_left_out() {
        let lax = config::Passwords {
            require_special: false,
            require_upper_case: false,
            ..policy()
        };
        let rules: Vec<Rule> = check(&lax, "x", &[]).into_iter().map(|o| o.rule).collect();
        assert!(!rules.contains(&Rule::Special) && !rules.contains(&Rule::UpperCase));
    }

    #[tokio::test]
    async fn every_character_counts_and_unknown_hashes_never_match() {
        let cpu = CpuPool::new();
        let long = format!("{}A#1", "é".repeat(100));
        let hashed = hash(&cpu, &long).await.unwrap();
        assert!(hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&cpu, Some(&hashed), &long).await.unwrap());
        let changed_at_end = format!("{}A#2", "é".repeat(100));
        assert!(!verify(&cpu, Some(&hashed), &changed_at_end).await.unwrap());
        assert!(
            !verify(&cpu, None, "decoy password, never matches")
                .await
                .unwrap()
        );
    }
}
