//! Reads that do not grow with history size (issue #8): the stored streaks, achievement
//! measures and applied ratings equal what the matches and the history rows give.

use std::collections::{BTreeMap, BTreeSet};

use ttstats_domain::PlayerId;
use ttstats_domain::achievements;
use ttstats_domain::elo::RATING_CHART_POINTS;
use ttstats_domain::leaderboard::{self as board, LeaderboardFilter};
use ttstats_domain::player_stats::{self as stats, PlayerProfile};
use ttstats_domain::streaks::StreakKind;
use ttstats_persistence::queries::{leaderboard, player_stats};
use ttstats_persistence::{Db, both_backends, matches, ratings};

use crate::fixtures::*;

const DAY: i64 = 24 * 60;
const LOSS_0_3: [(i64, i64); 3] = [(5, 11), (7, 11), (9, 11)];
const DEUCE_WIN: [(i64, i64); 3] = [(12, 10), (11, 5), (13, 11)];

async fn view(db: &Db, player: PlayerId) -> player_stats::PlayerStatsView {
    db.run(async |conn| player_stats::player_stats(conn, player).await)
        .await
        .unwrap()
}

/// The statistics and progress recomputed from the player's confirmed matches (the
/// definition the stored columns must match).
async fn from_matches(db: &Db, id: PlayerId) -> (stats::PlayerStats, Vec<i64>) {
    let row = player(db, id).await;
    let view = view(db, id).await;
    let records: Vec<_> = db
        .run(async |conn| matches::confirmed_records(conn).await)
        .await
        .unwrap()
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let profile = PlayerProfile {
        id,
        rating: row.rating,
        peak_rating: row.peak_rating,
        rated_matches: row.aggregates().rated_matches,
        verified: view.stats.verified,
    };
    let earned: BTreeSet<String> = view
        .achievements
        .earned
        .iter()
        .map(|e| e.slug.to_owned())
        .collect();
    let progress = achievements::progress(id, &records, &BTreeMap::new(), &earned)
        .iter()
        .map(|p| p.value)
        .collect();
    (stats::player_stats(&profile, &records), progress)
}

both_backends!(
    a_match_played_earlier_but_confirmed_later_sets_the_streaks_by_play_order,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let g = guest(db, "gary").await;
        // Played first, confirmed last.
        let late = create_id(db, &singles(a, b, &LOSS_0_3, 5 * DAY)).await;
        create(db, &singles(a, g, &WIN_3_0, 3 * DAY)).await;
        create(db, &singles(a, g, &DEUCE_WIN, DAY)).await;
        confirm(db, late, a).await;
        confirm(db, late, b).await;

        let shown = view(db, a).await;
        // Oldest → newest L, W, W (DOMAIN.md §3.7 Example 3).
        assert_eq!(shown.stats.current_streak.kind, StreakKind::Win);
        assert_eq!(shown.stats.current_streak.length, 2);
        assert_eq!(
            (
                shown.stats.longest_win_streak,
                shown.stats.longest_loss_streak
            ),
            (2, 1)
        );
        let (expected, progress) = from_matches(db, a).await;
        assert_eq!(shown.stats, expected);
        let shown_progress: Vec<i64> = shown
            .achievements
            .progress
            .iter()
            .map(|p| p.value)
            .collect();
        assert_eq!(shown_progress, progress);
        assert_eq!(
            shown.achievements.progress[3].value, 2,
            "two deuce games won"
        );
        assert_no_drift(db).await;
    }
);

both_backends!(
    deleting_a_confirmed_match_rewrites_the_stored_streaks,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "alice").await;
        let g = guest(db, "gary").await;
        create(db, &singles(a, g, &LOSS_0_3, 3 * DAY)).await;
        let win = create_id(db, &singles(a, g, &WIN_3_0, DAY)).await;
        delete_match(db, win).await;

        let shown = view(db, a).await;
        assert_eq!(shown.stats.current_streak.kind, StreakKind::Loss);
        assert_eq!(shown.stats.longest_win_streak, 0);
        assert_eq!(shown.stats, from_matches(db, a).await.0);
        assert_no_drift(db).await;
    }
);

