//! The Redis tier: values under generation-stamped names, generation counters, invalidation
//! publishing, and the guards that keep a failing Redis from failing requests (timeouts, a
//! circuit breaker, a queue of invalidations to replay, a rate-limited warning).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bb8_redis::RedisConnectionManager;
use bb8_redis::bb8::{self, RunError};
use bb8_redis::redis::{self, RedisResult};
use bytes::Bytes;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::breaker::{Breaker, BreakerState, Transition};
use crate::config::CacheConfig;
use crate::error::CacheError;
use crate::gens::{Bump, GenKey, Message};
use crate::key::{Family, Key};

type Pool = bb8::Pool<RedisConnectionManager>;
type Conn = redis::aio::MultiplexedConnection;

/// The subscriber task's progress, watched by `Cache::new` and the health check.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SubscriberState {
    /// Finished connection attempts, successful or not.
    pub(crate) attempts: u64,
    /// Subscribed right now.
    pub(crate) connected: bool,
}

/// The result of an L2 read.
pub(crate) enum Lookup {
    /// Redis is skipped or failed: compute and keep the value in L1 only.
    Unavailable,
    /// Found, with its ETag and the time it has left in Redis (so L1 does not outlive it).
    Hit {
        bytes: Bytes,
        etag: String,
        ttl_left: Option<Duration>,
    },
    /// Not found, or stamped with older generations: store the computed value under `name`
    /// with `stamp`, the generations read before computing.
    Miss { name: String, stamp: String },
}

/// Sizes read from Redis for statistics.
#[derive(Debug, Default)]
pub(crate) struct L2Sizes {
    pub(crate) keys: u64,
    pub(crate) per_family: [u64; Family::ALL.len()],
    pub(crate) memory_bytes: Option<u64>,
}

pub(crate) struct Redis {
    pool: Pool,
    /// The connection every request shares: multiplexed, so concurrent requests pipeline
    /// over one socket and none waits for a checkout (nor pays the pool's `PING` on it).
    /// Dropped on any error; the next request checks a verified one out of the pool.
    shared: Mutex<Option<Conn>>,
    pub(crate) client: redis::Client,
    namespace: String,
    pub(crate) channel: String,
    pub(crate) timeout: Duration,
    breaker: Breaker,
    /// Invalidations not yet in Redis; replayed before Redis is read again, so this instance
    /// never reads an L2 value its own write has invalidated.
    pending: Mutex<Option<Bump>>,
    has_pending: AtomicBool,
    flush_lock: tokio::sync::Mutex<()>,
    pub(crate) subscriber: watch::Sender<SubscriberState>,
    /// When Redis became unreachable (nanoseconds after `base`, plus one; 0 = healthy). An
    /// atomic, because every L1 hit reads it.
    unhealthy_since: AtomicU64,
    base: Instant,
    pub(crate) errors: AtomicU64,
    warn: WarnLimiter,
    /// This instance's id, the origin of its pub/sub messages.
    origin: u64,
}

impl Redis {
    pub(crate) fn new(url: &str, config: &CacheConfig, origin: u64) -> Result<Self, CacheError> {
        let client = redis::Client::open(url).map_err(CacheError::InvalidUrl)?;
        let manager = RedisConnectionManager::new(url).map_err(CacheError::InvalidUrl)?;
        // `build_unchecked` never connects here: start-up must not depend on Redis.
        let pool = bb8::Pool::builder()
            .max_size(config.pool_size.max(1))
            .connection_timeout(config.redis_timeout.max(Duration::from_millis(1)))
            .build_unchecked(manager);
        let namespace = config.namespace();
        Ok(Self {
            pool,
            shared: Mutex::new(None),
            client,
            channel: config.channel(),
            namespace,
            timeout: config.redis_timeout.max(Duration::from_millis(1)),
            breaker: Breaker::new(config.breaker_threshold, config.breaker_open_for),
            pending: Mutex::new(None),
            has_pending: AtomicBool::new(false),
            flush_lock: tokio::sync::Mutex::new(()),
            subscriber: watch::Sender::new(SubscriberState::default()),
            // Unreachable until the subscriber proves otherwise.
            unhealthy_since: AtomicU64::new(1),
            base: Instant::now(),
            errors: AtomicU64::new(0),
            warn: WarnLimiter::new(Duration::from_secs(30)),
            origin,
        })
    }

    // ---- health ------------------------------------------------------------------------

