//! The cache's error type. It never reaches a request: reads degrade to L1 or the database and
//! invalidations queue while Redis is away. Only [`Cache::ping`](crate::Cache::ping) and the
//! statistics report it, for operators.

use std::time::Duration;

use bb8_redis::redis::RedisError;

/// Why a Redis operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// No `redis_url` is configured (L1-only mode).
    #[error("Redis is not configured")]
    NotConfigured,
    /// `redis_url` does not parse.
    #[error("invalid Redis URL")]
    InvalidUrl(#[source] RedisError),
    /// The operation exceeded `redis_timeout`.
    #[error("Redis did not answer within {0:?}")]
    Timeout(Duration),
    /// The circuit breaker is open: Redis failed repeatedly and is skipped for a while.
    #[error("Redis circuit breaker is open")]
    CircuitOpen,
    /// Redis answered with an error or the connection failed.
    #[error("Redis command failed")]
    Redis(#[from] RedisError),
    /// Redis answered something this crate did not expect.
    #[error("unexpected Redis reply: {0}")]
    Protocol(String),
}
