use ttstats_persistence::both_backends;
use ttstats_persistence::matches::{self, MatchFilter};
use ttstats_persistence::players;
use ttstats_persistence::seed::{SeedOptions, SeedReport, seed_demo_with};
use ttstats_persistence::testing::TestDb;

use crate::fixtures::*;

fn options(players: u32, matches: u32) -> SeedOptions {
    SeedOptions {
        players,
        matches,
        seed: 7,
        now: now(),
    }
}

both_backends!(
    seeding_20_players_and_300_matches_gives_the_counts_asked_for_and_no_drift,
    |t| async move {
        let db = &t.db;
        let mut calls = Vec::new();
        let report: SeedReport = seed_demo_with(db, &options(20, 300), |done, total| {
            calls.push((done, total));
        })
        .await
        .unwrap();

        assert_eq!((report.players, report.matches), (20, 300));
        assert_eq!(report.confirmed + report.pending, 300);
        assert!((10..=60).contains(&report.pending), "{report:?}");
        assert!(report.doubles > 30 && report.doubles < 120, "{report:?}");
        assert!(
            report.guests > 0 && report.verified_players > 0,
            "{report:?}"
        );
        assert!(report.games >= 300 * 2);
        assert_eq!(calls.last(), Some(&(300, 300)));

        let (players, listed) = db
            .run(async |conn| {
                let players = players::count_players(conn).await?;
                let (_, total) = matches::list_matches(conn, &MatchFilter::default(), 0, 1).await?;
                Ok((players, total))
            })
            .await
            .unwrap();
        assert_eq!((players, listed), (20, 300));
        assert_no_drift(db).await;
        // Someone has played enough to be rated many times over.
        let replay = replayed(db).await;
        assert!(replay.history.len() == report.history_rows);
        assert!(replay.aggregates.values().any(|a| a.rated_matches >= 20));
    }
);

both_backends!(
    seeding_twice_with_one_seed_gives_the_same_club,
    |t| async move {
        let other = TestDb::new(t.backend()).await.unwrap();
        let mut clubs = Vec::new();
        for db in [&t.db, &other.db] {
            seed_demo_with(db, &options(8, 60), |_, _| {})
                .await
                .unwrap();
            let (listed, _) = db
                .run(async |conn| {
                    matches::list_matches(conn, &MatchFilter::default(), 0, 100).await
                })
                .await
                .unwrap();
            let players = db
                .run(async |conn| players::all_players(conn).await)
                .await
                .unwrap();
            clubs.push((listed, players));
        }
        assert_eq!(clubs[0], clubs[1]);
    }
);