    /// Since when Redis has been unreachable (breaker not closed or subscriber down), `None`
    /// when healthy. L1 caps TTLs from that instant on.
    pub(crate) fn unhealthy_since(&self) -> Option<Instant> {
        match self.unhealthy_since.load(Ordering::Relaxed) {
            0 => None,
            n => Some(self.base + Duration::from_nanos(n - 1)),
        }
    }

    pub(crate) fn refresh_health(&self) {
        let healthy =
            self.subscriber.borrow().connected && self.breaker.state() == BreakerState::Closed;
        if healthy {
            self.unhealthy_since.store(0, Ordering::Relaxed);
        } else {
            let now = self.base.elapsed().as_nanos() as u64 + 1;
            // Keep the earliest instant: staleness counts from the first moment of outage.
            let _ =
                self.unhealthy_since
                    .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    pub(crate) fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }

    fn succeeded(&self) {
        let was_closed = self.breaker.state() == BreakerState::Closed;
        self.breaker.success();
        if !was_closed {
            info!("redis reachable again; circuit breaker closed");
        }
        self.refresh_health();
    }

    fn failed(&self, what: &str, error: &CacheError) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Through the limiter either way: during a long outage the breaker reopens after
        // every failed probe, which must not become a log line every few seconds.
        let what = match self.breaker.failure() {
            Transition::Opened => format!("{what} (circuit breaker opened)"),
            Transition::None => what.to_owned(),
        };
        self.warn.warn(&what, error);
        self.refresh_health();
    }

    pub(crate) fn warn_limited(&self, what: &str, error: &dyn std::fmt::Display) {
        self.warn.warn(what, error);
    }

    // ---- plumbing ----------------------------------------------------------------------

    async fn timed<T>(&self, fut: impl Future<Output = RedisResult<T>>) -> Result<T, CacheError> {
        self.timed_for(self.timeout, fut).await
    }

    async fn timed_for<T>(
        &self,
        limit: Duration,
        fut: impl Future<Output = RedisResult<T>>,
    ) -> Result<T, CacheError> {
        match tokio::time::timeout(limit, fut).await {
            Ok(result) => result.map_err(CacheError::from),
            Err(_) => Err(CacheError::Timeout(limit)),
        }
    }

    async fn conn(&self) -> Result<Conn, CacheError> {
        let shared = self
            .shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(conn) = shared {
            return Ok(conn);
        }
        let conn = match tokio::time::timeout(self.timeout, self.pool.get()).await {
            Ok(Ok(pooled)) => (*pooled).clone(),
            Ok(Err(RunError::User(e))) => return Err(CacheError::Redis(e)),
            Ok(Err(RunError::TimedOut)) | Err(_) => return Err(CacheError::Timeout(self.timeout)),
        };
        *self.shared.lock().unwrap_or_else(PoisonError::into_inner) = Some(conn.clone());
        Ok(conn)
    }

    /// Whether Redis may be used now: the breaker allows it and queued invalidations are
    /// replayed (reading before replaying could return values this instance invalidated).
    async fn ready(&self) -> bool {
        if !self.breaker.allow() {
            return false;
        }
        if self.has_pending.load(Ordering::Acquire) {
            return self.flush_pending().await;
        }
        true
    }

    // ---- values ------------------------------------------------------------------------

    /// L1 miss path: the value of each key stored under its current generations, all in one
    /// round trip (`Unavailable` for every key when Redis is skipped or fails).
    pub(crate) async fn lookup(&self, keys: &[&Key]) -> Vec<Lookup> {
        let unavailable = || keys.iter().map(|_| Lookup::Unavailable).collect();
        if !self.ready().await {
            return unavailable();
        }
        match self.try_lookup(keys).await {
            Ok(found) => {
                self.succeeded();
                found
            }
            Err(e) => {
                self.failed("L2 read", &e);
                unavailable()
            }
        }
    }

