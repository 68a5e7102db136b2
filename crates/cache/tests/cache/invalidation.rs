//! Tag invalidation, family clears and global flushes, on one instance and across instances.

use std::time::Duration;

use ttstats_cache::{Cache, Family, Key, Source, Tag};
use ttstats_domain::PlayerId;

use crate::testing::{assert_read, config, eventually, read, require_redis, unique_prefix};

const DEADLINE: Duration = Duration::from_secs(5);

fn p(id: i64) -> PlayerId {
    PlayerId(id)
}

/// Keys touching player 1 (first) and keys that do not (second).
fn keys() -> (Vec<Key>, Vec<Key>) {
    let affected = vec![
        Key::PlayerStats(p(1)),
        Key::PlayerHistory {
            player: p(1),
            per_page: 20,
        },
        Key::EloHistory(p(1)),
        Key::HeadToHead(p(2), p(1)),
        Key::pair_stats(p(1), p(3)),
    ];
    let unaffected = vec![
        Key::PlayerStats(p(2)),
        Key::HeadToHead(p(2), p(3)),
        Key::Leaderboard {
            kind: "all".into(),
            period: "all".into(),
            from: None,
            to: None,
            limit: 10,
        },
        Key::DashboardPersonal(p(1)),
        Key::Pending(p(1)),
        Key::CalendarMonth {
            viewer: Some(p(1)),
            year: 2026,
            month: 4,
        },
    ];
    (affected, unaffected)
}

async fn invalidating_a_tag_recomputes_exactly_the_affected_keys(redis_url: Option<&str>) {
    let cfg = config(redis_url, &unique_prefix());
    let cache = Cache::new(cfg.clone()).await;
    let (affected, unaffected) = keys();
    for key in affected.iter().chain(&unaffected) {
        assert_read(&read(&cache, key, "old").await, Source::Miss, "old");
    }

    cache.invalidate(&[Tag::Player(p(1))]).await;

    if redis_url.is_some() {
        // A fresh instance sees the same through L2: affected names are gone, others remain.
        let fresh = Cache::new(cfg).await;
        for key in &affected {
            assert_read(&read(&fresh, key, "new").await, Source::Miss, "new");
        }
        for key in &unaffected {
            assert_read(&read(&fresh, key, "new").await, Source::HitL2, "old");
        }
    }
    for key in &affected {
        let expected = if redis_url.is_some() {
            (Source::HitL2, "new") // computed by `fresh` under the new generations
        } else {
            (Source::Miss, "new")
        };
        assert_read(&read(&cache, key, "new").await, expected.0, expected.1);
    }
    for key in &unaffected {
        assert_read(&read(&cache, key, "new").await, Source::HitL1, "old");
    }
}

