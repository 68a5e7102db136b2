//! Builds the actix-web application from settings.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpServer};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::routes;

/// A bound, not yet running server.
pub struct Application {
    address: std::net::SocketAddr,
    server: Server,
}

impl Application {
    /// Binds the listener and prepares the server.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let address = listener.local_addr()?;
        let static_dir = settings.static_dir.clone();
        let server = HttpServer::new(move || {
            let static_dir = static_dir.clone();
            App::new()
                .wrap(TracingLogger::default())
                .configure(routes::health::configure)
                .configure(move |cfg| routes::spa::configure(cfg, static_dir))
        })
        .listen(listener)?
        .run();
        Ok(Self { address, server })
    }

    /// The bound address (port 0 resolved).
    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    /// Serves until SIGINT/SIGTERM; in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
