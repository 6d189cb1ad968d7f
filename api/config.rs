//! Layered configuration: `config/default.toml` → `config/<profile>.toml` → `ENT_SECTION__KEY`.
//!
//! Every value is checked while it is read, so a wrong value stops start-up with one line that
//! names the key; values themselves are never echoed (they may be secrets).

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
};

use figment2::{
    Figment,
    providers::{Env, Format, Toml},
};
use serde::{Deserialize, Serialize};

use crate::{i18n::Lang, phone::MobilePhone};

mod cas;
mod courses;
mod home;
mod registration;
pub use cas::{Attribute, Cas, Service, ServiceCategory, UrlPattern, is_loopback, secure_url};
pub use courses::{Courses, LearningPlatform};
pub use home::{Card, Home, Layout, Tab};
pub use registration::{Registration, StudentCard};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub university: University,
    pub branding: Branding,
    #[serde(default)]
    pub campuses: Vec<Campus>,
    #[serde(default)]
    pub secretariat: Vec<SecretariatContact>,
    pub http: Http,
    pub database: Database,
    pub redis: Redis,
    pub limits: Limits,
    pub log: Log,
    pub accounts: Accounts,
    pub passwords: Passwords,
    pub sms: Sms,
    pub email: Email,
    pub couriers: Couriers,
    pub push: Push,
    pub timetable: Timetable,
    pub help: Help,
    pub messaging: Messaging,
    pub cas: Cas,
    pub directory: Directory,
    pub home: Home,
    pub registration: Registration,
    pub card: StudentCard,
    pub courses: Courses,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct University {
    pub name: NonEmpty,
    pub short_name: NonEmpty,
    pub website: HttpUrl,
    pub time_zone: TimeZone,
    /// Region used to read phone numbers written without a country code.
    pub phone_region: PhoneRegion,
    pub languages: Vec<Language>,
    pub default_language: Language,
    /// Domains of institutional e-mail addresses (`prenom.nom@<domain>`).
    pub mail_domains: Vec<NonEmpty>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    pub primary_color: Color,
    pub background_color: Color,
    pub logo_url: NonEmpty,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Campus {
    pub code: Code,
    pub name: NonEmpty,
    pub city: NonEmpty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretariatContact {
    pub name: NonEmpty,
    pub email: NonEmpty,
    pub phone: MobileOrFixedPhone,
    pub hours: NonEmpty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    pub listen: SocketAddr,
    /// The address people type; `https://` turns on HSTS.
    pub public_url: HttpUrl,
    /// The built PWA (`pwa/dist`), served at `/`.
    pub pwa_dir: PathBuf,
    /// Trust the last `X-Forwarded-For` hop as the client address (only behind a proxy).
    pub behind_proxy: bool,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub url: NonEmpty,
    pub pool_size: usize,
    pub connect_timeout_ms: u64,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redis {
    pub url: NonEmpty,
    /// Every key this instance writes starts with it: several deployments or test runs can share
    /// one Redis.
    pub prefix: NonEmpty,
    pub connect_timeout_ms: u64,
    pub response_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Requests to `/api` per client address per minute, counted in Redis.
    pub api_requests_per_minute: u32,
    /// Login attempts per client address per minute (on top of each account's own lock).
    pub logins_per_address_per_minute: u32,
    /// Text messages to one phone per hour and per day, whoever asks and whichever record
    /// holds the number (siblings may share a family phone).
    pub sms_per_phone_per_hour: u32,
    pub sms_per_phone_per_day: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `ent=debug,info`.
    pub filter: NonEmpty,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// Key of the HMACs that protect one-time codes and links (at least 32 characters).
    pub secret: Secret,
    /// Key that encrypts two-factor secrets at rest: 32 bytes, base64.
    pub two_factor_key: Secret,
    /// Local part of a derived institutional address: `{given}` and `{family}`, accents folded.
    pub email_local_part: NonEmpty,
    /// Domain of derived addresses for students, and for teachers and staff.
    pub student_mail_domain: NonEmpty,
    pub staff_mail_domain: NonEmpty,
    /// Idle expiry of a session on a shared computer, and when "stay signed in" is ticked.
    pub session_idle_minutes: u32,
    pub remembered_session_idle_days: u32,
    /// No session lives longer than this, however active.
    pub session_absolute_days: u32,
    /// Failed logins allowed before the account is locked for a while.
    pub failures_before_lock: u32,
    pub max_lock_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Passwords {
    pub min_length: usize,
    pub max_length: usize,
    pub require_upper_case: bool,
    pub require_letters_and_digits: bool,
    pub require_special: bool,
    /// Lowest zxcvbn score (0–4) accepted.
    pub min_strength: u8,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "lowercase")]
pub enum Sms {
    /// Written to the server log (development).
    Log,
    /// An HTTP gateway: `body` is a JSON template where `{{recipient}}` and `{{text}}` are
    /// replaced by JSON-escaped values.
    Http {
        url: HttpUrl,
        #[serde(default = "default_method")]
        method: NonEmpty,
        #[serde(default)]
        headers: std::collections::BTreeMap<String, Secret>,
        body: NonEmpty,
        #[serde(default = "default_timeout_ms")]
        timeout_ms: u64,
    },
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "lowercase")]
pub enum Email {
    /// Written to the server log (development).
    Log { from: NonEmpty },
    Smtp {
        from: NonEmpty,
        host: NonEmpty,
        port: u16,
        /// `starttls`, `tls` (implicit TLS) or `none` (loopback test servers only).
        security: SmtpSecurity,
        username: Option<NonEmpty>,
        password: Option<Secret>,
        #[serde(default = "default_timeout_ms")]
        timeout_ms: u64,
    },
}

impl Email {
    /// The `From` of every e-mail.
    pub fn from(&self) -> &NonEmpty {
        match self {
            Email::Log { from } | Email::Smtp { from, .. } => from,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Couriers {
    /// Attempts before a message is given up (and logged as such).
    pub max_attempts: u32,
    /// First retry delay; each further retry waits twice as long, up to `max_backoff_seconds`.
    pub first_backoff_seconds: u32,
    pub max_backoff_seconds: u32,
    /// How often an idle worker looks at the outbox.
    pub poll_ms: u64,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Push {
    /// VAPID private key: 32 bytes, base64url (`ent vapid-keys` makes a pair).
    pub vapid_private_key: Secret,
    /// Who push services may contact about our traffic: `mailto:…` or `https://…`.
    pub subject: NonEmpty,
    /// Push services the server may post to (`*.push.apple.com` matches subdomains). Endpoints
    /// elsewhere are refused at subscription: the server never posts where a user chose.
    pub allowed_hosts: Vec<NonEmpty>,
    /// Accept `http://127.0.0.1…` endpoints (tests' local push service only).
    #[serde(default)]
    pub allow_loopback: bool,
    pub timeout_ms: u64,
    /// Pushes in flight at once per worker.
    pub concurrency: usize,
    pub max_attempts: u32,
    pub first_backoff_seconds: u32,
    pub max_backoff_seconds: u32,
    pub poll_ms: u64,
}

impl fmt::Debug for Push {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Push")
            .field("allowed_hosts", &self.allowed_hosts)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timetable {
    /// Changes to classes starting within this many days are pushed to the people concerned.
    pub notify_days: u32,
    /// Larger export files are refused.
    pub max_file_bytes: usize,
    /// How often each source is pulled (once for all instances).
    pub pull_minutes: u32,
    pub pull_timeout_ms: u64,
    /// ADE exports pulled on a schedule, one per group.
    #[serde(default)]
    pub sources: Vec<TimetableSource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Help {
    /// A resolved request may be reopened by its requester for this many days.
    pub reopen_days: u32,
    /// Where people who cannot log in file their request (one of `categories`).
    pub connection_category: Code,
    pub categories: Vec<HelpCategory>,
}

/// What a request is about, and the staff queue that answers it (its staff hold the
/// permission `help:<queue>`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpCategory {
    pub code: Code,
    pub queue: Code,
    pub fr: NonEmpty,
    pub en: NonEmpty,
}

impl HelpCategory {
    pub fn label(&self, lang: Lang) -> &str {
        in_language(lang, &self.fr, &self.en)
    }
}

/// One of a configuration entry's two labels.
fn in_language<'a>(lang: Lang, fr: &'a NonEmpty, en: &'a NonEmpty) -> &'a str {
    match lang {
        Lang::Fr => fr.as_str(),
        Lang::En => en.as_str(),
    }
}

impl Help {
    pub fn category(&self, code: &str) -> Option<&HelpCategory> {
        self.categories.iter().find(|c| c.code.as_str() == code)
    }

    /// Every queue, once, in the order of its first category.
    pub fn queues(&self) -> Vec<&str> {
        let mut queues: Vec<&str> = Vec::new();
        for c in &self.categories {
            if !queues.contains(&c.queue.as_str()) {
                queues.push(c.queue.as_str());
            }
        }
        queues
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messaging {
    /// The longest message, in characters.
    pub max_chars: usize,
    /// Messages one person may send a minute, and one conversation may take a minute.
    pub per_person_per_minute: u32,
    pub per_conversation_per_minute: u32,
    /// How often a live stream says it lives: keep-alive, online mark, session check.
    pub beat_seconds: std::num::NonZeroU64,
    /// Services one may write to; their staff hold the permission `messages:<code>`.
    pub services: Vec<MessagingService>,
    /// Whom each role may start a conversation with.
    pub may_start: MayStart,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagingService {
    pub code: Code,
    pub fr: NonEmpty,
    pub en: NonEmpty,
}

impl MessagingService {
    pub fn label(&self, lang: Lang) -> &str {
        in_language(lang, &self.fr, &self.en)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MayStart {
    pub student: Vec<Correspondents>,
    pub teacher: Vec<Correspondents>,
    pub staff: Vec<Correspondents>,
}

/// Whom a conversation may be started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correspondents {
    /// The teachers of the classes of one's groups.
    TeachersOfMyGroups,
    /// The students of the groups one teaches, one by one.
    StudentsOfMyGroups,
    /// The group conversation of a group one belongs to or teaches.
    MyGroups,
    /// Teachers and staff.
    Colleagues,
    /// Any person, any group.
    Anyone,
    /// The configured services.
    Services,
}

/// The staff directory (« Annuaire »): teachers and staff, found by those whose role says so.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// Who may search it (students do not, as the seed says).
    pub roles: Vec<RoleName>,
    /// Searches and cards one person may ask for an hour: the directory cannot be scraped.
    pub per_person_per_hour: u32,
}

impl Directory {
    pub fn open_to(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.as_str() == role)
    }
}

/// A role, as the configuration names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Student,
    Teacher,
    Staff,
}

impl RoleName {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleName::Student => "student",
            RoleName::Teacher => "teacher",
            RoleName::Staff => "staff",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimetableSource {
    /// A course group's code (`L1-INFO-TD1`).
    pub group: NonEmpty,
    /// The group's iCalendar export.
    pub url: HttpUrl,
}

fn default_method() -> NonEmpty {
    NonEmpty("POST".into())
}

fn default_timeout_ms() -> u64 {
    10_000
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A value that never appears in `{:?}` or in an error message.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Secret(String);

impl TryFrom<String> for Secret {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.is_empty() {
            Err("must not be empty".into())
        } else {
            Ok(Secret(s))
        }
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accounts").finish_non_exhaustive()
    }
}
impl fmt::Debug for Sms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sms::Log => "Sms::Log",
            Sms::Http { .. } => "Sms::Http",
        })
    }
}
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Email::Log { .. } => "Email::Log",
            Email::Smtp { .. } => "Email::Smtp",
        })
    }
}

// Secrets stay out of `{:?}`.
impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("pool_size", &self.pool_size)
            .finish_non_exhaustive()
    }
}
impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redis")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Where the configuration comes from: a folder and a profile.
#[derive(Debug, Clone)]
pub struct Source {
    pub dir: PathBuf,
    pub profile: String,
}

