//! How a connection to PostgreSQL is made: `database.url`'s libpq `sslmode` and `sslrootcert`,
//! read here (tokio-postgres knows neither `verify-full` nor `sslrootcert`) and made with rustls.
//!
//! - absent, `disable` or `prefer`: plain TCP (what libpq's `prefer` ends up with when the
//!   client has no TLS to offer);
//! - `require`: TLS, and, as libpq, the certificate checked only when `sslrootcert` is given;
//! - `verify-full`: TLS, the certificate chained to `sslrootcert` and naming the URL's host.

use std::{path::Path, str::FromStr, sync::Arc};

use diesel::{ConnectionError, ConnectionResult};
use diesel_async::AsyncPgConnection;
use rustls::{
    ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::{CryptoProvider, aws_lc_rs, verify_tls12_signature, verify_tls13_signature},
    pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject},
};
use tokio_postgres::{NoTls, config::SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

/// A database URL made ready to connect, once: the CA read and the TLS settings built at start.
pub struct Connector {
    config: tokio_postgres::Config,
    tls: Option<Arc<ClientConfig>>,
}

impl Connector {
    /// Reads `url`; a bad `sslmode`, a missing or unreadable CA is said here, naming the key.
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let mut parsed = url::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("database.url: not a postgres:// URL ({e})"))?;
        let (mut mode, mut root, mut kept) = (None, None, Vec::new());
        for (key, value) in parsed.query_pairs() {
            match key.as_ref() {
                "sslmode" => mode = Some(value.into_owned()),
                "sslrootcert" => root = Some(value.into_owned()),
                _ => kept.push((key.into_owned(), value.into_owned())),
            }
        }
        parsed.set_query(None);
        if !kept.is_empty() {
            parsed.query_pairs_mut().extend_pairs(kept);
        }
        let config = tokio_postgres::Config::from_str(parsed.as_str())
            .map_err(|e| anyhow::anyhow!("database.url: {e}"))?;
        let provider = Arc::new(aws_lc_rs::default_provider());
        let roots = root
            .as_deref()
            .map(|path| roots(Path::new(path)))
            .transpose()?;
        let builder = || {
            ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .expect("aws-lc-rs offers the default protocol versions")
        };
        let tls = match (mode.as_deref(), roots) {
            (None | Some("disable" | "prefer"), _) => None,
            (Some("require" | "verify-full"), Some(roots)) => Some(
                builder()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            ),
            (Some("require"), None) => Some(
                builder()
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(Unchecked(provider.clone())))
                    .with_no_client_auth(),
            ),
            (Some("verify-full"), None) => anyhow::bail!(
                "database.url: sslmode=verify-full needs sslrootcert=/path/to/the-ca.pem"
            ),
            (Some(other), _) => anyhow::bail!(
                "database.url: sslmode={other} is not offered (disable, prefer, require or verify-full)"
            ),
        };
        Ok(Self {
            config,
            tls: tls.map(Arc::new),
        })
    }

    /// A new connection, over TLS when the URL asks for it.
    pub async fn connect(&self) -> ConnectionResult<AsyncPgConnection> {
        let refused = |e: tokio_postgres::Error| ConnectionError::BadConnection(with_causes(&e));
        match &self.tls {
            None => {
                let (client, conn) = self.config.connect(NoTls).await.map_err(refused)?;
                AsyncPgConnection::try_from_client_and_connection(client, conn).await
            }
            Some(tls) => {
                let mut config = self.config.clone();
                config.ssl_mode(SslMode::Require);
                let tls = MakeRustlsConnect::new((**tls).clone());
                let (client, conn) = config.connect(tls).await.map_err(refused)?;
                AsyncPgConnection::try_from_client_and_connection(client, conn).await
            }
        }
    }
}

/// The error and what caused it ("error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer"): tokio-postgres' own words leave the cause out.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut words = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        words = format!("{words}: {c}");
        cause = c.source();
    }
    words
}

/// The certificates of a PEM file, as the roots a server's certificate must chain to.
fn roots(path: &Path) -> anyhow::Result<RootCertStore> {
    let unreadable = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!("database.url: sslrootcert {}: {e}", path.display())
    };
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(&e))? {
        store
            .add(cert.map_err(|e| unreadable(&e))?)
            .map_err(|e| unreadable(&e))?;
    }
    if store.is_empty() {
        return Err(unreadable(&"no certificate in the file"));
    }
    Ok(store)
}

/// `require` without a CA, as libpq: the link is encrypted and the handshake's signatures are
/// checked, but whose certificate it is is not.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
