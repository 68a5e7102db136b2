//! Redis trouble never fails a read: killed mid-run, unreachable at start, misconfigured.

use std::time::{Duration, Instant};

use ttstats_cache::{BreakerState, Cache, CacheConfig, Key, Source, Tag};
use ttstats_domain::PlayerId;

use crate::testing::{OwnRedis, assert_read, closed_port, config, eventually, read, unique_prefix};

const DEADLINE: Duration = Duration::from_secs(10);

fn key(i: i64) -> Key {
    Key::PlayerStats(PlayerId(i))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_degrades_to_l1_and_compute_then_recovers() {
    let Some(mut redis) = OwnRedis::start() else {
        return;
    };
    let cfg = config(Some(&redis.url()), &unique_prefix());
    let (a, b) = (Cache::new(cfg.clone()).await, Cache::new(cfg).await);
    for i in 0..5 {
        assert_read(&read(&a, &key(i), "up").await, Source::Miss, "up");
    }
    assert!(a.stats().await.l2.subscriber_connected);

    redis.kill();

    // Every read still answers, from L1 or by computing, and quickly.
    let mut sources = Vec::new();
    for round in 0..20 {
        for i in 0..8 {
            let start = Instant::now();
            let got = read(&a, &key(i), "down").await;
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "round {round}: a read took {:?} with Redis down",
                start.elapsed()
            );
            assert!(matches!(got.source, Source::HitL1 | Source::Miss));
            sources.push(got.source);
        }
    }
    assert!(sources.contains(&Source::HitL1));
    // A write while Redis is down is applied locally at once and queued for Redis.
    a.invalidate(&[Tag::Player(PlayerId(0))]).await;
    assert_read(
        &read(&a, &key(0), "after-write").await,
        Source::Miss,
        "after-write",
    );

    eventually("the outage is noticed", DEADLINE, || async {
        let s = a.stats().await;
        !s.l2.connected && !s.l2.subscriber_connected && s.l1.ttl_capped
    })
    .await;
    let during = a.stats().await;
    assert!(during.l2.errors > 0);
    assert!(during.l2.pending_invalidations);
    assert_ne!(during.l2.breaker, Some(BreakerState::Closed));
    assert!(a.ping().await.is_err());
    // L1 TTLs shrink while other instances' invalidations cannot arrive.
    eventually(
        "L1 values expire early during the outage",
        DEADLINE,
        || async { read(&a, &key(1), "down").await.source == Source::Miss },
    )
    .await;

    redis.restart();

    eventually(
        "A reconnects and replays the queued write",
        DEADLINE,
        || async {
            let s = a.stats().await;
            s.l2.connected && s.l2.subscriber_connected && !s.l2.pending_invalidations
        },
    )
    .await;
    eventually("B reconnects", DEADLINE, || async {
        b.stats().await.l2.subscriber_connected
    })
    .await;
    // L2 works again: what A computes now, B finds in Redis.
    let mut fresh_id = 100;
    eventually("L2 hits again", DEADLINE, || {
        fresh_id += 1;
        let fresh_key = key(fresh_id);
        let (a, b) = (&a, &b);
        async move {
            read(a, &fresh_key, "back").await;
            read(b, &fresh_key, "other").await.source == Source::HitL2
        }
    })
    .await;
    // And cross-instance invalidation works again.
    let shared = key(500);
    read(&a, &shared, "v1").await;
    assert_read(&read(&b, &shared, "v1").await, Source::HitL2, "v1");
    a.invalidate(&[Tag::Player(PlayerId(500))]).await;
    eventually("B receives A's invalidation", DEADLINE, || async {
        read(&b, &shared, "v2").await.bytes == "v2"
    })
    .await;
    let after = a.stats().await;
    assert_eq!(after.l2.breaker, Some(BreakerState::Closed));
    assert!(!after.l1.ttl_capped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_at_start_is_not_fatal() {
    let url = format!("redis://127.0.0.1:{}", closed_port());
    let start = Instant::now();
    let cache = Cache::new(config(Some(&url), &unique_prefix())).await;
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_read(&read(&cache, &key(1), "a").await, Source::Miss, "a");
    assert_read(&read(&cache, &key(1), "b").await, Source::HitL1, "a");
    cache.invalidate(&[Tag::Player(PlayerId(1))]).await;
    assert_read(&read(&cache, &key(1), "c").await, Source::Miss, "c");
    assert!(cache.ping().await.is_err());
    let s = cache.stats().await;
    assert!(s.l2.configured && !s.l2.connected && s.l1.ttl_capped);
    assert!(!cache.clear(None).await.published);
}

#[tokio::test]
async fn an_invalid_redis_url_runs_l1_only() {
    let cfg = CacheConfig {
        redis_url: Some("not a url".into()),
        ..config(None, &unique_prefix())
    };
    assert!(cfg.validate().is_err());
    assert!(
        config(Some("redis://127.0.0.1:1/0"), "p")
            .validate()
            .is_ok()
    );
    let cache = Cache::new(cfg).await;
    assert!(!cache.has_redis());
    assert_read(&read(&cache, &key(1), "a").await, Source::Miss, "a");
    assert_read(&read(&cache, &key(1), "b").await, Source::HitL1, "a");
}
