//! The ttstats HTTP API: actix-web handlers, services and the wiring of persistence and cache.

pub mod config;
pub mod routes;
pub mod startup;
pub mod telemetry;
