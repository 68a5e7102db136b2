use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use ttstats_domain::scoring::{GameScore, Tally};
use ttstats_domain::{BestOf, DomainError, MatchId, PlayerId, Side};
use ttstats_persistence::match_writes::{self, NewMatchInput};
use ttstats_persistence::testing::TestDb;
use ttstats_persistence::users::{self, UserChanges};
use ttstats_persistence::{Backend, Db, DbError, both_backends, ratings};

use crate::fixtures::*;

/// A valid game score: side 1 wins 11-x, or x-11, or a deuce.
fn score() -> impl Strategy<Value = (i64, i64)> {
    (any::<bool>(), 0_i64..14).prop_map(|(side1_wins, loser)| {
        let winner = (loser + 2).max(11);
        if side1_wins {
            (winner, loser)
        } else {
            (loser, winner)
        }
    })
}

/// One write; selectors pick among the matches and players that exist when it runs.
#[derive(Debug, Clone)]
enum Op {
    Create {
        doubles: bool,
        order: Vec<usize>,
        best_of: i64,
        games: Vec<(i64, i64)>,
    },
    AddGame(usize, (i64, i64)),
    EditGame(usize, usize, (i64, i64)),
    DeleteGame(usize, usize),
    Confirm(usize, usize),
    DeleteMatch(usize),
}

const ROSTER: usize = 6;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (
            any::<bool>(),
            Just((0..ROSTER).collect::<Vec<_>>()).prop_shuffle(),
            prop::sample::select(vec![1_i64, 3, 5, 7]),
            prop::collection::vec(score(), 0..6),
        )
            .prop_map(|(doubles, order, best_of, games)| Op::Create {
                doubles,
                order,
                best_of,
                games,
            }),
        2 => (any::<usize>(), score()).prop_map(|(m, s)| Op::AddGame(m, s)),
        1 => (any::<usize>(), any::<usize>(), score()).prop_map(|(m, n, s)| Op::EditGame(m, n, s)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(m, n)| Op::DeleteGame(m, n)),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(m, p)| Op::Confirm(m, p)),
        1 => any::<usize>().prop_map(Op::DeleteMatch),
    ]
}

/// Applies `ops` to a fresh database; a write refused by a rule (or aimed at a deleted match)
/// is fine, any other failure is not.
async fn run_ops(backend: Backend, ops: &[Op]) -> Result<(), TestCaseError> {
    let Some(test_db) = TestDb::new(backend).await else {
        return Ok(());
    };
    let db = &test_db.db;
    let mut roster = Vec::new();
    for index in 0..ROSTER {
        // Two guests among six, so some matches auto-confirm and some wait.
        roster.push(if index < 4 {
            verified_player(db, &format!("p{index}")).await
        } else {
            guest(db, &format!("g{index}")).await
        });
    }
    let mut created: Vec<MatchId> = Vec::new();
    for op in ops {
        match apply(db, &roster, &mut created, op).await {
            Ok(()) | Err(DbError::Rule(_) | DbError::NotFound) => {}
            Err(e) => return Err(TestCaseError::fail(format!("{op:?} failed: {e:?}"))),
        }
    }

    let report = drift(db).await;
    prop_assert!(report.is_clean(), "{}", report);
    let replay = replayed(db).await;
    for id in roster {
        let stored = player(db, id).await.aggregates();
        prop_assert_eq!(
            counts(&stored),
            counts(&replay.aggregates[&id]),
            "player {}",
            id.0
        );
    }
    Ok(())
}

