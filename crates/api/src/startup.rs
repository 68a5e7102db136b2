//! Builds the actix-web application from settings.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use ttstats_persistence::Db;
use utoipa_actix_web::{AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::error;
use crate::metrics;
use crate::openapi::ApiDoc;
use crate::ratelimit::LocalRateLimiter;
use crate::routes;
use crate::security;
use crate::state::AppState;
use crate::telemetry;

/// Request bodies above this are refused with 400 `malformed_request`.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// The `*.json` files of `TTSTATS_BENCH_STATIC_DIR`, by file name.
type StaticBodies = Arc<HashMap<String, web::Bytes>>;

fn load_bench_static(dir: &Path) -> anyhow::Result<StaticBodies> {
    let mut bodies = HashMap::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("TTSTATS_BENCH_STATIC_DIR: cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Some(name) = path.file_name().and_then(|n| n.to_str())
        {
            let body =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            bodies.insert(name.to_owned(), web::Bytes::from(body));
        }
    }
    Ok(Arc::new(bodies))
}

/// `GET /bench/static/{name}`: pre-loaded bytes through the same middleware as the API, the
/// ceiling the benchmark compares cache hits with (only with `TTSTATS_BENCH_STATIC_DIR`).
fn bench_static_route(cfg: &mut web::ServiceConfig, bodies: Option<StaticBodies>) {
    if let Some(bodies) = bodies {
        cfg.route(
            "/bench/static/{name}",
            web::get().to(move |name: web::Path<String>| {
                let body = bodies.get(name.as_str()).cloned();
                async move {
                    match body {
                        Some(body) => actix_web::HttpResponse::Ok()
                            .content_type("application/json")
                            .body(body),
                        None => actix_web::HttpResponse::NotFound().finish(),
                    }
                }
            }),
        );
    }
}

/// A bound, not yet running server.
pub struct Application {
    address: std::net::SocketAddr,
    server: Server,
    state: AppState,
}

/// The API routes with their OpenAPI paths, before state and middleware.
pub fn api_app() -> UtoipaApp<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use utoipa::OpenApi;
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::health::configure)
        .configure(metrics::configure)
        .service(utoipa_actix_web::scope("/api/v1").configure(routes::configure_v1))
}

impl Application {
    /// Connects and migrates the database, binds the listener and prepares the server.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let db = Db::connect(&settings.database_url, &settings.db_pool)
            .await
            .with_context(|| {
                format!(
                    "cannot open the database {}",
                    settings.redacted_database_url()
                )
            })?;
        let applied = db.migrate().await.context("migrations failed")?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied migrations");
        }
        metrics::handle();
        let secret = settings.jwt_secret()?;
        // Computed now, so the first sign-in of an unknown name costs what every other does.
        tokio::task::spawn_blocking(crate::auth::dummy_hash);
        let cache_config = crate::cli::cache_config(settings);
        cache_config
            .validate()
            .map_err(|e| anyhow::anyhow!("REDIS_URL is invalid: {e}"))?;
        let cache = ttstats_cache::Cache::new(cache_config).await;
        let state = AppState {
            db,
            cache,
            settings: settings.clone(),
            jwt: JwtKeys::new(secret.as_bytes()),
            limiter: Arc::new(LocalRateLimiter::new()),
        };
        let bench_static = match &settings.bench_static_dir {
            Some(dir) => Some(load_bench_static(dir)?),
            None => None,
        };
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let address = listener.local_addr()?;
        let server_state = state.clone();
        let server = HttpServer::new(move || {
            let static_dir = server_state.settings.static_dir.clone();
            let (app, api) = api_app().split_for_parts();
            app.app_data(web::Data::new(server_state.clone()))
                .app_data(
                    web::JsonConfig::default()
                        .limit(MAX_JSON_BYTES)
                        .error_handler(error::json_error),
                )
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .wrap(actix_web::middleware::from_fn(metrics::record))
                .wrap(actix_web::middleware::from_fn(telemetry::request_id_header))
                .wrap(security::cors(&server_state.settings.cors_origins))
                .wrap(actix_web::middleware::from_fn(security::headers))
                .wrap(TracingLogger::<telemetry::RootSpan>::new())
                .configure(|cfg| bench_static_route(cfg, bench_static.clone()))
                .service(web::redirect("/docs", "/docs/"))
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .url("/api-docs/openapi.json", crate::openapi::complete(api)),
                )
                .configure(move |cfg| routes::spa::configure(cfg, static_dir))
        })
        .listen(listener)?
        .run();
        Ok(Self {
            address,
            server,
            state,
        })
    }

    /// The bound address (port 0 resolved).
    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    /// The shared state (tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM; in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
