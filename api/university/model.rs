//! What the public learns about the university, before logging in.

use poem_openapi::Object;

use crate::config::{self, Config};

/// Everything the PWA needs to present the university before anyone logs in.
#[derive(Debug, Clone, Object)]
pub struct PublicConfig {
    pub university: University,
    pub branding: Branding,
    /// Languages of the interface; the first is not necessarily the default.
    pub languages: Vec<String>,
    pub default_language: String,
    /// IANA time zone in which dates and times are shown.
    pub time_zone: String,
    pub campuses: Vec<Campus>,
    /// Whom to contact when one cannot log in.
    pub secretariat: Vec<SecretariatContact>,
    /// Longest message in messaging, in characters (`messaging.max_chars`).
    pub message_max_chars: u32,
}

#[derive(Debug, Clone, Object)]
pub struct University {
    pub name: String,
    pub short_name: String,
    pub website: String,
}

#[derive(Debug, Clone, Object)]
pub struct Branding {
    /// `#rrggbb`
    pub primary_color: String,
    /// `#rrggbb`
    pub background_color: String,
    pub logo_url: String,
}

#[derive(Debug, Clone, Object)]
pub struct Campus {
    pub code: String,
    pub name: String,
    pub city: String,
}

#[derive(Debug, Clone, Object)]
pub struct SecretariatContact {
    pub name: String,
    pub email: String,
    /// E.164
    pub phone: String,
    pub hours: String,
}

impl From<&config::Campus> for Campus {
    fn from(c: &config::Campus) -> Self {
        Campus {
            code: c.code.to_string(),
            name: c.name.to_string(),
            city: c.city.to_string(),
        }
    }
}

impl From<&Config> for PublicConfig {
    fn from(c: &Config) -> Self {
        let u = &c.university;
        PublicConfig {
            university: University {
                name: u.name.to_string(),
                short_name: u.short_name.to_string(),
                website: u.website.to_string(),
            },
            branding: Branding {
                primary_color: c.branding.primary_color.to_string(),
                background_color: c.branding.background_color.to_string(),
                logo_url: c.branding.logo_url.to_string(),
            },
            languages: u.languages.iter().map(ToString::to_string).collect(),
            default_language: u.default_language.to_string(),
            time_zone: u.time_zone.to_string(),
            campuses: c.campuses.iter().map(Campus::from).collect(),
            secretariat: c
                .secretariat
                .iter()
                .map(|s| SecretariatContact {
                    name: s.name.to_string(),
                    email: s.email.to_string(),
                    phone: s.phone.to_string(),
                    hours: s.hours.to_string(),
                })
                .collect(),
            message_max_chars: u32::try_from(c.messaging.max_chars).unwrap_or(u32::MAX),
        }
    }
}

/// The web app manifest (W3C), made from the configuration so that each deployment installs
/// under its own name and colours.
pub fn manifest(c: &Config) -> serde_json::Value {
    let icon = |size: u32, file: &str, purpose: &str| {
        serde_json::json!({
            "src": format!("/icons/{file}"),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": purpose,
        })
    };
    serde_json::json!({
        "id": "/",
        "name": c.university.name.as_str(),
        "short_name": c.university.short_name.as_str(),
        "description": format!("Espace numérique de travail — {}", c.university.name),
        "lang": c.university.default_language.as_str(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": c.branding.primary_color.as_str(),
        "background_color": c.branding.background_color.as_str(),
        "icons": [
            icon(192, "icon-192.png", "any"),
            icon(512, "icon-512.png", "any"),
            icon(512, "icon-maskable-512.png", "maskable"),
        ],
    })
}
