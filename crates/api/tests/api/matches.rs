use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, WIN_3_0, games};

async fn create(app: &TestApp, token: &str, body: Value) -> Reply {
    app.post_as("/api/v1/matches", Some(token), &body).await
}

async fn confirm(app: &TestApp, id: i64, token: &str) -> Reply {
    app.post_as(
        &format!("/api/v1/matches/{id}/confirm"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn player(app: &TestApp, id: i64) -> Value {
    app.get_as(&format!("/api/v1/players/{id}"), None)
        .await
        .body
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().or_else(|| v["id"].as_i64()).unwrap())
        .collect()
}

crate::api_test!(
    a_singles_match_is_pending_until_both_players_confirm_and_then_rated_as_example_1,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        // Example 1: a new player (K 48) beats an experienced one (K 32), both at 1500.
        app.set_rating(b, 1500, 30).await;

        let created = create(
            &app,
            &alice,
            json!({"best_of": 5, "match_type": "casual", "side1": [a], "side2": [b],
                "games": games(WIN_3_0), "notes": "club night"}),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let typed: ttstats_api_types::matches::Match = created.json();
        assert_eq!(typed.side2[0].id, b);
        let m = &created.body;
        let id = m["id"].as_i64().unwrap();
        assert_eq!(
            created.headers["location"].to_str().unwrap(),
            format!("/api/v1/matches/{id}")
        );
        assert_eq!(m["kind"], "singles");
        assert_eq!(m["winner_side"], 1);
        assert_eq!(
            (&m["side1_games"], &m["side2_games"]),
            (&json!(3), &json!(0))
        );
        assert_eq!(m["is_confirmed"], false);
        assert_eq!(m["auto_confirmed"], false);
        assert_eq!(ids(&m["awaiting"]), [a, b]);
        assert_eq!(m["side1"][0]["id"], a);
        assert_eq!(
            m["games"][2],
            json!({"number": 3, "side1_points": 11,
            "side2_points": 9, "duration_minutes": null, "winner_side": 1})
        );
        assert_eq!(m["notes"], "club night");
        assert_eq!(
            m["presentation"]["side1_delta"],
            json!({"change": 24, "pending": true})
        );
        assert_eq!(
            m["presentation"]["side2_delta"],
            json!({"change": -16, "pending": true})
        );
        assert_eq!(m["presentation"]["side1_label"], "alice");
        assert_eq!(
            m["elo_changes"],
            json!([{"player_id": a, "change": 24}, {"player_id": b, "change": -16}])
        );
        assert_eq!(
            m["viewer"],
            json!({"side": 1, "can_confirm": true, "has_confirmed": false})
        );

        let projection = app
            .get_as(&format!("/api/v1/matches/{id}/projection"), Some(&bob))
            .await;
        assert_eq!(
            projection.body,
            json!({"side1": {"k_factor": 48.0, "change": 24},
                "side2": {"k_factor": 32.0, "change": -16},
                "win_probability": {"side1": 50, "side2": 50}, "viewer_change": -16})
        );

        let pending = app.get_as("/api/v1/me/pending", Some(&bob)).await;
        assert_eq!(pending.status, 200);
        assert_eq!(
            (ids(&pending.body["items"]), &pending.body["total"]),
            (vec![id], &json!(1))
        );
        let badges = app.get_as("/api/v1/me/badges", Some(&bob)).await;
        assert_eq!(
            badges.body,
            json!({"pending_confirmations": 1, "live_matches": 0, "rank": 1})
        );

        let first = confirm(&app, id, &alice).await;
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(first.body["is_confirmed"], false);
        assert_eq!(ids(&first.body["awaiting"]), [b]);
        assert_eq!(first.body["viewer"]["has_confirmed"], true);
        let again = confirm(&app, id, &alice).await;
        assert_eq!(again.status, 200);
        assert_eq!(again.body["confirmations"].as_array().unwrap().len(), 1);
        assert_eq!(player(&app, a).await["rating"], 1500);

        let last = confirm(&app, id, &bob).await;
        assert_eq!(last.status, 200);
        assert_eq!(last.body["is_confirmed"], true);
        assert!(last.body["confirmed_at"].is_string());
        assert_eq!(last.body["awaiting"], json!([]));
        assert_eq!(
            last.body["presentation"]["side1_delta"],
            json!({"change": 24, "pending": false})
        );
        assert_eq!(
            last.body["elo_changes"],
            json!([{"player_id": a, "change": 24}, {"player_id": b, "change": -16}])
        );
        let (pa, pb) = (player(&app, a).await, player(&app, b).await);
        assert_eq!((&pa["rating"], &pb["rating"]), (&json!(1524), &json!(1484)));
        assert_eq!(
            (&pa["peak_rating"], &pa["rated_matches"]),
            (&json!(1524), &json!(1))
        );

        let badges = app.get_as("/api/v1/me/badges", Some(&bob)).await;
        assert_eq!(
            badges.body,
            json!({"pending_confirmations": 0, "live_matches": 0, "rank": 2})
        );
        // Confirmed matches are public.
        let public = app.get_as(&format!("/api/v1/matches/{id}"), None).await;
        assert_eq!(public.status, 200);
        assert!(public.body.get("viewer").is_none());
    }
);

crate::api_test!(
    a_doubles_match_confirmed_by_every_player_is_rated_as_example_2,
    |app| async move {
        let mut players = Vec::new();
        for name in ["ann", "ben", "cat", "dan"] {
            players.push(app.user(name, true, false).await);
        }
        let [(ann, p1), (ben, p2), (cat, p3), (dan, p4)] = <[_; 4]>::try_from(players).unwrap();
        app.set_rating(p1, 1600, 0).await;
        app.set_rating(p2, 1400, 30).await;
        app.set_rating(p3, 1500, 30).await;
        app.set_rating(p4, 1500, 30).await;
        let created = create(
            &app,
            &ann,
            json!({"kind": "doubles", "side1": [p1, p2], "side2": [p3, p4],
                "games": games(WIN_3_0)}),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body["kind"], "doubles");
        assert_eq!(created.body["presentation"]["side1_label"], "ann and ben");
        let id = created.body["id"].as_i64().unwrap();
        for token in [&ann, &cat, &ben] {
            assert_eq!(confirm(&app, id, token).await.body["is_confirmed"], false);
        }
        let last = confirm(&app, id, &dan).await;
        assert_eq!(last.body["is_confirmed"], true);
        let mut ratings = Vec::new();
        for p in [p1, p2, p3, p4] {
            ratings.push(player(&app, p).await["rating"].as_i64().unwrap());
        }
        assert_eq!(ratings, [1620, 1420, 1484, 1484]);
    }
);

crate::api_test!(
    a_match_against_a_guest_auto_confirms_and_says_why,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let guest = app
            .post_as("/api/v1/players", Some(&alice), &json!({"name": "Gary"}))
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let created = create(
            &app,
            &alice,
            json!({"side1": [a], "side2": [guest], "games": games(WIN_3_0)}),
        )
        .await;
        assert_eq!(created.status, 201);
        assert_eq!(created.body["is_confirmed"], true);
        assert_eq!(created.body["auto_confirmed"], true);
        assert_eq!(created.body["auto_confirmed_because"], json!(["Gary"]));
        assert_eq!(created.body["confirmations"][0]["source"], "auto");
        assert_eq!(player(&app, guest).await["rating"], 1476);

        // An unfinished match against a guest waits for its last game.
        let open = app.singles(&alice, a, guest, &[(11, 5)]).await;
        let added = app
            .post_as(
                &format!("/api/v1/matches/{open}/games"),
                Some(&alice),
                &json!({"side1_points": 11, "side2_points": 3}),
            )
            .await;
        assert_eq!(added.status, 201);
        let shown = app
            .get_as(&format!("/api/v1/matches/{open}"), Some(&alice))
            .await;
        assert_eq!(shown.body["is_confirmed"], false);
    }
);

crate::api_test!(
    unconfirmed_matches_are_invisible_to_strangers_and_anonymous_callers,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (_, b) = app.user("bob", true, false).await;
        let (stranger, _) = app.user("eve", true, false).await;
        let (admin, _) = app.user_without_player("root", true).await;
        let id = app.singles(&alice, a, b, WIN_3_0).await;
        let path = format!("/api/v1/matches/{id}");

        for token in [Some(stranger.as_str()), None] {
            let reply = app.get_as(&path, token).await;
            assert_eq!((reply.status, reply.code()), (404, "not_found"));
            let projection = app.get_as(&format!("{path}/projection"), token).await;
            assert_eq!(projection.status, 404);
            let listed = app.get_as("/api/v1/matches", token).await;
            assert_eq!(listed.body["total"], 0);
        }
        // Writes by a stranger who cannot see the match are 404 too.
        let edit = app
            .patch_as(&path, Some(&stranger), &json!({"notes": "x"}))
            .await;
        assert_eq!(edit.status, 404);
        assert_eq!(confirm(&app, id, &stranger).await.status, 404);

        assert_eq!(app.get_as(&path, Some(&alice)).await.status, 200);
        let by_admin = app.get_as(&path, Some(&admin)).await;
        assert_eq!(by_admin.status, 200);
        assert_eq!(by_admin.body["viewer"]["side"], Value::Null);
        assert_eq!(
            app.get_as("/api/v1/matches", Some(&admin)).await.body["total"],
            1
        );
        assert_eq!(
            app.get_as("/api/v1/matches", Some(&alice)).await.body["total"],
            1
        );

        let unknown = app.get_as("/api/v1/matches/999999", Some(&admin)).await;
        assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
    }
);

