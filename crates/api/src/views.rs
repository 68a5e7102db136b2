//! Persistence rows → response DTOs, one module per resource, so every handler renders a
//! resource the same way.

pub mod accounts;
pub mod players;
