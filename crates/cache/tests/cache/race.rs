//! The stale-set race (ARCHITECTURE.md §4): a reader computes from the database before a write
//! commits and finishes after the write's invalidation. Its stale value must never be served
//! afterwards.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use ttstats_cache::{Cache, Key, Tag};
use ttstats_domain::PlayerId;

use crate::testing::{config, eventually, read, require_redis, unique_prefix};

const ITERATIONS: i64 = 150;

/// Deterministic jitter in 0..max_micros, so runs differ per iteration but are repeatable.
fn jitter(seed: i64, salt: u64, max_micros: u64) -> Duration {
    let mut x = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    Duration::from_micros(x % max_micros)
}

/// Runs the race `ITERATIONS` times: `reader` reads while `writer` commits and invalidates
/// (`batched`: as one part of a composed read, [`Cache::get_or_compute_all`]).
/// With `cross_instance` the writer is another instance, whose message arrives
/// asynchronously, so the reader is polled until it converges; a fresh instance (L2 only)
/// must be fresh at once.
async fn race(
    reader: Cache,
    writer: Cache,
    fresh_l2: Option<Cache>,
    cross_instance: bool,
    batched: bool,
) {
    let stale_finishes = Arc::new(AtomicUsize::new(0));
    for i in 0..ITERATIONS {
        let key = Key::PlayerStats(PlayerId(i));
        let db = Arc::new(AtomicU64::new(0));

        let read_task = {
            let (reader, key, db, stale) = (
                reader.clone(),
                key.clone(),
                db.clone(),
                stale_finishes.clone(),
            );
            tokio::spawn(async move {
                // Read the "database", then take a while to build the response.
                let compute = |_| {
                    let (db, stale) = (db.clone(), stale.clone());
                    async move {
                        let seen = db.load(Ordering::SeqCst);
                        tokio::time::sleep(jitter(i, 1, 4000)).await;
                        if seen == 0 && db.load(Ordering::SeqCst) == 1 {
                            stale.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok::<_, Infallible>(seen.to_string())
                    }
                };
                if batched {
                    // The parts of one response, looked up in Redis together.
                    let parts = [key, Key::Player(PlayerId(i))];
                    reader.get_or_compute_all(&parts, compute).await.unwrap();
                } else {
                    reader.get_or_compute(&key, || compute(0)).await.unwrap();
                }
            })
        };
        let write_task = {
            let (writer, db) = (writer.clone(), db.clone());
            tokio::spawn(async move {
                tokio::time::sleep(jitter(i, 2, 2000)).await;
                db.store(1, Ordering::SeqCst); // the commit
                writer.invalidate(&[Tag::Player(PlayerId(i))]).await;
            })
        };
        read_task.await.unwrap();
        write_task.await.unwrap();

        // The write has committed and its invalidation returned; the stale reader is done.
        if cross_instance {
            eventually(
                "the reader's instance converges",
                Duration::from_secs(5),
                || async { read(&reader, &key, "1").await.bytes == "1" },
            )
            .await;
        }
        for cache in [&reader, &writer] {
            for _ in 0..3 {
                assert_eq!(read(cache, &key, "1").await.bytes, "1", "iteration {i}");
            }
        }
        if let Some(fresh) = &fresh_l2 {
            assert_eq!(
                read(fresh, &key, "1").await.bytes,
                "1",
                "iteration {i}, via L2"
            );
        }
    }
    // The test must actually exercise the race, not just sequential reads and writes.
    let stale = stale_finishes.load(Ordering::SeqCst);
    assert!(
        stale >= 10,
        "only {stale} of {ITERATIONS} iterations finished a stale computation after the commit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_computation_is_never_served_after_the_invalidation_in_l1_only() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    race(cache.clone(), cache, None, false, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_computation_is_never_served_after_the_invalidation_with_redis() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let cache = Cache::new(cfg.clone()).await;
    let fresh = Cache::new(cfg).await;
    race(cache.clone(), cache, Some(fresh), false, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_computation_is_never_served_after_another_instances_invalidation() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let reader = Cache::new(cfg.clone()).await;
    let writer = Cache::new(cfg.clone()).await;
    let fresh = Cache::new(cfg).await;
    race(reader, writer, Some(fresh), true, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_part_of_a_composed_read_is_never_served_after_another_instances_invalidation() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let reader = Cache::new(cfg.clone()).await;
    let writer = Cache::new(cfg.clone()).await;
    let fresh = Cache::new(cfg).await;
    race(reader, writer, Some(fresh), true, true).await;
}
