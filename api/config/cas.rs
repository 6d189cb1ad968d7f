//! `[cas]`: the central authentication service and the registry of the services it opens.

use serde::Deserialize;

use super::{Code, ConfigError, HttpUrl, NonEmpty, RoleName, first_duplicate, in_language};
use crate::i18n::Lang;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cas {
    /// How long a service or proxy ticket waits for its validation (at most 300).
    pub ticket_seconds: u32,
    /// The proxy callback (`pgtUrl`) must answer within this time.
    pub proxy_callback_timeout_ms: u64,
    /// Development and tests: services and callbacks on `http://127.0.0.1` or
    /// `http://localhost`. Everything else must be https.
    pub allow_loopback: bool,
    /// `eduPersonPrincipalName` is `<uid>@<scope>`.
    pub principal_scope: NonEmpty,
    pub categories: Vec<ServiceCategory>,
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceCategory {
    pub code: Code,
    pub fr: NonEmpty,
    pub en: NonEmpty,
}

impl ServiceCategory {
    pub fn label(&self, lang: Lang) -> &str {
        in_language(lang, &self.fr, &self.en)
    }
}

/// A service of « Tous les services »: opened through CAS, or a plain link.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: Code,
    pub fr: NonEmpty,
    pub en: NonEmpty,
    pub description_fr: Option<NonEmpty>,
    pub description_en: Option<NonEmpty>,
    /// One of the PWA's service icons (`book`, `mail`, `library`, `id-card`, `link`, …).
    pub icon: Code,
    /// One of `cas.categories`.
    pub category: Code,
    /// What the service's tile opens (through `/cas/login` when the service is a CAS client).
    pub url: HttpUrl,
    /// Student, teacher, staff: who may use it.
    pub roles: Vec<RoleName>,
    /// Absent: a plain link, no ticket. Present: the service URLs a ticket may be issued for.
    pub pattern: Option<UrlPattern>,
    /// The attributes released on `/p3/serviceValidate` (SUPANN names).
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// Single Logout: the back-channel `logoutRequest` is posted to this address (or, when
    /// `true` without an address, to the service URL the ticket was issued for).
    #[serde(default)]
    pub single_logout: bool,
    pub logout_url: Option<HttpUrl>,
    /// Proxy callbacks (`pgtUrl`) this service may receive proxy-granting tickets on.
    pub proxy_callback: Option<UrlPattern>,
    /// Whether proxy tickets may be issued for this service (it is a back-end service).
    #[serde(default)]
    pub accepts_proxy_tickets: bool,
}

impl Service {
    pub fn label(&self, lang: Lang) -> &str {
        in_language(lang, &self.fr, &self.en)
    }

    pub fn description(&self, lang: Lang) -> Option<&str> {
        let d = match lang {
            Lang::Fr => &self.description_fr,
            Lang::En => &self.description_en,
        };
        d.as_ref().map(NonEmpty::as_str)
    }

    pub fn open_to(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.as_str() == role)
    }
}

/// What a service may learn about the person, as French universities name it (SUPANN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Attribute {
    #[serde(rename = "uid")]
    Uid,
    #[serde(rename = "mail")]
    Mail,
    #[serde(rename = "displayName")]
    DisplayName,
    #[serde(rename = "givenName")]
    GivenName,
    #[serde(rename = "sn")]
    Surname,
    #[serde(rename = "eduPersonAffiliation")]
    Affiliation,
    #[serde(rename = "eduPersonPrimaryAffiliation")]
    PrimaryAffiliation,
    #[serde(rename = "eduPersonPrincipalName")]
    PrincipalName,
    /// `supannEtuId` for students, `supannEmpId` for teachers and staff.
    #[serde(rename = "supannEtuId")]
    StudentNumber,
    #[serde(rename = "supannEmpId")]
    EmployeeNumber,
    #[serde(rename = "supannEntiteAffectationPrincipale")]
    Affectation,
    #[serde(rename = "memberOf")]
    MemberOf,
}

/// Service URLs: `prefix:https://moodle.example.fr/` (that exact beginning) or a regular
/// expression that must match the whole URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct UrlPattern {
    source: String,
    kind: PatternKind,
}

#[derive(Debug, Clone)]
enum PatternKind {
    Prefix(String),
    Regex(regex::Regex),
}

impl TryFrom<String> for UrlPattern {
    type Error = String;
    fn try_from(source: String) -> Result<Self, String> {
        let kind = match source.strip_prefix("prefix:") {
            Some(prefix) => {
                let origin_end = prefix
                    .strip_prefix("https://")
                    .or_else(|| prefix.strip_prefix("http://"))
                    .and_then(|rest| rest.find('/'));
                if origin_end.is_none() {
                    return Err(format!(
                        "«{prefix}»: a prefix is an http(s) address with its host and a '/' after \
                         it (otherwise https://moodle.example.fr.evil.com would match)"
                    ));
                }
                PatternKind::Prefix(prefix.to_string())
            }
            None => {
                let anchored = format!("^(?:{source})$");
                let regex = regex::Regex::new(&anchored)
                    .map_err(|e| format!("not a regular expression: {e}"))?;
                PatternKind::Regex(regex)
            }
        };
        Ok(UrlPattern { source, kind })
    }
}

