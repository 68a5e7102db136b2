//! Concurrent misses of one key compute once (moka coalescing).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Barrier;
use ttstats_cache::{Cache, Key, Source};

use crate::testing::{Calls, config, require_redis, unique_prefix};

const CALLERS: usize = 100;

async fn a_hundred_concurrent_misses_compute_once(cache: Cache) {
    let calls = Calls::default();
    let barrier = Arc::new(Barrier::new(CALLERS));
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (cache, calls, barrier) = (cache.clone(), calls.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                cache
                    .get_or_compute(&Key::DashboardTotals, || async move {
                        calls.hit();
                        // Slow enough that every caller arrives while it runs.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        Ok::<_, std::convert::Infallible>("{\"players\":12}")
                    })
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut sources = Vec::new();
    for task in tasks {
        let cached = task.await.unwrap();
        assert_eq!(cached.bytes, "{\"players\":12}");
        sources.push(cached.source);
    }
    assert_eq!(calls.get(), 1, "the compute closure ran once");
    assert_eq!(sources.iter().filter(|s| **s == Source::Miss).count(), 1);
    assert_eq!(
        sources.iter().filter(|s| **s == Source::HitL1).count(),
        CALLERS - 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_misses_compute_once_in_l1_only() {
    a_hundred_concurrent_misses_compute_once(Cache::new(config(None, &unique_prefix())).await)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_misses_compute_once_with_redis() {
    let url = require_redis!();
    a_hundred_concurrent_misses_compute_once(
        Cache::new(config(Some(&url), &unique_prefix())).await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_shared_computation_fails_only_its_own_caller() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    let calls = Calls::default();
    let barrier = Arc::new(Barrier::new(10));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (cache, calls, barrier) = (cache.clone(), calls.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                cache
                    .get_or_compute(&Key::DashboardRecent, || async move {
                        let first = calls.get() == 0;
                        calls.hit();
                        if first {
                            tokio::time::sleep(Duration::from_millis(200)).await;
                            Err("database down")
                        } else {
                            Ok("recent")
                        }
                    })
                    .await
            })
        })
        .collect();
    let mut failures = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(cached) => assert_eq!(cached.bytes, "recent"),
            Err(e) => {
                assert_eq!(e, "database down");
                failures += 1;
            }
        }
    }
    assert_eq!(
        failures, 1,
        "waiters compute on their own instead of sharing the error"
    );
}
