//! Fixed-window throttling of sign-in and registration (DOMAIN.md §4.3).
//!
//! Handlers talk to the [`RateLimiter`] trait held in `AppState`; this module provides the
//! in-process [`LocalRateLimiter`] (counters in a mutex-guarded map, pruned as windows expire).
//! With several instances each keeps its own counters; a Redis-backed implementation of the
//! same trait (issue 6) makes one limit hold across instances.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

use crate::error::ApiError;

/// At most `max` events per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Events allowed in one window.
    pub max: u32,
    /// The window length.
    pub window: Duration,
}

impl Limit {
    /// `max` events per `seconds`.
    pub const fn new(max: u32, seconds: u64) -> Self {
        Self {
            max,
            window: Duration::from_secs(seconds),
        }
    }

    /// Parses `count/seconds` (both positive).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let (max, seconds) = text
            .split_once('/')
            .ok_or_else(|| anyhow::anyhow!("missing '/'"))?;
        let (max, seconds): (u32, u64) = (max.trim().parse()?, seconds.trim().parse()?);
        anyhow::ensure!(max > 0 && seconds > 0, "both numbers must be positive");
        Ok(Self::new(max, seconds))
    }
}

/// What is being counted, and for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// Failed sign-ins from one address.
    SignInIp(IpAddr),
    /// Failed sign-ins of one account: its user id, or the normalised login for names that
    /// match no account (so an unknown name behaves like a known one).
    SignInAccount(String),
    /// Registrations from one address.
    RegisterIp(IpAddr),
}

impl fmt::Display for RateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SignInIp(ip) => write!(f, "sign_in:ip:{ip}"),
            Self::SignInAccount(account) => write!(f, "sign_in:account:{account}"),
            Self::RegisterIp(ip) => write!(f, "register:ip:{ip}"),
        }
    }
}

/// The limit is reached; a retry can succeed after this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocked {
    /// Seconds until the window ends.
    pub retry_after: u64,
}

impl From<Blocked> for ApiError {
    fn from(blocked: Blocked) -> Self {
        Self::RateLimited {
            retry_after: blocked.retry_after,
        }
    }
}

/// A boxed future, so the trait stays object-safe and a networked limiter can await.
pub type LimitFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Counters of events per key in fixed windows. A window starts with the first event counted
/// for its key and lasts `limit.window`; the key is blocked once `limit.max` events are counted
/// in it. Implementations degrade open: a limiter that cannot reach its store lets requests
/// through rather than failing them.
pub trait RateLimiter: Send + Sync {
    /// `Err` when `key` already reached `limit` in its current window; counts nothing.
    fn check<'a>(&'a self, key: &'a RateKey, limit: Limit) -> LimitFuture<'a, Result<(), Blocked>>;

    /// Counts one event for `key`, or refuses (counting nothing) when the limit is reached.
    fn hit<'a>(&'a self, key: &'a RateKey, limit: Limit) -> LimitFuture<'a, Result<(), Blocked>>;

    /// Forgets the count of `key` (a successful sign-in resets its account).
    fn reset<'a>(&'a self, key: &'a RateKey) -> LimitFuture<'a, ()>;
}

/// The address a request is counted against: the connecting peer, or — when the peer is one
/// of `TTSTATS_TRUSTED_PROXIES` — the client it forwarded for (see [`client_address`]).
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.ip());
    let trusted = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|state| state.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    if trusted.is_empty() {
        return peer;
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    client_address(peer, &forwarded.join(","), trusted)
}

/// The client behind a chain of proxies. `X-Forwarded-For` is believed only as far as it was
/// written by trusted proxies: starting at the peer, each trusted hop vouches for the address
/// before it; the first address not in `trusted` is the client. A peer that is not trusted is
/// the client itself, whatever the header says; an unparsable entry ends the walk at the last
/// trusted hop (which can then be throttled, but never spoofed).
pub fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    if !trusted.contains(&peer) {
        return client;
    }
    for hop in forwarded_for
        .rsplit(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    client
}

/// In-process counters, one map for all keys.
#[derive(Debug)]
pub struct LocalRateLimiter {
    state: Mutex<Windows>,
}

#[derive(Debug)]
struct Windows {
    counts: HashMap<RateKey, Window>,
    last_prune: Instant,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    ends: Instant,
    count: u32,
}

/// Expired windows are dropped at most this often, or as soon as the map grows past
/// [`PRUNE_ABOVE`] keys.
const PRUNE_EVERY: Duration = Duration::from_mins(1);
const PRUNE_ABOVE: usize = 10_000;

