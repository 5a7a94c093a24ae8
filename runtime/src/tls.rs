//! The TLS stack of the client, chosen by the generated crate's cargo features: exactly one
//! of
//!
//! - `rustls` (the default): rustls with the aws-lc-rs crypto provider, reqwest's own
//!   default (certificates checked by the platform's verifier);
//! - `rustls-ring`: rustls with the ring provider, which builds with a C compiler alone
//!   (no CMake), given to this client only: nothing process-wide is installed;
//! - `rustls-no-provider`: rustls with the provider the application installs
//!   (`CryptoProvider::install_default`) before it builds a client;
//! - `native-tls`: the platform's TLS (OpenSSL on Linux, Schannel on Windows,
//!   Security.framework on macOS).
//!
//! None or several of them is a `compile_error!` naming the features, except on `wasm32`,
//! where the browser does TLS and these features are not used. Invariant: the chosen stack
//! is asked for by name on reqwest's builder (`tls_backend_*`), so a TLS feature another crate
//! turns on in reqwest cannot swap it silently; a missing crypto provider is an
//! `Error::InvalidRequest` from `build`, never reqwest's panic.

use super::Failure;

#[cfg(all(
    not(target_arch = "wasm32"),
    not(any(
        feature = "rustls",
        feature = "rustls-ring",
        feature = "rustls-no-provider",
        feature = "native-tls"
    ))
))]
compile_error!(
    "no TLS stack chosen: turn on exactly one of the features `rustls` (the default), \
     `rustls-ring`, `rustls-no-provider` or `native-tls`"
);

#[cfg(all(
    not(target_arch = "wasm32"),
    any(
        all(
            feature = "rustls",
            any(
                feature = "rustls-ring",
                feature = "rustls-no-provider",
                feature = "native-tls"
            )
        ),
        all(
            feature = "rustls-ring",
            any(feature = "rustls-no-provider", feature = "native-tls")
        ),
        all(feature = "rustls-no-provider", feature = "native-tls")
    )
))]
compile_error!(
    "several TLS stacks chosen: turn on exactly one of the features `rustls`, `rustls-ring`, \
     `rustls-no-provider` and `native-tls` (for another than `rustls`, the default, say \
     `default-features = false`)"
);

/// Sets the chosen TLS stack on reqwest's builder.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Failure> {
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_rustls();
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(feature = "rustls-ring")]
    let builder = {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|config| config.with_platform_verifier())
            .map_err(|error| {
                Failure::InvalidRequest(format!("TLS (rustls with ring) cannot be set up: {error}"))
            })?
            .with_no_client_auth();
        builder.tls_backend_preconfigured(config)
    };
    #[cfg(feature = "rustls-no-provider")]
    let builder = {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            return Err(Failure::InvalidRequest(
                "no rustls crypto provider is installed: with the feature `rustls-no-provider`, \
                 install one before building the client (for example \
                 `rustls::crypto::ring::default_provider().install_default()`), or choose the \
                 feature `rustls` or `rustls-ring`"
                    .to_owned(),
            ));
        }
        builder.tls_backend_rustls()
    };
    Ok(builder)
}

/// On `wasm32` the browser's `fetch` does TLS: nothing to set.
#[cfg(target_arch = "wasm32")]
pub(crate) fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Failure> {
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chosen stack builds a client that reaches an `https` server: a loopback listener
    /// that answers the TLS handshake with garbage gives a transport error (the TLS stack
    /// ran), not a panic and not "no TLS backend".
    #[tokio::test]
    async fn the_chosen_stack_speaks_tls() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await;
        let listener = listener.unwrap_or_else(|error| panic!("{error}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let server = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            if let Ok((mut socket, _)) = listener.accept().await {
                let mut hello = [0u8; 5];
                let read = socket.read_exact(&mut hello).await.is_ok();
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await;
                return read && hello[0] == 0x16; // a TLS handshake record
            }
            false
        });
        // Without a provider, `rustls-no-provider` refuses to build (reqwest would panic);
        // with the one the application installs (here aws-lc-rs, which the workspace's
        // reqwest brings), it builds.
        #[cfg(feature = "rustls-no-provider")]
        {
            let refused = with_tls(reqwest::Client::builder()).map(|_| ());
            assert!(
                matches!(&refused, Err(Failure::InvalidRequest(m)) if m.contains("no rustls crypto provider")),
                "{refused:?}"
            );
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        }
        let http = with_tls(reqwest::Client::builder()).and_then(|builder| {
            builder
                .build()
                .map_err(|error| Failure::InvalidRequest(error.to_string()))
        });
        let http = http.unwrap_or_else(|_| panic!("the TLS stack cannot be set up"));
        let answer = http.get(format!("https://127.0.0.1:{port}/")).send().await;
        assert!(answer.is_err(), "a plain-text answer passed for TLS");
        assert!(
            server.await.unwrap_or(false),
            "the client sent no TLS handshake"
        );
    }
}
