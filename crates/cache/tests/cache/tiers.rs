//! L1 → L2 → compute, bypass, TTLs, statistics.

use std::time::Duration;

use ttstats_cache::{Cache, CacheConfig, Family, Key, Source, Tag, etag};
use ttstats_domain::PlayerId;

use crate::testing::{
    Calls, assert_read, config, eventually, read, read_counted, require_redis, unique_prefix,
};

fn stats_key() -> Key {
    Key::PlayerStats(PlayerId(7))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_miss_fills_l1_and_a_fresh_instance_hits_l2() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let a = Cache::new(cfg.clone()).await;
    let calls = Calls::default();

    let first = read_counted(&a, &stats_key(), "{\"wins\":3}", &calls).await;
    assert_read(&first, Source::Miss, "{\"wins\":3}");
    assert!(first.compute_time.is_some());
    let second = read_counted(&a, &stats_key(), "unused", &calls).await;
    assert_read(&second, Source::HitL1, "{\"wins\":3}");
    assert_eq!(calls.get(), 1);

    let b = Cache::new(cfg).await;
    let from_l2 = read_counted(&b, &stats_key(), "unused", &calls).await;
    assert_read(&from_l2, Source::HitL2, "{\"wins\":3}");
    assert_read(
        &read_counted(&b, &stats_key(), "unused", &calls).await,
        Source::HitL1,
        "{\"wins\":3}",
    );
    assert_eq!(calls.get(), 1, "only the first read computed");

    // One ETag for one body, whatever the tier or instance.
    assert_eq!(first.etag, etag(b"{\"wins\":3}"));
    assert_eq!(second.etag, first.etag);
    assert_eq!(from_l2.etag, first.etag);
}

#[tokio::test]
async fn without_redis_the_cache_runs_in_l1_only() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    assert!(!cache.has_redis());
    assert_read(&read(&cache, &stats_key(), "v1").await, Source::Miss, "v1");
    assert_read(&read(&cache, &stats_key(), "v2").await, Source::HitL1, "v1");
    cache.invalidate(&[Tag::Player(PlayerId(7))]).await;
    assert_read(&read(&cache, &stats_key(), "v2").await, Source::Miss, "v2");

    let stats = cache.stats().await;
    assert!(!stats.l2.configured);
    assert!(!stats.l2.connected);
    assert_eq!(stats.l2.keys, None);
    assert_eq!(stats.l1.entries, 1);
    assert!(!stats.l1.ttl_capped, "no Redis is not a degraded Redis");
    assert!(cache.ping().await.is_err());
    let report = cache.clear(None).await;
    assert!(!report.published);
    assert_read(&read(&cache, &stats_key(), "v3").await, Source::Miss, "v3");
}

#[tokio::test]
async fn a_disabled_cache_computes_every_read() {
    let cache = Cache::new(CacheConfig {
        enabled: false,
        ..config(None, &unique_prefix())
    })
    .await;
    let calls = Calls::default();
    for body in ["a", "b", "c"] {
        let cached = read_counted(&cache, &stats_key(), body, &calls).await;
        assert_read(&cached, Source::Bypass, body);
        assert_eq!(cached.etag, etag(body.as_bytes()));
    }
    assert_eq!(calls.get(), 3);
    let stats = cache.stats().await;
    assert_eq!(stats.bypasses, 3);
    assert_eq!(stats.families[&Family::PlayerStats].bypasses, 3);
    assert_eq!(stats.l1.entries, 0);
}

#[tokio::test]
async fn bypass_computes_without_reading_or_filling_the_cache() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    assert_read(
        &read(&cache, &stats_key(), "cached").await,
        Source::Miss,
        "cached",
    );
    let fresh = cache
        .bypass(|| async { Ok::<_, std::io::Error>(b"fresh".to_vec()) })
        .await
        .unwrap();
    assert_read(&fresh, Source::Bypass, "fresh");
    assert_read(
        &read(&cache, &stats_key(), "x").await,
        Source::HitL1,
        "cached",
    );
}