crate::api_test!(
    every_write_refuses_callers_without_the_right,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let (eve, _) = app.user("eve", true, false).await;
        let (admin, _) = app.user("root", true, true).await;
        let (no_player, _) = app.user_without_player("noplayer", false).await;
        let id = app.singles(&alice, a, b, WIN_3_0).await;
        let path = format!("/api/v1/matches/{id}");

        // Anonymous writes: 401 before anything else.
        let body = json!({"side1": [a], "side2": [b]});
        for reply in [
            app.post_as("/api/v1/matches", None, &body).await,
            app.patch_as(&path, None, &json!({"notes": "x"})).await,
            app.delete_as(&path, None).await,
            app.post_as(
                &format!("{path}/games"),
                None,
                &json!({"side1_points": 11, "side2_points": 2}),
            )
            .await,
            app.put_as(
                &format!("{path}/games/1"),
                None,
                &json!({"side1_points": 11, "side2_points": 2}),
            )
            .await,
            app.delete_as(&format!("{path}/games/1"), None).await,
            app.post_as(&format!("{path}/confirm"), None, &json!({}))
                .await,
            app.get_as("/api/v1/me/pending", None).await,
            app.get_as("/api/v1/me/badges", None).await,
        ] {
            assert_eq!((reply.status, reply.code()), (401, "unauthenticated"));
        }

        // A user without a player records and confirms nothing.
        let recorded = create(&app, &no_player, body.clone()).await;
        assert_eq!(
            (recorded.status, recorded.code()),
            (403, "player_profile_required")
        );
        let confirmed = confirm(&app, id, &no_player).await;
        assert_eq!(
            (confirmed.status, confirmed.code()),
            (403, "player_profile_required")
        );

        // The admin sees the pending match but never confirms for someone else.
        let by_admin = confirm(&app, id, &admin).await;
        assert_eq!(
            (by_admin.status, by_admin.code()),
            (403, "not_a_participant")
        );

        // Bob plays but did not record it: he may not delete it.
        let by_bob = app.delete_as(&path, Some(&bob)).await;
        assert_eq!((by_bob.status, by_bob.code()), (403, "not_match_creator"));

        confirm(&app, id, &alice).await;
        confirm(&app, id, &bob).await;
        // Confirmed, hence visible to Eve, who does not play in it. Permission comes before
        // the body: her invalid score and participant change are still `not_a_participant`.
        for reply in [
            app.patch_as(&path, Some(&eve), &json!({"notes": "mine"}))
                .await,
            app.patch_as(&path, Some(&eve), &json!({"side1": [b]}))
                .await,
            app.post_as(
                &format!("{path}/games"),
                Some(&eve),
                &json!({"side1_points": 5, "side2_points": 3}),
            )
            .await,
            app.put_as(
                &format!("{path}/games/1"),
                Some(&eve),
                &json!({"side1_points": 11, "side2_points": 2}),
            )
            .await,
            app.delete_as(&format!("{path}/games/1"), Some(&eve)).await,
            confirm(&app, id, &eve).await,
        ] {
            assert_eq!((reply.status, reply.code()), (403, "not_a_participant"));
        }
        let by_eve = app.delete_as(&path, Some(&eve)).await;
        assert_eq!((by_eve.status, by_eve.code()), (403, "not_match_creator"));
        let by_creator = app.delete_as(&path, Some(&alice)).await;
        assert_eq!(
            (by_creator.status, by_creator.code()),
            (409, "match_locked")
        );

        // Only an admin deletes a confirmed match; ratings are replayed without it.
        assert_eq!(player(&app, a).await["rating"], 1524);
        let deleted = app.delete_as(&path, Some(&admin)).await;
        assert_eq!(deleted.status, 204);
        assert_eq!(app.get_as(&path, Some(&admin)).await.status, 404);
        let pa = player(&app, a).await;
        assert_eq!(
            (&pa["rating"], &pa["rated_matches"]),
            (&json!(1500), &json!(0))
        );
    }
);

