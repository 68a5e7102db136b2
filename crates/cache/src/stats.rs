//! Counters and the statistics snapshot served by `GET /api/v1/admin/cache/stats`,
//! `ttstats cache stats` and `/metrics`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::breaker::BreakerState;
use crate::key::Family;

/// Per-family counters; relaxed atomics, because statistics need no ordering.
#[derive(Debug, Default)]
pub(crate) struct FamilyCounters {
    pub(crate) l1_hits: AtomicU64,
    pub(crate) l1_misses: AtomicU64,
    pub(crate) l2_hits: AtomicU64,
    pub(crate) l2_misses: AtomicU64,
    pub(crate) computes: AtomicU64,
    pub(crate) bypasses: AtomicU64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) families: [FamilyCounters; Family::ALL.len()],
    pub(crate) bypasses: AtomicU64,
    pub(crate) compute_errors: AtomicU64,
    pub(crate) invalidations_local: AtomicU64,
    pub(crate) invalidations_received: AtomicU64,
}

pub(crate) fn incr(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn read(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

impl Counters {
    pub(crate) fn family(&self, family: Family) -> &FamilyCounters {
        &self.families[family.index()]
    }
}

/// `hits / (hits + misses)`, 0 when nothing was looked up.
pub(crate) fn rate(hits: u64, misses: u64) -> f64 {
    let total = hits + misses;
    if total == 0 {
        0.0
    } else {
        hits as f64 / total as f64
    }
}

/// A snapshot of the cache's counters and sizes.
#[derive(Debug, Clone, Serialize)]
pub struct CacheStats {
    /// `false` when `TTSTATS_CACHE=off` (every read is computed).
    pub enabled: bool,
    /// Share of cacheable reads answered by L1 or L2 (0–1).
    pub hit_rate: f64,
    /// The in-process tier.
    pub l1: L1Stats,
    /// The Redis tier.
    pub l2: L2Stats,
    /// Invalidations applied by this instance.
    pub invalidations: InvalidationStats,
    /// Reads computed on purpose without the cache (admin `no-cache`, cache disabled).
    pub bypasses: u64,
    /// Computations that returned an error (nothing was cached).
    pub compute_errors: u64,
    /// Per family, by its snake_case name.
    pub families: BTreeMap<Family, FamilyStats>,
}

/// L1 (moka) statistics.
#[derive(Debug, Clone, Serialize)]
pub struct L1Stats {
    /// Entries held.
    pub entries: u64,
    /// Weighted size in bytes (keys + values).
    pub bytes: u64,
    /// Capacity in bytes.
    pub max_bytes: u64,
    /// Reads answered from L1.
    pub hits: u64,
    /// Reads that went on to L2 or computed.
    pub misses: u64,
    /// `hits / (hits + misses)`.
    pub hit_rate: f64,
    /// Whether L1 TTLs are currently capped because Redis is unreachable.
    pub ttl_capped: bool,
}

/// L2 (Redis) statistics.
#[derive(Debug, Clone, Serialize)]
pub struct L2Stats {
    /// A `redis_url` is configured.
    pub configured: bool,
    /// Redis answered this statistics request.
    pub connected: bool,
    /// The invalidation subscriber is subscribed (cross-instance invalidations arrive).
    pub subscriber_connected: bool,
    /// The circuit breaker in front of Redis.
    pub breaker: Option<BreakerState>,
    /// Value keys under this namespace (SCAN count; `None` when Redis is unreachable).
    pub keys: Option<u64>,
    /// Redis `used_memory` (whole server).
    pub memory_bytes: Option<u64>,
    /// Reads answered from L2.
    pub hits: u64,
    /// L2 lookups that found nothing (then computed).
    pub misses: u64,
    /// `hits / (hits + misses)`.
    pub hit_rate: f64,
    /// Failed or timed-out Redis operations.
    pub errors: u64,
    /// Invalidations made while Redis was away and not yet replayed there.
    pub pending_invalidations: bool,
}

/// Invalidation counters.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidationStats {
    /// Made by this instance (`invalidate`, `clear`).
    pub local: u64,
    /// Received from other instances over pub/sub.
    pub received: u64,
}

/// Statistics of one family.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyStats {
    /// L1 entries.
    pub l1_entries: u64,
    /// L1 weighted bytes.
    pub l1_bytes: u64,
    /// L2 value keys (`None` when Redis is unreachable or not configured).
    pub l2_keys: Option<u64>,
    /// Reads answered from L1.
    pub l1_hits: u64,
    /// Reads L1 could not answer (they went on to L2 or computed).
    pub l1_misses: u64,
    /// Reads answered from L2.
    pub l2_hits: u64,
    /// L2 lookups that found nothing (then computed).
    pub l2_misses: u64,
    /// Reads computed because no tier had the value.
    pub misses: u64,
    /// Reads computed without the cache.
    pub bypasses: u64,
    /// `(l1_hits + l2_hits) / (l1_hits + l2_hits + misses)`.
    pub hit_rate: f64,
}
