//! Issue #10: two `ttstats serve` processes sharing one PostgreSQL and one Redis.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::procs::{Deployment, Instance, Postgres, Redis, wait_for};
use crate::{LOSS_1_3, WIN_3_0, confirm, record_match};

const TEST: &str = "two_instances_share_postgres_and_redis_and_stay_coherent";
/// Writes through one instance whose effect is then awaited on the other.
const COHERENCE_ROUNDS: usize = 8;
/// Matches confirmed concurrently through both instances.
const CONCURRENT_MATCHES: usize = 12;

async fn stats_of(instance: &Instance, player: i64) -> (i64, String) {
    let reply = instance
        .api
        .get(&format!("/api/v1/players/{player}/stats"))
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let total = reply.body["total_matches"].as_i64().unwrap();
    (total, reply.header("x-cache").to_owned())
}

fn counter(stats: &Value, path: &[&str]) -> u64 {
    path.iter()
        .fold(stats, |v, k| &v[*k])
        .as_u64()
        .unwrap_or_else(|| panic!("{path:?} missing in {stats}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_postgres_and_redis_and_stay_coherent() {
    let dir = tempfile::tempdir().unwrap();
    let Some(pg) = Postgres::start(dir.path(), TEST) else {
        return;
    };
    let Some(redis) = Redis::start(dir.path(), TEST).await else {
        return;
    };
    let deployment = Deployment::new(dir.path(), Some(pg.url()), Some(redis.url()));
    // Both start at once: one migrates under the advisory lock, the other waits for it.
    let (a, b) = tokio::join!(deployment.serve("a"), deployment.serve("b"));
    deployment.create_user("admin", true);
    let p1 = deployment.create_user("ann", false);
    let p2 = deployment.create_user("bea", false);
    let p3 = deployment.create_user("cid", false);
    let p4 = deployment.create_user("dan", false);
    let admin = a.api.login("admin").await;
    let (ann, bea) = (a.api.login("ann").await, b.api.login("bea").await);
    let (cid, dan) = (a.api.login("cid").await, b.api.login("dan").await);

    let (mut latencies, stale_reads) = coherence(&a, &b, &ann, &bea, p1, p2).await;
    let statuses = exactly_once(&a, &b, &cid, &dan, p3, p4).await;
    let (clean, report) = deployment.check_reports_no_drift();
    assert!(clean, "{report}");

    // 3. The statistics show the invalidations each instance received from the other: at
    // least one per coherence round it did not write (concurrent invalidations of one instance
    // may travel in one message, so `received` counts messages, not writes).
    let (stats_a, stats_b) = (a.cache_stats(&admin).await, b.cache_stats(&admin).await);
    for stats in [&stats_a, &stats_b] {
        assert!(
            counter(stats, &["invalidations", "received"]) >= (COHERENCE_ROUNDS / 2) as u64,
            "{stats}"
        );
        assert_eq!(stats["l2"]["subscriber_connected"], true, "{stats}");
    }

    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "scale-out proof: 2 instances (a {}, b {}) on one PostgreSQL and one Redis\n  \
         coherence: {COHERENCE_ROUNDS} confirmations, each visible through the other instance \
         whose L1 held the old value: median {:.1} ms, max {:.1} ms after the write answered \
         ({} stale polls in all)\n  \
         exactly once: {CONCURRENT_MATCHES} matches × 4 concurrent confirmations (both players, \
         both instances) = {} × 200; {CONCURRENT_MATCHES} Elo rows per player, \
         chained old → new up to the rating; `check`: no drift\n  \
         cache: a made {} invalidations and received {}; b made {} and received {}; \
         L2 hits a {} / b {}",
        a.api.base,
        b.api.base,
        ms(latencies[latencies.len() / 2]),
        ms(latencies[latencies.len() - 1]),
        stale_reads,
        statuses.len(),
        counter(&stats_a, &["invalidations", "local"]),
        counter(&stats_a, &["invalidations", "received"]),
        counter(&stats_b, &["invalidations", "local"]),
        counter(&stats_b, &["invalidations", "received"]),
        counter(&stats_a, &["l2", "hits"]),
        counter(&stats_b, &["l2", "hits"]),
    );
    drop((a, b, redis, pg));
}

/// A match confirmed through one instance is visible, fresh, through the other, whose L1 held
/// the old statistics; returns the time until it was and the stale reads seen meanwhile.
async fn coherence(
    a: &Instance,
    b: &Instance,
    ann: &str,
    bea: &str,
    p1: i64,
    p2: i64,
) -> (Vec<Duration>, u32) {
    // 1. L1 coherence: a match confirmed through one instance is visible, fresh, through the
    // other, whose L1 held the old statistics.
    let mut latencies = Vec::new();
    let stale_reads = std::cell::Cell::new(0_u32);
    for round in 0..COHERENCE_ROUNDS {
        let (writer, reader) = if round % 2 == 0 { (a, b) } else { (b, a) };
        let created = record_match(&writer.api, ann, p1, p2, WIN_3_0)
            .await
            .unwrap();
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_i64().unwrap();
        assert_eq!(confirm(&writer.api, bea, id).await.unwrap().status, 200);
        let expected = i64::try_from(round).unwrap();
        stats_of(reader, p1).await;
        let (before, source) = stats_of(reader, p1).await;
        assert_eq!(
            (before, source.as_str()),
            (expected, "HIT-L1"),
            "the reader holds the statistics before the last confirmation in L1"
        );
        let done = confirm(&writer.api, ann, id).await.unwrap();
        assert_eq!(done.body["is_confirmed"], true, "{}", done.body);
        let written = Instant::now();
        wait_for(
            "the other instance to serve the new statistics",
            Duration::from_secs(3),
            || async {
                let (total, _) = stats_of(reader, p1).await;
                if total == expected + 1 {
                    Some(())
                } else {
                    stale_reads.set(stale_reads.get() + 1);
                    None
                }
            },
        )
        .await;
        latencies.push(written.elapsed());
    }

    (latencies, stale_reads.get())
}

/// Both players confirm every match through both instances at once; the rating update is
/// applied exactly once. Returns every confirmation's status.
async fn exactly_once(
    a: &Instance,
    b: &Instance,
    cid: &str,
    dan: &str,
    p3: i64,
    p4: i64,
) -> Vec<u16> {
    // 2. Exactly once: both players confirm every match through both instances at once.
    let mut ids = Vec::new();
    for i in 0..CONCURRENT_MATCHES {
        let scores = if i % 3 == 0 { LOSS_1_3 } else { WIN_3_0 };
        let created = record_match(&a.api, cid, p3, p4, scores).await.unwrap();
        assert_eq!(created.status, 201, "{}", created.body);
        ids.push(created.body["id"].as_i64().unwrap());
    }
    let confirmations = ids.iter().map(|&id| {
        let (a, b, cid, dan) = (a, b, cid, dan);
        async move {
            let replies = tokio::join!(
                confirm(&a.api, cid, id),
                confirm(&b.api, dan, id),
                confirm(&b.api, cid, id),
                confirm(&a.api, dan, id),
            );
            [replies.0, replies.1, replies.2, replies.3]
                .map(|r| r.unwrap().status)
                .to_vec()
        }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(confirmations)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 200),
        "every confirmation, repeated or not, answers 200: {statuses:?}"
    );
    for id in &ids {
        let m = a
            .api
            .get(&format!("/api/v1/matches/{id}"))
            .await
            .unwrap()
            .body;
        assert_eq!(m["is_confirmed"], true, "{m}");
        assert_eq!(m["confirmations"].as_array().unwrap().len(), 2, "{m}");
    }
    for player in [p3, p4] {
        let reply = b
            .api
            .get(&format!("/api/v1/players/{player}"))
            .await
            .unwrap();
        assert_eq!(
            reply.body["rated_matches"], CONCURRENT_MATCHES,
            "{}",
            reply.body
        );
        let history = a
            .api
            .get(&format!("/api/v1/players/{player}/elo-history"))
            .await
            .unwrap()
            .body;
        let rows = history.as_array().unwrap();
        let rated: BTreeSet<i64> = rows
            .iter()
            .map(|row| row["match_id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            (rows.len(), rated),
            (CONCURRENT_MATCHES, ids.iter().copied().collect()),
            "one Elo row per match: {history}"
        );
        // Applied in confirmation order, each update starting from the previous one's result
        // and ending at the player's rating: no update was applied twice or lost.
        // (The history is listed in application order.)
        let mut rating = 1500;
        for row in rows {
            assert_eq!(row["old_rating"], rating, "{history}");
            rating = row["new_rating"].as_i64().unwrap();
        }
        assert_eq!(reply.body["rating"], rating, "{history}");
    }

    statuses
}