crate::api_test!(the_creator_deletes_an_unconfirmed_match, |app| async move {
    let (alice, a) = app.user("alice", true, false).await;
    let (_, b) = app.user("bob", true, false).await;
    let id = app.singles(&alice, a, b, &[(11, 4)]).await;
    let deleted = app
        .delete_as(&format!("/api/v1/matches/{id}"), Some(&alice))
        .await;
    assert_eq!(deleted.status, 204);
    let again = app
        .delete_as(&format!("/api/v1/matches/{id}"), Some(&alice))
        .await;
    assert_eq!((again.status, again.code()), (404, "not_found"));
});

crate::api_test!(
    match_creation_refuses_each_invalid_input_with_its_code_and_writes_nothing,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (_, b) = app.user("bob", true, false).await;
        let (_, c) = app.user("carl", true, false).await;
        let future = (Utc::now() + Duration::hours(1)).to_rfc3339();
        let with_game = |s1: i64, s2: i64| json!({"side1": [a], "side2": [b], "games": [{"side1_points": s1, "side2_points": s2}]});
        let cases: Vec<(Value, u16, &str)> = vec![
            (with_game(-1, 11), 422, "game_score_negative"),
            (with_game(10, 10), 422, "game_score_tie"),
            (with_game(5, 3), 422, "game_score_below_eleven"),
            (with_game(11, 10), 422, "game_score_lead_too_small"),
            (with_game(13, 5), 422, "game_score_overshoot"),
            (
                json!({"side1": [a], "side2": [b], "best_of": 4}),
                422,
                "best_of_invalid",
            ),
            (
                json!({"side1": [a], "side2": [b, c]}),
                422,
                "wrong_player_count",
            ),
            (
                json!({"kind": "doubles", "side1": [a], "side2": [b]}),
                422,
                "wrong_player_count",
            ),
            (
                json!({"side1": [a], "side2": [a]}),
                422,
                "players_not_distinct",
            ),
            (
                json!({"side1": [a], "side2": [999_999]}),
                422,
                "unknown_player",
            ),
            (
                json!({"side1": [b], "side2": [c]}),
                422,
                "creator_not_participant",
            ),
            (
                json!({"side1": [a], "side2": [b], "played_at": future}),
                422,
                "played_at_in_future",
            ),
            (
                json!({"side1": [a], "side2": [b],
                    "games": [{"side1_points": 11, "side2_points": 5, "duration_minutes": 0}]}),
                422,
                "duration_invalid",
            ),
            (
                json!({"side1": [a], "side2": [b], "games": games(&[(11, 1), (11, 2), (11, 3), (11, 4)])}),
                409,
                "match_already_complete",
            ),
            (
                json!({"side1": [a], "side2": [b], "games": [
                    {"side1_points": 11, "side2_points": 5, "number": 1},
                    {"side1_points": 11, "side2_points": 5, "number": 1}]}),
                409,
                "game_number_taken",
            ),
            (
                json!({"side1": [a], "side2": [b], "match_type": "friendly"}),
                422,
                "invalid_choice",
            ),
            (
                json!({"side1": [a], "side2": [b], "location": 12345}),
                422,
                "invalid_choice",
            ),
            (
                json!({"live": true, "kind": "doubles", "side1": [a, c], "side2": [b, 999]}),
                422,
                "live_requires_singles",
            ),
        ];
        for (body, status, code) in cases {
            let reply = create(&app, &alice, body.clone()).await;
            assert_eq!(
                (reply.status, reply.code()),
                (status, code),
                "{body}: {}",
                reply.body
            );
            assert_eq!(
                reply.headers["content-type"].to_str().unwrap(),
                "application/problem+json"
            );
        }
        // The first bad game names its position.
        let second_bad = create(
            &app,
            &alice,
            json!({"side1": [a], "side2": [b], "games": games(&[(11, 9), (13, 5)])}),
        )
        .await;
        assert!(second_bad.body["errors"]["games[1].score"].is_array());

        let (admin, _) = app.user_without_player("root", true).await;
        let all = app.get_as("/api/v1/matches", Some(&admin)).await;
        assert_eq!(all.body["total"], 0, "a refused request writes nothing");
        // Admins may record matches between any players.
        let by_admin = create(&app, &admin, json!({"side1": [b], "side2": [c]})).await;
        assert_eq!(by_admin.status, 201);
    }
);

