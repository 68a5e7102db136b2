//! Prometheus metrics: request count and latency by matched route pattern (never the raw path,
//! so cardinality stays bounded) and status, plus database pool usage. Served at `/metrics`.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, get, web};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
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
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle().render())
}

/// Counts and times every request by route pattern and status.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("ttstats_http_requests_total", &labels).increment(1);
    metrics::histogram!("ttstats_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    Ok(response)
}