    /// Per key, its generations and its value, which starts with the generations it was
    /// computed under. Only a value whose stamp equals the generations read now is a hit;
    /// anything older (computed before an invalidation) is a miss, and is overwritten by the
    /// value computed next.
    async fn try_lookup(&self, keys: &[&Key]) -> Result<Vec<Lookup>, CacheError> {
        let mut conn = self.conn().await?;
        let mut pipe = redis::pipe();
        let mut names = Vec::with_capacity(keys.len());
        for key in keys {
            let counters: Vec<String> = GenKey::for_key(key)
                .iter()
                .map(|g| g.redis_name(&self.namespace))
                .collect();
            let name = self.value_name(key);
            pipe.cmd("MGET")
                .arg(&counters)
                .cmd("GET")
                .arg(&name)
                .cmd("PTTL")
                .arg(&name);
            names.push((name, counters.len()));
        }
        let replies: Vec<redis::Value> = self.timed(pipe.query_async(&mut conn)).await?;
        let mut replies = replies.into_iter();
        let mut next = |what: &str| {
            replies
                .next()
                .ok_or_else(|| CacheError::Protocol(format!("no reply to {what}")))
        };
        let parse = |e: redis::ParsingError| CacheError::Protocol(e.to_string());
        let mut found = Vec::with_capacity(keys.len());
        // Redis lost the epoch (restart without persistence): created once for all keys.
        let mut new_epoch = None;
        for (name, counters) in names {
            let mut gens: Vec<Option<u64>> =
                redis::from_redis_value(next("MGET")?).map_err(parse)?;
            let stored: Option<Vec<u8>> = redis::from_redis_value(next("GET")?).map_err(parse)?;
            let pttl: i64 = redis::from_redis_value(next("PTTL")?).map_err(parse)?;
            if gens.len() != counters {
                return Err(CacheError::Protocol(format!(
                    "MGET of {counters} names returned {} values",
                    gens.len()
                )));
            }
            if gens[0].is_none() {
                if new_epoch.is_none() {
                    new_epoch = Some(self.init_epoch(&mut conn).await?);
                }
                gens[0] = new_epoch;
            }
            let stamp = stamp(&gens);
            let hit = stored
                .as_deref()
                .and_then(|stored| parse_stored(stored, &stamp))
                .map(|(etag, start)| (etag.to_owned(), start));
            found.push(match (stored, hit) {
                (Some(stored), Some((etag, start))) => Lookup::Hit {
                    bytes: Bytes::from(stored).slice(start..),
                    etag,
                    ttl_left: u64::try_from(pttl).ok().map(Duration::from_millis),
                },
                _ => Lookup::Miss { name, stamp },
            });
        }
        Ok(found)
    }

    /// `{ns}:{family}:{ids…}@`: one name per key; the `@` ends it, so a family's values are
    /// `{family}[:@]*` even where one family's name starts with another's.
    fn value_name(&self, key: &Key) -> String {
        format!("{}:{key}@", self.namespace)
    }

    /// Creates the epoch if Redis lost it (restart without persistence). It starts at the
    /// current time in microseconds rather than 0, so values computed under an epoch from
    /// before the loss can never match the new one.
    async fn init_epoch(&self, conn: &mut Conn) -> Result<u64, CacheError> {
        let name = GenKey::Epoch.redis_name(&self.namespace);
        let (epoch,): (Option<u64>,) = self
            .timed(
                redis::pipe()
                    .cmd("SET")
                    .arg(&name)
                    .arg(now_micros())
                    .arg("NX")
                    .ignore()
                    .cmd("GET")
                    .arg(&name)
                    .query_async(conn),
            )
            .await?;
        epoch.ok_or_else(|| CacheError::Protocol("epoch missing after SET NX".into()))
    }

    /// Stores a computed value under the name and stamp [`Lookup::Miss`] gave, with its ETag
    /// so a hit need not hash the body again (best effort).
    pub(crate) async fn store(
        &self,
        name: &str,
        stamp: &str,
        etag: &str,
        bytes: &[u8],
        ttl: Duration,
    ) {
        if !self.breaker.allow() {
            return;
        }
        let millis = ttl.as_millis().max(1) as u64;
        let mut value = Vec::with_capacity(stamp.len() + etag.len() + 2 + bytes.len());
        value.extend_from_slice(stamp.as_bytes());
        value.push(b' ');
        value.extend_from_slice(etag.as_bytes());
        value.push(b'\n');
        value.extend_from_slice(bytes);
        let result = async {
            let mut conn = self.conn().await?;
            self.timed(
                redis::cmd("SET")
                    .arg(name)
                    .arg(&value)
                    .arg("PX")
                    .arg(millis)
                    .query_async::<()>(&mut conn),
            )
            .await
        }
        .await;
        match result {
            Ok(()) => self.succeeded(),
            Err(e) => self.failed("L2 write", &e),
        }
    }

    // ---- invalidation ------------------------------------------------------------------

    /// Bumps the counters in Redis and tells the other instances; queued for replay when
    /// Redis cannot be reached. Returns whether it reached Redis.
    pub(crate) async fn publish(&self, bump: Bump) -> bool {
        self.enqueue(bump);
        if !self.breaker.allow() {
            return false;
        }
        self.flush_pending().await
    }

