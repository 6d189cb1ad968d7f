//! The outermost layer: every response, error or not, leaves through here.

use std::{collections::HashMap, panic::AssertUnwindSafe, sync::Arc, time::Instant};

use futures_util::FutureExt;
use poem::{
    Endpoint, IntoResponse, PathPattern, Request, Response,
    error::{MethodNotAllowedError, NotFoundError},
    http::{HeaderValue, header},
};
use poem_openapi::{
    OperationId,
    error::{ContentTypeError, ParseParamError, ParseRequestPayloadError},
};
use tracing::Instrument;

use crate::{
    errors::{self, ApiError, ProblemType, problem_of, problem_response},
    i18n::Lang,
    metrics::Metrics,
};

/// What the edge needs, fixed at start-up.
pub struct Edge {
    pub metrics: Metrics,
    pub hsts: bool,
    /// API operation id → path template.
    pub templates: HashMap<String, String>,
    /// The methods of each API path template, for a 405's `Allow` (RFC 9110).
    pub methods: Vec<Methods>,
}

/// A path template (`/api/me/passkeys/{id}`) and the methods it answers.
pub struct Methods {
    segments: Vec<Option<String>>,
    allow: HeaderValue,
}

impl Methods {
    pub fn new(template: &str, methods: &[String]) -> Self {
        let segments = template
            .split('/')
            .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
            .collect();
        let allow = HeaderValue::from_str(&methods.join(", ")).expect("methods are tokens");
        Self { segments, allow }
    }

    /// How many literal segments of `path` this template matches (None: not this template).
    fn fit(&self, path: &[&str]) -> Option<usize> {
        if path.len() != self.segments.len() {
            return None;
        }
        let mut literal = 0;
        for (segment, want) in path.iter().zip(&self.segments) {
            match want {
                Some(want) if want == segment => literal += 1,
                Some(_) => return None,
                None if segment.is_empty() => return None,
                None => {}
            }
        }
        Some(literal)
    }
}

/// Strict policy for the app; no inline script anywhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
    object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
/// Swagger UI ships inline script and style: it alone gets them.
const CSP_DOCS: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub async fn handle<E: Endpoint>(
    next: E,
    mut req: Request,
    edge: Arc<Edge>,
) -> poem::Result<Response> {
    let started = Instant::now();
    // An event stream must reach the browser event by event: never through a compressor that
    // holds bytes back.
    if req
        .header(header::ACCEPT)
        .is_some_and(|a| a.contains("text/event-stream"))
    {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    let lang = Lang::of(&req);
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let span = tracing::info_span!("request", id = %id, method = %method, path = %path);

    let outcome = AssertUnwindSafe(next.call(req))
        .catch_unwind()
        .instrument(span.clone())
        .await;
    let (mut resp, route) = match outcome {
        Ok(Ok(resp)) => {
            let resp = resp.into_response();
            let route = edge.route(resp.data::<OperationId>(), resp.data::<PathPattern>());
            (resp, route)
        }
        Ok(Err(err)) => {
            let route = edge.route(err.data::<OperationId>(), err.data::<PathPattern>());
            (span.in_scope(|| error_response(&err, lang, &id)), route)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(parent: &span, panic = %what, "handler panicked");
            let resp = problem_response(&problem_of(errors::INTERNAL, None, lang, Some(&id)));
            (resp, "(panic)".to_string())
        }
    };

    let status = resp.status().as_u16();
    if status == 405 {
        edge.allow(&path, &mut resp);
    }
    let elapsed = started.elapsed();
    edge.metrics
        .observe(&method, &route, status, elapsed.as_secs_f64());
    secure(&mut resp, &path, edge.hsts, &id);
    tracing::info!(parent: &span, status, ms = elapsed.as_secs_f64() * 1e3, "served");
    Ok(resp)
}

impl Edge {
    /// Says which methods the path answers, as poem's router, that knows, does not: the template
    /// with the most literal segments, as the router prefers `registration` to `{id}`.
    fn allow(&self, path: &str, resp: &mut Response) {
        let path: Vec<&str> = path.split('/').collect();
        let best = self
            .methods
            .iter()
            .filter_map(|m| m.fit(&path).map(|literal| (literal, m)))
            .max_by_key(|(literal, _)| *literal);
        if let Some((_, methods)) = best {
            resp.headers_mut()
                .insert(header::ALLOW, methods.allow.clone());
        }
    }

    /// The label of a request in metrics: an API operation's template, a route's pattern, or
    /// `/*` for the PWA's files — never the raw path (unbounded cardinality).
    fn route(&self, operation: Option<&OperationId>, pattern: Option<&PathPattern>) -> String {
        if let Some(template) = operation.and_then(|op| self.templates.get(op.0)) {
            return template.clone();
        }
        match pattern.map(|p| p.0.as_ref()) {
            Some("") => "/*".into(),
            Some(p) if p != "/api" => p.into(),
            _ => "(unmatched)".into(),
        }
    }
}

/// Any error becomes a problem in the caller's language; causes go to the log only.
fn error_response(err: &poem::Error, lang: Lang, id: &str) -> Response {
    if let Some(api) = err.downcast_ref::<ApiError>() {
        if let Some(cause) = &api.cause {
            if api.kind.status >= 500 {
                tracing::error!(%cause, kind = api.kind.slug, "request failed");
            } else {
                tracing::info!(%cause, kind = api.kind.slug, "request refused");
            }
        }
        let mut resp = problem_response(&api.problem(lang, Some(id)));
        if let Some(retry) = api.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, retry.into());
        }
        return resp;
    }
    let kind = classify(err);
    if kind.status >= 500 {
        tracing::error!(error = %err, "request failed");
    }
    problem_response(&problem_of(kind, None, lang, Some(id)))
}

