use ttstats_domain::live::Outcome;
use ttstats_domain::scoring::GameScore;
use ttstats_domain::{BestOf, DomainError, MatchId, PlayerId};
use ttstats_persistence::live_writes::{self, LiveAction, LiveWrite};
use ttstats_persistence::match_writes::NewMatchInput;
use ttstats_persistence::matches::MatchFull;
use ttstats_persistence::{Db, DbError, both_backends, notifications};

use crate::fixtures::*;

/// A live best-of-`best_of` singles match scored by `a`.
async fn live_match(db: &Db, a: PlayerId, b: PlayerId, best_of: i64) -> MatchId {
    let input = NewMatchInput {
        best_of: BestOf::new(best_of).unwrap(),
        live_scorekeeper: Some(a),
        ..singles(a, b, &[], 0)
    };
    create_id(db, &input).await
}

async fn act(db: &Db, id: MatchId, action: LiveAction) -> Result<LiveWrite, DbError> {
    db.transaction(async |conn| live_writes::apply_live_action(conn, id, action, now()).await)
        .await
}

/// Scores the points of `sides` in order and returns the last write.
async fn points(db: &Db, id: MatchId, sides: &[i64]) -> LiveWrite {
    let mut last = None;
    for &side in sides {
        last = Some(act(db, id, LiveAction::Point { side }).await.unwrap());
    }
    last.unwrap()
}

/// The points of a game won `p1`-`p2`, the loser's points first so no earlier point ends it.
fn game(p1: usize, p2: usize) -> Vec<i64> {
    let (first, then) = if p1 > p2 {
        ((2, p2), (1, p1))
    } else {
        ((1, p1), (2, p2))
    };
    let mut sides = vec![first.0; first.1];
    sides.extend(vec![then.0; then.1]);
    sides
}

fn scores(full: &MatchFull) -> Vec<(i32, i32)> {
    full.games
        .iter()
        .map(|g| (g.side1_points, g.side2_points))
        .collect()
}

fn refused(result: Result<LiveWrite, DbError>) -> DomainError {
    match result {
        Err(DbError::Rule(rule)) => rule,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

both_backends!(
    a_best_of_three_scored_point_by_point_ends_pending_with_its_games,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = live_match(db, a, b, 3).await;
        let started = act(db, id, LiveAction::Start { initial_server: 1 })
            .await
            .unwrap();
        assert_eq!(started.outcome, Some(Outcome::Started));

        let first = points(db, id, &game(11, 5)).await;
        assert_eq!(
            first.outcome,
            Some(Outcome::GameEnded {
                number: 1,
                game: GameScore::new(11, 5).unwrap()
            })
        );
        let stored = load(db, id).await;
        assert!(stored.row.is_live);
        assert_eq!(scores(&stored), vec![(11, 5)]);
        assert_eq!((stored.row.side1_games, stored.row.side2_games), (1, 0));
        assert_eq!(stored.row.winner_side, None);

        points(db, id, &game(7, 11)).await;
        let last = points(db, id, &game(11, 9)).await;
        assert!(matches!(last.outcome, Some(Outcome::MatchWon { .. })));
        assert!(!last.is_live);
        assert_eq!(last.written.confirmation_requests, vec![a, b]);
        assert!(!last.written.became_confirmed);

        let done = load(db, id).await;
        assert!(!done.row.is_live, "the match left live mode");
        assert_eq!(scores(&done), vec![(11, 5), (7, 11), (11, 9)]);
        assert_eq!(
            (
                done.row.side1_games,
                done.row.side2_games,
                done.row.winner_side
            ),
            (2, 1, Some(1))
        );
        assert!(!done.row.is_confirmed, "pending: both players must confirm");
        assert_eq!(done.row.scorekeeper_player_id, Some(a.0));
        let state = live_writes::stored_state(&done.row).unwrap().unwrap();
        assert!(state.is_match_complete());
        assert_eq!(
            player(db, a).await.rating,
            1500,
            "not rated until confirmed"
        );
        assert_no_drift(db).await;
    }
);

both_backends!(
    a_live_match_against_a_guest_auto_confirms_when_decided,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let id = live_match(db, a, g, 1).await;
        act(db, id, LiveAction::Start { initial_server: 2 })
            .await
            .unwrap();
        let last = points(db, id, &game(11, 3)).await;
        assert!(last.written.became_confirmed);
        assert_eq!(last.written.auto_confirmed_because, vec![g]);
        let done = load(db, id).await;
        assert!(done.row.is_confirmed && done.row.auto_confirmed);
        assert_eq!(player(db, a).await.wins, 1);
        assert_eq!(player(db, g).await.losses, 1);
        assert_no_drift(db).await;
    }
);

