use ttstats_domain::{MatchId, PlayerId, UserId};
use ttstats_persistence::notifications::{self, Inbox, Preferences};
use ttstats_persistence::{Db, DbError, both_backends};

use crate::fixtures::*;

async fn user_of(db: &Db, p: PlayerId) -> UserId {
    UserId(player(db, p).await.user_id.unwrap())
}

async fn inbox(db: &Db, user: UserId) -> Inbox {
    db.run(async |conn| notifications::inbox(conn, user, 0, 20).await)
        .await
        .unwrap()
}

async fn set_prefs(db: &Db, user: UserId, prefs: Preferences) {
    db.transaction(async |conn| notifications::set_preferences(conn, user, &prefs).await)
        .await
        .unwrap();
}

async fn confirmed_match(db: &Db, a: PlayerId, b: PlayerId) -> MatchId {
    let id = create_id(db, &singles(a, b, &WIN_3_0, 10)).await;
    confirm(db, id, a).await;
    confirm(db, id, b).await;
    id
}

fn kinds(inbox: &Inbox) -> Vec<&str> {
    inbox.items.iter().map(|n| n.kind.as_str()).collect()
}

both_backends!(
    a_confirmed_match_tells_each_participant_the_result_and_rating_change,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let id = confirmed_match(db, a, b).await;
        let alice = inbox(db, user_of(db, a).await).await;
        assert_eq!(kinds(&alice), vec!["match_result"]);
        let result = &alice.items[0];
        assert_eq!(result.body, "You won 3-0 against bob. Elo 1524 (+24).");
        assert_eq!(result.link, format!("/matches/{}", id.0));
        assert_eq!(result.match_id, Some(id.0));
        assert_eq!((alice.total, alice.unread), (1, 1));
        let bob = inbox(db, user_of(db, b).await).await;
        assert_eq!(
            bob.items[0].body,
            "You lost 0-3 against alice. Elo 1476 (-24)."
        );
    }
);

both_backends!(
    a_user_who_turned_results_off_gets_no_result_notification,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let bob = user_of(db, b).await;
        set_prefs(
            db,
            bob,
            Preferences {
                match_result: false,
                ..Preferences::default()
            },
        )
        .await;
        confirmed_match(db, a, b).await;
        assert!(inbox(db, bob).await.items.is_empty());
        assert_eq!(inbox(db, user_of(db, a).await).await.items.len(), 1);
    }
);

both_backends!(
    an_overtake_is_told_only_to_users_who_asked_for_it_and_were_passed,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let (passed, silent, above) = (
            verified_player(db, "carol").await,
            verified_player(db, "dave").await,
            verified_player(db, "erin").await,
        );
        exec(
            db,
            &format!(
                "UPDATE players SET rating = 1510, peak_rating = 1510 WHERE id IN ({}, {});
                 UPDATE players SET rating = 1530, peak_rating = 1530 WHERE id = {};",
                passed.0, silent.0, above.0
            ),
        )
        .await;
        let overtake = Preferences {
            leaderboard_overtake: true,
            ..Preferences::default()
        };
        set_prefs(db, user_of(db, passed).await, overtake).await;
        set_prefs(db, user_of(db, above).await, overtake).await;
        // Alice rises 1500 → 1524 past carol (1510), not past erin (1530); dave is off by default.
        confirmed_match(db, a, b).await;
        let carol = inbox(db, user_of(db, passed).await).await;
        assert_eq!(kinds(&carol), vec!["leaderboard_overtake"]);
        assert_eq!(
            carol.items[0].body,
            "alice passed you on the leaderboard: 1524 against your 1510."
        );
        assert_eq!(carol.items[0].link, format!("/players/{}", a.0));
        assert!(inbox(db, user_of(db, silent).await).await.items.is_empty());
        assert!(inbox(db, user_of(db, above).await).await.items.is_empty());
    }
);

both_backends!(
    notifications_list_newest_first_and_are_marked_read_one_or_all,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
        );
        let first = confirmed_match(db, a, b).await;
        let second = confirmed_match(db, a, c).await;
        let alice = user_of(db, a).await;
        let listed = inbox(db, alice).await;
        assert_eq!(
            listed.items.iter().map(|n| n.match_id).collect::<Vec<_>>(),
            // Both at the same instant: the newer id first.
            vec![Some(second.0), Some(first.0)]
        );
        let page2 = db
            .run(async |conn| notifications::inbox(conn, alice, 1, 1).await)
            .await
            .unwrap();
        assert_eq!((page2.items.len(), page2.total, page2.unread), (1, 2, 2));

        let one = listed.items[1].id;
        let read = db
            .transaction(async |conn| notifications::mark_read(conn, alice, one, now()).await)
            .await
            .unwrap();
        assert!(read.read_at.is_some());
        assert_eq!(inbox(db, alice).await.unread, 1);

        // Someone else's notification is not found, and stays unread.
        let bob = user_of(db, b).await;
        let bobs = inbox(db, bob).await.items[0].id;
        let refused = db
            .transaction(async |conn| notifications::mark_read(conn, alice, bobs, now()).await)
            .await;
        assert!(matches!(refused, Err(DbError::NotFound)), "{refused:?}");
        assert_eq!(inbox(db, bob).await.unread, 1);

        let changed = db
            .transaction(async |conn| notifications::mark_all_read(conn, alice, now()).await)
            .await
            .unwrap();
        assert_eq!(changed, 1);
        assert_eq!(inbox(db, alice).await.unread, 0);
    }
);

both_backends!(
    preferences_start_at_the_defaults_and_keep_what_was_stored,
    |t| async move {
        let db = &t.db;
        let user = user_of(db, verified_player(db, "alice").await).await;
        let read = async || {
            db.run(async |conn| notifications::preferences(conn, user).await)
                .await
                .unwrap()
        };
        assert_eq!(read().await, Preferences::default());
        assert!(!read().await.leaderboard_overtake);
        let wanted = Preferences {
            championship: false,
            leaderboard_overtake: true,
            ..Preferences::default()
        };
        set_prefs(db, user, wanted).await;
        assert_eq!(read().await, wanted);
    }
);
