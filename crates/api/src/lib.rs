//! The ttstats HTTP API: actix-web handlers, services and the wiring of persistence and cache.

pub mod auth;
pub mod cached;
pub mod cli;
pub mod config;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod security;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod views;