both_backends!(
    an_undo_across_a_game_end_deletes_the_stored_game,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = live_match(db, a, b, 5).await;
        act(db, id, LiveAction::Start { initial_server: 1 })
            .await
            .unwrap();
        points(db, id, &game(11, 8)).await;
        points(db, id, &[2]).await;
        assert_eq!(scores(&load(db, id).await), vec![(11, 8)]);

        let undone = act(db, id, LiveAction::Undo).await.unwrap();
        assert_eq!(undone.outcome, Some(Outcome::PointUndone));
        let reopened = act(db, id, LiveAction::Undo).await.unwrap();
        assert_eq!(
            reopened.outcome,
            Some(Outcome::GameReopened {
                number: 1,
                match_reopened: false
            })
        );
        let stored = load(db, id).await;
        assert!(stored.games.is_empty(), "game 1 is in progress again");
        assert_eq!((stored.row.side1_games, stored.row.side2_games), (0, 0));
        let state = live_writes::stored_state(&stored.row).unwrap().unwrap();
        assert_eq!((state.game_number(), reopened.state.game_number()), (1, 1));
        assert_eq!(
            (
                state.points(ttstats_domain::Side::One),
                state.points(ttstats_domain::Side::Two)
            ),
            (10, 8)
        );

        points(db, id, &[1]).await;
        assert_eq!(scores(&load(db, id).await), vec![(11, 8)], "scored again");
        assert_no_drift(db).await;
    }
);

both_backends!(
    ending_early_keeps_the_completed_games_and_leaves_live_mode,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = live_match(db, a, b, 5).await;
        act(db, id, LiveAction::Start { initial_server: 1 })
            .await
            .unwrap();
        points(db, id, &game(11, 6)).await;
        points(db, id, &game(4, 11)).await;
        points(db, id, &[1, 1, 2]).await;

        let ended = act(db, id, LiveAction::End).await.unwrap();
        assert!(!ended.is_live);
        let stored = load(db, id).await;
        assert!(!stored.row.is_live);
        assert_eq!(scores(&stored), vec![(11, 6), (4, 11)]);
        assert_eq!(
            (
                stored.row.side1_games,
                stored.row.side2_games,
                stored.row.winner_side
            ),
            (1, 1, None),
            "an ordinary unfinished match"
        );
        assert_eq!(
            add_game(db, id, (11, 2)).await.unwrap(),
            3,
            "completed by game entry"
        );
        assert_no_drift(db).await;
    }
);

both_backends!(
    points_after_the_end_are_refused_and_write_nothing,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let won = live_match(db, a, b, 1).await;
        act(db, won, LiveAction::Start { initial_server: 1 })
            .await
            .unwrap();
        points(db, won, &game(11, 0)).await;
        assert_eq!(
            refused(act(db, won, LiveAction::Point { side: 2 }).await),
            DomainError::MatchAlreadyComplete
        );
        assert_eq!(
            refused(act(db, won, LiveAction::Undo).await),
            DomainError::MatchNotLive
        );
        assert_eq!(scores(&load(db, won).await), vec![(11, 0)]);

        let ended = live_match(db, a, b, 3).await;
        act(db, ended, LiveAction::Start { initial_server: 1 })
            .await
            .unwrap();
        act(db, ended, LiveAction::End).await.unwrap();
        for action in [
            LiveAction::Point { side: 1 },
            LiveAction::Undo,
            LiveAction::End,
            LiveAction::AcknowledgeSideSwitch,
            LiveAction::Start { initial_server: 1 },
        ] {
            assert_eq!(
                refused(act(db, ended, action).await),
                DomainError::MatchNotLive,
                "{action:?}"
            );
        }

        let ordinary = create_id(db, &singles(a, b, &[(11, 4)], 5)).await;
        assert_eq!(
            refused(act(db, ordinary, LiveAction::Point { side: 1 }).await),
            DomainError::MatchNotLive
        );
    }
);