impl UrlPattern {
    pub fn matches(&self, url: &str) -> bool {
        match &self.kind {
            PatternKind::Prefix(p) => url.starts_with(p.as_str()),
            PatternKind::Regex(r) => r.is_match(url),
        }
    }

    /// Whether the pattern can only match `https://` addresses (or loopback ones when
    /// `loopback`): its text has to say so, so that `check-config` can refuse the others.
    fn secure(&self, loopback: bool) -> bool {
        let text = match &self.kind {
            PatternKind::Prefix(p) => p.as_str(),
            PatternKind::Regex(_) => self.source.trim_start_matches('^'),
        };
        let unescaped = text.replace('\\', "");
        unescaped.starts_with("https://")
            || (loopback
                && [
                    "http://127.0.0.1:",
                    "http://127.0.0.1/",
                    "http://localhost:",
                ]
                .iter()
                .any(|p| unescaped.starts_with(p)))
    }
}

/// A development or test machine's own address.
pub fn is_loopback(url: &url::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// An address a ticket or a callback may go to: https, or loopback http when allowed.
pub fn secure_url(url: &url::Url, loopback: bool) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => loopback && is_loopback(url),
        _ => false,
    }
}

impl Cas {
    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code.as_str() == code)
    }

    pub fn category(&self, code: &str) -> Option<&ServiceCategory> {
        self.categories.iter().find(|c| c.code.as_str() == code)
    }

    /// The registered CAS service a URL belongs to (the first whose pattern matches).
    pub fn service_for(&self, url: &str) -> Option<&Service> {
        let parsed = url::Url::parse(url).ok()?;
        if !secure_url(&parsed, self.allow_loopback) {
            return None;
        }
        self.services
            .iter()
            .find(|s| s.pattern.as_ref().is_some_and(|p| p.matches(url)))
    }

    pub(super) fn check(&self) -> Result<(), ConfigError> {
        let err = |m: String| Err(ConfigError(format!("cas.{m}")));
        if !(1..=300).contains(&self.ticket_seconds) {
            return err("ticket_seconds: between 1 and 300 (five minutes at most)".into());
        }
        if let Some(code) = first_duplicate(self.categories.iter().map(|c| c.code.as_str())) {
            return err(format!("categories: code «{code}» appears twice"));
        }
        if let Some(code) = first_duplicate(self.services.iter().map(|s| s.code.as_str())) {
            return err(format!("services: code «{code}» appears twice"));
        }
        for s in &self.services {
            let code = s.code.as_str();
            if self.category(s.category.as_str()).is_none() {
                return err(format!(
                    "services.{code}.category: must be one of cas.categories"
                ));
            }
            if s.roles.is_empty() {
                return err(format!("services.{code}.roles: give at least one role"));
            }
            for (key, pattern) in [
                ("pattern", &s.pattern),
                ("proxy_callback", &s.proxy_callback),
            ] {
                if pattern
                    .as_ref()
                    .is_some_and(|p| !p.secure(self.allow_loopback))
                {
                    return err(format!(
                        "services.{code}.{key}: must only match https:// addresses{}",
                        if self.allow_loopback {
                            " (or http://127.0.0.1, http://localhost)"
                        } else {
                            ""
                        }
                    ));
                }
            }
            let cas_only = s.single_logout
                || s.proxy_callback.is_some()
                || s.accepts_proxy_tickets
                || !s.attributes.is_empty();
            if s.pattern.is_none() && cas_only {
                return err(format!(
                    "services.{code}: a plain link (no pattern) takes no attributes, logout or proxy"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(s: &str) -> Result<UrlPattern, String> {
        UrlPattern::try_from(s.to_string())
    }

    #[test]
    fn patterns_match_whole_urls_or_exact_prefixes() {
        let moodle = pattern(r"https://moodle\.example\.fr/.*").unwrap();
        assert!(moodle.matches("https://moodle.example.fr/login/index.php"));
        assert!(!moodle.matches("https://moodle.example.fr.evil.com/"));
        assert!(!moodle.matches("xhttps://moodle.example.fr/"));
        let prefix = pattern("prefix:https://mail.example.fr/").unwrap();
        assert!(prefix.matches("https://mail.example.fr/?x=1"));
        assert!(!prefix.matches("https://mail.example.fr.evil.com/"));
        assert!(pattern("prefix:https://mail.example.fr").is_err());
        assert!(pattern("https://(unclosed").is_err());
    }

    #[test]
    fn only_https_patterns_pass_outside_development() {
        let loopback = pattern(r"http://127\.0\.0\.1:\d+/.*").unwrap();
        assert!(!loopback.secure(false));
        assert!(loopback.secure(true));
        assert!(pattern(r"^https://x\.fr/.*").unwrap().secure(false));
        assert!(!pattern(r"https?://x\.fr/.*").unwrap().secure(false));
        assert!(!pattern(r".*").unwrap().secure(true));
    }
}
