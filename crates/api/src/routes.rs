//! HTTP routes, one module per resource; each exposes `configure`.

pub mod admin;
pub mod auth;
pub mod championships;
pub mod health;
pub mod live;
pub mod matches;
pub mod me;
pub mod me_matches;
pub mod notifications;
pub mod operations;
pub mod players;
pub mod schedule;
pub mod spa;
pub mod stats;

/// Everything under `/api/v1`.
pub fn configure_v1(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(operations::configure)
        .configure(players::configure)
        .configure(matches::configure)
        .configure(me_matches::configure)
        .configure(auth::configure)
        .configure(me::configure)
        .configure(notifications::configure)
        .configure(admin::configure)
        .configure(schedule::configure)
        .configure(live::configure)
        .configure(championships::configure)
        .configure(stats::configure);
}