impl Source {
    /// `ENT_CONFIG_DIR` (default `config`) and `ENT_PROFILE` (default `development`).
    pub fn from_env() -> Self {
        Source {
            dir: std::env::var_os("ENT_CONFIG_DIR").map_or_else(|| "config".into(), PathBuf::from),
            profile: std::env::var("ENT_PROFILE").unwrap_or_else(|_| "development".into()),
        }
    }
}

/// A configuration problem, as one line naming the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Config {
    pub fn load(source: &Source) -> Result<Config, ConfigError> {
        const PROFILES: [&str; 3] = ["development", "test", "production"];
        if !PROFILES.contains(&source.profile.as_str()) {
            return Err(ConfigError(format!(
                "ENT_PROFILE: «{}» is not a profile (expected one of {})",
                source.profile,
                PROFILES.join(", ")
            )));
        }
        let default = source.dir.join("default.toml");
        if !default.is_file() {
            return Err(ConfigError(format!(
                "{}: file not found (set ENT_CONFIG_DIR to the configuration folder)",
                default.display()
            )));
        }
        let config: Config = Figment::new()
            .merge(Toml::file(&default).search(false))
            .merge(Toml::file(
                source.dir.join(format!("{}.toml", source.profile)),
            ))
            .merge(
                Env::prefixed("ENT_")
                    .ignore(&["PROFILE", "CONFIG_DIR"])
                    .split("__"),
            )
            .extract()
            .map_err(|e| ConfigError(describe(&e)))?;
        config.check()?;
        if source.profile == "production" {
            config.no_development_keys(&default)?;
        }
        Ok(config)
    }

    /// default.toml's keys are published with the code: a production server that kept one
    /// would sign codes, cards and pushes with a key anyone can read.
    fn no_development_keys(&self, default: &Path) -> Result<(), ConfigError> {
        let published = Figment::new().merge(Toml::file(default).search(false));
        let keys = [
            ("accounts.secret", &self.accounts.secret),
            ("accounts.two_factor_key", &self.accounts.two_factor_key),
            ("push.vapid_private_key", &self.push.vapid_private_key),
            ("card.signing_key", &self.card.signing_key),
        ];
        for (key, value) in keys {
            if published.extract_inner::<String>(key).ok().as_deref() == Some(value.expose()) {
                return Err(ConfigError(format!(
                    "{key}: still the development value from default.toml; give this server \
                     its own (see production.example.toml)"
                )));
            }
        }
        Ok(())
    }

    /// Rules that tie several keys together.
    fn check(&self) -> Result<(), ConfigError> {
        let u = &self.university;
        if !u.languages.contains(&u.default_language) {
            return Err(ConfigError(
                "university.default_language: must be one of university.languages".into(),
            ));
        }
        if u.mail_domains.is_empty() {
            return Err(ConfigError(
                "university.mail_domains: give at least one domain".into(),
            ));
        }
        if self.campuses.is_empty() {
            return Err(ConfigError("campuses: give at least one campus".into()));
        }
        let campuses = self.campuses.iter().map(|c| c.code.as_str());
        if let Some(code) = first_duplicate(campuses) {
            return Err(ConfigError(format!(
                "campuses: code «{code}» appears twice"
            )));
        }
        let h = &self.help;
        if let Some(code) = first_duplicate(h.categories.iter().map(|c| c.code.as_str())) {
            return Err(ConfigError(format!(
                "help.categories: code «{code}» appears twice"
            )));
        }
        let services = self.messaging.services.iter().map(|s| s.code.as_str());
        if let Some(code) = first_duplicate(services) {
            return Err(ConfigError(format!(
                "messaging.services: code «{code}» appears twice"
            )));
        }
        if h.category(h.connection_category.as_str()).is_none() {
            return Err(ConfigError(
                "help.connection_category: must be one of help.categories".into(),
            ));
        }
        let a = &self.accounts;
        if a.secret.expose().len() < 32 {
            return Err(ConfigError(
                "accounts.secret: give at least 32 random characters".into(),
            ));
        }
        if base64_key(a.two_factor_key.expose()).is_none() {
            return Err(ConfigError(
                "accounts.two_factor_key: must be 32 bytes in base64 (openssl rand -base64 32)"
                    .into(),
            ));
        }
        for (key, domain) in [
            ("student_mail_domain", &a.student_mail_domain),
            ("staff_mail_domain", &a.staff_mail_domain),
        ] {
            if !u.mail_domains.contains(domain) {
                return Err(ConfigError(format!(
                    "accounts.{key}: must be one of university.mail_domains"
                )));
            }
        }
        let p = &self.passwords;
        if p.min_length < 8 || p.max_length < p.min_length || p.min_strength > 4 {
            return Err(ConfigError(
                "passwords: need 8 ≤ min_length ≤ max_length and min_strength ≤ 4".into(),
            ));
        }
        let push = &self.push;
        let subject = push.subject.as_str();
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            return Err(ConfigError(
                "push.subject: must be a mailto: or https:// address".into(),
            ));
        }
        let vapid_ok = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            push.vapid_private_key.expose(),
        )
        .is_ok_and(|k| k.len() == 32);
        if !vapid_ok {
            return Err(ConfigError(
                "push.vapid_private_key: must be 32 bytes in base64url (ent vapid-keys makes one)"
                    .into(),
            ));
        }
        if push.concurrency == 0 {
            return Err(ConfigError("push.concurrency: must be at least 1".into()));
        }
        let t = &self.timetable;
        if t.pull_minutes == 0 || t.notify_days == 0 || t.max_file_bytes == 0 {
            return Err(ConfigError(
                "timetable: pull_minutes, notify_days and max_file_bytes must be at least 1".into(),
            ));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError("database.pool_size: must be at least 1".into()));
        }
        self.home.check()?;
        self.registration.check()?;
        self.card.check()?;
        self.courses.check()?;
        self.cas.check()
    }

    pub fn hsts(&self) -> bool {
        self.http.public_url.as_str().starts_with("https://")
    }
}