    fn enqueue(&self, bump: Bump) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        match pending.as_mut() {
            Some(queued) => queued.merge(bump),
            None => *pending = Some(bump),
        }
        self.has_pending.store(true, Ordering::Release);
    }

    /// Replays the queued bumps (all made by this instance and already applied locally, so
    /// they carry its origin).
    async fn flush_pending(&self) -> bool {
        let _serial = self.flush_lock.lock().await;
        let bump = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            self.has_pending.store(false, Ordering::Release);
            pending.take()
        };
        let Some(bump) = bump else {
            return true;
        };
        match self.try_publish(&bump).await {
            Ok(()) => {
                self.succeeded();
                true
            }
            Err(e) => {
                self.failed("invalidation", &e);
                self.enqueue(bump);
                false
            }
        }
    }

    async fn try_publish(&self, bump: &Bump) -> Result<(), CacheError> {
        let message = serde_json::to_string(&Message {
            origin: self.origin,
            bump: bump.clone(),
        })
        .map_err(|e| CacheError::Protocol(e.to_string()))?;
        let mut pipe = redis::pipe();
        if bump.all {
            // A lost epoch restarts from the clock (see `init_epoch`), never from 0.
            pipe.cmd("SET")
                .arg(GenKey::Epoch.redis_name(&self.namespace))
                .arg(now_micros())
                .arg("NX")
                .ignore();
        }
        let counters = bump.gen_keys();
        for counter in &counters {
            pipe.cmd("INCR")
                .arg(counter.redis_name(&self.namespace))
                .ignore();
        }
        // INCR before PUBLISH on one connection: a receiver that re-reads the generations
        // after the message always sees the bump.
        pipe.cmd("PUBLISH").arg(&self.channel).arg(message).ignore();
        let limit = self.timeout * (1 + (counters.len() / 1000) as u32);
        let mut conn = self.conn().await?;
        self.timed_for(limit, pipe.query_async::<()>(&mut conn))
            .await
    }

    /// Replays queued invalidations, ignoring the breaker (the caller just reached Redis).
    pub(crate) async fn replay_pending(&self) {
        if self.has_pending() {
            self.flush_pending().await;
        }
    }

    pub(crate) fn has_pending(&self) -> bool {
        self.has_pending.load(Ordering::Acquire)
    }

    /// Deletes the stored values of one family or of all (memory only: the generation bump
    /// already made them unreachable). Bounded by a deadline; returns how many went.
    pub(crate) async fn delete_values(&self, family: Option<Family>) -> Result<u64, CacheError> {
        let pattern = match family {
            Some(f) => format!("{}:{f}[:@]*", glob_escape(&self.namespace)),
            None => format!("{}:*", glob_escape(&self.namespace)),
        };
        let gen_prefix = format!("{}:gen:", self.namespace);
        let deadline = Instant::now() + self.slow_timeout();
        let mut conn = self.conn().await?;
        let mut cursor = 0_u64;
        let mut removed = 0;
        loop {
            let (next, names) = self.scan_page(&mut conn, cursor, &pattern).await?;
            let values: Vec<&String> = names
                .iter()
                .filter(|n| !n.starts_with(&gen_prefix))
                .collect();
            if !values.is_empty() {
                removed += self
                    .timed(
                        redis::cmd("UNLINK")
                            .arg(&values)
                            .query_async::<u64>(&mut conn),
                    )
                    .await?;
            }
            cursor = next;
            if cursor == 0 {
                return Ok(removed);
            }
            if Instant::now() >= deadline {
                return Err(CacheError::Timeout(self.slow_timeout()));
            }
        }
    }

    /// One SCAN step over the keys matching `pattern`: the next cursor (0 when done) and names.
    async fn scan_page(
        &self,
        conn: &mut Conn,
        cursor: u64,
        pattern: &str,
    ) -> Result<(u64, Vec<String>), CacheError> {
        self.timed(
            redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(conn),
        )
        .await
    }

    /// Operations that walk the keyspace get more time than request-path ones.
    fn slow_timeout(&self) -> Duration {
        (self.timeout * 8).max(Duration::from_secs(2))
    }

    // ---- operations --------------------------------------------------------------------

    pub(crate) async fn ping(&self) -> Result<Duration, CacheError> {
        let mut conn = self.conn().await?;
        // Time the command only: the checkout may have included a connect.
        let start = Instant::now();
        let pong: String = self
            .timed(redis::cmd("PING").query_async(&mut conn))
            .await?;
        if pong != "PONG" {
            return Err(CacheError::Protocol(format!("PING answered {pong:?}")));
        }
        Ok(start.elapsed())
    }

    /// Value keys per family (SCAN of the namespace) and server memory.
    pub(crate) async fn sizes(&self) -> Result<L2Sizes, CacheError> {
        let mut conn = self.conn().await?;
        let info: String = self
            .timed(redis::cmd("INFO").arg("memory").query_async(&mut conn))
            .await?;
        let mut sizes = L2Sizes {
            memory_bytes: parse_used_memory(&info),
            ..L2Sizes::default()
        };
        let pattern = format!("{}:*", glob_escape(&self.namespace));
        let value_prefix = format!("{}:", self.namespace);
        let deadline = Instant::now() + self.slow_timeout();
        let mut cursor = 0_u64;
        loop {
            let (next, names) = self.scan_page(&mut conn, cursor, &pattern).await?;
            for name in &names {
                let rest = name.strip_prefix(&value_prefix).unwrap_or(name);
                let family = rest.split([':', '@']).next().unwrap_or("");
                if let Ok(f) = family.parse::<Family>() {
                    sizes.keys += 1;
                    sizes.per_family[f.index()] += 1;
                }
            }
            cursor = next;
            if cursor == 0 {
                return Ok(sizes);
            }
            if Instant::now() >= deadline {
                return Err(CacheError::Timeout(self.slow_timeout()));
            }
        }
    }
}