#[tokio::test]
async fn a_failed_computation_is_returned_and_not_cached() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    let err = cache
        .get_or_compute(&stats_key(), || async {
            Err::<Vec<u8>, _>("database down")
        })
        .await
        .unwrap_err();
    assert_eq!(err, "database down");
    assert_read(&read(&cache, &stats_key(), "ok").await, Source::Miss, "ok");
    assert_eq!(cache.stats().await.compute_errors, 1);
}

#[tokio::test]
async fn pair_stats_share_one_value_in_either_order_and_head_to_head_does_not() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    let (a, b) = (PlayerId(1), PlayerId(2));
    assert_read(
        &read(&cache, &Key::PairStats(b, a), "pair").await,
        Source::Miss,
        "pair",
    );
    assert_read(
        &read(&cache, &Key::PairStats(a, b), "x").await,
        Source::HitL1,
        "pair",
    );
    assert_read(
        &read(&cache, &Key::HeadToHead(a, b), "ab").await,
        Source::Miss,
        "ab",
    );
    assert_read(
        &read(&cache, &Key::HeadToHead(b, a), "ba").await,
        Source::Miss,
        "ba",
    );
}

async fn values_expire_after_their_ttl(redis_url: Option<&str>) {
    let cache = Cache::new(CacheConfig {
        ttl_override: Some(Duration::from_millis(300)),
        ..config(redis_url, &unique_prefix())
    })
    .await;
    assert_read(
        &read(&cache, &stats_key(), "old").await,
        Source::Miss,
        "old",
    );
    assert_read(
        &read(&cache, &stats_key(), "new").await,
        Source::HitL1,
        "old",
    );
    // Neither tier may serve it after the TTL (L2 expires with the same TTL).
    eventually("the value expires", Duration::from_secs(5), || async {
        read(&cache, &stats_key(), "new").await.source == Source::Miss
    })
    .await;
    assert_read(
        &read(&cache, &stats_key(), "newer").await,
        Source::HitL1,
        "new",
    );
}

