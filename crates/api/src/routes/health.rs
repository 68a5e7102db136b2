//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};

/// Registers the health routes (outside `/api/v1`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz);
}

/// Liveness: the process answers.
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}