crate::api_test!(
    games_are_numbered_by_the_server_and_their_rules_enforced,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let id = app.singles(&alice, a, b, &[]).await;
        let games_path = format!("/api/v1/matches/{id}/games");
        let add = |s1: i64, s2: i64| json!({"side1_points": s1, "side2_points": s2});

        let not_complete = confirm(&app, id, &bob).await;
        assert_eq!(
            (not_complete.status, not_complete.code()),
            (409, "match_not_complete")
        );

        for (score, code) in [
            (add(-1, 11), "game_score_negative"),
            (add(10, 10), "game_score_tie"),
            (add(10, 8), "game_score_below_eleven"),
            (add(11, 10), "game_score_lead_too_small"),
            (add(20, 2), "game_score_overshoot"),
            (
                json!({"side1_points": 11, "side2_points": 3, "duration_minutes": 301}),
                "duration_invalid",
            ),
            (
                json!({"side1_points": 11, "side2_points": 3, "number": 6}),
                "game_number_out_of_range",
            ),
        ] {
            let reply = app.post_as(&games_path, Some(&bob), &score).await;
            assert_eq!((reply.status, reply.code()), (422, code), "{score}");
        }

        let first = app.post_as(&games_path, Some(&bob), &add(11, 7)).await;
        assert_eq!(first.status, 201, "{}", first.body);
        assert_eq!(first.body["number"], 1);
        assert_eq!(first.body["winner_side"], 1);
        let taken = app
            .post_as(
                &games_path,
                Some(&alice),
                &json!({"side1_points": 11, "side2_points": 3, "number": 1}),
            )
            .await;
        assert_eq!((taken.status, taken.code()), (409, "game_number_taken"));
        let second = app.post_as(&games_path, Some(&alice), &add(12, 14)).await;
        assert_eq!(second.body["number"], 2);
        app.post_as(&games_path, Some(&alice), &add(11, 2)).await;
        let fourth = app.post_as(&games_path, Some(&alice), &add(11, 9)).await;
        assert_eq!(fourth.body["number"], 4);
        let shown = app
            .get_as(&format!("/api/v1/matches/{id}"), Some(&alice))
            .await;
        assert_eq!(shown.body["winner_side"], 1);
        assert_eq!(
            shown.body["presentation"]["long_games_note"],
            "1 of 4 games went past 11"
        );

        let extra = app.post_as(&games_path, Some(&alice), &add(11, 2)).await;
        assert_eq!(
            (extra.status, extra.code()),
            (409, "match_already_complete")
        );

        // Editing a game below the threshold clears the winner; deleting one renumbers.
        let edited = app
            .put_as(&format!("{games_path}/4"), Some(&bob), &add(5, 11))
            .await;
        assert_eq!(edited.status, 200, "{}", edited.body);
        assert_eq!(edited.body["number"], 4);
        let shown = app
            .get_as(&format!("/api/v1/matches/{id}"), Some(&alice))
            .await;
        assert_eq!(shown.body["winner_side"], Value::Null);
        assert_eq!(
            (&shown.body["side1_games"], &shown.body["side2_games"]),
            (&json!(2), &json!(2))
        );
        let bad_edit = app
            .put_as(&format!("{games_path}/4"), Some(&bob), &add(13, 5))
            .await;
        assert_eq!(
            (bad_edit.status, bad_edit.code()),
            (422, "game_score_overshoot")
        );
        let missing = app
            .put_as(&format!("{games_path}/5"), Some(&bob), &add(11, 5))
            .await;
        assert_eq!((missing.status, missing.code()), (404, "not_found"));

        let removed = app
            .delete_as(&format!("{games_path}/2"), Some(&alice))
            .await;
        assert_eq!(removed.status, 204);
        let shown = app
            .get_as(&format!("/api/v1/matches/{id}"), Some(&alice))
            .await;
        let numbers: Vec<i64> = shown.body["games"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["number"].as_i64().unwrap())
            .collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(shown.body["winner_side"], Value::Null);

        // Complete and confirm: every game write is now refused.
        app.post_as(&games_path, Some(&alice), &add(11, 1)).await;
        confirm(&app, id, &alice).await;
        assert_eq!(confirm(&app, id, &bob).await.body["is_confirmed"], true);
        for reply in [
            app.post_as(&games_path, Some(&alice), &add(11, 2)).await,
            app.put_as(&format!("{games_path}/1"), Some(&alice), &add(11, 2))
                .await,
            app.delete_as(&format!("{games_path}/1"), Some(&alice))
                .await,
        ] {
            assert_eq!((reply.status, reply.code()), (409, "match_locked"));
        }
    }
);