#[tokio::test]
async fn values_expire_after_their_ttl_in_l1_only() {
    values_expire_after_their_ttl(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_expire_after_their_ttl_in_both_tiers() {
    let url = require_redis!();
    values_expire_after_their_ttl(Some(&url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_count_hits_and_misses_per_tier_and_family() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let a = Cache::new(cfg.clone()).await;
    read(&a, &stats_key(), "s").await; // miss
    read(&a, &stats_key(), "s").await; // L1
    read(&a, &Key::DashboardRecent, "r").await; // miss
    let b = Cache::new(cfg).await;
    read(&b, &stats_key(), "s").await; // L2

    assert_eq!(
        a.ping().await.map(|rtt| rtt < Duration::from_secs(1)).ok(),
        Some(true)
    );
    let s = a.stats().await;
    assert!(s.enabled);
    assert_eq!((s.l1.hits, s.l1.misses, s.l1.entries), (1, 2, 2));
    assert!(s.l1.bytes > 0 && s.l1.bytes <= s.l1.max_bytes);
    assert_eq!((s.l2.hits, s.l2.misses, s.l2.errors), (0, 2, 0));
    assert!(s.l2.configured && s.l2.connected && s.l2.subscriber_connected);
    assert_eq!(s.l2.keys, Some(2));
    assert!(s.l2.memory_bytes.is_some_and(|m| m > 0));
    let ps = &s.families[&Family::PlayerStats];
    assert_eq!(
        (ps.l1_entries, ps.l1_hits, ps.l2_hits, ps.misses),
        (1, 1, 0, 1)
    );
    assert_eq!(ps.l2_keys, Some(1));
    assert!((ps.hit_rate - 0.5).abs() < 1e-9);
    assert!((s.hit_rate - 1.0 / 3.0).abs() < 1e-9);

    let s = b.stats().await;
    assert_eq!((s.l2.hits, s.l1.misses), (1, 1));

    // The API returns it as JSON, families keyed by name.
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["families"]["player_stats"]["l2_hits"], 1);
    assert_eq!(json["l2"]["breaker"], "closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_l1_off_every_hit_comes_from_redis_and_an_invalidation_still_reaches_it() {
    let url = require_redis!();
    let cfg = CacheConfig {
        l1_max_bytes: 0,
        ..config(Some(&url), &unique_prefix())
    };
    let cache = Cache::new(cfg).await;
    let calls = Calls::default();

    let first = read_counted(&cache, &stats_key(), "{\"wins\":1}", &calls).await;
    assert_read(&first, Source::Miss, "{\"wins\":1}");
    for _ in 0..3 {
        let again = read_counted(&cache, &stats_key(), "unused", &calls).await;
        assert_read(&again, Source::HitL2, "{\"wins\":1}");
        assert_eq!(again.etag, first.etag);
    }
    assert_eq!(calls.get(), 1);
    assert_eq!(
        cache.stats().await.l1.entries,
        0,
        "nothing is kept in process"
    );

    cache.invalidate(&[Tag::Player(PlayerId(7))]).await;
    let fresh = read_counted(&cache, &stats_key(), "{\"wins\":2}", &calls).await;
    assert_read(&fresh, Source::Miss, "{\"wins\":2}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_redis_loses_its_data_no_value_from_before_can_be_read_again() {
    let url = require_redis!();
    let cfg = CacheConfig {
        l1_max_bytes: 0,
        ..config(Some(&url), &unique_prefix())
    };
    let namespace = cfg.namespace();
    let cache = Cache::new(cfg).await;
    assert_read(
        &read(&cache, &stats_key(), "{\"wins\":1}").await,
        Source::Miss,
        "{\"wins\":1}",
    );
    assert_read(
        &read(&cache, &stats_key(), "unused").await,
        Source::HitL2,
        "{\"wins\":1}",
    );

    // A restart without persistence loses the counters; the value may survive elsewhere
    // (a replica, a partial restore), so only the epoch goes here.
    let client = bb8_redis::redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = bb8_redis::redis::cmd("DEL")
        .arg(format!("{namespace}:gen:epoch"))
        .query_async(&mut conn)
        .await
        .unwrap();

    assert_read(
        &read(&cache, &stats_key(), "{\"wins\":2}").await,
        Source::Miss,
        "{\"wins\":2}",
    );
    assert_read(
        &read(&cache, &stats_key(), "unused").await,
        Source::HitL2,
        "{\"wins\":2}",
    );
}

/// The parts of one response (two players and their head-to-head), each answered by `bodies`.
async fn read_parts(cache: &Cache, bodies: [&'static str; 3]) -> Vec<(Source, String)> {
    let (p, q) = (PlayerId(1), PlayerId(2));
    let keys = [Key::Player(p), Key::Player(q), Key::HeadToHead(p, q)];
    cache
        .get_or_compute_all(&keys, |i| async move {
            Ok::<_, std::convert::Infallible>(bodies[i])
        })
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.source, String::from_utf8(c.bytes.to_vec()).unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parts_of_a_response_are_read_from_redis_together_and_only_while_current() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let writer = Cache::new(cfg.clone()).await;
    let v1 = ["p1", "q1", "h2h1"];
    let parts = |source, bodies: [&str; 3]| {
        bodies
            .iter()
            .map(|b| (source, (*b).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(read_parts(&writer, v1).await, parts(Source::Miss, v1));
    assert_eq!(
        read_parts(&writer, ["x"; 3]).await,
        parts(Source::HitL1, v1)
    );

    // A fresh instance with no L1 finds every part in Redis.
    let redis_only = Cache::new(CacheConfig {
        l1_max_bytes: 0,
        ..cfg.clone()
    })
    .await;
    assert_eq!(
        read_parts(&redis_only, ["x"; 3]).await,
        parts(Source::HitL2, v1)
    );

    // q's rating changed: q and the head-to-head are stale in Redis, p is not.
    writer.invalidate(&[Tag::Player(PlayerId(2))]).await;
    let v2 = ["p2", "q2", "h2h2"];
    assert_eq!(
        read_parts(&redis_only, v2).await,
        vec![
            (Source::HitL2, "p1".to_owned()),
            (Source::Miss, "q2".to_owned()),
            (Source::Miss, "h2h2".to_owned()),
        ]
    );
    // The recomputed values replaced the stale ones: another fresh instance hits them.
    let fresh = Cache::new(cfg).await;
    assert_eq!(
        read_parts(&fresh, ["x"; 3]).await,
        parts(Source::HitL2, ["p1", "q2", "h2h2"])
    );
}
