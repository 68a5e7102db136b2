use ttstats_domain::{MatchId, PlayerId};
use ttstats_persistence::check::Entity;
use ttstats_persistence::queries::player_stats;
use ttstats_persistence::{Db, both_backends, ratings};

use crate::fixtures::*;

/// The slugs `player` holds, in display order, with the match each came from.
async fn earned(db: &Db, player: PlayerId) -> Vec<(String, Option<MatchId>)> {
    db.run(async |conn| player_stats::player_stats(conn, player).await)
        .await
        .unwrap()
        .achievements
        .earned
        .iter()
        .map(|e| (e.slug.to_owned(), e.match_id))
        .collect()
}

async fn recalculate(db: &Db) -> ratings::RecalcReport {
    db.transaction(async |conn| ratings::recalculate(conn, false).await)
        .await
        .unwrap()
}

both_backends!(
    the_winner_of_a_newly_confirmed_match_earns_first_blood_and_the_loser_nothing,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = create_id(db, &singles(a, b, &WIN_3_0, 10)).await;
        confirm(db, id, a).await;
        assert!(
            earned(db, a).await.is_empty(),
            "pending matches count for nothing"
        );
        confirm(db, id, b).await;
        // Her rating rose to a new peak too.
        assert_eq!(
            earned(db, a).await,
            vec![
                ("first_blood".to_owned(), Some(id)),
                ("peak_performer".to_owned(), Some(id))
            ]
        );
        assert!(earned(db, b).await.is_empty());
    }
);

both_backends!(
    a_loser_who_wins_a_game_eleven_nil_earns_perfect_game_against_a_guest,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        // Auto-confirmed at once: the guest side has no verified player.
        let id = create_id(
            db,
            &singles(g, a, &[(0, 11), (11, 9), (11, 8), (11, 7)], 10),
        )
        .await;
        assert_eq!(
            earned(db, a).await,
            vec![("perfect_game".to_owned(), Some(id))]
        );
        let winner = earned(db, g).await;
        assert!(
            winner.contains(&("first_blood".to_owned(), Some(id))),
            "{winner:?}"
        );
        assert!(
            !winner.iter().any(|(s, _)| s == "perfect_game"),
            "{winner:?}"
        );
    }
);

both_backends!(
    a_tier_is_awarded_once_at_the_match_that_reaches_it,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let mut ids = Vec::new();
        for minutes_ago in [50, 40, 30, 20] {
            ids.push(create_id(db, &singles(a, g, &WIN_3_0, minutes_ago)).await);
        }
        let held = earned(db, a).await;
        assert!(
            held.contains(&("win_streak_bronze".to_owned(), Some(ids[2]))),
            "{held:?}"
        );
        assert_eq!(held.iter().filter(|(s, _)| s == "first_blood").count(), 1);
        assert_eq!(
            held.iter().find(|(s, _)| s == "first_blood").unwrap().1,
            Some(ids[0])
        );
    }
);

both_backends!(
    the_elo_recalculation_restores_lost_awards_and_awards_nothing_twice,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let first = create_id(db, &singles(a, g, &WIN_3_0, 30)).await;
        for minutes_ago in [20, 10] {
            create_id(db, &singles(a, g, &WIN_3_0, minutes_ago)).await;
        }
        let before = earned(db, a).await;
        assert_eq!(recalculate(db).await.achievements_awarded, 0);
        assert_eq!(earned(db, a).await, before);
        assert_no_drift(db).await;

        exec(db, "DELETE FROM player_achievements").await;
        let report = drift(db).await;
        assert!(
            report.items.iter().any(|i| i.entity == Entity::Achievement
                && i.id == a.0
                && i.column == "first_blood"),
            "{report}"
        );
        assert_eq!(recalculate(db).await.achievements_awarded, before.len());
        assert_eq!(earned(db, a).await, before);
        assert!(before.contains(&("first_blood".to_owned(), Some(first))));
        assert_no_drift(db).await;
    }
);

both_backends!(the_check_fix_stores_missing_achievements, |t| async move {
    let db = &t.db;
    let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
    create_id(db, &singles(a, g, &WIN_3_0, 10)).await;
    exec(db, "DELETE FROM player_achievements").await;
    db.transaction(async |conn| ttstats_persistence::check::fix(conn).await)
        .await
        .unwrap();
    assert_no_drift(db).await;
    assert_eq!(earned(db, a).await.len(), 2, "first_blood, peak_performer");
});