async fn apply(
    db: &Db,
    roster: &[PlayerId],
    created: &mut Vec<MatchId>,
    op: &Op,
) -> Result<(), DbError> {
    let target = match op {
        Op::Create { .. } => None,
        Op::AddGame(m, ..)
        | Op::EditGame(m, ..)
        | Op::DeleteGame(m, ..)
        | Op::Confirm(m, ..)
        | Op::DeleteMatch(m) => match created.get(m % created.len().max(1)) {
            Some(&id) => Some(id),
            None => return Ok(()),
        },
    };
    // Creation has no target; every other op has one.
    let id = target.unwrap_or(MatchId(0));
    match op {
        Op::Create {
            doubles: is_doubles,
            order,
            best_of,
            games: scores,
        } => {
            let best_of = BestOf::new(*best_of).unwrap();
            // Stop at the winning game: more would be refused as a whole.
            let mut kept = Vec::new();
            for &(side1, side2) in scores {
                if Tally::of(&kept, best_of).winner.is_none() {
                    kept.push(GameScore::new(side1, side2).unwrap());
                }
            }
            let seat = |i: usize| roster[order[i]];
            let input = NewMatchInput {
                best_of,
                games: kept.into_iter().map(|g| (g, None)).collect(),
                ..if *is_doubles {
                    doubles([seat(0), seat(1)], [seat(2), seat(3)], &[], 5)
                } else {
                    singles(seat(0), seat(1), &[], 5)
                }
            };
            let outcome = db
                .transaction(async |conn| match_writes::create_match(conn, &input, now()).await)
                .await?;
            created.extend(outcome.match_id);
        }
        Op::AddGame(_, score) => {
            add_game(db, id, *score).await?;
        }
        Op::EditGame(_, pick, (side1, side2)) => {
            let score = GameScore::new(*side1, *side2).unwrap();
            let number = existing_number(db, id, *pick).await;
            db.transaction(async |conn| {
                match_writes::edit_game(conn, id, number, score, None, now()).await
            })
            .await?;
        }
        Op::DeleteGame(_, pick) => {
            delete_game(db, id, existing_number(db, id, *pick).await).await?;
        }
        Op::Confirm(_, pick) => {
            let players = load(db, id).await.player_ids();
            let who = players[pick % players.len()];
            db.transaction(async |conn| {
                match_writes::confirm_match(conn, id, Some(who), now()).await
            })
            .await?;
        }
        Op::DeleteMatch(_) => {
            delete_match(db, id).await;
            created.retain(|&c| c != id);
        }
    }
    Ok(())
}

/// The number of one of the match's games picked by `n` (1 when it has none).
async fn existing_number(db: &Db, id: MatchId, n: usize) -> i32 {
    let games = load(db, id).await.games;
    games.get(n % games.len().max(1)).map_or(1, |g| g.number)
}

both_backends!(
    random_write_sequences_leave_no_drift_and_counts_equal_the_domain_replay,
    |t| async move {
        let backend = t.backend();
        drop(t);
        // A blocking runner inside the async test: each case runs on the test's runtime.
        tokio::task::block_in_place(|| {
            let handle = tokio::runtime::Handle::current();
            let mut runner = TestRunner::new(Config {
                cases: 16,
                max_shrink_iters: 64,
                ..Config::default()
            });
            runner
                .run(&prop::collection::vec(op(), 1..30), |ops| {
                    handle.block_on(run_ops(backend, &ops))
                })
                .unwrap();
        });
    }
);

both_backends!(
    deleting_a_confirmed_match_reverses_it_and_rerates_everyone_by_replay,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            guest(db, "carl").await,
        );
        let first = create(db, &singles(a, b, &WIN_3_0, 30)).await;
        let first = first.match_id.unwrap();
        confirm(db, first, a).await;
        confirm(db, first, b).await;
        create(db, &singles(c, b, &[(5, 11), (5, 11), (5, 11)], 20)).await;
        create(
            db,
            &singles(a, c, &[(11, 9), (9, 11), (11, 9), (11, 9)], 10),
        )
        .await;
        let before = player(db, a).await;
        assert_eq!((before.wins, before.confirmed_matches), (2, 2));

        let outcome = delete_match(db, first).await;
        assert!(outcome.ratings_replayed);

        let (pa, pb) = (player(db, a).await, player(db, b).await);
        assert_eq!(
            (pa.confirmed_matches, pa.wins, pa.games_won, pa.games_lost),
            (1, 1, 3, 1)
        );
        assert_eq!(
            (pb.confirmed_matches, pb.wins, pb.losses, pb.games_won),
            (1, 1, 0, 3)
        );
        // Every rating equals a replay of what is left, in play order.
        let replay = replayed(db).await;
        for id in [a, b, c] {
            assert_eq!(player(db, id).await.aggregates(), replay.aggregates[&id]);
        }
        let history = db
            .run(async |conn| ratings::history_of_match(conn, first).await)
            .await
            .unwrap();
        assert!(history.is_empty());
        assert_no_drift(db).await;
    }
);

