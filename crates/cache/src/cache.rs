//! The `Cache` handle: L1 (moka) → L2 (Redis) → compute, invalidation, clear, statistics.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use moka::Expiry;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use tracing::{debug, error, info};

use crate::config::CacheConfig;
use crate::error::CacheError;
use crate::gens::{Bump, GENS, LocalGens, Message};
use crate::key::{Family, Key, Tag};
use crate::l2::{Lookup, Redis};
use crate::stats::{
    CacheStats, Counters, FamilyStats, InvalidationStats, L1Stats, L2Stats, incr, rate, read,
};
use crate::subscriber;

/// Where a read was answered from; the `X-Cache` header value is [`Source::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Source {
    /// From this process's memory.
    #[serde(rename = "HIT-L1")]
    HitL1,
    /// From Redis (now also in L1).
    #[serde(rename = "HIT-L2")]
    HitL2,
    /// Computed and stored in both tiers.
    #[serde(rename = "MISS")]
    Miss,
    /// Computed without touching the cache.
    #[serde(rename = "BYPASS")]
    Bypass,
}

impl Source {
    /// `HIT-L1` | `HIT-L2` | `MISS` | `BYPASS`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::HitL1 => "HIT-L1",
            Source::HitL2 => "HIT-L2",
            Source::Miss => "MISS",
            Source::Bypass => "BYPASS",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A read's answer: the serialized response, its ETag and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    /// The response body exactly as the computation produced it.
    pub bytes: Bytes,
    /// Weak ETag `W/"…"` derived from the bytes, identical on every tier and instance.
    pub etag: String,
    /// The tier that answered.
    pub source: Source,
    /// Time spent in the compute closure when it ran for this read (`Server-Timing: db`).
    pub compute_time: Option<Duration>,
}

/// The weak ETag of a body: 128 bits of its SHA-256, so equal bytes give equal tags on every
/// instance and a changed body a different one.
pub fn etag(bytes: &[u8]) -> String {
    etag_of(&[bytes])
}

/// The weak ETag of a body made of several parts, from the parts themselves: for a response
/// composed of cached values, hashing their ETags and the few per-request bytes instead of
/// the whole body keeps a hit's cost independent of the body's size. Deterministic like
/// [`etag`], and any changed part changes it.
pub fn etag_of(parts: &[&[u8]]) -> String {
    use std::fmt::Write as _;
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut tag = String::with_capacity(36);
    tag.push_str("W/\"");
    for b in &digest[..16] {
        let _ = write!(tag, "{b:02x}");
    }
    tag.push('"');
    tag
}

/// What [`Cache::clear`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClearReport {
    /// The clear reached Redis, so every instance drops its L1 entries too.
    pub published: bool,
    /// Values deleted from Redis (`None` without Redis or when it failed).
    pub l2_keys_removed: Option<u64>,
}

/// The L1 key: the cache key plus this process's generations of its counters. A bump changes
/// the generations, so a value computed before the bump can never be found afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct L1Key {
    pub(crate) key: Key,
    gens: [u64; GENS],
}

#[derive(Debug, Clone)]
pub(crate) struct L1Value {
    bytes: Bytes,
    etag: Arc<str>,
    inserted: Instant,
    ttl: Duration,
}

impl L1Value {
    fn new(bytes: Bytes, ttl: Duration) -> Self {
        let etag = etag(&bytes);
        Self::with_etag(bytes, etag.into(), ttl)
    }

    fn with_etag(bytes: Bytes, etag: Arc<str>, ttl: Duration) -> Self {
        Self {
            etag,
            bytes,
            inserted: Instant::now(),
            ttl,
        }
    }

    fn cached(&self, source: Source, compute_time: Option<Duration>) -> Cached {
        Cached {
            bytes: self.bytes.clone(),
            etag: self.etag.to_string(),
            source,
            compute_time,
        }
    }
}

