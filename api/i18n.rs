//! The two languages of the interface, chosen per request from `Accept-Language`.

use poem::Request;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The best of fr/en for this `Accept-Language` value; French when nothing matches.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::Fr;
        };
        // By primary subtag: a browser set to British English may send `en-GB` alone.
        accept_language::parse(header)
            .iter()
            .find_map(|tag| {
                let primary = tag.split('-').next()?.to_ascii_lowercase();
                match primary.as_str() {
                    "fr" => Some(Lang::Fr),
                    "en" => Some(Lang::En),
                    _ => None,
                }
            })
            .unwrap_or(Lang::Fr)
    }

    pub fn of(req: &Request) -> Lang {
        Lang::negotiate(req.header("accept-language"))
    }
}

/// A text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }
}

/// A text in both languages, made at run time (it carries figures or names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub fr: String,
    pub en: String,
}

impl Translated {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

impl From<Text> for Translated {
    fn from(t: Text) -> Self {
        Translated {
            fr: t.fr.into(),
            en: t.en.into(),
        }
    }
}

impl<'a> poem::FromRequest<'a> for Lang {
    async fn from_request(req: &'a Request, _body: &mut poem::RequestBody) -> poem::Result<Self> {
        Ok(Lang::of(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_unless_english_is_preferred() {
        assert_eq!(Lang::negotiate(None), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de-DE,en;q=0.5,fr;q=0.8")), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("de-DE,en;q=0.5")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de")), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("en-GB")), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("de-DE,fr-CA;q=0.9,en;q=0.8")),
            Lang::Fr
        );
        assert_eq!(Lang::negotiate(Some(";;;garbage")), Lang::Fr);
    }
}
