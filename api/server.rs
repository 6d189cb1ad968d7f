//! Starting the HTTP server (also used by the integration tests' kit).

use std::{net::SocketAddr, sync::Arc};

use poem::{
    Server,
    listener::{Acceptor, Listener, TcpListener},
};

use crate::{
    app, clock::SharedClock, config::Config, cpu::CpuPool, db, metrics::Metrics, redis::Redis,
    state::AppState, university,
};

/// Builds the shared state; touches neither PostgreSQL nor Redis yet.
pub fn state(config: Config, clock: SharedClock) -> anyhow::Result<AppState> {
    Ok(AppState {
        db: db::pool(&config.database)?,
        redis: Redis::new(&config.redis)?,
        config: Arc::new(config),
        clock,
        metrics: Metrics::new(),
        cpu: CpuPool::new(),
    })
}

/// A server bound to its address, ready to run.
pub struct Bound {
    pub addr: SocketAddr,
    acceptor: poem::listener::TcpAcceptor,
    state: AppState,
}

/// Copies configured campuses into the database and binds the listening socket.
pub async fn bind(state: AppState) -> anyhow::Result<Bound> {
    let mut conn = state.db.get().await.map_err(db::unreachable)?;
    university::store::sync_campuses(&mut conn, &state.config.campuses).await?;
    drop(conn);
    let listen = state.config.http.listen;
    let acceptor = TcpListener::bind(listen.to_string())
        .into_acceptor()
        .await
        .map_err(|e| anyhow::anyhow!("http.listen: cannot listen on {listen}: {e}"))?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| anyhow::anyhow!("http.listen: no local address"))?;
    if !crate::http::pwa::Pwa::new(&state.config.http.pwa_dir).is_built() {
        tracing::warn!(dir = %state.config.http.pwa_dir.display(), "the PWA is not built: / answers 503");
    }
    Ok(Bound {
        addr,
        acceptor,
        state,
    })
}

impl Bound {
    /// Serves until `shutdown` completes, then drains for up to 10 s.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(
                app::build(self.state),
                shutdown,
                Some(std::time::Duration::from_secs(10)),
            )
            .await
    }
}
