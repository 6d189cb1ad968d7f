//! Prometheus metrics: requests by route template and status, latency, pool gauges, outbox
//! messages by outcome, text messages withheld by the per-phone limit.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_size: IntGauge,
    pool_available: IntGauge,
    pool_waiting: IntGauge,
    courier_messages: IntCounterVec,
    sms_withheld: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route template and status",
            ),
            &["method", "route", "status"],
        )
        .expect("metric definition");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["method", "route"],
        )
        .expect("metric definition");
        let gauge = |name: &str, help: &str| IntGauge::new(name, help).expect("metric definition");
        let pool_size = gauge("db_pool_connections", "PostgreSQL connections open");
        let pool_available = gauge("db_pool_available", "PostgreSQL connections idle");
        let pool_waiting = gauge("db_pool_waiting", "Requests waiting for a connection");
        let courier_messages = IntCounterVec::new(
            Opts::new(
                "courier_messages_total",
                "Outbox messages by channel and outcome (sent; failed, to be retried; given_up)",
            ),
            &["channel", "outcome"],
        )
        .expect("metric definition");
        let sms_withheld = IntCounterVec::new(
            Opts::new(
                "sms_withheld_total",
                "Text messages not sent because their phone had received its share, by flow",
            ),
            &["flow"],
        )
        .expect("metric definition");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool_size.clone()),
            Box::new(pool_available.clone()),
            Box::new(pool_waiting.clone()),
            Box::new(courier_messages.clone()),
            Box::new(sms_withheld.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        Metrics {
            registry,
            requests,
            latency,
            pool_size,
            pool_available,
            pool_waiting,
            courier_messages,
            sms_withheld,
        }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// One outbox message sent, failed (to be retried) or given up.
    pub fn courier(&self, channel: &str, outcome: &str) {
        self.courier_messages
            .with_label_values(&[channel, outcome])
            .inc();
    }

    /// One text message withheld by the per-phone limit.
    pub fn sms_withheld(&self, flow: &str) {
        self.sms_withheld.with_label_values(&[flow]).inc();
    }

    /// The text exposition, with the pool's state read now.
    pub fn render(&self, pool: &deadpool::Status) -> String {
        self.pool_size.set(pool.size as i64);
        self.pool_available.set(pool.available as i64);
        self.pool_waiting.set(pool.waiting as i64);
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("text encoding");
        String::from_utf8(out).expect("prometheus text is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