/// One line: the key, what is wrong, and which layer said it — never the value.
fn describe(e: &figment2::Error) -> String {
    use figment2::error::Kind;
    let mut key = e.path.join(".");
    let what = match &e.kind {
        Kind::Message(m) => m.clone(),
        Kind::InvalidType(_, expected) => format!("wrong type, expected {expected}"),
        Kind::InvalidValue(_, expected) => format!("invalid value, expected {expected}"),
        Kind::InvalidLength(n, expected) => format!("{n} items, expected {expected}"),
        Kind::UnknownVariant(v, allowed) => {
            format!("«{v}» is not one of: {}", allowed.join(", "))
        }
        Kind::UnknownField(_, _) => "unknown key (misspelt?)".into(),
        Kind::MissingField(f) => {
            key = join_key(&key, f);
            "missing".into()
        }
        other => other.to_string(),
    };
    // A missing key has no layer of its own: naming the last one read would mislead.
    let origin = e
        .metadata
        .as_ref()
        .filter(|_| !matches!(e.kind, Kind::MissingField(_)))
        .map(|m| match &m.source {
            Some(src) => format!(" (in {src})"),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    let key = if key.is_empty() {
        "(top level)".into()
    } else {
        key
    };
    format!("{key}: {what}{origin}")
}

/// A 32-byte key written in base64.
fn base64_key(text: &str) -> Option<[u8; 32]> {
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text).ok()?;
    bytes.try_into().ok()
}

fn first_duplicate<T: Ord + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut items: Vec<T> = items.collect();
    items.sort_unstable();
    items.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

fn join_key(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

/// Declares a string-backed configuration type checked by `$check` while it is read.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                let check: fn(&str) -> Result<String, String> = $check;
                check(&s).map($name)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_string!(
    /// Text that must not be blank.
    NonEmpty,
    |s| {
        if s.trim().is_empty() {
            Err("must not be empty".into())
        } else {
            Ok(s.to_string())
        }
    }
);
checked_string!(
    /// A short identifier: lower-case letters, digits and dashes.
    Code,
    |s| {
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(s.to_string())
        } else {
            Err(format!("«{s}» is not a code (lower-case letters, digits and '-')"))
        }
    }
);
checked_string!(
    /// A colour as `#rrggbb`.
    Color,
    |s| {
        let ok = s.len() == 7
            && s.starts_with('#')
            && s[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(s.to_ascii_lowercase())
        } else {
            Err(format!("«{s}» is not a colour like #00558c"))
        }
    }
);
checked_string!(
    /// An absolute http(s) URL.
    HttpUrl,
    |s| {
        let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
                Ok(s.trim_end_matches('/').to_string())
            }
            _ => Err("is not an http:// or https:// address".into()),
        }
    }
);
checked_string!(
    /// A day of every year, as `MM-DD` (`09-01`); not 02-29.
    MonthDay,
    |s| {
        chrono::NaiveDate::parse_from_str(&format!("2001-{s}"), "%Y-%m-%d")
            .map(|_| s.to_string())
            .map_err(|_| format!("«{s}» is not a month and a day like «09-01»"))
    }
);

