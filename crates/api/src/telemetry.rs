//! Logging: pretty by default, JSON lines with `TTSTATS_LOG_FORMAT=json`; levels via `RUST_LOG`.

use tracing_subscriber::EnvFilter;

use crate::config::Settings;

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // try_init fails only when a subscriber is already set, which is fine.
    let _ = if settings.json_logs {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
