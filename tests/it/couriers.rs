//! The couriers against real peers: an HTTP SMS gateway served by the test (it records what it
//! receives and answers the status the test sets) and an SMTP server (aiosmtpd, in Python) on
//! loopback. Passes run one at a time (`drain_once`) under a clock the test moves.

use crate::common;

use std::{
    collections::{BTreeMap, HashSet},
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU16, AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, TimeZone, Utc};
use common::TestDb;
use diesel::{QueryDsl, Queryable, Selectable, SelectableHelper};
use ent::{
    clock::{Clock, ManualClock},
    config::{self, Config, SmtpSecurity},
    couriers::{Channel, Couriers, Message, enqueue},
    db::schema::outbox,
    server,
    state::AppState,
};
use poem::{
    Request, Server,
    http::{HeaderMap, StatusCode},
    listener::{Acceptor, Listener, TcpListener},
};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};

const PHONE: &str = "+33699000001";
/// Quotes, a backslash, a new line, accents and a placeholder: all must arrive as written.
const TEXT: &str =
    "ENT Tours : votre code est 493817.\n\"Ne le donnez à personne\" \\ {{recipient}}";
const TOKEN: &str = "Bearer gateway-t0ken-4711";

// ---------------------------------------------------------------------------------------------
// The kit: a database, a clock, couriers configured by the test.

struct Setup {
    db: TestDb,
    clock: Arc<ManualClock>,
    state: AppState,
}

impl Setup {
    async fn new(adjust: impl FnOnce(&mut Config)) -> Setup {
        let mut db = TestDb::new().await;
        adjust(&mut db.config);
        let clock = ManualClock::at(monday_morning());
        let state = server::state(db.config.clone(), clock.clone()).expect("state");
        Setup { db, clock, state }
    }

    fn couriers(&self) -> Couriers {
        Couriers::new(&self.state).expect("couriers configured")
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn enqueue(&self, channel: Channel, recipient: &str, subject: Option<&str>, body: &str) {
        let message = Message {
            channel,
            recipient: recipient.into(),
            subject: subject.map(Into::into),
            body: body.into(),
        };
        enqueue(&mut self.db.conn().await, &message, self.now())
            .await
            .expect("enqueued");
    }

    async fn rows(&self) -> Vec<Row> {
        // Imported here only: its `load` would shadow the atomics' in the rest of the file.
        use diesel_async::RunQueryDsl;
        outbox::table
            .order(outbox::id)
            .select(Row::as_select())
            .load(&mut self.db.conn().await)
            .await
            .expect("outbox rows")
    }

    async fn row(&self) -> Row {
        let mut rows = self.rows().await;
        assert_eq!(rows.len(), 1, "one message in the outbox");
        rows.remove(0)
    }

    fn metric(&self, channel: &str, outcome: &str) -> String {
        let line =
            format!("courier_messages_total{{channel=\"{channel}\",outcome=\"{outcome}\"}} ");
        let text = self.state.metrics.render(&self.state.db.status());
        text.lines()
            .find_map(|l| l.strip_prefix(&line))
            .unwrap_or("absent")
            .to_string()
    }
}

fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 7, 45, 0).unwrap()
}

/// What the tests look at in an outbox row.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Row {
    channel: String,
    body: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    given_up_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

fn text(s: &str) -> config::NonEmpty {
    s.to_string().try_into().unwrap()
}

fn secret(s: &str) -> config::Secret {
    s.to_string().try_into().unwrap()
}

