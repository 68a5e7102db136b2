//! Row → DTO mapping, one module per resource, so handlers never map twice.

pub mod live;
