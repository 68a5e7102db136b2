use ttstats_domain::{MatchId, UserId};
use ttstats_persistence::queries::player_stats;
use ttstats_persistence::{both_backends, match_writes, notifications};

use crate::fixtures::*;

both_backends!(
    a_confirmed_singles_match_rates_both_players_once,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let created = create(db, &singles(a, b, &WIN_3_0, 10)).await;
        let id = created.match_id.unwrap();
        assert!(!created.became_confirmed);
        assert_eq!(created.confirmation_requests, vec![a, b]);
        assert!(!confirm(db, id, a).await.became_confirmed);
        assert_eq!(player(db, a).await.rating, 1500);
        assert!(confirm(db, id, b).await.became_confirmed);
        // Example 1 shape: both new (K 48) at 1500, E = 0.5 → ±24.
        let (pa, pb) = (player(db, a).await, player(db, b).await);
        assert_eq!((pa.rating, pb.rating), (1524, 1476));
        assert_eq!(
            (pa.wins, pa.losses, pa.games_won, pa.games_lost),
            (1, 0, 3, 0)
        );
        assert_eq!(
            (pb.wins, pb.losses, pb.games_won, pb.games_lost),
            (0, 1, 0, 3)
        );
        // Confirming again is idempotent: nothing changes.
        assert!(!confirm(db, id, b).await.became_confirmed);
        assert_eq!(player(db, a).await.rating, 1524);
    }
);

both_backends!(
    a_match_against_a_guest_auto_confirms_and_names_the_guest,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let created = create(db, &singles(a, g, &WIN_3_0, 10)).await;
        assert!(created.became_confirmed);
        assert_eq!(created.auto_confirmed_because, vec![g]);
        assert_eq!(player(db, g).await.losses, 1);
    }
);

both_backends!(
    a_game_write_on_a_pending_match_drops_its_confirmations,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = create(db, &singles(a, b, &WIN_3_0, 10))
            .await
            .match_id
            .unwrap();
        confirm(db, id, a).await;
        db.transaction(async |conn| match_writes::delete_game(conn, id, 3, now()).await)
            .await
            .unwrap();
        let full = db
            .run(async |conn| ttstats_persistence::matches::load_match(conn, id).await)
            .await
            .unwrap();
        assert!(full.confirmations.is_empty());
        assert_eq!(
            full.row.winner_side, None,
            "a winner must not survive deletion of its games"
        );
        assert_eq!((full.row.side1_games, full.row.side2_games), (2, 0));
    }
);

both_backends!(
    two_simultaneous_final_confirmations_apply_elo_once,
    |t| async move {
        let db = &t.db;
        for round in 0..5 {
            let (a, b) = (
                verified_player(db, &format!("a{round}")).await,
                verified_player(db, &format!("b{round}")).await,
            );
            let id: MatchId = create(db, &singles(a, b, &WIN_3_0, 10))
                .await
                .match_id
                .unwrap();
            let (x, y) = tokio::join!(
                db.transaction(
                    async |conn| match_writes::confirm_match(conn, id, Some(a), now()).await
                ),
                db.transaction(
                    async |conn| match_writes::confirm_match(conn, id, Some(b), now()).await
                ),
            );
            let became = [x.unwrap().0.became_confirmed, y.unwrap().0.became_confirmed];
            assert_eq!(became.iter().filter(|b| **b).count(), 1, "{became:?}");
            let pa = player(db, a).await;
            assert_eq!(
                (pa.rating, pa.rated_matches, pa.confirmed_matches),
                (1524, 1, 1)
            );
            // Achievements and result notifications are written once too.
            let earned = db
                .run(async |conn| player_stats::player_stats(conn, a).await)
                .await
                .unwrap()
                .achievements
                .earned;
            assert_eq!(earned.len(), 2, "first_blood, peak_performer: {earned:?}");
            for p in [a, b] {
                let user = UserId(player(db, p).await.user_id.unwrap());
                let inbox = db
                    .run(async |conn| notifications::inbox(conn, user, 0, 20).await)
                    .await
                    .unwrap();
                assert_eq!(inbox.total, 1, "{inbox:?}");
            }
        }
    }
);
