//! The one state object every handler receives.

use std::sync::Arc;
use ttstats_cache::Cache;

use ttstats_persistence::Db;

use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::ratelimit::RateLimiter;

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
    /// Sign-in and registration throttling (in-process unless replaced).
    pub limiter: Arc<dyn RateLimiter>,
}