/// Bytes an entry costs: value, ETag, key and a fixed overhead for the map and the key enum.
fn weight(key: &L1Key, value: &L1Value) -> u32 {
    let key_bytes = match &key.key {
        Key::Leaderboard {
            kind,
            period,
            from,
            to,
            ..
        } => {
            kind.len()
                + period.len()
                + from.as_ref().map_or(0, String::len)
                + to.as_ref().map_or(0, String::len)
        }
        _ => 0,
    };
    let total = 160 + key_bytes + value.bytes.len() + value.etag.len();
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// Per-entry TTL: the one decided when the value was filled (family TTL, shortened while
/// Redis is unreachable or to the time the value has left in L2).
struct EntryExpiry;

impl Expiry<L1Key, L1Value> for EntryExpiry {
    fn expire_after_create(&self, _: &L1Key, value: &L1Value, _: Instant) -> Option<Duration> {
        Some(value.ttl)
    }

    fn expire_after_update(
        &self,
        _: &L1Key,
        value: &L1Value,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// Marker error for moka's coalesced loader; the real error stays with the caller whose
/// computation failed.
#[derive(Debug)]
struct FillFailed;

struct Filled {
    value: L1Value,
    source: Source,
    compute_time: Option<Duration>,
}

/// The two-tier cache. Cheap to clone (one `Arc`); build it once at start-up and share it.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("namespace", &self.inner.config.namespace())
            .field("enabled", &self.inner.config.enabled)
            .field("redis", &self.inner.redis.is_some())
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    config: CacheConfig,
    /// Random per process; pub/sub messages carry it so an instance skips its own.
    pub(crate) id: u64,
    l1: moka::future::Cache<L1Key, L1Value>,
    gens: LocalGens,
    pub(crate) redis: Option<Redis>,
    counters: Counters,
    /// Dropped with the last handle; the subscriber task then stops.
    _shutdown: watch::Sender<()>,
}

impl Cache {
    /// Builds the cache. Never fails because of Redis: without `redis_url` it runs L1 only;
    /// with an unreachable Redis it starts degraded and connects in the background. Waits
    /// briefly for the first subscription so a new instance does not miss invalidations
    /// published right after it started.
    pub async fn new(config: CacheConfig) -> Cache {
        let id = RandomState::new().hash_one((std::process::id(), Instant::now())) | 1;
        let l1 = moka::future::Cache::builder()
            .name("ttstats-l1")
            .max_capacity(config.l1_max_bytes)
            .weigher(weight)
            .expire_after(EntryExpiry)
            .support_invalidation_closures()
            .build();
        let redis = match config.redis_url.as_deref() {
            None => None,
            Some(url) => match Redis::new(url, &config, id) {
                Ok(redis) => Some(redis),
                Err(e) => {
                    error!(error = %e, "REDIS_URL is invalid; running the cache in L1-only mode");
                    None
                }
            },
        };
        let (shutdown, shutdown_rx) = watch::channel(());
        let inner = Arc::new(Inner {
            config,
            id,
            l1,
            gens: LocalGens::default(),
            redis,
            counters: Counters::default(),
            _shutdown: shutdown,
        });
        if let Some(redis) = &inner.redis {
            let mut state = redis.subscriber.subscribe();
            subscriber::spawn(Arc::downgrade(&inner), shutdown_rx);
            let wait = (redis.timeout * 8).max(Duration::from_secs(1));
            let _ = tokio::time::timeout(wait, state.wait_for(|s| s.attempts > 0)).await;
        }
        Cache { inner }
    }

    /// The configuration this cache runs with.
    pub fn config(&self) -> &CacheConfig {
        &self.inner.config
    }

    /// Whether a Redis tier is configured (the CLI's `cache clear` needs one to reach the
    /// running instances).
    pub fn has_redis(&self) -> bool {
        self.inner.redis.is_some()
    }

    /// The value of `key`: from L1, else from Redis (filling L1), else computed by `compute`
    /// (filling both). Concurrent callers missing the same key share one computation. With
    /// the cache disabled every call computes and reports [`Source::Bypass`]. Redis trouble
    /// never fails the call; only `compute`'s error does.
    pub async fn get_or_compute<F, Fut, B, E>(&self, key: &Key, compute: F) -> Result<Cached, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        self.read(self.inner.l1_key(key), None, compute).await
    }

    /// The values of several keys, the parts of one response: like [`Cache::get_or_compute`]
    /// for each, except that the keys L1 lacks are looked up in Redis together, in one round
    /// trip. `compute(i)` computes the value of `keys[i]` when no tier has it.
    pub async fn get_or_compute_all<F, Fut, B, E>(
        &self,
        keys: &[Key],
        compute: F,
    ) -> Result<Vec<Cached>, E>
    where
        F: Fn(usize) -> Fut,
        Fut: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        let inner = &*self.inner;
        // Generations first, as in `read`: a value Redis returns below was current then.
        let l1_keys: Vec<L1Key> = keys.iter().map(|key| inner.l1_key(key)).collect();
        let mut all: Vec<Option<Cached>> = Vec::with_capacity(keys.len());
        for l1_key in &l1_keys {
            all.push(inner.l1_hit(l1_key).await);
        }
        let missing: Vec<usize> = (0..keys.len()).filter(|&i| all[i].is_none()).collect();
        let mut known: Vec<Option<Lookup>> = keys.iter().map(|_| None).collect();
        if let Some(redis) = inner.redis.as_ref().filter(|_| inner.config.enabled)
            && missing.len() > 1
        {
            let refs: Vec<&Key> = missing.iter().map(|&i| &l1_keys[i].key).collect();
            for (&i, lookup) in missing.iter().zip(redis.lookup(&refs).await) {
                known[i] = Some(lookup);
            }
        }
        for (i, (l1_key, known)) in l1_keys.into_iter().zip(known).enumerate() {
            if all[i].is_none() {
                all[i] = Some(self.read(l1_key, known, || compute(i)).await?);
            }
        }
        Ok(all.into_iter().flatten().collect())
    }

    /// [`Cache::get_or_compute`] of `l1_key`, whose generations were read before anything
    /// else (that is what makes a value computed before an invalidation unreachable after
    /// it), with the Redis lookup already done when `known`.
    async fn read<F, Fut, B, E>(
        &self,
        l1_key: L1Key,
        known: Option<Lookup>,
        compute: F,
    ) -> Result<Cached, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        let inner = &*self.inner;
        let counters = inner.counters.family(l1_key.key.family());
        if !inner.config.enabled {
            incr(&counters.bypasses);
            incr(&inner.counters.bypasses);
            let (bytes, took) = inner.run(compute).await?;
            return Ok(L1Value::new(bytes, Duration::ZERO).cached(Source::Bypass, Some(took)));
        }

        if inner.config.l1_max_bytes == 0 {
            incr(&counters.l1_misses);
            let filled = inner.fill(&l1_key.key, known, compute).await?;
            return Ok(filled.value.cached(filled.source, filled.compute_time));
        }
        if let Some(hit) = inner.l1_hit(&l1_key).await {
            return Ok(hit);
        }

        let mut compute = Some(compute);
        let mut known = known;
        let mut outcome: Option<(Source, Option<Duration>)> = None;
        let mut failure: Option<E> = None;
        let loaded = inner
            .l1
            .entry_by_ref(&l1_key)
            .or_try_insert_with(async {
                let Some(compute) = compute.take() else {
                    return Err(FillFailed);
                };
                incr(&counters.l1_misses);
                match inner.fill(&l1_key.key, known.take(), compute).await {
                    Ok(filled) => {
                        outcome = Some((filled.source, filled.compute_time));
                        Ok(filled.value)
                    }
                    Err(e) => {
                        failure = Some(e);
                        Err(FillFailed)
                    }
                }
            })
            .await;
        match loaded {
            Ok(entry) => {
                let value = entry.into_value();
                if let Some((source, took)) = outcome {
                    Ok(value.cached(source, took))
                } else {
                    // Another caller's computation filled it while this one waited.
                    incr(&counters.l1_hits);
                    Ok(value.cached(Source::HitL1, None))
                }
            }
            Err(_) => match (failure, compute) {
                (Some(e), _) => Err(e),
                // Another caller's computation failed while this one waited; its error is
                // not ours to return, so compute once more, on our own.
                (None, Some(compute)) => {
                    incr(&counters.l1_misses);
                    let filled = inner.fill(&l1_key.key, None, compute).await?;
                    let cached = filled.value.cached(filled.source, filled.compute_time);
                    inner.l1.insert(l1_key, filled.value).await;
                    Ok(cached)
                }
                (None, None) => unreachable!("the loader either filled, failed, or did not run"),
            },
        }
    }

    /// Computes without reading or writing the cache and reports [`Source::Bypass`] (admin
    /// `Cache-Control: no-cache`, diagnosis, benchmarks).
    pub async fn bypass<F, Fut, B, E>(&self, compute: F) -> Result<Cached, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        incr(&self.inner.counters.bypasses);
        let (bytes, took) = self.inner.run(compute).await?;
        Ok(L1Value::new(bytes, Duration::ZERO).cached(Source::Bypass, Some(took)))
    }

    /// Invalidates `tags` after a write committed (DOMAIN.md §5): bumps their generations
    /// here and in Redis, drops the matching L1 entries, and tells every other instance to do
    /// the same. While Redis is unreachable the Redis part is queued and replayed before this
    /// instance reads Redis again. Never fails.
    pub async fn invalidate(&self, tags: &[Tag]) {
        if !tags.is_empty() {
            self.inner.invalidate(Bump::tags(tags)).await;
        }
    }

    /// The global flush of DOMAIN.md §5 (confirmed match deleted, Elo recalculation, renames,
    /// …): bumps the epoch that is part of every name, everywhere.
    pub async fn invalidate_all(&self) {
        self.inner.invalidate(Bump::all()).await;
    }

    /// Clears one family or (`None`) everything, on every instance (via Redis) — what
    /// `ttstats cache clear` and `POST /api/v1/admin/cache/clear` do. Also deletes the now
    /// unreachable values from Redis to free its memory.
    pub async fn clear(&self, family: Option<Family>) -> ClearReport {
        let bump = family.map_or_else(Bump::all, Bump::family);
        let published = self.inner.invalidate(bump).await;
        let l2_keys_removed = match &self.inner.redis {
            Some(redis) if published => match redis.delete_values(family).await {
                Ok(n) => Some(n),
                Err(e) => {
                    redis.warn_limited("clear", &e);
                    None
                }
            },
            _ => None,
        };
        info!(
            family = family.map_or("all", Family::as_str),
            published, l2_keys_removed, "cache cleared"
        );
        ClearReport {
            published,
            l2_keys_removed,
        }
    }

    /// Round-trip time of a Redis `PING` (ignores the circuit breaker: it is a diagnosis).
    pub async fn ping(&self) -> Result<Duration, CacheError> {
        match &self.inner.redis {
            Some(redis) => redis.ping().await,
            None => Err(CacheError::NotConfigured),
        }
    }

    /// Counters and sizes per tier and family. Asks Redis for its key count and memory
    /// (bounded by a deadline), so it is meant for admin endpoints and metrics scrapes, not
    /// for every request.
    pub async fn stats(&self) -> CacheStats {
        let inner = &*self.inner;
        inner.l1.run_pending_tasks().await;
        let mut l1_entries = [0_u64; Family::ALL.len()];
        let mut l1_bytes = [0_u64; Family::ALL.len()];
        for (key, value) in &inner.l1 {
            let i = key.key.family().index();
            l1_entries[i] += 1;
            l1_bytes[i] += u64::from(weight(&key, &value));
        }

        let sizes = match &inner.redis {
            Some(redis) => match redis.sizes().await {
                Ok(sizes) => Some(sizes),
                Err(e) => {
                    redis.warn_limited("stats", &e);
                    None
                }
            },
            None => None,
        };

        let c = &inner.counters;
        let mut families = BTreeMap::new();
        let (mut l1_hits, mut l1_misses, mut l2_hits, mut l2_misses, mut computes) =
            (0, 0, 0, 0, 0);
        for family in Family::ALL {
            let fc = c.family(family);
            let (h1, m1, h2, m2, comp) = (
                read(&fc.l1_hits),
                read(&fc.l1_misses),
                read(&fc.l2_hits),
                read(&fc.l2_misses),
                read(&fc.computes),
            );
            l1_hits += h1;
            l1_misses += m1;
            l2_hits += h2;
            l2_misses += m2;
            computes += comp;
            let i = family.index();
            families.insert(
                family,
                FamilyStats {
                    l1_entries: l1_entries[i],
                    l1_bytes: l1_bytes[i],
                    l2_keys: sizes.as_ref().map(|s| s.per_family[i]),
                    l1_hits: h1,
                    l1_misses: m1,
                    l2_hits: h2,
                    l2_misses: m2,
                    misses: comp,
                    bypasses: read(&fc.bypasses),
                    hit_rate: rate(h1 + h2, comp),
                },
            );
        }

        let redis = inner.redis.as_ref();
        CacheStats {
            enabled: inner.config.enabled,
            hit_rate: rate(l1_hits + l2_hits, computes),
            l1: L1Stats {
                entries: inner.l1.entry_count(),
                bytes: inner.l1.weighted_size(),
                max_bytes: inner.config.l1_max_bytes,
                hits: l1_hits,
                misses: l1_misses,
                hit_rate: rate(l1_hits, l1_misses),
                ttl_capped: redis.is_some_and(|r| r.unhealthy_since().is_some()),
            },
            l2: L2Stats {
                configured: inner.config.redis_url.is_some(),
                connected: sizes.is_some(),
                subscriber_connected: redis.is_some_and(|r| r.subscriber.borrow().connected),
                breaker: redis.map(Redis::breaker_state),
                keys: sizes.as_ref().map(|s| s.keys),
                memory_bytes: sizes.as_ref().and_then(|s| s.memory_bytes),
                hits: l2_hits,
                misses: l2_misses,
                hit_rate: rate(l2_hits, l2_misses),
                errors: redis.map_or(0, |r| read(&r.errors)),
                pending_invalidations: redis.is_some_and(Redis::has_pending),
            },
            invalidations: InvalidationStats {
                local: read(&c.invalidations_local),
                received: read(&c.invalidations_received),
            },
            bypasses: read(&c.bypasses),
            compute_errors: read(&c.compute_errors),
            families,
        }
    }
}

