//! The central authentication service as CAS clients see it: `/cas/login` with and without a
//! session, every validation endpoint and error code, single use, expiry, renew and gateway,
//! proxies with a callback on loopback, Single Logout, the REST protocol, suspension, and
//! « Tous les services ».

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use poem::{EndpointExt, Route, get, handler, http::StatusCode, listener::TcpListener, web::Query};
use reqwest::{Method, redirect::Policy};
use serde_json::{Value, json};

use crate::common::{
    TestApp, problem,
    session::{Signed, app, call},
};

/// The demo service's address on loopback (nothing listens there: CAS never calls it).
const DEMO: &str = "http://127.0.0.1:9/moodle/";

/// A browser that does not follow redirects, so that tests see each `Location`.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn encoded(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `/cas/login?service=…&extra` as `who` (or signed out): status and `Location`.
async fn cas_login(
    app: &TestApp,
    who: Option<&Signed>,
    service: &str,
    extra: &str,
) -> (u16, String) {
    let mut req =
        browser().get(app.url(&format!("/cas/login?service={}{extra}", encoded(service))));
    if let Some(who) = who {
        req = req.header("cookie", &who.cookie);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let location = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location)
}

/// A service ticket for `service`, by single sign-on.
async fn ticket(app: &TestApp, who: &Signed, service: &str) -> String {
    let (status, location) = cas_login(app, Some(who), service, "").await;
    assert_eq!(status, 302, "{location}");
    assert!(location.starts_with(service), "{location}");
    let url = url::Url::parse(&location).unwrap();
    let ticket = url
        .query_pairs()
        .find(|(k, _)| k == "ticket")
        .unwrap()
        .1
        .into_owned();
    assert!(ticket.starts_with("ST-") && ticket.len() >= 35);
    assert!(
        ticket[3..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    );
    ticket
}

async fn validate(
    app: &TestApp,
    endpoint: &str,
    service: &str,
    ticket: &str,
    extra: &str,
) -> String {
    let path = format!(
        "/cas/{endpoint}?service={}&ticket={ticket}{extra}",
        encoded(service)
    );
    let resp = app.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

fn failure_code(xml: &str) -> &str {
    let start = xml.find("authenticationFailure code=\"").expect(xml) + 28;
    let end = start + xml[start..].find('"').unwrap();
    &xml[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_sign_on_gives_a_ticket_that_every_protocol_version_validates_once() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;

    // CAS 2: the user, nothing else.
    let st = ticket(&app, &lucas, DEMO).await;
    let xml = validate(&app, "serviceValidate", DEMO, &st, "").await;
    assert!(xml.starts_with(
        "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\"><cas:authenticationSuccess><cas:user>25000002</cas:user>"
    ), "{xml}");
    assert!(!xml.contains("<cas:attributes>"));
    // Single use.
    let again = validate(&app, "serviceValidate", DEMO, &st, "").await;
    assert_eq!(failure_code(&again), "INVALID_TICKET");

    // CAS 3: attributes, a multi-valued one repeated.
    let st = ticket(&app, &lucas, DEMO).await;
    let xml = validate(&app, "p3/serviceValidate", DEMO, &st, "").await;
    for expected in [
        "<cas:isFromNewLogin>false</cas:isFromNewLogin>",
        "<cas:longTermAuthenticationRequestTokenUsed>true</cas:longTermAuthenticationRequestTokenUsed>",
        "<cas:authenticationDate>2026-11-30T07:45:00Z</cas:authenticationDate>",
        "<cas:mail>lucas.martin@etu.univ-tours.fr</cas:mail>",
        "<cas:displayName>Lucas Martin</cas:displayName>",
        "<cas:sn>Martin</cas:sn>",
        "<cas:eduPersonAffiliation>student</cas:eduPersonAffiliation><cas:eduPersonAffiliation>member</cas:eduPersonAffiliation>",
        "<cas:eduPersonPrimaryAffiliation>student</cas:eduPersonPrimaryAffiliation>",
        "<cas:eduPersonPrincipalName>25000002@univ-tours.fr</cas:eduPersonPrincipalName>",
        "<cas:supannEtuId>25000002</cas:supannEtuId>",
        "<cas:supannEntiteAffectationPrincipale>grandmont</cas:supannEntiteAffectationPrincipale>",
        "<cas:memberOf>L1-INFO</cas:memberOf><cas:memberOf>L1-INFO-TD2</cas:memberOf>",
    ] {
        assert!(xml.contains(expected), "{expected} missing from {xml}");
    }
    assert!(!xml.contains("supannEmpId"));

    // JSON, and proxyValidate accepts service tickets too.
    let st = ticket(&app, &lucas, DEMO).await;
    let body = validate(&app, "p3/proxyValidate", DEMO, &st, "&format=JSON").await;
    let json: Value = serde_json::from_str(&body).unwrap();
    let success = &json["serviceResponse"]["authenticationSuccess"];
    assert_eq!(success["user"], "25000002");
    assert_eq!(
        success["attributes"]["memberOf"],
        json!(["L1-INFO", "L1-INFO-TD2"])
    );
    assert_eq!(success["attributes"]["sn"], "Martin");

    // CAS 1.
    let st = ticket(&app, &lucas, DEMO).await;
    assert_eq!(
        validate(&app, "validate", DEMO, &st, "").await,
        "yes\n25000002\n"
    );
    assert_eq!(validate(&app, "validate", DEMO, &st, "").await, "no\n\n");

    // The security log and the devices page say which service was opened.
    let activity = lucas.get_ok("/api/me/security-events").await;
    assert!(
        activity.to_string().contains("\"service\":\"demo\""),
        "{activity}"
    );
    assert!(
        activity.to_string().contains("service_opened"),
        "{activity}"
    );
    let devices = lucas.get_ok("/api/me/sessions").await;
    assert_eq!(devices[0]["services"], json!(["demo"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_answers_each_error_code_of_the_specification() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;

    let missing = validate(&app, "serviceValidate", DEMO, "", "").await;
    assert_eq!(failure_code(&missing), "INVALID_REQUEST");
    let resp = app.get("/cas/serviceValidate?service=x").await;
    assert_eq!(failure_code(&resp.text().await.unwrap()), "INVALID_REQUEST");
    let st = ticket(&app, &lucas, DEMO).await;
    let yaml = validate(&app, "serviceValidate", DEMO, &st, "&format=YAML").await;
    assert_eq!(failure_code(&yaml), "INVALID_REQUEST");

    let unknown = validate(&app, "serviceValidate", DEMO, "ST-0000", "").await;
    assert_eq!(failure_code(&unknown), "INVALID_TICKET");
    assert!(unknown.contains("ST-0000 not recognized"));

    // Another service's ticket: INVALID_SERVICE, and the ticket is spent.
    let st = ticket(&app, &lucas, DEMO).await;
    let other = "http://127.0.0.1:9/other/";
    assert_eq!(
        failure_code(&validate(&app, "serviceValidate", other, &st, "").await),
        "INVALID_SERVICE"
    );
    assert_eq!(
        failure_code(&validate(&app, "serviceValidate", DEMO, &st, "").await),
        "INVALID_TICKET"
    );

    // Five minutes, on the server's clock.
    let st = ticket(&app, &lucas, DEMO).await;
    app.clock.advance(chrono::Duration::seconds(301));
    let late = validate(&app, "serviceValidate", DEMO, &st, "").await;
    assert_eq!(failure_code(&late), "INVALID_TICKET");
    assert!(late.contains("expired"));

    // A single sign-on ticket under renew.
    let st = ticket(&app, &lucas, DEMO).await;
    let renew = validate(&app, "serviceValidate", DEMO, &st, "&renew=true").await;
    assert_eq!(failure_code(&renew), "INVALID_TICKET");

    // JSON failures.
    let st = ticket(&app, &lucas, DEMO).await;
    let body = validate(&app, "serviceValidate", other, &st, "&format=json").await;
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        json["serviceResponse"]["authenticationFailure"]["code"],
        "INVALID_SERVICE"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_validations_of_one_ticket_exactly_one_succeeds() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let st = ticket(&app, &lucas, DEMO).await;
    let answers = futures_util::future::join_all(
        (0..12).map(|_| validate(&app, "serviceValidate", DEMO, &st, "")),
    )
    .await;
    let won = answers
        .iter()
        .filter(|a| a.contains("authenticationSuccess"))
        .count();
    assert_eq!(won, 1, "{answers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_without_a_session_goes_through_the_pwa_and_renew_asks_for_the_password() {
    let app = app().await;

    // Signed out: the PWA's login, holding the request.
    let (status, location) = cas_login(&app, None, DEMO, "").await;
    assert_eq!(status, 302);
    let request = location
        .strip_prefix("/login?cas=")
        .expect(&location)
        .to_string();
    assert!(request.starts_with("LR-"));
    // Gateway: back to the service, without a ticket.
    assert_eq!(
        cas_login(&app, None, DEMO, "&gateway=true").await,
        (302, DEMO.to_string())
    );

    // After signing in on the PWA, the continuation sends the browser on with a ticket.
    let lucas = app.sign_in("25000002").await;
    let next = lucas
        .post_ok("/api/cas/continuation", json!({"request": request}))
        .await;
    let location = next["location"].as_str().unwrap();
    let st = location.split("ticket=").nth(1).unwrap();
    let xml = validate(&app, "p3/serviceValidate", DEMO, st, "&renew=true").await;
    assert!(
        xml.contains("<cas:isFromNewLogin>true</cas:isFromNewLogin>"),
        "{xml}"
    );
    // The request served once.
    let again = lucas
        .post("/api/cas/continuation", json!({"request": request}))
        .await;
    problem(again, 410, "cas-login-request-expired").await;

    // renew=true with a session still asks for the password.
    app.clock.advance(chrono::Duration::seconds(5));
    let (status, location) = cas_login(&app, Some(&lucas), DEMO, "&renew=true&gateway=true").await;
    assert_eq!(status, 302);
    let request = location.strip_prefix("/login?cas=").unwrap().to_string();
    let body = json!({"request": request});
    problem(
        lucas.post("/api/cas/continuation", body.clone()).await,
        403,
        "reauthentication-required",
    )
    .await;
    let renewed = reauthenticated(&lucas).await;
    let next = renewed.post_ok("/api/cas/continuation", body).await;
    let st = next["location"]
        .as_str()
        .unwrap()
        .split("ticket=")
        .nth(1)
        .unwrap()
        .to_string();
    let xml = validate(&app, "serviceValidate", DEMO, &st, "&renew=true").await;
    assert!(xml.contains("<cas:user>25000002</cas:user>"), "{xml}");

    // Without a service: a page saying so, or the login.
    let resp = browser()
        .get(app.url("/cas/login"))
        .header("cookie", &renewed.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("Vous êtes connecté(e)"));
    let resp = browser().get(app.url("/cas/login")).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unregistered_and_forbidden_services_never_get_a_redirect() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    for service in [
        "https://evil.example/",
        "http://127.0.0.2:9/",
        "javascript:alert(1)",
        "http://localhost:8001.evil.example/",
    ] {
        let (status, location) = cas_login(&app, Some(&lucas), service, "&gateway=true").await;
        assert_eq!((status, location.as_str()), (400, ""), "{service}");
        let (status, _) = cas_login(&app, None, service, "&gateway=true").await;
        assert_eq!(status, 400);
    }
    // Staff only.
    let (status, location) = cas_login(&app, Some(&lucas), "http://localhost:8001/paie", "").await;
    assert_eq!((status, location.as_str()), (403, ""));
    let staff = app.sign_in("p2001").await;
    let st = ticket(&app, &staff, "http://localhost:8001/paie").await;
    let xml = validate(
        &app,
        "p3/serviceValidate",
        "http://localhost:8001/paie",
        &st,
        "",
    )
    .await;
    assert!(
        xml.contains("<cas:uid>p2001</cas:uid>") && !xml.contains("<cas:mail>"),
        "{xml}"
    );
    // Logout redirects only to a registered service.
    let resp = browser()
        .get(app.url("/cas/logout?service=https%3A%2F%2Fevil.example%2F"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("location").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_account_gets_no_ticket_and_its_pending_tickets_fail() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let st = ticket(&app, &lucas, DEMO).await;
    set_state(&app, "25000002", "suspended").await;
    let (status, _) = cas_login(&app, Some(&lucas), DEMO, "").await;
    assert_eq!(status, 403);
    let xml = validate(&app, "serviceValidate", DEMO, &st, "").await;
    assert_eq!(failure_code(&xml), "INVALID_TICKET");
}

async fn set_state(app: &TestApp, number: &str, state: &str) {
    use diesel_async::RunQueryDsl;
    let mut conn = app.db.conn().await;
    diesel::sql_query(format!(
        "UPDATE accounts SET state = '{state}', suspension_reason = 'other', state_changed_at = now() WHERE person_id = (SELECT id FROM people WHERE number = '{number}')"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
}

/// What a proxy callback received: (pgtId, pgtIou).
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A proxy callback on loopback: answers `status`, keeps what it received.
async fn callback(status: StatusCode) -> (String, Received) {
    #[derive(serde::Deserialize)]
    struct Params {
        #[serde(rename = "pgtId")]
        pgt_id: String,
        #[serde(rename = "pgtIou")]
        pgt_iou: String,
    }
    #[handler]
    fn receive(
        Query(p): Query<Params>,
        poem::web::Data(got): poem::web::Data<&Received>,
        poem::web::Data(status): poem::web::Data<&StatusCode>,
    ) -> StatusCode {
        got.lock().unwrap().push((p.pgt_id, p.pgt_iou));
        *status
    }
    let got = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let app = Route::new()
        .at("/callback", get(receive))
        .data(got.clone())
        .data(status);
    tokio::spawn(poem::Server::new(TcpListener::bind(format!("127.0.0.1:{port}"))).run(app));
    tokio::time::sleep(Duration::from_millis(100)).await;
    (format!("http://127.0.0.1:{port}/callback?x=1"), got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_proxies_to_a_back_end_through_its_callback() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let (pgt_url, got) = callback(StatusCode::OK).await;
    let st = ticket(&app, &lucas, DEMO).await;
    let xml = with_callback(&app, DEMO, &st, &pgt_url).await;
    let iou = element(&xml, "proxyGrantingTicket");
    let (pgt, received_iou) = got.lock().unwrap()[0].clone();
    assert_eq!(iou, received_iou);
    assert!(pgt.starts_with("PGT-") && pgt.len() >= 68 && iou.starts_with("PGTIOU-"));

    let back_end = "http://localhost:8002/search";
    let resp = text(
        &app,
        &format!("/cas/proxy?pgt={pgt}&targetService={}", encoded(back_end)),
    )
    .await;
    let pt = element(&resp, "proxyTicket").to_string();
    assert!(pt.starts_with("PT-"));
    // serviceValidate refuses proxy tickets; proxyValidate gives the chain.
    let pt2 = proxy_ticket(&app, &pgt, back_end).await;
    assert_eq!(
        failure_code(&validate(&app, "serviceValidate", back_end, &pt2, "").await),
        "INVALID_TICKET_SPEC"
    );
    let xml = validate(&app, "proxyValidate", back_end, &pt, "").await;
    assert!(xml.contains("<cas:user>25000002</cas:user>"), "{xml}");
    assert!(
        xml.contains(&format!(
            "<cas:proxies><cas:proxy>{}</cas:proxy></cas:proxies>",
            pgt_url.replace('&', "&amp;")
        )),
        "{xml}"
    );

    // A target that takes no proxy tickets; a missing parameter.
    let refused = text(
        &app,
        &format!("/cas/proxy?pgt={pgt}&targetService={}", encoded(DEMO)),
    )
    .await;
    assert!(
        refused.contains("<cas:proxyFailure code=\"UNAUTHORIZED_SERVICE\">"),
        "{refused}"
    );
    let missing = text(&app, "/cas/proxy?pgt=x").await;
    assert!(missing.contains("code=\"INVALID_REQUEST\""));

    // Callbacks that are not registered, or do not answer 200.
    let st = ticket(&app, &lucas, DEMO).await;
    let bad = validate(
        &app,
        "serviceValidate",
        DEMO,
        &st,
        "&pgtUrl=https%3A%2F%2Fevil.example%2Fcb",
    )
    .await;
    assert_eq!(failure_code(&bad), "INVALID_PROXY_CALLBACK");
    let (failing, _) = callback(StatusCode::NOT_FOUND).await;
    let st = ticket(&app, &lucas, DEMO).await;
    let bad = with_callback(&app, DEMO, &st, &failing).await;
    assert_eq!(failure_code(&bad), "INVALID_PROXY_CALLBACK");
    let staff = app.sign_in("p2001").await;
    let st = ticket(&app, &staff, "http://localhost:8001/").await;
    let bad = with_callback(&app, "http://localhost:8001/", &st, &pgt_url).await;
    assert_eq!(failure_code(&bad), "UNAUTHORIZED_SERVICE_PROXY");

    // Logging out ends the proxy-granting ticket.
    assert_eq!(lucas.delete("/api/session").await.status(), 204);
    let ended = text(
        &app,
        &format!("/cas/proxy?pgt={pgt}&targetService={}", encoded(back_end)),
    )
    .await;
    assert!(ended.contains("code=\"INVALID_TICKET\""), "{ended}");
}

async fn proxy_ticket(app: &TestApp, pgt: &str, target: &str) -> String {
    let resp = app
        .get(&format!(
            "/cas/proxy?pgt={pgt}&targetService={}&format=JSON",
            encoded(target)
        ))
        .await;
    let json: Value = resp.json().await.unwrap();
    json["serviceResponse"]["proxySuccess"]["proxyTicket"]
        .as_str()
        .unwrap_or_else(|| panic!("{json}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_a_session_sends_single_logout_to_the_services_it_opened() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let st = ticket(&app, &lucas, DEMO).await;
    let staff = app.sign_in("p2001").await;
    ticket(&app, &staff, "http://localhost:8001/").await; // takes no Single Logout

    // « Se déconnecter » through CAS: the session ends and the service hears of it.
    let resp = browser()
        .get(app.url(&format!("/cas/logout?service={}", encoded(DEMO))))
        .header("cookie", &lucas.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(resp.headers()["location"], DEMO);
    assert!(
        resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(lucas.get("/api/session").await.status(), 401);

    let queued = crate::common::session::queued(&app, DEMO, 1).await;
    let form: Vec<(String, String)> = url::form_urlencoded::parse(queued[0].1.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(form[0].0, "logoutRequest");
    let saml = &form[0].1;
    assert!(
        saml.starts_with(
            "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        )
    );
    assert!(
        saml.contains(&format!("<samlp:SessionIndex>{st}</samlp:SessionIndex>")),
        "{saml}"
    );

    // A revoked device, too (the secretariat's and the password change's endings go the same way).
    let lucas = app.sign_in("25000002").await;
    let st2 = ticket(&app, &lucas, DEMO).await;
    let other = app.sign_in("25000002").await;
    let resp = other
        .post(
            "/api/me/sessions/revocation",
            json!({"password": ent::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let queued = crate::common::session::queued(&app, DEMO, 2).await;
    assert!(queued[1].1.contains(&st2));
    assert!(
        crate::common::session::queued(&app, "http://localhost:8001/", 0)
            .await
            .is_empty()
    );

    // A session renewed by confirming the password still logs its services out.
    let lucas = app.sign_in("25000002").await;
    let st3 = ticket(&app, &lucas, DEMO).await;
    let renewed = reauthenticated(&lucas).await;
    assert_eq!(renewed.delete("/api/session").await.status(), 204);
    let queued = crate::common::session::queued(&app, DEMO, 3).await;
    assert!(queued[2].1.contains(&st3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_protocol_gives_tickets_to_native_apps() {
    let app = app().await;
    let http = browser();
    let form = |pairs: &[(&str, &str)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let post = |path: String, body: String| {
        http.post(app.url(&path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let wrong = post(
        "/cas/v1/tickets".into(),
        form(&[("username", "25000002"), ("password", "nope")]),
    )
    .await
    .unwrap();
    problem(wrong, 401, "login-failed").await;

    let resp = post(
        "/cas/v1/tickets".into(),
        form(&[
            ("username", "25000002"),
            ("password", ent::demo::DEMO_PASSWORD),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 201);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let tgt = resp.text().await.unwrap();
    assert!(tgt.starts_with("TGT-") && location.ends_with(&format!("/cas/v1/tickets/{tgt}")));

    let resp = post(format!("/cas/v1/tickets/{tgt}"), form(&[("service", DEMO)]))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let st = resp.text().await.unwrap();
    let xml = validate(&app, "serviceValidate", DEMO, &st, "").await;
    assert!(xml.contains("<cas:user>25000002</cas:user>"), "{xml}");

    let unknown = post(
        format!("/cas/v1/tickets/{tgt}"),
        form(&[("service", "https://evil.example/")]),
    )
    .await
    .unwrap();
    problem(unknown, 400, "service-unknown").await;
    let status = |t: String| http.get(app.url(&format!("/cas/v1/tickets/{t}"))).send();
    // Each use keeps the app's session alive (30 idle minutes); idle longer, it is gone.
    for _ in 0..2 {
        app.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(status(tgt.clone()).await.unwrap().status(), 200);
    }
    let resp = http
        .delete(app.url(&format!("/cas/v1/tickets/{tgt}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(status(tgt.clone()).await.unwrap().status(), 404);
    assert_eq!(status("TGT-nothing".into()).await.unwrap().status(), 404);
    // The session it held sent Single Logout.
    assert_eq!(crate::common::session::queued(&app, DEMO, 1).await.len(), 1);

    let credentials = form(&[
        ("username", "25000002"),
        ("password", ent::demo::DEMO_PASSWORD),
    ]);
    let idle = post("/cas/v1/tickets".into(), credentials).await.unwrap();
    let idle = idle.text().await.unwrap();
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(status(idle).await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_services_lists_the_roles_services_with_favourites_first() {
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let list = lucas.get_ok("/api/services").await;
    let codes: Vec<&str> = list["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["demo", "annuaire-ldap", "site-universite"]);
    let demo = &list["services"][0];
    assert_eq!(
        demo["href"],
        "/cas/login?service=http%3A%2F%2F127.0.0.1%3A8000"
    );
    assert_eq!(demo["single_sign_on"], true);
    assert_eq!(list["services"][2]["href"], "https://www.univ-tours.fr");
    assert!(
        list["categories"]
            .to_string()
            .contains("Cours et pédagogie")
    );

    assert_eq!(favourite(&lucas, "site-universite").await.status(), 204);
    assert_eq!(favourite(&lucas, "site-universite").await.status(), 204);
    problem(favourite(&lucas, "gestion").await, 404, "not-found").await;
    let list = lucas.get_ok("/api/services").await;
    assert_eq!(list["services"][0]["code"], "site-universite");
    assert_eq!(list["services"][0]["favourite"], true);
    assert_eq!(
        lucas
            .delete("/api/services/site-universite/favourite")
            .await
            .status(),
        204
    );
    let list = lucas.get_ok("/api/services").await;
    assert_eq!(list["services"][0]["code"], "demo");

    let staff = app.sign_in("p2001").await;
    let list = staff.get_ok("/api/services").await;
    assert!(list.to_string().contains("\"gestion\""));
    assert_eq!(
        call(&app, Method::GET, "/api/services", None, None)
            .await
            .status(),
        401
    );
}

async fn favourite(who: &Signed, code: &str) -> reqwest::Response {
    let path = format!("/api/services/{code}/favourite");
    who.send(Method::PUT, &path, None).await
}

/// serviceValidate with a proxy callback.
async fn with_callback(app: &TestApp, service: &str, ticket: &str, pgt_url: &str) -> String {
    let extra = format!("&pgtUrl={}", encoded(pgt_url));
    validate(app, "serviceValidate", service, ticket, &extra).await
}

/// The text of the first `<cas:name>` of a CAS answer.
fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    xml.split(&format!("<cas:{name}>"))
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("no {name} in {xml}"))
}

async fn text(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.unwrap()
}

/// `who` after confirming their password: the session's new cookie.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renew_is_answered_by_a_passkey_as_by_the_password() {
    use crate::passkeys::Browser;
    let app = app().await;
    let lucas = app.sign_in("25000002").await;
    let (mut phone, _) = crate::passkeys::add_passkey(&lucas, "Pixel").await;
    app.clock.advance(chrono::Duration::seconds(5));
    let (_, location) = cas_login(&app, Some(&lucas), DEMO, "&renew=true").await;
    let request = location.strip_prefix("/login?cas=").expect(&location);
    let body = json!({"request": request});
    let stale = lucas.post("/api/cas/continuation", body.clone()).await;
    problem(stale, 403, "reauthentication-required").await;
    let renewed = phone.reauthenticate(&lucas).await;
    let next = renewed.post_ok("/api/cas/continuation", body).await;
    let st = next["location"].as_str().unwrap().split("ticket=").nth(1);
    let xml = validate(&app, "p3/serviceValidate", DEMO, st.unwrap(), "&renew=true").await;
    assert!(
        xml.contains("<cas:isFromNewLogin>true</cas:isFromNewLogin>"),
        "{xml}"
    );

    // Signed out, the passkey's login opens the service like the password's.
    assert_eq!(renewed.delete("/api/session").await.status(), 204);
    let (_, location) = cas_login(&app, None, DEMO, "&renew=true").await;
    let request = location.strip_prefix("/login?cas=").unwrap().to_string();
    let resp = phone.sign_in(&app).await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    let me: Value = resp.json().await.unwrap();
    let again = Signed::of(
        &app,
        cookie.split(';').next().unwrap().to_string(),
        me["me"]["csrf_token"].as_str().unwrap().to_string(),
    );
    let next = again
        .post_ok("/api/cas/continuation", json!({"request": request}))
        .await;
    assert!(
        next["location"].as_str().unwrap().contains("ticket=ST-"),
        "{next}"
    );
}

async fn reauthenticated(who: &Signed) -> Signed {
    let resp = who
        .post(
            "/api/session/reauthentication",
            json!({"password": ent::demo::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    who.with_cookie(cookie.split(';').next().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ons_of_sessions_that_only_expired_are_forgotten() {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let app = app().await;
    let count = async || {
        let mut conn = app.db.conn().await;
        diesel::sql_query("SELECT count(*) AS n FROM cas_sign_ons")
            .get_result::<Count>(&mut conn)
            .await
            .unwrap()
            .n
    };
    let lucas = app.sign_in("25000002").await;
    ticket(&app, &lucas, DEMO).await;
    assert_eq!(count().await, 1);
    // Beyond any session's absolute limit, that sign-on cannot be logged out any more.
    app.clock.advance(chrono::Duration::days(91));
    let lucas = app.sign_in("25000002").await;
    ticket(&app, &lucas, DEMO).await;
    assert_eq!(count().await, 1);
}