impl Default for LocalRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalRateLimiter {
    /// Empty counters.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(Windows {
                counts: HashMap::new(),
                last_prune: Instant::now(),
            }),
        }
    }

    /// [`RateLimiter::check`] at `now`.
    pub fn check_at(&self, key: &RateKey, limit: Limit, now: Instant) -> Result<(), Blocked> {
        let mut state = self.lock();
        state.prune(now);
        match state.counts.get(key) {
            Some(window) if window.ends > now && window.count >= limit.max => {
                Err(blocked(window.ends, now))
            }
            _ => Ok(()),
        }
    }

    /// [`RateLimiter::hit`] at `now`.
    pub fn hit_at(&self, key: &RateKey, limit: Limit, now: Instant) -> Result<(), Blocked> {
        let mut state = self.lock();
        state.prune(now);
        let window = state.counts.entry(key.clone()).or_insert(Window {
            ends: now + limit.window,
            count: 0,
        });
        if window.ends <= now {
            *window = Window {
                ends: now + limit.window,
                count: 0,
            };
        }
        if window.count >= limit.max {
            return Err(blocked(window.ends, now));
        }
        window.count += 1;
        Ok(())
    }

    /// [`RateLimiter::reset`].
    pub fn reset_key(&self, key: &RateKey) {
        self.lock().counts.remove(key);
    }

    /// Keys currently held (pruning keeps this bounded).
    pub fn len(&self) -> usize {
        self.lock().counts.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        // A panic while holding the lock cannot leave a count half-written; keep counting.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Windows {
    fn prune(&mut self, now: Instant) {
        if now.duration_since(self.last_prune) >= PRUNE_EVERY || self.counts.len() > PRUNE_ABOVE {
            self.counts.retain(|_, window| window.ends > now);
            self.last_prune = now;
        }
    }
}

fn blocked(ends: Instant, now: Instant) -> Blocked {
    let remaining = ends.duration_since(now);
    Blocked {
        retry_after: remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0),
    }
}

impl RateLimiter for LocalRateLimiter {
    fn check<'a>(&'a self, key: &'a RateKey, limit: Limit) -> LimitFuture<'a, Result<(), Blocked>> {
        let result = self.check_at(key, limit, Instant::now());
        Box::pin(std::future::ready(result))
    }

    fn hit<'a>(&'a self, key: &'a RateKey, limit: Limit) -> LimitFuture<'a, Result<(), Blocked>> {
        let result = self.hit_at(key, limit, Instant::now());
        Box::pin(std::future::ready(result))
    }

    fn reset<'a>(&'a self, key: &'a RateKey) -> LimitFuture<'a, ()> {
        self.reset_key(key);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn the_sixth_event_in_a_window_is_refused_until_the_window_ends() {
        let limiter = LocalRateLimiter::new();
        let key = RateKey::RegisterIp(IP);
        let limit = Limit::new(5, 3600);
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.hit_at(&key, limit, start), Ok(()));
        }
        let later = start + Duration::from_mins(10);
        assert_eq!(
            limiter.hit_at(&key, limit, later),
            Err(Blocked { retry_after: 3000 })
        );
        assert!(limiter.check_at(&key, limit, later).is_err());
        let next_window = start + Duration::from_hours(1);
        assert_eq!(limiter.hit_at(&key, limit, next_window), Ok(()));
    }

    #[test]
    fn keys_are_counted_separately_and_a_reset_forgets_one() {
        let limiter = LocalRateLimiter::new();
        let limit = Limit::new(1, 60);
        let now = Instant::now();
        let ip = RateKey::SignInIp(IP);
        let account = RateKey::SignInAccount("7".into());
        assert!(limiter.hit_at(&ip, limit, now).is_ok());
        assert!(limiter.hit_at(&account, limit, now).is_ok());
        assert!(limiter.check_at(&account, limit, now).is_err());
        limiter.reset_key(&account);
        assert!(limiter.check_at(&account, limit, now).is_ok());
        assert!(limiter.check_at(&ip, limit, now).is_err());
    }

    #[test]
    fn a_check_counts_nothing_and_retry_after_rounds_up() {
        let limiter = LocalRateLimiter::new();
        let key = RateKey::SignInIp(IP);
        let limit = Limit::new(1, 60);
        let now = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(&key, limit, now).is_ok());
        }
        assert!(limiter.hit_at(&key, limit, now).is_ok());
        let blocked = limiter
            .check_at(&key, limit, now + Duration::from_millis(59_500))
            .unwrap_err();
        assert_eq!(blocked.retry_after, 1);
    }

    #[test]
    fn expired_windows_are_pruned() {
        let limiter = LocalRateLimiter::new();
        let limit = Limit::new(1, 1);
        let now = Instant::now();
        for i in 0..100u8 {
            let key = RateKey::SignInIp(IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)));
            assert!(limiter.hit_at(&key, limit, now).is_ok());
        }
        assert_eq!(limiter.len(), 100);
        let much_later = now + PRUNE_EVERY + Duration::from_secs(1);
        assert!(
            limiter
                .check_at(&RateKey::SignInIp(IP), limit, much_later)
                .is_ok()
        );
        assert!(limiter.is_empty());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let inner: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let trusted = [proxy, inner];
        // An untrusted peer is the client, whatever it claims.
        assert_eq!(client_address(client, "198.51.100.1", &trusted), client);
        // A trusted proxy vouches for the address it appended.
        assert_eq!(client_address(proxy, "203.0.113.7", &trusted), client);
        // Chained proxies: walk right to left past trusted hops; a spoofed left part is ignored.
        assert_eq!(
            client_address(proxy, "198.51.100.1, 203.0.113.7, 10.0.0.2", &trusted),
            client
        );
        // No header, or garbage: the last trusted hop is counted.
        assert_eq!(client_address(proxy, "", &trusted), proxy);
        assert_eq!(client_address(proxy, "unknown, 10.0.0.2", &trusted), inner);
    }

    #[test]
    fn limits_parse_from_count_slash_seconds() {
        assert_eq!(Limit::parse("5/900").unwrap(), Limit::new(5, 900));
        assert!(Limit::parse("5").is_err());
        assert!(Limit::parse("0/60").is_err());
        assert!(Limit::parse("x/60").is_err());
    }
}
