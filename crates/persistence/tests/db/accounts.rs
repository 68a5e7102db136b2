use chrono::Duration;
use ttstats_domain::UserId;
use ttstats_persistence::outbox::{self, NewOutboxEmail};
use ttstats_persistence::tokens::{self, NewRefreshToken};
use ttstats_persistence::users::{self, NewUser};
use ttstats_persistence::{Db, both_backends, to_db};

use crate::fixtures::*;

async fn user(db: &Db, name: &str) -> UserId {
    db.transaction(async |conn| {
        users::insert_user(
            conn,
            &NewUser {
                username: name,
                email: &format!("{name}@example.test"),
                password_hash: "x",
                is_admin: false,
                is_active: true,
                email_verified_at: None,
                created_at: to_db(now()),
            },
        )
        .await
    })
    .await
    .unwrap()
}

async fn refresh(db: &Db, user: UserId, family: &str, hash: &str) -> i64 {
    db.transaction(async |conn| {
        tokens::insert_refresh_token(
            conn,
            &NewRefreshToken {
                user_id: user.0,
                family_id: family,
                token_hash: hash,
                created_at: to_db(now()),
                expires_at: to_db(now() + Duration::days(30)),
            },
        )
        .await
    })
    .await
    .unwrap()
}

both_backends!(
    a_refresh_token_is_revoked_once_and_knows_its_successor,
    |t| async move {
        let db = &t.db;
        let ada = user(db, "ada").await;
        let first = refresh(db, ada, "fam", "h1").await;
        let row = db
            .run(async |conn| tokens::find_refresh_token(conn, "h1").await)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.id, row.user_id, row.revoked_at), (first, ada.0, None));
        let (once, twice) = db
            .transaction(async |conn| {
                Ok((
                    tokens::revoke_refresh_token(conn, first, now()).await?,
                    tokens::revoke_refresh_token(conn, first, now()).await?,
                ))
            })
            .await
            .unwrap();
        assert!(once && !twice, "only the first revocation wins");
        assert!(
            !db.run(async |conn| tokens::has_successor(conn, &row).await)
                .await
                .unwrap()
        );
        refresh(db, ada, "fam", "h2").await;
        assert!(
            db.run(async |conn| tokens::has_successor(conn, &row).await)
                .await
                .unwrap()
        );
        let unknown = db
            .run(async |conn| tokens::find_refresh_token(conn, "nope").await)
            .await
            .unwrap();
        assert_eq!(unknown, None);
    }
);

both_backends!(
    revoking_a_family_or_a_user_leaves_other_tokens_alive,
    |t| async move {
        let db = &t.db;
        let (ada, bob) = (user(db, "ada").await, user(db, "bob").await);
        refresh(db, ada, "a1", "h1").await;
        refresh(db, ada, "a1", "h2").await;
        refresh(db, ada, "a2", "h3").await;
        refresh(db, bob, "b1", "h4").await;
        let live = async |u: UserId| {
            db.run(async |conn| tokens::count_live_of_user(conn, u, now()).await)
                .await
                .unwrap()
        };
        let n = db
            .transaction(async |conn| tokens::revoke_family(conn, "a1", now()).await)
            .await
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!((live(ada).await, live(bob).await), (1, 1));
        let n = db
            .transaction(async |conn| tokens::revoke_all_of_user(conn, ada, now()).await)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!((live(ada).await, live(bob).await), (0, 1));
    }
);

both_backends!(
    a_resent_verification_token_replaces_the_earlier_one,
    |t| async move {
        let db = &t.db;
        let ada = user(db, "ada").await;
        let expires = now() + Duration::hours(24);
        db.transaction(async |conn| {
            tokens::upsert_verification_token(conn, ada, "old", now(), expires).await?;
            tokens::upsert_verification_token(conn, ada, "new", now(), expires).await
        })
        .await
        .unwrap();
        let (old, new) = db
            .run(async |conn| {
                Ok((
                    tokens::find_verification_token(conn, "old").await?,
                    tokens::find_verification_token(conn, "new").await?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(old, None);
        let new = new.unwrap();
        assert_eq!((new.user_id, new.expires_at), (ada.0, to_db(expires)));
        let deleted = db
            .transaction(async |conn| {
                Ok((
                    tokens::delete_verification_token(conn, ada).await?,
                    tokens::delete_verification_token(conn, ada).await?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(deleted, (true, false));
    }
);

both_backends!(
    the_outbox_lists_newest_first_and_counts_recent_mail_per_user,
    |t| async move {
        let db = &t.db;
        let (ada, bob) = (user(db, "ada").await, user(db, "bob").await);
        let queue = async |u: UserId, kind: &str, minutes_ago: i64| {
            let at = to_db(now() - Duration::minutes(minutes_ago));
            db.transaction(async |conn| {
                outbox::insert_email(
                    conn,
                    &NewOutboxEmail {
                        user_id: Some(u.0),
                        to_address: "x@example.test",
                        kind,
                        subject: "s",
                        body_text: "b",
                        created_at: at,
                        send_after: at,
                    },
                )
                .await
            })
            .await
            .unwrap()
        };
        let old = queue(ada, "verify_email", 90).await;
        let recent = queue(ada, "verify_email", 10).await;
        let other_kind = queue(ada, "match_confirmation", 5).await;
        let bobs = queue(bob, "verify_email", 1).await;
        let (rows, total) = db
            .run(async |conn| outbox::list_outbox(conn, 0, 3).await)
            .await
            .unwrap();
        assert_eq!(total, 4);
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![bobs, other_kind, recent]);
        assert_eq!((rows[0].attempts, rows[0].sent_at), (0, None));
        let (rows, _) = db
            .run(async |conn| outbox::list_outbox(conn, 3, 3).await)
            .await
            .unwrap();
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![old]);
        let hour_ago = now() - Duration::hours(1);
        let count = db
            .run(async |conn| outbox::count_queued_since(conn, ada, "verify_email", hour_ago).await)
            .await
            .unwrap();
        assert_eq!(count, 1);
    }
);

both_backends!(users_are_listed_with_their_player, |t| async move {
    let db = &t.db;
    let with_player = verified_player(db, "ada").await;
    let without = user(db, "bob").await;
    let (rows, total) = db
        .run(async |conn| users::list_users_with_player(conn, 0, 10).await)
        .await
        .unwrap();
    assert_eq!(total, 2);
    let listed: Vec<(String, Option<i64>)> =
        rows.into_iter().map(|(u, p)| (u.username, p)).collect();
    assert_eq!(
        listed,
        vec![("ada".into(), Some(with_player.0)), ("bob".into(), None)]
    );
    assert_ne!(without.0, 0);
    let found = db
        .run(async |conn| users::find_by_email(conn, " BOB@Example.TEST ").await)
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(without.0));
    let by_name = db
        .run(async |conn| users::find_by_email(conn, "bob").await)
        .await
        .unwrap();
    assert_eq!(by_name, None);
});
