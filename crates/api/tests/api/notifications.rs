use serde_json::{Value, json};

use crate::helpers::{TestApp, WIN_3_0, admin_token, games};
use crate::stats::{confirmed_singles, header};

async fn inbox(app: &TestApp, token: &str) -> Value {
    let reply = app.get_as("/api/v1/notifications", Some(token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

fn kinds(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect()
}

crate::api_test!(
    a_confirmed_match_notifies_both_players_who_mark_it_read_one_by_one_or_all,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let id = confirmed_singles(&app, (&alice, a), (&bob, b)).await;

        let list = inbox(&app, &alice).await;
        // Newest first: the result, then the request to confirm sent when it was recorded.
        assert_eq!(kinds(&list), vec!["match_result", "match_confirmation"]);
        assert_eq!(list["unread"], 2);
        assert_eq!(list["total"], 2);
        let result = &list["items"][0];
        assert_eq!(result["match_id"], id);
        assert_eq!(result["link"], format!("/matches/{id}"));
        assert_eq!(result["read_at"], Value::Null);
        assert!(
            result["body"]
                .as_str()
                .unwrap()
                .starts_with("You won 3-0 against bob. Elo 1524 (+24)"),
            "{result}"
        );
        assert_eq!(kinds(&inbox(&app, &bob).await)[0], "match_result");

        let page = app
            .get_as("/api/v1/notifications?page=2&per_page=1", Some(&alice))
            .await;
        assert_eq!(page.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(page.body["items"][0]["kind"], "match_confirmation");
        assert_eq!(
            (page.body["page"].clone(), page.body["total"].clone()),
            (json!(2), json!(2))
        );

        let first = result["id"].as_i64().unwrap();
        let read = app
            .post_as(
                &format!("/api/v1/notifications/{first}/read"),
                Some(&alice),
                &json!({}),
            )
            .await;
        assert_eq!(read.status, 200, "{}", read.body);
        assert!(read.body["read_at"].is_string());
        assert_eq!(inbox(&app, &alice).await["unread"], 1);

        // Bob cannot see or mark Alice's notification.
        let foreign = app
            .post_as(
                &format!("/api/v1/notifications/{first}/read"),
                Some(&bob),
                &json!({}),
            )
            .await;
        assert_eq!(foreign.status, 404);
        assert_eq!(foreign.code(), "not_found");
        assert_eq!(inbox(&app, &bob).await["unread"], 2);

        let all = app
            .post_as("/api/v1/notifications/read-all", Some(&alice), &json!({}))
            .await;
        assert_eq!(all.status, 200, "{}", all.body);
        assert_eq!(all.body["unread"], 0);
        assert_eq!(inbox(&app, &alice).await["unread"], 0);
    }
);

crate::api_test!(
    notifications_need_a_signed_in_user_and_valid_paging,
    |app| async move {
        let anonymous = app.get_as("/api/v1/notifications", None).await;
        assert_eq!(anonymous.status, 401);
        assert_eq!(anonymous.code(), "unauthenticated");
        let anonymous = app
            .get_as("/api/v1/me/notification-preferences", None)
            .await;
        assert_eq!(anonymous.status, 401);
        let (alice, _) = app.user("alice", true, false).await;
        let too_many = app
            .get_as("/api/v1/notifications?per_page=101", Some(&alice))
            .await;
        assert_eq!(too_many.status, 400);
        assert_eq!(too_many.code(), "invalid_query_parameter");
        let unknown = app
            .post_as(
                "/api/v1/notifications/999999/read",
                Some(&alice),
                &json!({}),
            )
            .await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.code(), "not_found");
    }
);

crate::api_test!(
    preferences_change_field_by_field_and_silence_their_kind,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let defaults = app
            .get_as("/api/v1/me/notification-preferences", Some(&bob))
            .await;
        assert_eq!(defaults.status, 200);
        assert_eq!(
            defaults.body,
            json!({"match_confirmation": true, "match_result": true, "scheduled_match": true,
                   "championship": true, "leaderboard_overtake": false})
        );
        let changed = app
            .put_as(
                "/api/v1/me/notification-preferences",
                Some(&bob),
                &json!({"match_result": false, "leaderboard_overtake": true}),
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.body);
        assert_eq!(changed.body["match_result"], false);
        assert_eq!(changed.body["leaderboard_overtake"], true);
        assert_eq!(changed.body["championship"], true);
        let bad = app
            .put_as(
                "/api/v1/me/notification-preferences",
                Some(&bob),
                &json!({"match_result": "no"}),
            )
            .await;
        assert_eq!(bad.status, 400);
        assert_eq!(bad.code(), "malformed_request");

        confirmed_singles(&app, (&alice, a), (&bob, b)).await;
        assert_eq!(kinds(&inbox(&app, &bob).await), vec!["match_confirmation"]);
        // Alice's own preferences were not touched.
        assert_eq!(kinds(&inbox(&app, &alice).await)[0], "match_result");
    }
);

crate::api_test!(
    achievements_come_from_the_cache_until_a_confirmation_invalidates_them,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let path = format!("/api/v1/players/{a}/achievements");
        let before = app.get_as(&path, None).await;
        assert_eq!(before.status, 200);
        assert_eq!(header(&before, "x-cache"), "MISS");
        assert_eq!(before.body["earned"], json!([]));
        assert_eq!(before.body["progress"].as_array().unwrap().len(), 12);
        let again = app.get_as(&path, None).await;
        assert_eq!(header(&again, "x-cache"), "HIT-L1");

        let id = confirmed_singles(&app, (&alice, a), (&bob, b)).await;
        let after = app.get_as(&path, None).await;
        assert_eq!(header(&after, "x-cache"), "MISS");
        let earned = after.body["earned"].as_array().unwrap();
        let first = earned.iter().find(|e| e["slug"] == "first_blood").unwrap();
        assert_eq!(first["match_id"], id);
        assert_eq!(first["tier"], "none");
        let played = after.body["progress"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["group"] == "matches_played")
            .unwrap();
        assert_eq!(
            played,
            &json!({"group": "matches_played", "tier": "none", "next_tier": "bronze",
                    "value": 1, "threshold": 10})
        );

        let stats = app
            .get_as("/api/v1/admin/cache/stats", Some(&admin_token(&app).await))
            .await;
        assert_eq!(stats.status, 200, "{}", stats.body);
        let family = &stats.body["families"]["achievements"];
        assert_eq!(family["l1_hits"], 1, "{family}");
        assert_eq!(family["misses"], 2, "{family}");

        let unknown = app
            .get_as("/api/v1/players/999999/achievements", None)
            .await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.code(), "not_found");
    }
);

