//! HTTP routes, one module per resource; each exposes `configure`.

pub mod health;
pub mod spa;