both_backends!(
    the_state_machine_refusals_leave_the_stored_state_alone,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = live_match(db, a, b, 5).await;
        assert_eq!(
            refused(act(db, id, LiveAction::Point { side: 1 }).await),
            DomainError::LiveNotStarted
        );
        assert_eq!(
            refused(act(db, id, LiveAction::Start { initial_server: 3 }).await),
            DomainError::InvalidSide
        );
        assert_eq!(load(db, id).await.row.live_state, None);
        act(db, id, LiveAction::Start { initial_server: 2 })
            .await
            .unwrap();
        let before = load(db, id).await.row.live_state;
        assert_eq!(
            refused(act(db, id, LiveAction::Start { initial_server: 1 }).await),
            DomainError::LiveAlreadyStarted
        );
        assert_eq!(load(db, id).await.row.live_state, before);
        assert!(matches!(
            act(db, MatchId(999_999), LiveAction::Undo).await,
            Err(DbError::NotFound)
        ));
    }
);

/// (user id, kind, body, link) of every in-app notification, and (to, subject, body) of every
/// queued e-mail, by id.
async fn sent(
    db: &Db,
) -> (
    Vec<(i64, String, String, String)>,
    Vec<(String, String, String)>,
) {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use ttstats_persistence::Conn;
    use ttstats_persistence::schema::{email_outbox as ob, notifications as n};
    macro_rules! read {
        ($c:ident) => {{
            let rows = n::table
                .order(n::id)
                .select((n::user_id, n::kind, n::body, n::link))
                .load($c)
                .await?;
            let mails = ob::table
                .order(ob::id)
                .select((ob::to_address, ob::subject, ob::body_text))
                .load($c)
                .await?;
            (rows, mails)
        }};
    }
    db.run(async |conn| {
        Ok(match conn {
            Conn::Pg(c) => read!(c),
            Conn::Sqlite(c) => read!(c),
        })
    })
    .await
    .unwrap()
}

both_backends!(
    a_confirmation_request_is_always_in_app_and_mailed_when_wanted,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        exec(
            db,
            "UPDATE notification_preferences SET match_confirmation = FALSE \
             WHERE user_id = (SELECT user_id FROM players WHERE name = 'bob')",
        )
        .await;
        let best_of_3 = NewMatchInput {
            best_of: BestOf::new(3).unwrap(),
            ..singles(a, b, &[(11, 5), (3, 11), (11, 7)], 10)
        };
        let id = create_id(db, &best_of_3).await;
        db.transaction(async |conn| {
            notifications::notify_confirmation_requests(
                conn,
                id,
                &[a, b],
                "https://tt.example.org",
                now(),
            )
            .await
        })
        .await
        .unwrap();
        let (rows, mails) = sent(db).await;
        let link = format!("/matches/{}", id.0);
        let user_of = |p: PlayerId| async move { player(db, p).await.user_id.unwrap() };
        assert_eq!(
            rows,
            vec![
                (
                    user_of(a).await,
                    "match_confirmation".to_owned(),
                    "You won 2-1 against bob".to_owned(),
                    link.clone()
                ),
                (
                    user_of(b).await,
                    "match_confirmation".to_owned(),
                    "You lost 1-2 against alice".to_owned(),
                    link.clone()
                ),
            ],
            "the in-app request ignores the preference"
        );
        assert_eq!(mails.len(), 1, "bob turned the e-mail off");
        let (to, subject, body) = &mails[0];
        assert_eq!(to, "alice@example.test");
        assert_eq!(subject, "Match complete – please confirm");
        assert!(body.starts_with("You won 2-1 against bob."), "{body}");
        assert!(body.contains("Type: casual"), "{body}");
        assert!(
            body.contains(&format!("https://tt.example.org{link}")),
            "{body}"
        );
    }
);