both_backends!(
    the_check_reports_and_fixes_drifted_streak_columns,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "alice").await;
        let g = guest(db, "gary").await;
        create(db, &singles(a, g, &WIN_3_0, DAY)).await;
        exec(
            db,
            &format!(
                "UPDATE players SET streak_kind = 'loss', top_rivalry = 7 WHERE id = {}",
                a.0
            ),
        )
        .await;
        let report = drift(db).await;
        let columns: Vec<&str> = report
            .items
            .iter()
            .filter(|i| i.id == a.0)
            .map(|i| i.column.as_str())
            .collect();
        assert_eq!(columns, ["streak_kind", "top_rivalry"], "{report}");
        db.transaction(async |conn| ttstats_persistence::check::fix(conn).await)
            .await
            .unwrap();
        assert_no_drift(db).await;
        assert_eq!(view(db, a).await.stats.current_streak.kind, StreakKind::Win);
    }
);

both_backends!(
    the_rating_chart_carries_the_last_hundred_points,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "alice").await;
        let g = guest(db, "gary").await;
        let total = RATING_CHART_POINTS + 3;
        for i in 0..total {
            let scores = if i % 3 == 0 { LOSS_0_3 } else { WIN_3_0 };
            create(
                db,
                &singles(a, g, &scores, 10 * DAY - i64::try_from(i).unwrap()),
            )
            .await;
        }
        let full = db
            .run(async |conn| ratings::history_of(conn, a).await)
            .await
            .unwrap();
        assert_eq!(full.len(), total);
        let chart = view(db, a).await.rating_history;
        assert_eq!(chart.len(), RATING_CHART_POINTS);
        assert!(chart.iter().all(|p| p.label != "Start"));
        let tail: Vec<(i32, i64)> = full[total - RATING_CHART_POINTS..]
            .iter()
            .map(|r| (r.new_rating, r.match_id))
            .collect();
        let shown: Vec<(i32, i64)> = chart
            .iter()
            .map(|p| (p.rating, p.match_id.unwrap().0))
            .collect();
        assert_eq!(shown, tail);
        assert_eq!(view(db, g).await.rating_history.len(), RATING_CHART_POINTS);
    }
);

both_backends!(
    movement_after_a_recalculation_is_still_the_sum_of_the_weeks_changes,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            guest(db, "ann").await,
            guest(db, "ben").await,
            guest(db, "cat").await,
        );
        let mut ids = Vec::new();
        for (i, (x, y)) in [(a, b), (b, c), (a, c), (c, a), (b, a)]
            .into_iter()
            .enumerate()
        {
            let minutes = (20 - 3 * i64::try_from(i).unwrap()) * DAY;
            ids.push(create_id(db, &singles(x, y, &WIN_3_0, minutes)).await);
        }
        // Confirmed out of play order: the oldest two this week, the others long ago.
        for (id, days_ago) in ids.iter().zip([1, 2, 30, 40, 50]) {
            exec(
                db,
                &format!(
                    "UPDATE matches SET confirmed_at = '{}' WHERE id = {}",
                    (now() - chrono::Duration::days(days_ago)).format("%Y-%m-%d %H:%M:%S"),
                    id.0
                ),
            )
            .await;
        }
        db.transaction(async |conn| ratings::recalculate(conn, false).await)
            .await
            .unwrap();

        let shown = db
            .run(async |conn| {
                leaderboard::leaderboard(conn, &LeaderboardFilter::default(), now()).await
            })
            .await
            .unwrap();
        let history = db
            .run(async |conn| ratings::all_history(conn).await)
            .await
            .unwrap();
        let changes: Vec<_> = history
            .iter()
            .map(|r| ratings::change(&r.entry()))
            .collect();
        let expected = board::movements_7d(&changes, now());
        for row in &shown.items {
            assert_eq!(
                row.movement_7d,
                expected.get(&row.player.id).copied().unwrap_or(0),
                "{}",
                row.player.name
            );
        }
        assert!(shown.items.iter().any(|r| r.movement_7d != 0));
        assert!(
            history.iter().any(|r| r.applied_rating != r.new_rating),
            "the replay order differs from the applied order, so the two columns differ"
        );
        assert_no_drift(db).await;
    }
);