fn classify(err: &poem::Error) -> ProblemType {
    if err.is::<ParseRequestPayloadError>() {
        errors::INVALID_BODY
    } else if err.is::<ContentTypeError>() {
        errors::UNSUPPORTED_MEDIA_TYPE
    } else if err.is::<ParseParamError>() {
        errors::INVALID_PARAMETER
    } else if err.is::<NotFoundError>() {
        errors::NOT_FOUND
    } else if err.is::<MethodNotAllowedError>() {
        errors::METHOD_NOT_ALLOWED
    } else {
        match err.status().as_u16() {
            404 => errors::NOT_FOUND,
            405 => errors::METHOD_NOT_ALLOWED,
            413 => errors::PAYLOAD_TOO_LARGE,
            415 => errors::UNSUPPORTED_MEDIA_TYPE,
            429 => errors::TOO_MANY_REQUESTS,
            503 => errors::SERVICE_UNAVAILABLE,
            s if s >= 500 => errors::INTERNAL,
            _ => errors::BAD_REQUEST,
        }
    }
}

fn secure(resp: &mut Response, path: &str, hsts: bool, id: &str) {
    let csp = if path.starts_with("/api/docs") {
        CSP_DOCS
    } else {
        CSP
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not even to ourselves: a recovery page's address carries its token.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    // API answers are personal: no shared cache keeps them unless the handler says otherwise.
    if path.starts_with("/api/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(v) = HeaderValue::from_str(id) {
        h.insert("x-request-id", v);
    }
}

#[cfg(test)]
mod tests {
    use poem::{EndpointExt, Route, get, handler, http::StatusCode, test::TestClient};

    use super::*;

    #[handler]
    fn boom() -> &'static str {
        panic!("secret internal state")
    }

    #[handler]
    fn thing() -> &'static str {
        "a thing"
    }

    fn app() -> impl Endpoint {
        let edge = Arc::new(Edge {
            metrics: Metrics::new(),
            hsts: true,
            templates: HashMap::new(),
            methods: vec![Methods::new(
                "/api/things/{id}",
                &["GET".into(), "DELETE".into()],
            )],
        });
        Route::new()
            .at("/boom", get(boom))
            .at("/api/things/:id", get(thing).delete(thing))
            .around(move |ep, req| handle(ep, req, edge.clone()))
    }

    #[tokio::test]
    async fn a_panic_is_a_500_problem_without_detail_and_the_server_goes_on() {
        let client = TestClient::new(app());
        let resp = client
            .get("/boom")
            .header("accept-language", "en")
            .send()
            .await;
        resp.assert_status(StatusCode::INTERNAL_SERVER_ERROR);
        resp.assert_content_type("application/problem+json");
        resp.assert_header_exist("strict-transport-security");
        let body = resp.0.into_body().into_string().await.unwrap();
        assert!(body.contains("urn:ent-mobile:problem:internal"), "{body}");
        assert!(body.contains("Internal error"), "{body}");
        assert!(!body.contains("secret"), "{body}");
        // The next request is served as usual.
        let again = client.get("/nothing-here").send().await;
        again.assert_status(StatusCode::NOT_FOUND);
        again.assert_content_type("application/problem+json");
    }

    #[tokio::test]
    async fn a_method_the_path_does_not_answer_is_a_405_that_says_which_it_does() {
        let client = TestClient::new(app());
        let resp = client.post("/api/things/42").send().await;
        resp.assert_status(StatusCode::METHOD_NOT_ALLOWED);
        resp.assert_content_type("application/problem+json");
        resp.assert_header("allow", "GET, DELETE");
        // A path no template has is a 404, with nothing to allow.
        let resp = client.post("/api/things/42/more").send().await;
        resp.assert_status(StatusCode::NOT_FOUND);
        resp.assert_header_is_not_exist("allow");
    }
}