/// A stored value is `{stamp} {etag}\n{body}`. With the expected stamp: its ETag and where
/// its body starts; `None` for any other stamp (computed before an invalidation).
fn parse_stored<'a>(stored: &'a [u8], stamp: &str) -> Option<(&'a str, usize)> {
    let rest = stored.strip_prefix(stamp.as_bytes())?.strip_prefix(b" ")?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    let etag = std::str::from_utf8(&rest[..end]).ok()?;
    Some((etag, stored.len() - rest.len() + end + 1))
}

/// `{epoch}.{family gen}.{tag gens…}`: the generations a value was computed under.
fn stamp(gens: &[Option<u64>]) -> String {
    use std::fmt::Write as _;
    let mut stamp = String::with_capacity(8 * gens.len());
    for (i, g) in gens.iter().enumerate() {
        if i > 0 {
            stamp.push('.');
        }
        let _ = write!(stamp, "{}", g.unwrap_or(0));
    }
    stamp
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_micros() as u64)
}

/// Escapes Redis glob metacharacters so a prefix is matched literally.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn parse_used_memory(info: &str) -> Option<u64> {
    info.lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
}

/// A `warn!` at most once per interval, reporting how many were suppressed, so an outage
/// does not flood the log with one line per request.
pub(crate) struct WarnLimiter {
    every: Duration,
    last: Mutex<Option<Instant>>,
    suppressed: AtomicU64,
}

impl WarnLimiter {
    pub(crate) fn new(every: Duration) -> Self {
        Self {
            every,
            last: Mutex::new(None),
            suppressed: AtomicU64::new(0),
        }
    }

    pub(crate) fn warn(&self, what: &str, error: &dyn std::fmt::Display) {
        let now = Instant::now();
        {
            let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|t| now.duration_since(t) < self.every) {
                self.suppressed.fetch_add(1, Ordering::Relaxed);
                return;
            }
            *last = Some(now);
        }
        let suppressed = self.suppressed.swap(0, Ordering::Relaxed);
        warn!(error = %error, suppressed, "redis {what} failed; degrading to L1 and the database");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_memory_is_read_from_info() {
        let info = "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n";
        assert_eq!(parse_used_memory(info), Some(1_048_576));
        assert_eq!(parse_used_memory("# Memory\r\n"), None);
    }

    #[test]
    fn a_stored_value_is_found_only_under_its_own_stamp() {
        let stamp = stamp(&[Some(17), None, Some(3)]);
        assert_eq!(stamp, "17.0.3");
        let stored = b"17.0.3 W/\"ab\"\n{\"x\":1}";
        let (etag, start) = parse_stored(stored, &stamp).unwrap();
        assert_eq!((etag, &stored[start..]), ("W/\"ab\"", &b"{\"x\":1}"[..]));
        // Older generations, a stamp that is only a prefix, or no header: a miss.
        assert_eq!(parse_stored(stored, "17.0.2"), None);
        assert_eq!(parse_stored(b"17.0.31 W/\"ab\"\n{}", &stamp), None);
        assert_eq!(parse_stored(b"{\"x\":1}", &stamp), None);
    }

    #[test]
    fn glob_metacharacters_are_escaped() {
        assert_eq!(glob_escape("t*1?[a]\\"), "t\\*1\\?\\[a\\]\\\\");
        assert_eq!(glob_escape("ttstats:v1"), "ttstats:v1");
    }
}