both_backends!(
    a_game_added_while_another_is_deleted_leaves_consistent_cache_columns,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        for round in 0..10 {
            let id = create(db, &singles(a, b, &[(11, 5), (5, 11)], round))
                .await
                .match_id
                .unwrap();
            let (added, deleted) = tokio::join!(add_game(db, id, (11, 7)), delete_game(db, id, 1));
            added.unwrap();
            deleted.unwrap();
            let full = load(db, id).await;
            let numbers: Vec<i32> = full.games.iter().map(|g| g.number).collect();
            assert_eq!(numbers, vec![1, 2], "round {round}");
            let tally = full.tally().unwrap();
            assert_eq!(
                (
                    full.row.side1_games,
                    full.row.side2_games,
                    full.row.winner_side
                ),
                (
                    i32::from(tally.side1_games),
                    i32::from(tally.side2_games),
                    None
                ),
                "round {round}"
            );
        }
        assert_no_drift(db).await;
    }
);

both_backends!(
    concurrent_inserts_of_one_game_number_give_one_game_and_one_game_number_taken,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        for round in 0..5 {
            let id = create(db, &singles(a, b, &[(11, 5)], round))
                .await
                .match_id
                .unwrap();
            let game = GameScore::new(11, 8).unwrap();
            let insert = || {
                db.transaction(async move |conn| {
                    match_writes::add_game(conn, id, game, None, Some(3), now()).await
                })
            };
            let (x, y) = tokio::join!(insert(), insert());
            let mut results = [x.map(|(_, n)| n), y.map(|(_, n)| n)];
            results.sort_by_key(Result::is_err);
            assert!(
                matches!(results[0], Ok(3)),
                "round {round}: {:?}",
                results[0]
            );
            assert!(
                matches!(
                    results[1],
                    Err(DbError::Rule(DomainError::GameNumberTaken { number: 3 }))
                ),
                "round {round}: {:?}",
                results[1]
            );
            assert_eq!(load(db, id).await.games.len(), 2);
        }
        assert_no_drift(db).await;
    }
);

both_backends!(
    a_pending_match_auto_confirms_when_its_only_verified_opponent_becomes_unverified,
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
        assert!(!load(db, id).await.row.is_confirmed);

        let bob_user = player(db, b).await.user_id.unwrap();
        let outcomes = db
            .transaction(async |conn| {
                users::update_user(
                    conn,
                    ttstats_domain::UserId(bob_user),
                    &UserChanges {
                        email_verified_at: Some(None),
                        ..UserChanges::default()
                    },
                )
                .await?;
                match_writes::reevaluate_pending(conn, b, now()).await
            })
            .await
            .unwrap();

        assert_eq!(outcomes.len(), 1);
        assert!(outcomes[0].became_confirmed);
        assert_eq!(outcomes[0].auto_confirmed_because, vec![b]);
        let full = load(db, id).await;
        assert!(full.row.is_confirmed && full.row.auto_confirmed);
        assert_eq!(full.row.winner(), Some(Side::One));
        assert_eq!(player(db, a).await.wins, 1);
        assert_eq!(player(db, b).await.losses, 1);
        assert_no_drift(db).await;
    }
);

#[test]
fn the_score_strategy_only_yields_scores_the_domain_accepts() {
    let mut runner = TestRunner::default();
    runner
        .run(&score(), |(a, b)| {
            prop_assert!(GameScore::new(a, b).is_ok(), "{a}-{b}");
            Ok(())
        })
        .unwrap();
}