impl MonthDay {
    /// This day in `year`.
    pub fn in_year(&self, year: i32) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(&format!("{year}-{}", self.0), "%Y-%m-%d")
            .expect("checked when read, and never 02-29")
    }
}

checked_string!(
    /// An IANA time zone such as `Europe/Paris`.
    TimeZone,
    |s| {
        chrono_tz::Tz::from_str(s)
            .map(|_| s.to_string())
            .map_err(|_| format!("«{s}» is not a known time zone (e.g. Europe/Paris)"))
    }
);
checked_string!(
    /// An ISO 3166 region code known to the phone-number library.
    PhoneRegion,
    |s| {
        phonenumber::country::Id::from_str(s)
            .map(|_| s.to_string())
            .map_err(|_| format!("«{s}» is not a region code (e.g. FR)"))
    }
);
checked_string!(
    /// A language the interface is translated into.
    Language,
    |s| match s {
        "fr" | "en" => Ok(s.to_string()),
        _ => Err(format!("«{s}» is not a supported language (fr, en)")),
    }
);
checked_string!(
    /// A phone number given in international form; kept as E.164.
    MobileOrFixedPhone,
    |s| {
        MobilePhone::parse_any(s, phonenumber::country::Id::FR)
            .map_err(|e| e.to_string())
    }
);

impl TimeZone {
    pub fn tz(&self) -> chrono_tz::Tz {
        chrono_tz::Tz::from_str(&self.0).expect("checked when read")
    }
}

impl PhoneRegion {
    pub fn id(&self) -> phonenumber::country::Id {
        phonenumber::country::Id::from_str(&self.0).expect("checked when read")
    }
}
