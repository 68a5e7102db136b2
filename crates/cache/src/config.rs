//! Cache configuration, built by the API from its settings (`REDIS_URL`, `TTSTATS_CACHE`).

use std::time::Duration;

use bb8_redis::redis;

use crate::error::CacheError;

/// How the cache runs. `CacheConfig::default()` is the zero-config setup: L1 only, 64 MiB.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// `redis://[:password@]host:port/db`; `None` runs L1 only (one instance).
    pub redis_url: Option<String>,
    /// L1 capacity in bytes (keys + values), the moka weigher's budget; `0` turns L1 off
    /// (every read goes to Redis, then the computation: the benchmark's L2-hit mode).
    pub l1_max_bytes: u64,
    /// `false` computes every read and reports [`Source::Bypass`](crate::Source::Bypass)
    /// (`TTSTATS_CACHE=off`, the "no cache" benchmark baseline).
    pub enabled: bool,
    /// Schema version in every key (`v{N}`); bump it when a cached type changes shape so
    /// instances of different deploys never decode each other's bytes.
    pub key_version: u32,
    /// First segment of every Redis name; tests use a unique prefix each.
    pub prefix: String,
    /// Deadline of each Redis operation; short, because a slow Redis must not slow requests
    /// down more than a database read would.
    pub redis_timeout: Duration,
    /// L1 TTL cap while Redis is unreachable: other instances' invalidations cannot arrive
    /// then, so L1 values may be stale for at most this long.
    pub degraded_l1_ttl: Duration,
    /// Consecutive Redis failures that open the circuit breaker.
    pub breaker_threshold: u32,
    /// How long an open breaker skips Redis before one probe request may try again.
    pub breaker_open_for: Duration,
    /// Replaces every family's TTL (tests and benchmarks); `None` uses DOMAIN.md §5.
    pub ttl_override: Option<Duration>,
    /// Maximum Redis connections in the pool (each is multiplexed, so few are needed).
    pub pool_size: u32,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            l1_max_bytes: 64 * 1024 * 1024,
            enabled: true,
            key_version: 1,
            prefix: "ttstats".to_owned(),
            redis_timeout: Duration::from_millis(250),
            degraded_l1_ttl: Duration::from_secs(5),
            breaker_threshold: 3,
            breaker_open_for: Duration::from_secs(5),
            ttl_override: None,
            pool_size: 8,
        }
    }
}

impl CacheConfig {
    /// The default configuration with Redis at `url`.
    pub fn with_redis(url: impl Into<String>) -> Self {
        Self {
            redis_url: Some(url.into()),
            ..Self::default()
        }
    }

    /// Checks what [`Cache::new`](crate::Cache::new) would otherwise only log: that
    /// `redis_url`, when set, parses. Lets start-up refuse a misconfigured deployment.
    pub fn validate(&self) -> Result<(), CacheError> {
        match &self.redis_url {
            Some(url) => redis::Client::open(url.as_str())
                .map(drop)
                .map_err(CacheError::InvalidUrl),
            None => Ok(()),
        }
    }

    /// `{prefix}:v{N}`, the namespace of every Redis name this configuration uses.
    pub fn namespace(&self) -> String {
        format!("{}:v{}", self.prefix, self.key_version)
    }

    /// The pub/sub channel carrying invalidations between instances.
    pub fn channel(&self) -> String {
        format!("{}:invalidate", self.namespace())
    }
}
