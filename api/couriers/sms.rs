//! Text messages: written to the log (development) or posted to the configured HTTP gateway.

use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::{
    Method,
    header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue},
};

use super::SendError;
use crate::config;

const RECIPIENT: &str = "{{recipient}}";
const TEXT: &str = "{{text}}";

pub enum SmsTransport {
    Log,
    Http(Gateway),
}

/// The SMS provider's HTTP API. The only address it ever calls is the configured one:
/// redirects are not followed, so a gateway cannot send us elsewhere.
pub struct Gateway {
    client: reqwest::Client,
    url: String,
    method: Method,
    headers: HeaderMap,
    template: String,
    timeout: Duration,
}

impl SmsTransport {
    /// Checks the `[sms]` section (method, headers, body template) so that a mistake stops
    /// start-up instead of failing every message.
    pub fn new(cfg: &config::Sms) -> anyhow::Result<SmsTransport> {
        let config::Sms::Http {
            url,
            method,
            headers,
            body,
            timeout_ms,
        } = cfg
        else {
            tracing::warn!("sms.kind = \"log\": text messages are written to the log, not sent");
            return Ok(SmsTransport::Log);
        };
        let timeout = Duration::from_millis(*timeout_ms);
        Ok(SmsTransport::Http(Gateway {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .context("sms: HTTP client")?,
            url: url.to_string(),
            method: Method::from_bytes(method.as_str().as_bytes())
                .map_err(|_| anyhow::anyhow!("sms.method: not an HTTP method"))?,
            headers: header_map(headers)?,
            template: checked_template(body.as_str())?,
            timeout,
        }))
    }

    /// The longest one message can take.
    pub fn time_limit(&self) -> Duration {
        match self {
            SmsTransport::Log => Duration::ZERO,
            SmsTransport::Http(gateway) => gateway.timeout,
        }
    }

    pub async fn send(&self, recipient: &str, text: &str) -> Result<(), SendError> {
        match self {
            SmsTransport::Log => {
                tracing::info!(to = %mask(recipient), text, "SMS (log only)");
                Ok(())
            }
            SmsTransport::Http(gateway) => gateway.send(recipient, text).await,
        }
    }
}

impl Gateway {
    async fn send(&self, recipient: &str, text: &str) -> Result<(), SendError> {
        let response = self
            .client
            .request(self.method.clone(), &self.url)
            .header(CONTENT_TYPE, "application/json")
            .headers(self.headers.clone())
            .body(render(&self.template, recipient, text))
            .send()
            .await
            // The URL may carry an API key.
            .map_err(|e| SendError::chain(&e.without_url()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            // The answer's body is not kept: it may quote the message.
            Err(SendError::new(format_args!("gateway answered {status}")))
        }
    }
}

/// Header values are secrets (API keys): marked sensitive, and never named in an error.
fn header_map(
    headers: &std::collections::BTreeMap<String, config::Secret>,
) -> anyhow::Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let key = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| anyhow::anyhow!("sms.headers: «{name}» is not a header name"))?;
        let mut value = HeaderValue::from_str(value.expose())
            .map_err(|_| anyhow::anyhow!("sms.headers.{name}: not a valid header value"))?;
        value.set_sensitive(true);
        map.insert(key, value);
    }
    Ok(map)
}

/// A template must name both values and give JSON once they are filled in.
fn checked_template(template: &str) -> anyhow::Result<String> {
    for placeholder in [RECIPIENT, TEXT] {
        if !template.contains(placeholder) {
            bail!("sms.body: the template must contain {placeholder}");
        }
    }
    let sample = render(template, "+33612345678", "Code \"1234\"\n");
    serde_json::from_str::<serde_json::Value>(&sample)
        .map_err(|_| anyhow::anyhow!("sms.body: not JSON once {RECIPIENT} and {TEXT} are replaced by JSON strings (write them without quotes)"))?;
    Ok(template.to_string())
}

/// Fills the template in one pass, each placeholder becoming a JSON string (quotes included): a
/// text that contains `{{recipient}}` stays as it is.
fn render(template: &str, recipient: &str, text: &str) -> String {
    let mut out = String::with_capacity(template.len() + recipient.len() + text.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let filled = [(RECIPIENT, recipient), (TEXT, text)]
            .into_iter()
            .find(|(placeholder, _)| rest.starts_with(placeholder));
        match filled {
            Some((placeholder, value)) => {
                out.push_str(&serde_json::Value::from(value).to_string());
                rest = &rest[placeholder.len()..];
            }
            None => {
                out.push_str("{{");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `+33612345678` → `**********78`: enough to tell messages apart in a log.
fn mask(recipient: &str) -> String {
    let chars: Vec<char> = recipient.chars().collect();
    let shown = chars.len().saturating_sub(2);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < shown { '*' } else { *c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_strings_and_placeholders_in_values_stay() {
        let body = render(
            r#"{"to": {{recipient}}, "msg": {{text}}, "x": "{{other}}"}"#,
            "+33600000001",
            "say \"{{recipient}}\"\n",
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["to"], "+33600000001");
        assert_eq!(v["msg"], "say \"{{recipient}}\"\n");
        assert_eq!(v["x"], "{{other}}");
    }

    #[test]
    fn templates_are_checked() {
        assert!(checked_template(r#"{"to": {{recipient}}, "m": {{text}}}"#).is_ok());
        assert!(checked_template(r#"{"to": {{recipient}}}"#).is_err());
        assert!(checked_template(r#"{"to": "{{recipient}}", "m": {{text}}}"#).is_err());
    }

    #[test]
    fn recipients_are_masked_but_the_last_two_digits() {
        assert_eq!(mask("+33612345678"), "**********78");
        assert_eq!(mask("7"), "7");
    }
}
