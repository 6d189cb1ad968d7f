//! What CAS clients read: `yes`/`no` (CAS 1), the `cas:serviceResponse` XML document (CAS 2
//! and 3), or its JSON form (`format=JSON`). `authenticationSuccess`/`…Failure` is always the
//! document's first child: python-cas reads only that.

use crate::http::page::escape;
use poem::{IntoResponse, Response, http::StatusCode};
use serde_json::{Map, Value, json};

/// The error codes of the specification (§2.5.3, §2.7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidRequest,
    InvalidTicketSpec,
    InvalidTicket,
    InvalidService,
    UnauthorizedServiceProxy,
    InvalidProxyCallback,
    UnauthorizedService,
    InternalError,
}

impl Code {
    fn as_str(self) -> &'static str {
        match self {
            Code::InvalidRequest => "INVALID_REQUEST",
            Code::InvalidTicketSpec => "INVALID_TICKET_SPEC",
            Code::InvalidTicket => "INVALID_TICKET",
            Code::InvalidService => "INVALID_SERVICE",
            Code::UnauthorizedServiceProxy => "UNAUTHORIZED_SERVICE_PROXY",
            Code::InvalidProxyCallback => "INVALID_PROXY_CALLBACK",
            Code::UnauthorizedService => "UNAUTHORIZED_SERVICE",
            Code::InternalError => "INTERNAL_ERROR",
        }
    }
}

#[derive(Debug)]
pub struct Failure {
    pub code: Code,
    pub description: String,
}

impl Failure {
    pub fn new(code: Code, description: impl Into<String>) -> Failure {
        Failure {
            code,
            description: description.into(),
        }
    }
}

/// A validation that succeeded.
#[derive(Debug, Default)]
pub struct Success {
    pub user: String,
    /// CAS 3 (`/p3/`): authentication facts first, then the released attributes.
    pub attributes: Option<Vec<(&'static str, Vec<String>)>>,
    pub pgt_iou: Option<String>,
    /// The proxies a proxy ticket went through, the most recent first.
    pub proxies: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// `format=XML|JSON` (case-insensitive); anything else is an error answered in XML.
    pub fn of(param: Option<&str>) -> Result<Format, Failure> {
        match param.map(str::to_ascii_uppercase).as_deref() {
            None | Some("XML") => Ok(Format::Xml),
            Some("JSON") => Ok(Format::Json),
            Some(_) => Err(Failure::new(
                Code::InvalidRequest,
                "format: XML or JSON only",
            )),
        }
    }
}

/// CAS 1.0: `yes\n<user>\n` or `no\n\n`.
pub fn cas1(outcome: Result<Success, Failure>) -> Response {
    let body = match outcome {
        Ok(s) => format!("yes\n{}\n", s.user),
        Err(_) => "no\n\n".to_string(),
    };
    text(body, "text/plain; charset=utf-8")
}

pub fn validation(format: Format, outcome: Result<Success, Failure>) -> Response {
    match (format, outcome) {
        (Format::Xml, Ok(s)) => xml_document(&success_xml(&s)),
        (Format::Xml, Err(f)) => xml_document(&failure_xml("authenticationFailure", &f)),
        (Format::Json, Ok(s)) => json_document("authenticationSuccess", success_json(s)),
        (Format::Json, Err(f)) => json_document("authenticationFailure", failure_json(&f)),
    }
}

/// `/cas/proxy`: `proxySuccess` with the ticket, or `proxyFailure`.
pub fn proxy(format: Format, outcome: Result<String, Failure>) -> Response {
    match (format, outcome) {
        (Format::Xml, Ok(t)) => xml_document(&format!(
            "<cas:proxySuccess><cas:proxyTicket>{}</cas:proxyTicket></cas:proxySuccess>",
            escape(&t)
        )),
        (Format::Xml, Err(f)) => xml_document(&failure_xml("proxyFailure", &f)),
        (Format::Json, Ok(t)) => json_document("proxySuccess", json!({ "proxyTicket": t })),
        (Format::Json, Err(f)) => json_document("proxyFailure", failure_json(&f)),
    }
}

fn success_xml(s: &Success) -> String {
    let mut x = format!(
        "<cas:authenticationSuccess><cas:user>{}</cas:user>",
        escape(&s.user)
    );
    if let Some(attributes) = &s.attributes {
        x.push_str("<cas:attributes>");
        for (name, values) in attributes {
            for v in values {
                x.push_str(&format!("<cas:{name}>{}</cas:{name}>", escape(v)));
            }
        }
        x.push_str("</cas:attributes>");
    }
    if let Some(iou) = &s.pgt_iou {
        x.push_str(&format!(
            "<cas:proxyGrantingTicket>{}</cas:proxyGrantingTicket>",
            escape(iou)
        ));
    }
    if !s.proxies.is_empty() {
        x.push_str("<cas:proxies>");
        for p in &s.proxies {
            x.push_str(&format!("<cas:proxy>{}</cas:proxy>", escape(p)));
        }
        x.push_str("</cas:proxies>");
    }
    x.push_str("</cas:authenticationSuccess>");
    x
}

fn success_json(s: Success) -> Value {
    let mut o = Map::new();
    o.insert("user".into(), s.user.into());
    if let Some(attributes) = s.attributes {
        let attributes: Map<String, Value> = attributes
            .into_iter()
            .map(|(name, mut values)| {
                let value = if values.len() == 1 {
                    values.remove(0).into()
                } else {
                    values.into()
                };
                (name.to_string(), value)
            })
            .collect();
        o.insert("attributes".into(), attributes.into());
    }
    if let Some(iou) = s.pgt_iou {
        o.insert("proxyGrantingTicket".into(), iou.into());
    }
    if !s.proxies.is_empty() {
        o.insert("proxies".into(), s.proxies.into());
    }
    o.into()
}

fn failure_xml(element: &str, f: &Failure) -> String {
    format!(
        "<cas:{element} code=\"{}\">{}</cas:{element}>",
        f.code.as_str(),
        escape(&f.description)
    )
}

fn failure_json(f: &Failure) -> Value {
    json!({ "code": f.code.as_str(), "description": f.description })
}

fn xml_document(inner: &str) -> Response {
    text(
        format!(
            "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\">{inner}</cas:serviceResponse>\n"
        ),
        "application/xml; charset=utf-8",
    )
}

fn json_document(element: &str, inner: Value) -> Response {
    let doc = json!({ "serviceResponse": { element: inner } });
    text(doc.to_string(), "application/json")
}

/// Validation answers are 200 whatever they say (clients read the document), never cached.
fn text(body: String, content_type: &str) -> Response {
    body.with_content_type(content_type)
        .with_header("Cache-Control", "no-store")
        .with_status(StatusCode::OK)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_repeated() {
        let s = Success {
            user: "a<b".into(),
            attributes: Some(vec![("memberOf", vec!["G1".into(), "G&2".into()])]),
            ..Success::default()
        };
        let x = success_xml(&s);
        assert!(x.contains("<cas:user>a&lt;b</cas:user>"));
        assert!(x.contains("<cas:memberOf>G1</cas:memberOf><cas:memberOf>G&amp;2</cas:memberOf>"));
        let j = success_json(s);
        assert_eq!(j["attributes"]["memberOf"], json!(["G1", "G&2"]));
    }
}
