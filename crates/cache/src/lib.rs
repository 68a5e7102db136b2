//! ttstats-cache: a two-tier cache for serialized API responses — moka in-process (L1) in
//! front of Redis (L2) — with tag invalidation that stays correct across instances
//! (ARCHITECTURE.md §4, DOMAIN.md §5). It knows neither HTTP nor SQL: values are the bytes the
//! API serialized, keys are typed ([`Key`]) and carry their TTL and invalidation [`Tag`]s.
//!
//! ```text
//! get_or_compute(key, compute)
//!   L1 (moka, per process)   hit -> HIT-L1
//!   L2 (Redis)               hit -> HIT-L2, fills L1
//!   compute()                      MISS,   fills L2 and L1   (concurrent misses share one)
//! ```
//!
//! # Correct invalidation
//!
//! A value is stored under its key plus the *generations* of the global epoch, its family and
//! each of its tags, read **before** it is computed (`ttstats:v1:player_stats:7@e.f.t`).
//! [`Cache::invalidate`] runs after a write commits and bumps the generations of its tags —
//! locally and with `INCR` in Redis — then publishes the bump on a pub/sub channel so every
//! instance bumps its local generations and drops its L1 entries. A reader that read the
//! database before the commit necessarily read the generations before the bump, so its late
//! store lands under a name no reader uses any more: the stale-set race cannot resurrect old
//! data. L1 names use per-process generations, L2 names the shared Redis ones.
//!
//! # Redis is optional and never fatal
//!
//! No `redis_url`: L1 only. Every Redis operation has a short deadline; a circuit breaker
//! skips Redis after repeated failures; warnings are rate-limited; invalidations made while
//! Redis is away are queued and replayed before this instance reads Redis again; L1 TTLs are
//! capped (`degraded_l1_ttl`) while cross-instance invalidations cannot arrive; the
//! subscriber reconnects with backoff and flushes L1 on reconnection (it may have missed
//! messages). A Redis restart that lost its data restarts the epoch from the clock, so
//! values computed before the loss cannot match new generations.
//!
//! ```no_run
//! # async fn demo() {
//! use ttstats_cache::{Cache, CacheConfig, Key, Tag};
//! use ttstats_domain::PlayerId;
//!
//! let cache = Cache::new(CacheConfig::default()).await;
//! let key = Key::PlayerStats(PlayerId(7));
//! let hit = cache
//!     .get_or_compute(&key, || async { Ok::<_, std::io::Error>(b"{\"wins\":3}".to_vec()) })
//!     .await;
//! // … after a write that confirmed one of player 7's matches has committed:
//! cache.invalidate(&[Tag::Player(PlayerId(7)), Tag::Club]).await;
//! # let _ = hit;
//! # }
//! ```

mod breaker;
mod cache;
mod config;
mod error;
mod gens;
mod key;
mod l2;
mod stats;
mod subscriber;

pub use breaker::BreakerState;
pub use cache::{Cache, Cached, ClearReport, Source, etag, etag_of};
pub use config::CacheConfig;
pub use error::CacheError;
pub use key::{Family, InvalidTag, Key, Tag, UnknownFamily};
pub use stats::{CacheStats, FamilyStats, InvalidationStats, L1Stats, L2Stats};