crate::api_test!(
    a_game_change_on_a_pending_match_drops_its_confirmations,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (_, b) = app.user("bob", true, false).await;
        let id = app
            .singles(&alice, a, b, &[(11, 3), (11, 4), (3, 11), (11, 5)])
            .await;
        confirm(&app, id, &alice).await;
        let edited = app
            .put_as(
                &format!("/api/v1/matches/{id}/games/4"),
                Some(&alice),
                &json!({"side1_points": 11, "side2_points": 9}),
            )
            .await;
        assert_eq!(edited.status, 200);
        let shown = app
            .get_as(&format!("/api/v1/matches/{id}"), Some(&alice))
            .await;
        assert_eq!(shown.body["confirmations"], json!([]));
        assert_eq!(ids(&shown.body["awaiting"]), [a, b]);
    }
);

crate::api_test!(
    match_metadata_edits_follow_the_state_of_the_match,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let (admin, _) = app.user_without_player("root", true).await;
        let id = app.singles(&alice, a, b, &[]).await;
        let path = format!("/api/v1/matches/{id}");

        let earlier = (Utc::now() - Duration::days(1)).to_rfc3339();
        let open = app
            .patch_as(
                &path,
                Some(&bob),
                &json!({"best_of": 3, "match_type": "tournament", "played_at": earlier,
                    "notes": "moved"}),
            )
            .await;
        assert_eq!(open.status, 200, "{}", open.body);
        assert_eq!(
            (&open.body["best_of"], &open.body["match_type"]),
            (&json!(3), &json!("tournament"))
        );
        assert_eq!(open.body["notes"], "moved");

        let sides = app
            .patch_as(&path, Some(&bob), &json!({"side1": [b]}))
            .await;
        assert_eq!((sides.status, sides.code()), (409, "participants_locked"));
        let bad = app
            .patch_as(&path, Some(&bob), &json!({"best_of": 2}))
            .await;
        assert_eq!((bad.status, bad.code()), (422, "best_of_invalid"));
        let future = (Utc::now() + Duration::hours(2)).to_rfc3339();
        let ahead = app
            .patch_as(&path, Some(&bob), &json!({"played_at": future}))
            .await;
        assert_eq!((ahead.status, ahead.code()), (422, "played_at_in_future"));

        app.post_as(
            &format!("{path}/games"),
            Some(&alice),
            &json!({"side1_points": 11, "side2_points": 3}),
        )
        .await;
        let reformat = app
            .patch_as(&path, Some(&alice), &json!({"best_of": 5}))
            .await;
        assert_eq!((reformat.status, reformat.code()), (409, "best_of_locked"));

        app.post_as(
            &format!("{path}/games"),
            Some(&alice),
            &json!({"side1_points": 11, "side2_points": 3}),
        )
        .await;
        // Pending: location and notes only.
        let retype = app
            .patch_as(&path, Some(&alice), &json!({"match_type": "casual"}))
            .await;
        assert_eq!((retype.status, retype.code()), (409, "match_locked"));
        let noted = app
            .patch_as(&path, Some(&alice), &json!({"notes": null}))
            .await;
        assert_eq!(noted.status, 200);
        assert_eq!(noted.body["notes"], Value::Null);

        confirm(&app, id, &alice).await;
        confirm(&app, id, &bob).await;
        let late_note = app
            .patch_as(&path, Some(&admin), &json!({"notes": "final"}))
            .await;
        assert_eq!(late_note.status, 200);
        assert_eq!(late_note.body["notes"], "final");
        let before = (Utc::now() - Duration::days(2)).to_rfc3339();
        let moved = app
            .patch_as(&path, Some(&alice), &json!({"played_at": before}))
            .await;
        assert_eq!((moved.status, moved.code()), (409, "match_locked"));
    }
);

