//! Persistence rows → response DTOs, one module per resource, reused by every handler.
//! Everything here is pure: the rows a view needs are loaded by the services first.

pub mod championships;
