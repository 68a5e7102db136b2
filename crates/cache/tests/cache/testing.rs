//! Test helpers: the shared Redis (`TEST_REDIS_URL`, from `scripts/services.sh`), a private
//! `redis-server` child for tests that kill it, unique key prefixes, counted computations and
//! polling with a deadline (never a sleep as an assertion).

use std::convert::Infallible;
use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ttstats_cache::{Cache, CacheConfig, Cached, Key, Source};

fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// The shared test Redis. Locally a missing one skips the test with a warning; with
/// `CI=true` it fails the test.
pub fn redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                !ci(),
                "TEST_REDIS_URL is required with CI=true (run `eval \"$(scripts/services.sh start)\"`)"
            );
            eprintln!("warning: TEST_REDIS_URL not set; skipping a Redis test");
            None
        }
    }
}

/// `let url = require_redis!();` — returns from the test when Redis is not configured.
macro_rules! require_redis {
    () => {
        match $crate::testing::redis_url() {
            Some(url) => url,
            None => return,
        }
    };
}
pub(crate) use require_redis;

/// A prefix no other test (or earlier run) uses, so tests share one Redis without cleanup.
pub fn unique_prefix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "t{}x{}x{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A configuration for tests: short timeouts and breaker periods so degradation and recovery
/// happen within a test's deadline.
pub fn config(redis_url: Option<&str>, prefix: &str) -> CacheConfig {
    CacheConfig {
        redis_url: redis_url.map(str::to_owned),
        prefix: prefix.to_owned(),
        redis_timeout: Duration::from_millis(250),
        breaker_threshold: 2,
        breaker_open_for: Duration::from_millis(200),
        degraded_l1_ttl: Duration::from_millis(500),
        ..CacheConfig::default()
    }
}

/// Counts how often a computation ran.
#[derive(Clone, Default)]
pub struct Calls(Arc<AtomicUsize>);

impl Calls {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    pub fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Reads `key`; on a miss the "database" answers `body`.
pub async fn read(cache: &Cache, key: &Key, body: &str) -> Cached {
    read_counted(cache, key, body, &Calls::default()).await
}

/// Like [`read`], counting computations in `calls`.
pub async fn read_counted(cache: &Cache, key: &Key, body: &str, calls: &Calls) -> Cached {
    let body = body.to_owned();
    let calls = calls.clone();
    cache
        .get_or_compute(key, || async move {
            calls.hit();
            Ok::<_, Infallible>(body)
        })
        .await
        .unwrap()
}

/// Asserts the read's source and body.
#[track_caller]
pub fn assert_read(cached: &Cached, source: Source, body: &str) {
    assert_eq!(
        (cached.source, std::str::from_utf8(&cached.bytes).unwrap()),
        (source, body)
    );
}

/// Polls `check` every 10 ms until it holds; fails after `deadline`.
pub async fn eventually<F, Fut>(what: &str, deadline: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return;
        }
        assert!(start.elapsed() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A private `redis-server` child on a fixed port, for tests that kill and restart Redis.
/// Killed on drop.
pub struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    /// Starts one on a free port; `None` (skip, with a warning) when `redis-server` is not
    /// installed — an error with `CI=true`.
    pub fn start() -> Option<Self> {
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(!ci(), "redis-server is required with CI=true");
            eprintln!("warning: redis-server not installed; skipping a Redis kill test");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut redis = Self { port, child: None };
        redis.restart();
        Some(redis)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: no goodbye to clients, like a crash).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--dir", &std::env::temp_dir().display().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.child = Some(child);
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "redis-server did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