crate::api_test!(
    a_live_match_is_singles_scored_by_its_creator_and_watched_by_signed_in_users,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let (eve, _) = app.user("eve", true, false).await;
        let live = create(
            &app,
            &alice,
            json!({"live": true, "side1": [a], "side2": [b]}),
        )
        .await;
        assert_eq!(live.status, 201, "{}", live.body);
        assert_eq!(live.body["is_live"], true);
        let id = live.body["id"].as_i64().unwrap();
        let path = format!("/api/v1/matches/{id}");
        assert_eq!(app.get_as(&path, Some(&eve)).await.status, 200);
        assert_eq!(app.get_as(&path, None).await.status, 404);
        let badges = app.get_as("/api/v1/me/badges", Some(&bob)).await;
        assert_eq!(badges.body["live_matches"], 1);

        let with_games = create(
            &app,
            &alice,
            json!({"live": true, "side1": [a], "side2": [b], "games": games(&[(11, 3)])}),
        )
        .await;
        assert_eq!(with_games.status, 422);
        let game = app
            .post_as(
                &format!("{path}/games"),
                Some(&alice),
                &json!({"side1_points": 11, "side2_points": 3}),
            )
            .await;
        assert_eq!((game.status, game.code()), (409, "match_is_live"));
        let edit = app
            .patch_as(&path, Some(&alice), &json!({"notes": "x"}))
            .await;
        assert_eq!((edit.status, edit.code()), (409, "match_is_live"));
        let confirmed = confirm(&app, id, &bob).await;
        assert_eq!((confirmed.status, confirmed.code()), (409, "match_is_live"));
    }
);

