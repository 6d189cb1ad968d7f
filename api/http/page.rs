//! The few pages the server writes itself, for browsers that arrive without the PWA: CAS's
//! refusals, and the verification of a certificate or a student card by whoever holds one.
//! A sentence or two, facts, a way on; in the person's language; never cached.

use poem::{IntoResponse, Response, http::StatusCode};

use crate::i18n::{Lang, Text};

/// The way on from most pages: the ENT's home.
pub const HOME: (&str, Text) = (
    "/",
    Text {
        fr: "Aller à l’ENT",
        en: "Go to the ENT",
    },
);

/// `&`, `<`, `>`, `"` and `'` as entities: text safe inside HTML and XML, attributes included.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What a page says, already in its language.
pub struct Html<'a> {
    pub status: StatusCode,
    pub title: &'a str,
    pub paragraphs: &'a [String],
    /// Label and value, shown as a list (a certificate's holder, year, program).
    pub facts: &'a [(&'a str, String)],
    /// Where the person can go on: (address, label).
    pub link: (&'a str, &'a str),
}

impl Html<'_> {
    pub fn render(&self, lang: Lang) -> Response {
        let paragraphs: String = self
            .paragraphs
            .iter()
            .map(|p| format!("<p>{}</p>", escape(p)))
            .collect();
        let facts: String = self
            .facts
            .iter()
            .map(|(label, value)| format!("<dt>{}</dt><dd>{}</dd>", escape(label), escape(value)))
            .collect();
        let facts = if facts.is_empty() {
            facts
        } else {
            format!("<dl>{facts}</dl>")
        };
        let (href, label) = self.link;
        let html = format!(
            "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title></head>\
             <body style=\"font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5\">\
             <h1 style=\"font-size: 1.4rem\">{title}</h1>{paragraphs}{facts}\
             <p><a href=\"{href}\">{label}</a></p></body></html>",
            code = match lang {
                Lang::Fr => "fr",
                Lang::En => "en",
            },
            title = escape(self.title),
            href = escape(href),
            label = escape(label),
        );
        html.with_content_type("text/html; charset=utf-8")
            .with_header("Cache-Control", "no-store")
            .with_status(self.status)
            .into_response()
    }
}