#[tokio::test]
async fn invalidating_a_tag_recomputes_exactly_the_affected_keys_in_l1_only() {
    invalidating_a_tag_recomputes_exactly_the_affected_keys(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidating_a_tag_recomputes_exactly_the_affected_keys_in_both_tiers() {
    let url = require_redis!();
    invalidating_a_tag_recomputes_exactly_the_affected_keys(Some(&url)).await;
}

#[tokio::test]
async fn each_write_tag_reaches_the_keys_domain_section_5_lists() {
    let cache = Cache::new(config(None, &unique_prefix())).await;
    let cases: Vec<(Tag, Vec<Key>)> = vec![
        (
            Tag::Club,
            vec![
                Key::DashboardRecent,
                Key::DashboardTotals,
                Key::DashboardPersonal(p(4)),
            ],
        ),
        (Tag::Players, vec![Key::DashboardTotals]),
        (
            Tag::Pending(p(4)),
            vec![Key::Pending(p(4)), Key::DashboardPersonal(p(4))],
        ),
        (
            Tag::Fixtures(p(4)),
            vec![
                Key::DashboardPersonal(p(4)),
                Key::CalendarMonth {
                    viewer: Some(p(4)),
                    year: 2026,
                    month: 1,
                },
            ],
        ),
    ];
    for (tag, keys) in cases {
        for key in &keys {
            read(&cache, key, "old").await;
        }
        read(&cache, &Key::Pending(p(5)), "bystander").await;
        cache.invalidate(&[tag]).await;
        for key in &keys {
            assert_read(&read(&cache, key, "new").await, Source::Miss, "new");
        }
        assert_read(
            &read(&cache, &Key::Pending(p(5)), "x").await,
            Source::HitL1,
            "bystander",
        );
        cache.invalidate_all().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalidation_on_one_instance_reaches_the_other() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let (a, b) = (Cache::new(cfg.clone()).await, Cache::new(cfg).await);
    let key = Key::HeadToHead(p(1), p(2));
    let other = Key::PlayerStats(p(3));
    assert_read(&read(&a, &key, "v1").await, Source::Miss, "v1");
    assert_read(&read(&b, &key, "v1").await, Source::HitL2, "v1");
    assert_read(&read(&b, &other, "o1").await, Source::Miss, "o1");

    // The write commits ("database" now answers v2), then A invalidates.
    a.invalidate(&[Tag::Player(p(2))]).await;

    eventually("B recomputes after A's invalidation", DEADLINE, || async {
        let got = read(&b, &key, "v2").await;
        got.bytes == "v2"
    })
    .await;
    assert_read(&read(&b, &key, "v3").await, Source::HitL1, "v2");
    assert_read(&read(&b, &other, "o2").await, Source::HitL1, "o1");
    let stats = b.stats().await;
    assert_eq!(stats.invalidations.received, 1);
    assert_eq!(stats.invalidations.local, 0);
    assert_eq!(
        a.stats().await.invalidations.received,
        0,
        "A skips its own message"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_a_family_or_everything_reaches_every_instance() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let (a, b) = (Cache::new(cfg.clone()).await, Cache::new(cfg.clone()).await);
    let stats_key = Key::PlayerStats(p(1));
    let board = Key::DashboardRecent;
    for cache in [&a, &b] {
        read(cache, &stats_key, "s1").await;
        read(cache, &board, "d1").await;
    }

    let report = a.clear(Some(Family::PlayerStats)).await;
    assert!(report.published);
    assert_eq!(report.l2_keys_removed, Some(1));
    eventually("B drops the cleared family", DEADLINE, || async {
        read(&b, &stats_key, "s2").await.bytes == "s2"
    })
    .await;
    assert_read(&read(&b, &board, "d2").await, Source::HitL1, "d1");
    assert_eq!(b.stats().await.l2.keys, Some(2), "s2 stored again, d1 kept");

    // `ttstats cache clear` runs in its own process: another instance on the same Redis.
    let cli = Cache::new(cfg.clone()).await;
    let report = cli.clear(None).await;
    assert!(report.published);
    assert_eq!(report.l2_keys_removed, Some(2));
    drop(cli);
    for cache in [&a, &b] {
        eventually("every instance drops everything", DEADLINE, || async {
            read(cache, &board, "d2").await.bytes == "d2"
        })
        .await;
    }
    let fresh = Cache::new(cfg).await;
    assert_read(&read(&fresh, &stats_key, "s3").await, Source::Miss, "s3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_flush_invalidates_every_key_in_both_tiers() {
    let url = require_redis!();
    let cfg = config(Some(&url), &unique_prefix());
    let cache = Cache::new(cfg.clone()).await;
    let (affected, unaffected) = keys();
    let all: Vec<Key> = affected.into_iter().chain(unaffected).collect();
    for key in &all {
        read(&cache, key, "old").await;
    }
    cache.invalidate_all().await;
    let fresh = Cache::new(cfg).await;
    for key in &all {
        assert_read(&read(&fresh, key, "new").await, Source::Miss, "new");
        assert_read(&read(&cache, key, "x").await, Source::HitL2, "new");
    }
}