crate::api_test!(
    the_match_list_filters_by_player_state_and_kind,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let (_, c) = app.user("carl", true, false).await;
        let (_, d) = app.user("dora", true, false).await;
        let confirmed = app.singles(&alice, a, b, WIN_3_0).await;
        confirm(&app, confirmed, &alice).await;
        confirm(&app, confirmed, &bob).await;
        let pending = app.singles(&alice, a, c, WIN_3_0).await;
        let doubles = create(
            &app,
            &alice,
            json!({"side1": [a, b], "side2": [c, d], "games": games(&[(11, 2)])}),
        )
        .await
        .body["id"]
            .as_i64()
            .unwrap();

        let list = |query: &str| {
            let token = alice.clone();
            let app = &app;
            let path = format!("/api/v1/matches{query}");
            async move { app.get_as(&path, Some(&token)).await }
        };
        assert_eq!(
            ids(&list("").await.body["items"]),
            [doubles, pending, confirmed]
        );
        assert_eq!(
            ids(&list("?confirmed=true").await.body["items"]),
            [confirmed]
        );
        assert_eq!(ids(&list("?kind=doubles").await.body["items"]), [doubles]);
        assert_eq!(
            ids(&list(&format!("?player={b}")).await.body["items"]),
            [doubles, confirmed]
        );
        let paged = list("?per_page=1&page=2").await;
        assert_eq!(
            (ids(&paged.body["items"]), &paged.body["total"]),
            (vec![pending], &json!(3))
        );
        for bad in ["?kind=triples", "?confirmed=maybe", "?player=x", "?page=0"] {
            let reply = list(bad).await;
            assert_eq!(
                (reply.status, reply.code()),
                (400, "invalid_query_parameter"),
                "{bad}"
            );
        }
        // Anonymous callers see confirmed matches only.
        assert_eq!(
            ids(&app.get_as("/api/v1/matches", None).await.body["items"]),
            [confirmed]
        );
    }
);

