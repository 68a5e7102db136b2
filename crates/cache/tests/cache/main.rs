//! Integration tests of the two-tier cache. Redis tests use `TEST_REDIS_URL`
//! (`eval "$(scripts/services.sh start)"`), each under its own key prefix; the kill test runs a
//! private `redis-server`. Without them the tests skip with a warning, or fail with `CI=true`.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod degraded;
mod invalidation;
mod race;
mod stampede;
mod testing;
mod tiers;