/// `[sms] kind = "http"` pointed at `url`.
fn sms_gateway(url: &str) -> config::Sms {
    config::Sms::Http {
        url: url.to_string().try_into().unwrap(),
        method: text("PUT"),
        headers: BTreeMap::from([
            ("Authorization".into(), secret(TOKEN)),
            ("X-Sender".into(), secret("ENT-TOURS")),
        ]),
        body: text(r#"{"to": {{recipient}}, "message": {{text}}, "sender": "ENT"}"#),
        timeout_ms: 5000,
    }
}

fn smtp(port: u16, username: Option<&str>, password: Option<&str>) -> config::Email {
    config::Email::Smtp {
        from: text("ENT Tours <ne-pas-repondre@univ-tours.fr>"),
        host: text("127.0.0.1"),
        port,
        security: SmtpSecurity::None,
        username: username.map(text),
        password: password.map(secret),
        timeout_ms: 5000,
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------------------------------------
// The SMS gateway: a real HTTP server that records requests.

struct Received {
    method: String,
    path: String,
    headers: HeaderMap,
    body: serde_json::Value,
}

#[derive(Clone)]
struct Gateway {
    addr: SocketAddr,
    status: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Gateway {
    async fn start() -> Gateway {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let addr = *acceptor.local_addr()[0].as_socket_addr().unwrap();
        let gateway = Gateway {
            addr,
            status: Arc::new(AtomicU16::new(200)),
            delay_ms: Arc::new(AtomicU64::new(0)),
            received: Arc::default(),
        };
        let recorder = gateway.clone();
        let endpoint = poem::endpoint::make(move |req: Request| {
            let gateway = recorder.clone();
            async move { gateway.receive(req).await }
        });
        tokio::spawn(Server::new_with_acceptor(acceptor).run(endpoint));
        gateway
    }

    async fn receive(&self, req: Request) -> StatusCode {
        let (method, path, headers) = (
            req.method().to_string(),
            req.uri().path().to_string(),
            req.headers().clone(),
        );
        let bytes = req.into_body().into_bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).expect("the gateway receives JSON");
        tokio::time::sleep(Duration::from_millis(self.delay_ms.load(Ordering::SeqCst))).await;
        self.received.lock().unwrap().push(Received {
            method,
            path,
            headers,
            body,
        });
        StatusCode::from_u16(self.status.load(Ordering::SeqCst)).unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// The texts received, in order.
    fn texts(&self) -> Vec<String> {
        let received = self.received.lock().unwrap();
        received
            .iter()
            .map(|r| r.body["message"].as_str().unwrap().to_string())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The SMTP server: tests/peers/smtp_sink.py, reporting each message as a JSON line.

struct SmtpSink {
    port: u16,
    lines: Lines<BufReader<tokio::process::ChildStdout>>,
    _process: tokio::process::Child,
}

impl SmtpSink {
    /// A Python with aiosmtpd: `ENTMOBILE_TEST_PYTHON`, else the virtual environment that
    /// scripts/test makes.
    fn python() -> String {
        std::env::var("ENTMOBILE_TEST_PYTHON").unwrap_or_else(|_| {
            format!(
                "{}/.cache/ent/py/bin/python",
                std::env::var("HOME").unwrap()
            )
        })
    }

    async fn start(user: &str, password: &str) -> SmtpSink {
        let python = SmtpSink::python();
        let mut process = tokio::process::Command::new(&python)
            .arg(common::project_dir().join("tests/peers/smtp_sink.py"))
            .args(["--user", user, "--password", password])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{python}: {e} (scripts/test installs it)"));
        let lines = BufReader::new(process.stdout.take().unwrap()).lines();
        let mut sink = SmtpSink {
            port: 0,
            lines,
            _process: process,
        };
        let ready = sink.next_line().await;
        sink.port = ready["port"].as_u64().unwrap() as u16;
        sink
    }

    /// The next line it prints (a generous deadline: this waits, it does not measure).
    async fn next_line(&mut self) -> serde_json::Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
            .await
            .expect("the SMTP sink answers in time")
            .unwrap()
            .expect("the SMTP sink is running (is aiosmtpd installed? see its error above)");
        serde_json::from_str(&line).unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// SMS

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_receives_the_method_headers_and_escaped_json() {
    let gateway = Gateway::start().await;
    let url = gateway.url("/v1/messages");
    let t = Setup::new(|c| c.sms = sms_gateway(&url)).await;
    t.enqueue(Channel::Sms, PHONE, None, TEXT).await;

    assert_eq!(t.couriers().drain_once().await.unwrap(), 1);

    assert_eq!(gateway.count(), 1);
    let received = gateway.received.lock().unwrap().pop().unwrap();
    assert_eq!(received.method, "PUT");
    assert_eq!(received.path, "/v1/messages");
    assert_eq!(received.headers["authorization"], TOKEN);
    assert_eq!(received.headers["x-sender"], "ENT-TOURS");
    assert_eq!(received.headers["content-type"], "application/json");
    assert_eq!(
        received.body,
        serde_json::json!({"to": PHONE, "message": TEXT, "sender": "ENT"})
    );
    let row = t.row().await;
    assert_eq!(row.sent_at, Some(t.now()));
    assert_eq!(row.body, "", "the body (a code) is not kept once sent");
    assert_eq!((row.attempts, row.last_error), (1, None));
    assert_eq!(t.metric("sms", "sent"), "1");
    assert_eq!(t.couriers().drain_once().await.unwrap(), 0, "sent once");
    assert_eq!(gateway.count(), 0, "nothing more arrived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_gateway_is_retried_with_backoff_then_given_up() {
    let gateway = Gateway::start().await;
    gateway.answer(500);
    let url = gateway.url("/send");
    let t = Setup::new(|c| {
        c.sms = sms_gateway(&url);
        c.couriers.max_attempts = 4;
        c.couriers.first_backoff_seconds = 10;
        c.couriers.max_backoff_seconds = 25;
    })
    .await;
    t.enqueue(Channel::Sms, PHONE, None, TEXT).await;
    let couriers = t.couriers();

    // 10 s, then doubled (20 s), then capped (25 s instead of 40 s).
    for (attempts, wait) in [(1, 10), (2, 20), (3, 25)] {
        assert_eq!(couriers.drain_once().await.unwrap(), 1);
        let row = t.row().await;
        assert_eq!(row.attempts, attempts);
        assert_eq!(
            row.next_attempt_at,
            t.now() + chrono::Duration::seconds(wait)
        );
        assert_eq!(
            row.last_error.as_deref(),
            Some("gateway answered 500 Internal Server Error")
        );
        assert_eq!((row.sent_at, row.given_up_at), (None, None));
        assert_eq!(row.body, TEXT, "kept until sent");

        t.clock.advance(chrono::Duration::seconds(wait - 1));
        assert_eq!(couriers.drain_once().await.unwrap(), 0, "not due yet");
        t.clock.advance(chrono::Duration::seconds(1));
    }
    assert_eq!(couriers.drain_once().await.unwrap(), 1);
    let row = t.row().await;
    assert_eq!((row.attempts, row.given_up_at), (4, Some(t.now())));
    assert_eq!(row.sent_at, None);
    assert_eq!(row.body, "", "a given-up message keeps no code either");
    assert!(!row.last_error.unwrap().contains("493817"));
    assert_eq!(gateway.count(), 4);
    assert_eq!(
        (t.metric("sms", "failed"), t.metric("sms", "given_up")),
        ("3".into(), "1".into())
    );

    t.clock.advance(chrono::Duration::days(1));
    assert_eq!(couriers.drain_once().await.unwrap(), 0, "given up for good");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_comes_back_delivers_the_message() {
    let gateway = Gateway::start().await;
    gateway.answer(503);
    let url = gateway.url("/send");
    let t = Setup::new(|c| c.sms = sms_gateway(&url)).await;
    t.enqueue(Channel::Sms, PHONE, None, TEXT).await;
    let couriers = t.couriers();
    assert_eq!(couriers.drain_once().await.unwrap(), 1);
    assert_eq!(t.row().await.attempts, 1);

    gateway.answer(200);
    t.clock.advance(chrono::Duration::seconds(
        t.db.config.couriers.first_backoff_seconds.into(),
    ));
    assert_eq!(couriers.drain_once().await.unwrap(), 1);
    let row = t.row().await;
    assert_eq!((row.attempts, row.sent_at), (2, Some(t.now())));
    assert_eq!(row.body, "");
    assert_eq!(gateway.texts(), [TEXT, TEXT], "the same text, again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_never_send_a_message_twice() {
    let gateway = Gateway::start().await;
    // Slow answers make the two workers' passes overlap.
    gateway.delay_ms.store(5, Ordering::SeqCst);
    let url = gateway.url("/send");
    let t = Setup::new(|c| c.sms = sms_gateway(&url)).await;
    for i in 0..50 {
        t.enqueue(Channel::Sms, PHONE, None, &format!("message {i}"))
            .await;
    }
    // Two instances: each its own state, hence its own connections.
    let other = server::state(t.db.config.clone(), t.clock.clone()).unwrap();
    let (a, b) = (t.couriers(), Couriers::new(&other).unwrap());
    let drain = async |c: &Couriers| {
        let mut sent = 0;
        loop {
            match c.drain_once().await.unwrap() {
                0 => return sent,
                n => sent += n,
            }
        }
    };
    let (by_a, by_b) = tokio::join!(drain(&a), drain(&b));

    assert_eq!(by_a + by_b, 50);
    let texts = gateway.texts();
    let distinct: HashSet<&String> = texts.iter().collect();
    assert_eq!(
        (texts.len(), distinct.len()),
        (50, 50),
        "each message exactly once"
    );
    assert!(
        t.rows()
            .await
            .iter()
            .all(|r| r.sent_at.is_some() && r.attempts == 1)
    );
}

// ---------------------------------------------------------------------------------------------
// E-mail

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_smtp_server_receives_a_utf8_plain_text_message() {
    let mut sink = SmtpSink::start("ent-mobile", "smtp-pass-4711").await;
    let t =
        Setup::new(|c| c.email = smtp(sink.port, Some("ent-mobile"), Some("smtp-pass-4711"))).await;
    let to = "chloe.lefevre@etu.univ-tours.fr";
    let subject = "Votre code d’activation — ENT Tours";
    let body = "Bonjour Chloé,\n\nVotre code : 493817.\nÀ bientôt sur l’ENT !\n";
    t.enqueue(Channel::Email, to, Some(subject), body).await;

    assert_eq!(t.couriers().drain_once().await.unwrap(), 1);

    let got = sink.next_line().await;
    assert_eq!(
        got["login"], "ent-mobile",
        "authenticated with the configured account"
    );
    assert_eq!(got["mail_from"], "ne-pas-repondre@univ-tours.fr");
    assert_eq!(got["rcpt_tos"], serde_json::json!([to]));
    assert_eq!(got["from"], "ENT Tours <ne-pas-repondre@univ-tours.fr>");
    assert_eq!(got["to"], to);
    assert_eq!(got["subject"], subject);
    assert_eq!(
        (got["content_type"].as_str(), got["charset"].as_str()),
        (Some("text/plain"), Some("utf-8"))
    );
    // SMTP ends the data with a line break of its own.
    let received = got["body"].as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(received.trim_end(), body.trim_end());
    assert_eq!(
        got["date"], "Mon, 30 Nov 2026 07:45:00 +0000",
        "dated by the clock"
    );
    let message_id = got["message_id"].as_str().unwrap();
    assert!(message_id.starts_with("<outbox.") && message_id.ends_with("@univ-tours.fr>"));
    let row = t.row().await;
    assert_eq!((row.sent_at, row.body.as_str()), (Some(t.now()), ""));
    assert_eq!(t.metric("email", "sent"), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_peers_are_failures_that_name_no_secret_and_no_body() {
    let url = format!("http://127.0.0.1:{}/send?api_key=SECRET-KEY", closed_port());
    let t = Setup::new(|c| {
        c.sms = sms_gateway(&url);
        c.email = smtp(closed_port(), Some("ent-mobile"), Some("smtp-pass-4711"));
    })
    .await;
    t.enqueue(Channel::Sms, PHONE, None, TEXT).await;
    t.enqueue(
        Channel::Email,
        "chloe.lefevre@etu.univ-tours.fr",
        Some("Code"),
        TEXT,
    )
    .await;

    assert_eq!(t.couriers().drain_once().await.unwrap(), 2);

    for row in t.rows().await {
        let error = row.last_error.expect("the failure is recorded");
        assert!(!error.is_empty() && error.len() <= 200, "{error}");
        for hidden in ["SECRET-KEY", "smtp-pass-4711", "gateway-t0ken", "493817"] {
            assert!(!error.contains(hidden), "{error}");
        }
        assert_eq!((row.attempts, row.sent_at), (1, None));
    }
}

// ---------------------------------------------------------------------------------------------
// `ent serve`

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_a_worker_that_stops_with_the_server() {
    let gateway = Gateway::start().await;
    let t = Setup::new(|_| {}).await;
    let message = Message {
        channel: Channel::Sms,
        recipient: PHONE.into(),
        subject: None,
        body: TEXT.into(),
    };
    // `ent serve` reads the real time: a message queued long ago is due.
    let long_ago = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    enqueue(&mut t.db.conn().await, &message, long_ago)
        .await
        .unwrap();

    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_ent"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ENT_") {
            server.env_remove(key); // only this test's configuration
        }
    }
    let mut server = server
        .arg("serve")
        .env("ENT_PROFILE", "test")
        .env("ENT_CONFIG_DIR", common::project_dir().join("config"))
        .env("ENT_DATABASE__URL", t.db.config.database.url.as_str())
        .env("ENT_REDIS__URL", common::redis_url())
        .env("ENT_REDIS__PREFIX", t.db.config.redis.prefix.as_str())
        .env("ENT_SMS__KIND", "http")
        .env("ENT_SMS__URL", gateway.url("/send"))
        .env(
            "ENT_SMS__BODY",
            r#"{"to": {{recipient}}, "message": {{text}}}"#,
        )
        .env("ENT_COURIERS__POLL_MS", "50")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Generous deadlines: these wait, they do not measure.
    tokio::time::timeout(Duration::from_secs(30), async {
        while t.row().await.sent_at.is_none() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the server's worker sends the message");
    assert_eq!(gateway.texts(), [TEXT]);

    let pid = server.id().unwrap().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(term.success());
    let exit = tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .expect("server and worker stop on SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit}");
}

// ---------------------------------------------------------------------------------------------
// Development transports and configuration

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_transports_count_as_sent_and_keep_no_body() {
    let t = Setup::new(|_| {}).await; // the test profile logs both
    t.enqueue(Channel::Sms, PHONE, None, TEXT).await;
    t.enqueue(
        Channel::Email,
        "chloe.lefevre@etu.univ-tours.fr",
        Some("Code"),
        TEXT,
    )
    .await;
    assert_eq!(t.couriers().drain_once().await.unwrap(), 2);
    for row in t.rows().await {
        assert_eq!(
            (row.sent_at, row.body.as_str()),
            (Some(t.now()), ""),
            "{}",
            row.channel
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_mistakes_stop_start_up_naming_the_key() {
    type Adjust = Box<dyn FnOnce(&mut Config)>;
    let cases: [(&str, Adjust); 4] = [
        (
            "sms.body",
            Box::new(|c| {
                c.sms = sms_gateway("http://127.0.0.1:9/send");
                if let config::Sms::Http { body, .. } = &mut c.sms {
                    *body = text(r#"{"to": "{{recipient}}", "message": {{text}}}"#);
                }
            }),
        ),
        (
            "sms.headers",
            Box::new(|c| {
                c.sms = sms_gateway("http://127.0.0.1:9/send");
                if let config::Sms::Http { headers, .. } = &mut c.sms {
                    headers.insert("X-Key".into(), secret("bad\nSECRET-VALUE"));
                }
            }),
        ),
        (
            "email.security",
            Box::new(|c| {
                c.email = smtp(25, None, None);
                if let config::Email::Smtp { host, .. } = &mut c.email {
                    *host = text("smtp.example.org");
                }
            }),
        ),
        (
            "email.username",
            Box::new(|c| c.email = smtp(25, None, Some("SECRET-VALUE"))),
        ),
    ];
    for (key, adjust) in cases {
        // Nothing connects yet: no database needed.
        let mut config = common::test_config("ent_never_created", "unused:");
        adjust(&mut config);
        let clock = ManualClock::at(monday_morning());
        let state = server::state(config, clock).unwrap();
        let error = Couriers::new(&state).err().expect("refused").to_string();
        assert!(error.starts_with(key), "{key}: {error}");
        assert!(!error.contains("SECRET-VALUE"), "{error}");
    }
}