/// The outbox as an admin sees it: (recipient, kind, subject) newest first.
async fn outbox(app: &TestApp, admin: &str) -> Vec<(String, String, String)> {
    let reply = app
        .get_as("/api/v1/admin/outbox?per_page=100", Some(admin))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().unwrap().to_owned();
            (field("to_address"), field("kind"), field("subject"))
        })
        .collect()
}

/// Records a complete 3-0 singles win of `side1` over `side2` by `token`; returns its id.
async fn record_win(app: &TestApp, token: &str, side1: &[i64], side2: &[i64]) -> i64 {
    let games = games(WIN_3_0);
    let kind = if side1.len() == 2 {
        "doubles"
    } else {
        "singles"
    };
    let created = app
        .post_as(
            "/api/v1/matches",
            Some(token),
            &json!({"kind": kind, "side1": side1, "side2": side2, "games": games}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_i64().unwrap()
}

crate::api_test!(
    a_confirmation_request_is_e_mailed_unless_the_player_turned_that_e_mail_off,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let off = app
            .put_as(
                "/api/v1/me/notification-preferences",
                Some(&bob),
                &json!({"match_confirmation": false}),
            )
            .await;
        assert_eq!(off.status, 200, "{}", off.body);

        let id = record_win(&app, &alice, &[a], &[b]).await;
        let admin = admin_token(&app).await;
        let subject = "Match complete – please confirm".to_owned();
        assert_eq!(
            outbox(&app, &admin).await,
            vec![(
                "alice@example.test".to_owned(),
                "match_confirmation".to_owned(),
                subject
            )],
            "bob's preference is off: no e-mail for him"
        );
        // The in-app request is always written (DOMAIN.md §3.16).
        let bobs = inbox(&app, &bob).await;
        assert_eq!(kinds(&bobs), vec!["match_confirmation"]);
        assert_eq!(bobs["items"][0]["match_id"], id);
        assert_eq!(bobs["items"][0]["body"], "You lost 0-3 against alice");
    }
);

crate::api_test!(
    a_player_who_becomes_verified_is_asked_to_confirm_their_pending_match,
    |app| async move {
        let admin = admin_token(&app).await;
        let (alice, a) = app.user("alice", true, false).await;
        let (_, b) = app.user("bob", true, false).await;
        let (carol, c) = app.user("carol", false, false).await;
        let (_, d) = app.user("dave", false, false).await;
        // Each side has a verified player: alice and bob are asked, unverified carol is not.
        let id = record_win(&app, &alice, &[a, c], &[b, d]).await;
        assert_eq!(
            kinds(&inbox(&app, &alice).await),
            vec!["match_confirmation"]
        );
        assert_eq!(kinds(&inbox(&app, &carol).await), Vec::<&str>::new());

        let carol_id = crate::admin_users::user_id(&app, &carol).await;
        let verified = app
            .patch_as(
                &format!("/api/v1/admin/users/{carol_id}"),
                Some(&admin),
                &json!({"email_verified": true}),
            )
            .await;
        assert_eq!(verified.status, 200, "{}", verified.body);

        let carols = inbox(&app, &carol).await;
        assert_eq!(kinds(&carols), vec!["match_confirmation"]);
        assert_eq!(carols["items"][0]["match_id"], id);
        assert_eq!(
            carols["items"][0]["body"],
            "You won 3-0 against bob and dave"
        );
        assert!(
            outbox(&app, &admin).await.contains(&(
                "carol@example.test".to_owned(),
                "match_confirmation".to_owned(),
                "Match complete – please confirm".to_owned()
            )),
            "carol is e-mailed too"
        );
        assert_eq!(
            kinds(&inbox(&app, &alice).await),
            vec!["match_confirmation"],
            "the players already asked are not asked again"
        );
    }
);

crate::api_test!(
    an_elo_recalculation_keeps_each_achievement_awarded_once,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        confirmed_singles(&app, (&alice, a), (&bob, b)).await;
        let path = format!("/api/v1/players/{a}/achievements");
        let before = app.get_as(&path, None).await.body["earned"].clone();
        assert!(
            before
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["slug"] == "first_blood"),
            "{before}"
        );
        let admin = admin_token(&app).await;
        for _ in 0..2 {
            let replay = app
                .post_as("/api/v1/admin/elo/recalculate", Some(&admin), &json!({}))
                .await;
            assert_eq!(replay.status, 200, "{}", replay.body);
            assert_eq!(replay.body["matches_replayed"], 1);
        }
        let after = app.get_as(&path, None).await;
        assert_eq!(
            after.body["earned"], before,
            "the replay awards nothing twice"
        );
    }
);
