//! HTTP routes, one module per resource; each exposes `configure`.

pub mod championships;
pub mod health;
pub mod spa;

/// Everything under `/api/v1`.
pub fn configure_v1(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(championships::configure);
}