impl Inner {
    /// Runs a computation, timing it and counting failures.
    async fn run<F, Fut, B, E>(&self, compute: F) -> Result<(Bytes, Duration), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        let start = Instant::now();
        match compute().await {
            Ok(bytes) => Ok((bytes.into(), start.elapsed())),
            Err(e) => {
                incr(&self.counters.compute_errors);
                Err(e)
            }
        }
    }

    fn family_ttl(&self, key: &Key) -> Duration {
        self.config.ttl_override.unwrap_or_else(|| key.ttl())
    }

    /// The L1 TTL of a value filled now: capped while Redis is unreachable, because other
    /// instances' invalidations cannot arrive.
    fn l1_ttl(&self, ttl: Duration) -> Duration {
        match &self.redis {
            Some(redis) if redis.unhealthy_since().is_some() => {
                ttl.min(self.config.degraded_l1_ttl)
            }
            _ => ttl,
        }
    }

    /// Whether an L1 value may still be served: while Redis is unreachable only for
    /// `degraded_l1_ttl` after the later of its insertion and the start of the outage.
    fn usable(&self, value: &L1Value) -> bool {
        match self.redis.as_ref().and_then(Redis::unhealthy_since) {
            None => true,
            Some(since) => value.inserted.max(since).elapsed() <= self.config.degraded_l1_ttl,
        }
    }

    /// The L1 value of `l1_key`, if it may be served (counted as a hit).
    async fn l1_hit(&self, l1_key: &L1Key) -> Option<Cached> {
        if !self.config.enabled || self.config.l1_max_bytes == 0 {
            return None;
        }
        let value = self.l1.get(l1_key).await?;
        if !self.usable(&value) {
            self.l1.invalidate(l1_key).await;
            return None;
        }
        incr(&self.counters.family(l1_key.key.family()).l1_hits);
        Some(value.cached(Source::HitL1, None))
    }

    /// The L1 name of `key` now: the normalized key and this process's generations of it.
    fn l1_key(&self, key: &Key) -> L1Key {
        let key = key.clone().normalized();
        L1Key {
            gens: self.gens.snapshot(&key),
            key,
        }
    }

    /// L1 missed: try Redis (unless `known` is its answer already), else compute, and fill
    /// the tiers below L1.
    async fn fill<F, Fut, B, E>(
        &self,
        key: &Key,
        known: Option<Lookup>,
        compute: F,
    ) -> Result<Filled, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        let counters = self.counters.family(key.family());
        let ttl = self.family_ttl(key);
        let mut store_as = None;
        if let Some(redis) = &self.redis {
            let lookup = match known {
                Some(lookup) => lookup,
                None => redis
                    .lookup(&[key])
                    .await
                    .pop()
                    .unwrap_or(Lookup::Unavailable),
            };
            match lookup {
                Lookup::Hit {
                    bytes,
                    etag,
                    ttl_left,
                } => {
                    incr(&counters.l2_hits);
                    let ttl = ttl_left.map_or(ttl, |left| left.min(ttl));
                    return Ok(Filled {
                        value: L1Value::with_etag(bytes, etag.into(), self.l1_ttl(ttl)),
                        source: Source::HitL2,
                        compute_time: None,
                    });
                }
                Lookup::Miss { name, stamp } => {
                    incr(&counters.l2_misses);
                    store_as = Some((name, stamp));
                }
                Lookup::Unavailable => {}
            }
        }
        let (bytes, took) = self.run(compute).await?;
        incr(&counters.computes);
        let value = L1Value::new(bytes, self.l1_ttl(ttl));
        if let (Some(redis), Some((name, stamp))) = (&self.redis, store_as) {
            redis
                .store(&name, &stamp, &value.etag, &value.bytes, ttl)
                .await;
        }
        Ok(Filled {
            value,
            source: Source::Miss,
            compute_time: Some(took),
        })
    }

    /// Applies a bump here and, with Redis, everywhere. Returns whether it reached Redis.
    async fn invalidate(&self, bump: Bump) -> bool {
        debug!(?bump, "invalidate");
        self.apply(&bump);
        incr(&self.counters.invalidations_local);
        match &self.redis {
            Some(redis) => redis.publish(bump).await,
            None => false,
        }
    }

    /// Bumps local generations (correctness) and drops affected L1 entries (memory, stats).
    fn apply(&self, bump: &Bump) {
        self.gens.bump(bump);
        if bump.all {
            self.l1.invalidate_all();
        } else {
            let bump = bump.clone();
            if let Err(e) = self
                .l1
                .invalidate_entries_if(move |key, _| bump.affects(&key.key))
            {
                // Unreachable entries still expire; the generations already hide them.
                debug!(error = %e, "L1 predicate invalidation unavailable");
            }
        }
    }

    /// A message from the subscriber.
    pub(crate) fn received(&self, message: Message) {
        if message.origin == self.id || message.bump.is_empty() {
            return;
        }
        debug!(origin = message.origin, bump = ?message.bump, "invalidation received");
        self.apply(&message.bump);
        incr(&self.counters.invalidations_received);
    }

    /// (Re)subscribed: messages may have been missed while unsubscribed, so nothing in L1
    /// can be trusted any more.
    pub(crate) fn subscribed(&self) {
        self.gens.bump(&Bump::all());
        self.l1.invalidate_all();
        if let Some(redis) = &self.redis {
            redis.subscriber.send_modify(|s| {
                s.attempts += 1;
                s.connected = true;
            });
            redis.refresh_health();
        }
    }

    pub(crate) fn unsubscribed(&self, error: &dyn std::fmt::Display) {
        if let Some(redis) = &self.redis {
            redis.subscriber.send_modify(|s| {
                s.attempts += 1;
                s.connected = false;
            });
            redis.refresh_health();
            redis.warn_limited("invalidation subscriber", error);
        }
    }
}

/// The subscriber task's view of the cache: weak, so dropping the last `Cache` ends it.
pub(crate) type WeakInner = Weak<Inner>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_weak_and_follow_the_bytes() {
        let a = etag(b"{\"x\":1}");
        assert!(a.starts_with("W/\"") && a.ends_with('"'));
        assert_eq!(a.len(), 36);
        assert_eq!(a, etag(b"{\"x\":1}"));
        assert_ne!(a, etag(b"{\"x\":2}"));
    }

    #[test]
    fn sources_render_as_x_cache_values() {
        let all = [Source::HitL1, Source::HitL2, Source::Miss, Source::Bypass];
        let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["HIT-L1", "HIT-L2", "MISS", "BYPASS"]);
        assert_eq!(serde_json::to_string(&Source::HitL2).unwrap(), "\"HIT-L2\"");
    }
}
