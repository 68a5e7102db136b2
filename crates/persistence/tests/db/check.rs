use ttstats_domain::scoring::GameScore;
use ttstats_domain::{BestOf, MatchType};
use ttstats_persistence::both_backends;
use ttstats_persistence::check::{self, Entity};
use ttstats_persistence::match_writes;

use crate::fixtures::*;

both_backends!(
    the_check_finds_no_drift_after_a_realistic_sequence_of_writes,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "alice").await;
        let b = verified_player(db, "bob").await;
        let c = verified_player(db, "carol").await;
        let d = verified_player(db, "dave").await;
        let g = guest(db, "gary").await;

        // Confirmed by both players.
        let first = create(db, &singles(a, b, &WIN_3_0, 100)).await;
        let first = first.match_id.unwrap();
        confirm(db, first, a).await;
        confirm(db, first, b).await;
        // Auto-confirmed against a guest.
        create(
            db,
            &singles(g, a, &[(11, 9), (9, 11), (13, 11), (11, 2)], 90),
        )
        .await;
        // Doubles completed by a later game, then confirmed by all four.
        let pair = create(
            db,
            &doubles([a, c], [b, d], &[(11, 7), (8, 11), (11, 6)], 80),
        )
        .await;
        let pair = pair.match_id.unwrap();
        add_game(db, pair, (11, 4)).await.unwrap();
        for p in [a, b, c, d] {
            confirm(db, pair, p).await;
        }
        // Pending: confirmed by one side, then a game edit drops that confirmation.
        let pending = create(
            db,
            &singles(c, d, &[(11, 5), (5, 11), (11, 8), (11, 9)], 70),
        )
        .await;
        let pending = pending.match_id.unwrap();
        confirm(db, pending, c).await;
        db.transaction(async |conn| {
            let score = GameScore::new(9, 11).unwrap();
            match_writes::edit_game(conn, pending, 4, score, Some(12), now()).await
        })
        .await
        .unwrap();
        // A winner removed by deleting a game and restored by adding one.
        let flip = create(
            db,
            &singles(b, c, &[(11, 3), (3, 11), (11, 5), (11, 7)], 60),
        )
        .await;
        let flip = flip.match_id.unwrap();
        delete_game(db, flip, 2).await.unwrap();
        delete_game(db, flip, 3).await.unwrap();
        add_game(db, flip, (11, 1)).await.unwrap();
        confirm(db, flip, b).await;
        confirm(db, flip, c).await;
        // A tournament best of 7, an unfinished match, and two deletions.
        let long = singles(d, a, &[(11, 9), (11, 9), (9, 11), (11, 9), (11, 9)], 50);
        let long = create(
            db,
            &ttstats_persistence::match_writes::NewMatchInput {
                best_of: BestOf::new(7).unwrap(),
                match_type: MatchType::Tournament,
                ..long
            },
        )
        .await
        .match_id
        .unwrap();
        confirm(db, long, d).await;
        confirm(db, long, a).await;
        create(db, &singles(a, d, &[(11, 9)], 40)).await;
        let doomed = create(db, &singles(b, d, &WIN_3_0, 30)).await;
        delete_match(db, doomed.match_id.unwrap()).await;
        delete_match(db, first).await;

        let report = drift(db).await;
        assert!(report.is_clean(), "{report}");
        assert_eq!((report.matches_checked, report.players_checked), (6, 5));
    }
);

both_backends!(
    the_check_reports_corrupted_columns_and_fix_repairs_them,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = create(
            db,
            &singles(a, b, &[(11, 5), (7, 11), (11, 7), (11, 9)], 10),
        )
        .await
        .match_id
        .unwrap();
        confirm(db, id, a).await;
        confirm(db, id, b).await;
        assert_no_drift(db).await;

        exec(
            db,
            &format!(
                "UPDATE players SET games_won = games_won + 5, rating = rating - 10 WHERE id = {a};
                 UPDATE matches SET side2_games = 0 WHERE id = {id};
                 UPDATE games SET winner_side = 2 WHERE match_id = {id} AND number = 1;",
                a = a.0,
                id = id.0,
            ),
        )
        .await;
        let report = drift(db).await;
        let found: Vec<(Entity, i64, &str, &str, &str)> = report
            .items
            .iter()
            .map(|d| {
                (
                    d.entity,
                    d.id,
                    d.column.as_str(),
                    d.stored.as_str(),
                    d.expected.as_str(),
                )
            })
            .collect();
        let game_one = load(db, id).await.games[0].id;
        assert_eq!(
            found,
            vec![
                (Entity::Match, id.0, "side2_games", "0", "1"),
                (Entity::Game, game_one, "winner_side", "2", "1"),
                (Entity::Player, a.0, "rating", "1514", "1524"),
                (Entity::Player, a.0, "games_won", "8", "3"),
            ],
            "{report}"
        );
        assert_eq!(
            report.items[0].to_string(),
            format!("match {} side2_games: stored 0, expected 1", id.0)
        );

        let fixed = db
            .transaction(async |conn| check::fix(conn).await)
            .await
            .unwrap();
        assert_eq!(fixed.items, report.items, "fix reports what it repaired");
        assert_no_drift(db).await;
        let pa = player(db, a).await;
        assert_eq!((pa.rating, pa.games_won), (1524, 3));
        assert_eq!(load(db, id).await.row.side2_games, 1);
    }
);

both_backends!(
    a_lost_history_row_is_reported_and_repaired_by_a_recalculation,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let id = create(db, &singles(a, g, &WIN_3_0, 10))
            .await
            .match_id
            .unwrap();
        exec(
            db,
            &format!(
                "DELETE FROM elo_history WHERE match_id = {} AND player_id = {}",
                id.0, g.0
            ),
        )
        .await;
        let report = drift(db).await;
        let missing = format!("elo_history of player {}", g.0);
        assert!(
            report
                .items
                .iter()
                .any(|d| d.entity == Entity::Match && d.id == id.0 && d.column == missing),
            "{report}"
        );
        // Without the row the guest's stored rating no longer adds up either.
        assert!(
            report
                .items
                .iter()
                .any(|d| d.entity == Entity::Player && d.id == g.0 && d.column == "rating"),
            "{report}"
        );
        db.transaction(async |conn| check::fix(conn).await)
            .await
            .unwrap();
        assert_no_drift(db).await;
        assert_eq!(player(db, g).await.rating, 1476);
    }
);
