//! Layered configuration: `config/default.toml` → `config/<profile>.toml` → `ENT_SECTION__KEY`.
//!
//! Every value is checked while it is read, so a wrong value stops start-up with one line that
//! names the key; values themselves are never echoed (they may be secrets).

use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr};

use figment2::{
    Figment,
    providers::{Env, Format, Toml},
};
use serde::{Deserialize, Serialize};

use crate::phone::MobilePhone;

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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `ent=debug,info`.
    pub filter: NonEmpty,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
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
            .merge(Toml::file(default).search(false))
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
        Ok(config)
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
        let mut codes: Vec<&str> = self.campuses.iter().map(|c| c.code.as_str()).collect();
        codes.sort_unstable();
        if let Some(w) = codes.windows(2).find(|w| w[0] == w[1]) {
            return Err(ConfigError(format!(
                "campuses: code «{}» appears twice",
                w[0]
            )));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError("database.pool_size: must be at least 1".into()));
        }
        Ok(())
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