crate::api_test!(
    malformed_bodies_are_refused_with_malformed_request,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (_, b) = app.user("bob", true, false).await;
        let id = app.singles(&alice, a, b, &[]).await;
        for (method, path, body) in [
            (
                Method::POST,
                "/api/v1/matches".to_owned(),
                "{not json".to_owned(),
            ),
            (
                Method::POST,
                "/api/v1/matches".to_owned(),
                r#"{"side1": "x", "side2": [2]}"#.to_owned(),
            ),
            (
                Method::POST,
                "/api/v1/matches".to_owned(),
                r#"{"side1": [1]}"#.to_owned(),
            ),
            (
                Method::POST,
                format!("/api/v1/matches/{id}/games"),
                r#"{"side1_points": "eleven", "side2_points": 3}"#.to_owned(),
            ),
            (
                Method::PATCH,
                format!("/api/v1/matches/{id}"),
                r#""notes""#.to_owned(),
            ),
            (
                Method::POST,
                "/api/v1/players".to_owned(),
                r#"{"name": 7}"#.to_owned(),
            ),
            (
                Method::POST,
                "/api/v1/matches".to_owned(),
                json!({"side1": [a], "side2": [b], "notes": "x".repeat(100_000)}).to_string(),
            ),
        ] {
            let reply = app.send_raw(method, &path, &alice, body.clone()).await;
            assert_eq!(
                (reply.status, reply.code()),
                (400, "malformed_request"),
                "{path} {}",
                &body[..body.len().min(60)]
            );
        }
    }
);

crate::api_test!(
    simultaneous_final_confirmations_both_succeed_and_rate_once,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let id = app.singles(&alice, a, b, WIN_3_0).await;
        let (x, y) = tokio::join!(confirm(&app, id, &alice), confirm(&app, id, &bob));
        assert_eq!((x.status, y.status), (200, 200), "{} {}", x.body, y.body);
        let shown = app.get_as(&format!("/api/v1/matches/{id}"), None).await;
        assert_eq!(shown.body["is_confirmed"], true);
        let (pa, pb) = (player(&app, a).await, player(&app, b).await);
        assert_eq!((&pa["rating"], &pb["rating"]), (&json!(1524), &json!(1476)));
        assert_eq!(pa["rated_matches"], 1);
        let history = app
            .get_as(&format!("/api/v1/players/{a}/elo-history"), None)
            .await;
        assert_eq!(history.body.as_array().unwrap().len(), 1);
        // A repeat after confirmation is still a harmless 200.
        assert_eq!(confirm(&app, id, &bob).await.status, 200);
        assert_eq!(player(&app, b).await["rating"], 1476);
    }
);
