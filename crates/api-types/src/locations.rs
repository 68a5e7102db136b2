//! Locations: admin-managed places referenced by matches, fixtures and championships.

use serde::{Deserialize, Serialize};

/// A location as shown inside matches, fixtures and championships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    /// Id.
    pub id: i64,
    /// Unique name (1–100 characters).
    pub name: String,
    /// Street address, if recorded.
    #[serde(default)]
    pub address: Option<String>,
}
