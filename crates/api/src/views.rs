//! Persistence rows → response DTOs, one module per resource, reused by every handler.

pub mod schedule;
