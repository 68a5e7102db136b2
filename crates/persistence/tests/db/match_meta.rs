use chrono::Duration;
use ttstats_domain::{BestOf, DomainError, MatchId, MatchType, PlayerId};
use ttstats_persistence::both_backends;
use ttstats_persistence::match_writes::{self, MatchMetaChanges};
use ttstats_persistence::matches::{self, MatchFull};
use ttstats_persistence::{Db, DbError};

use crate::fixtures::*;

async fn update(db: &Db, id: MatchId, changes: MatchMetaChanges) -> Result<(), DbError> {
    db.transaction(async |conn| match_writes::update_match_meta(conn, id, &changes, now()).await)
        .await
        .map(|_| ())
}

async fn load(db: &Db, id: MatchId) -> MatchFull {
    db.run(async |conn| matches::load_match(conn, id).await)
        .await
        .unwrap()
}

fn refused(result: Result<(), DbError>) -> DomainError {
    match result {
        Err(DbError::Rule(rule)) => rule,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

async fn two_players(db: &Db) -> (PlayerId, PlayerId) {
    (
        verified_player(db, "alice").await,
        verified_player(db, "bob").await,
    )
}

both_backends!(
    an_unfinished_match_without_games_changes_every_metadata_field,
    |t| async move {
        let db = &t.db;
        let (a, b) = two_players(db).await;
        let id = create(db, &singles(a, b, &[], 60)).await.match_id.unwrap();
        let at = now() - Duration::hours(3);
        update(
            db,
            id,
            MatchMetaChanges {
                played_at: Some(at),
                match_type: Some(MatchType::Tournament),
                best_of: Some(BestOf::new(3).unwrap()),
                notes: Some(Some("league night".into())),
                location_id: Some(None),
            },
        )
        .await
        .unwrap();
        let row = load(db, id).await.row;
        assert_eq!(row.played_at, ttstats_persistence::to_db(at));
        assert_eq!(row.match_type(), MatchType::Tournament);
        assert_eq!(row.best_of, 3);
        assert_eq!(row.notes, "league night");
        update(
            db,
            id,
            MatchMetaChanges {
                notes: Some(None),
                ..MatchMetaChanges::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(load(db, id).await.row.notes, "");
    }
);

both_backends!(best_of_is_locked_once_a_game_is_recorded, |t| async move {
    let db = &t.db;
    let (a, b) = two_players(db).await;
    let id = create(db, &singles(a, b, &[(11, 5)], 60))
        .await
        .match_id
        .unwrap();
    let change = |n| MatchMetaChanges {
        best_of: Some(BestOf::new(n).unwrap()),
        ..MatchMetaChanges::default()
    };
    assert_eq!(
        refused(update(db, id, change(7)).await),
        DomainError::BestOfLocked
    );
    // The current value is not a change.
    update(db, id, change(5)).await.unwrap();
    update(
        db,
        id,
        MatchMetaChanges {
            match_type: Some(MatchType::Practice),
            ..MatchMetaChanges::default()
        },
    )
    .await
    .unwrap();
});

both_backends!(
    a_pending_match_changes_only_location_and_notes,
    |t| async move {
        let db = &t.db;
        let (a, b) = two_players(db).await;
        let id = create(db, &singles(a, b, &WIN_3_0, 60))
            .await
            .match_id
            .unwrap();
        assert!(!load(db, id).await.row.is_confirmed);
        update(
            db,
            id,
            MatchMetaChanges {
                notes: Some(Some("rematch soon".into())),
                ..MatchMetaChanges::default()
            },
        )
        .await
        .unwrap();
        let retyped = MatchMetaChanges {
            match_type: Some(MatchType::Tournament),
            ..MatchMetaChanges::default()
        };
        assert_eq!(
            refused(update(db, id, retyped).await),
            DomainError::MatchLocked
        );
        let reformatted = MatchMetaChanges {
            best_of: Some(BestOf::new(7).unwrap()),
            ..MatchMetaChanges::default()
        };
        assert_eq!(
            refused(update(db, id, reformatted).await),
            DomainError::BestOfLocked
        );
    }
);

both_backends!(
    a_confirmed_match_changes_only_location_and_notes,
    |t| async move {
        let db = &t.db;
        let (a, b) = two_players(db).await;
        let id = create(db, &singles(a, b, &WIN_3_0, 60))
            .await
            .match_id
            .unwrap();
        confirm(db, id, a).await;
        assert!(confirm(db, id, b).await.became_confirmed);
        let played_at = load(db, id).await.row.played_at.and_utc();
        update(
            db,
            id,
            MatchMetaChanges {
                notes: Some(Some("great final".into())),
                played_at: Some(played_at),
                ..MatchMetaChanges::default()
            },
        )
        .await
        .unwrap();
        let moved = MatchMetaChanges {
            played_at: Some(played_at - Duration::days(1)),
            ..MatchMetaChanges::default()
        };
        assert_eq!(
            refused(update(db, id, moved).await),
            DomainError::MatchLocked
        );
        assert_eq!(load(db, id).await.row.notes, "great final");
    }
);

both_backends!(
    played_at_may_not_move_more_than_five_minutes_ahead,
    |t| async move {
        let db = &t.db;
        let (a, b) = two_players(db).await;
        let id = create(db, &singles(a, b, &[], 60)).await.match_id.unwrap();
        let ahead = |minutes| MatchMetaChanges {
            played_at: Some(now() + Duration::minutes(minutes)),
            ..MatchMetaChanges::default()
        };
        update(db, id, ahead(5)).await.unwrap();
        assert_eq!(
            refused(update(db, id, ahead(6)).await),
            DomainError::PlayedAtInFuture
        );
    }
);

both_backends!(a_live_match_changes_nothing, |t| async move {
    let db = &t.db;
    let (a, b) = two_players(db).await;
    let mut input = singles(a, b, &[], 0);
    input.live_scorekeeper = Some(a);
    let id = create(db, &input).await.match_id.unwrap();
    let noted = MatchMetaChanges {
        notes: Some(Some("hi".into())),
        ..MatchMetaChanges::default()
    };
    assert_eq!(
        refused(update(db, id, noted).await),
        DomainError::MatchIsLive
    );
});

both_backends!(
    pending_lists_only_matches_awaiting_the_players_own_confirmation,
    |t| async move {
        let db = &t.db;
        let (a, b) = two_players(db).await;
        let c = verified_player(db, "carol").await;
        let older = create(db, &singles(a, b, &WIN_3_0, 60))
            .await
            .match_id
            .unwrap();
        let newer = create(db, &singles(c, a, &WIN_3_0, 30))
            .await
            .match_id
            .unwrap();
        // Unfinished: nothing to confirm yet.
        create(db, &singles(a, c, &[(11, 3)], 10)).await;
        let pending = |p| async move {
            db.run(async |conn| {
                let (items, total) = matches::pending_for(conn, p, 0, 10).await?;
                let count = matches::count_pending_for(conn, p).await?;
                Ok((
                    items.iter().map(MatchFull::id).collect::<Vec<_>>(),
                    total,
                    count,
                ))
            })
            .await
            .unwrap()
        };
        assert_eq!(pending(a).await, (vec![newer, older], 2, 2));
        confirm(db, older, a).await;
        assert_eq!(pending(a).await, (vec![newer], 1, 1));
        assert_eq!(pending(b).await, (vec![older], 1, 1));

        // A guest never awaits anything: its matches auto-confirm.
        let g = guest(db, "gary").await;
        create(db, &singles(g, b, &WIN_3_0, 5)).await;
        assert_eq!(pending(g).await, (vec![], 0, 0));
    }
);

both_backends!(
    live_matches_count_for_their_scorekeeper_and_players,
    |t| async move {
        let db = &t.db;
        let (a, b) = two_players(db).await;
        let c = verified_player(db, "carol").await;
        let mut input = singles(a, b, &[], 0);
        input.live_scorekeeper = Some(a);
        create(db, &input).await;
        let live = |p| async move {
            db.run(async |conn| matches::live_and_players_above(conn, p, 1500).await)
                .await
                .unwrap()
                .0
        };
        assert_eq!((live(a).await, live(b).await, live(c).await), (1, 1, 0));
    }
);
