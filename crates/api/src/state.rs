//! The one state object every handler receives.

use ttstats_cache::Cache;
use ttstats_persistence::Db;

use crate::auth::JwtKeys;
use crate::config::Settings;

/// Shared by all workers (cheap to clone: pools and keys are reference-counted).
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Effective settings.
    pub settings: Settings,
    /// The two-tier read cache.
    pub cache: Cache,
    /// Token signing keys.
    pub jwt: JwtKeys,
}
