//! Prometheus metrics: request count and latency by matched route pattern (never the raw path,
//! so cardinality stays bounded) and status, database pool usage, and the cache's counters
//! per tier and family (read from [`ttstats_cache::Cache::stats`] at each scrape). Served at
//! `/metrics`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock, PoisonError, RwLock};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, get, web};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use ttstats_cache::{BreakerState, CacheStats};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::state::AppState;

/// The process-wide recorder (metrics are global by design of the `metrics` facade).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder is installed, in which case ours just stays unused.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Registers `/metrics`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(metrics_text);
}

/// Prometheus text exposition.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"))
)]
#[get("/metrics")]
async fn metrics_text(state: web::Data<AppState>) -> HttpResponse {
    let (in_use, idle) = state.db.pool_state();
    metrics::gauge!("ttstats_db_connections_in_use").set(f64::from(in_use));
    metrics::gauge!("ttstats_db_connections_idle").set(f64::from(idle));
    // A gauge set from the pool's own monotonic count, like the cache counters.
    metrics::gauge!("ttstats_db_checkouts_total").set(value(state.db.checkouts()));
    record_cache(&state.cache.stats().await);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle().render())
}

/// A count as a gauge value (exact below 2^53, far beyond any count here).
#[expect(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
fn value(n: u64) -> f64 {
    n as f64
}

/// Publishes a cache snapshot. The cache keeps monotonic counters itself, so they are set
/// as absolute values; sizes are gauges.
fn record_cache(stats: &CacheStats) {
    for (family, f) in &stats.families {
        let family = family.as_str();
        for (tier, hits, misses) in [
            ("l1", f.l1_hits, f.l1_misses),
            ("l2", f.l2_hits, f.l2_misses),
        ] {
            metrics::counter!("ttstats_cache_hits_total", "tier" => tier, "family" => family)
                .absolute(hits);
            metrics::counter!("ttstats_cache_misses_total", "tier" => tier, "family" => family)
                .absolute(misses);
        }
        metrics::counter!("ttstats_cache_computations_total", "family" => family)
            .absolute(f.misses);
        metrics::counter!("ttstats_cache_bypasses_total", "family" => family).absolute(f.bypasses);
        metrics::gauge!("ttstats_cache_l1_entries", "family" => family).set(value(f.l1_entries));
        metrics::gauge!("ttstats_cache_l1_bytes", "family" => family).set(value(f.l1_bytes));
        if let Some(keys) = f.l2_keys {
            metrics::gauge!("ttstats_cache_l2_keys", "family" => family).set(value(keys));
        }
    }
    metrics::gauge!("ttstats_cache_l1_entries_all").set(value(stats.l1.entries));
    metrics::gauge!("ttstats_cache_l1_bytes_all").set(value(stats.l1.bytes));
    metrics::gauge!("ttstats_cache_l1_ttl_capped").set(value(u64::from(stats.l1.ttl_capped)));
    metrics::counter!("ttstats_cache_compute_errors_total").absolute(stats.compute_errors);
    metrics::counter!("ttstats_cache_invalidations_total", "origin" => "local")
        .absolute(stats.invalidations.local);
    metrics::counter!("ttstats_cache_invalidations_total", "origin" => "remote")
        .absolute(stats.invalidations.received);
    let l2 = &stats.l2;
    metrics::gauge!("ttstats_cache_redis_configured").set(value(u64::from(l2.configured)));
    metrics::gauge!("ttstats_cache_redis_connected").set(value(u64::from(l2.connected)));
    metrics::gauge!("ttstats_cache_redis_subscriber_connected")
        .set(value(u64::from(l2.subscriber_connected)));
    metrics::counter!("ttstats_cache_redis_errors_total").absolute(l2.errors);
    let open = matches!(
        l2.breaker,
        Some(BreakerState::Open | BreakerState::HalfOpen)
    );
    metrics::gauge!("ttstats_cache_redis_breaker_open").set(value(u64::from(open)));
    if let Some(keys) = l2.keys {
        metrics::gauge!("ttstats_cache_redis_keys").set(value(keys));
    }
    if let Some(bytes) = l2.memory_bytes {
        metrics::gauge!("ttstats_cache_redis_memory_bytes").set(value(bytes));
    }
}

/// Counts and times every request by route pattern and status.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    let route = route_of(response.request());
    let status = response.status().as_u16().to_string();
    let labels = [
        ("method", method),
        ("route", route.to_string()),
        ("status", status),
    ];
    metrics::counter!("ttstats_http_requests_total", &labels).increment(1);
    metrics::histogram!("ttstats_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    Ok(response)
}

/// Paths remembered with their route pattern; beyond this many, patterns are looked up
/// without being remembered (bounded memory whatever paths clients send).
const REMEMBERED_PATHS: usize = 10_000;

/// The route pattern a request matched (`unmatched` for none). `match_pattern` walks the whole
/// route table, running the regex of every dynamic route on the way (a tenth of an L1 hit's
/// CPU in the benchmark's profile), while a club's requests use few distinct paths: each
/// path's pattern is looked up once.
pub fn route_of(req: &actix_web::HttpRequest) -> Arc<str> {
    static ROUTES: LazyLock<RwLock<HashMap<String, Arc<str>>>> = LazyLock::new(RwLock::default);
    let path = req.path();
    if let Some(route) = ROUTES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(path)
    {
        return route.clone();
    }
    let route: Arc<str> = req.match_pattern().as_deref().unwrap_or("unmatched").into();
    let mut routes = ROUTES.write().unwrap_or_else(PoisonError::into_inner);
    if routes.len() < REMEMBERED_PATHS {
        routes.insert(path.to_owned(), route.clone());
    }
    route
}
