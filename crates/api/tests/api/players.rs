use serde_json::json;

use crate::helpers::WIN_3_0;

crate::api_test!(
    anybody_lists_and_searches_players_in_pages,
    |app| async move {
        let (token, _) = app.user("zed", true, false).await;
        for name in ["Bob Stone", "Bea Rock", "Carl Hill"] {
            let reply = app
                .post_as("/api/v1/players", Some(&token), &json!({"name": name}))
                .await;
            assert_eq!(reply.status, 201);
        }
        let all = app.get_as("/api/v1/players?per_page=2", None).await;
        assert_eq!(all.status, 200);
        assert_eq!(all.body["total"], 4);
        assert_eq!(all.body["per_page"], 2);
        assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(all.body["items"][0]["name"], "Bea Rock");

        let found = app.get_as("/api/v1/players?search=sTo", None).await;
        assert_eq!(found.body["total"], 1);
        assert_eq!(found.body["items"][0]["name"], "Bob Stone");

        let bad = app.get_as("/api/v1/players?per_page=500", None).await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
    }
);

crate::api_test!(
    a_signed_in_user_creates_a_guest_player_with_the_api_fields,
    |app| async move {
        let (token, _) = app.user("alice", true, false).await;
        let reply = app
            .post_as(
                "/api/v1/players",
                Some(&token),
                &json!({"name": "  Gary Guest ", "nickname": "G", "playing_style": "hard_rubber"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let id = reply.body["id"].as_i64().unwrap();
        assert_eq!(
            reply.headers["location"].to_str().unwrap(),
            format!("/api/v1/players/{id}")
        );
        let player = app.get_as(&format!("/api/v1/players/{id}"), None).await;
        assert_eq!(player.status, 200);
        assert_eq!(player.body["name"], "Gary Guest");
        assert_eq!(player.body["display_name"], "G");
        assert_eq!(player.body["rating"], 1500);
        assert_eq!(player.body["peak_rating"], 1500);
        assert_eq!(player.body["rated_matches"], 0);
        assert_eq!(player.body["is_guest"], true);
        assert_eq!(player.body["verified"], false);
        assert_eq!(player.body["playing_style"], "hard_rubber");
    }
);

crate::api_test!(
    guest_creation_needs_a_sign_in_and_valid_fields,
    |app| async move {
        let anonymous = app
            .post_as("/api/v1/players", None, &json!({"name": "Gary"}))
            .await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated")
        );

        let (token, _) = app.user("alice", true, false).await;
        let reply = app
            .post_as(
                "/api/v1/players",
                Some(&token),
                &json!({"name": " ", "nickname": "n".repeat(51), "playing_style": "lefty"}),
            )
            .await;
        assert_eq!((reply.status, reply.code()), (422, "field_required"));
        assert!(reply.body["errors"]["name"].is_array());
        assert!(reply.body["errors"]["nickname"].is_array());
        assert!(reply.body["errors"]["playing_style"].is_array());
        let long = app
            .post_as(
                "/api/v1/players",
                Some(&token),
                &json!({"name": "x".repeat(101)}),
            )
            .await;
        assert_eq!((long.status, long.code()), (422, "field_too_long"));
    }
);

crate::api_test!(
    only_the_linked_user_or_an_admin_edits_a_player,
    |app| async move {
        let (alice, alice_player) = app.user("alice", true, false).await;
        let (bob, _) = app.user("bob", true, false).await;
        let (admin, _) = app.user_without_player("root", true).await;
        let path = format!("/api/v1/players/{alice_player}");

        let own = app
            .patch_as(&path, Some(&alice), &json!({"nickname": "Ace"}))
            .await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.body["display_name"], "Ace");

        let other = app
            .patch_as(&path, Some(&bob), &json!({"nickname": "Loser"}))
            .await;
        assert_eq!((other.status, other.code()), (403, "not_profile_owner"));
        // Permission comes before validation (DOMAIN.md §6).
        let other_invalid = app.patch_as(&path, Some(&bob), &json!({"name": ""})).await;
        assert_eq!(other_invalid.code(), "not_profile_owner");

        let anonymous = app.patch_as(&path, None, &json!({"nickname": "X"})).await;
        assert_eq!(anonymous.status, 401);

        let by_admin = app
            .patch_as(
                &path,
                Some(&admin),
                &json!({"name": "Alice A.", "nickname": null}),
            )
            .await;
        assert_eq!(by_admin.status, 200);
        assert_eq!(by_admin.body["display_name"], "Alice A.");

        let invalid = app
            .patch_as(&path, Some(&alice), &json!({"name": ""}))
            .await;
        assert_eq!((invalid.status, invalid.code()), (422, "field_required"));

        let unknown = app
            .patch_as(
                "/api/v1/players/999999",
                Some(&admin),
                &json!({"name": "X"}),
            )
            .await;
        assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
        let missing = app.get_as("/api/v1/players/999999", None).await;
        assert_eq!((missing.status, missing.code()), (404, "not_found"));
    }
);

crate::api_test!(
    an_admin_links_a_guest_to_a_user_without_a_player,
    |app| async move {
        let (admin, _) = app.user_without_player("root", true).await;
        let (alice, alice_player) = app.user("alice", true, false).await;
        let (_, newcomer) = app.user_without_player("newcomer", false).await;
        let (_, other_newcomer) = app.user_without_player("other", false).await;
        let guest = app
            .post_as("/api/v1/players", Some(&alice), &json!({"name": "Gary"}))
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let second_guest = app
            .post_as("/api/v1/players", Some(&alice), &json!({"name": "Gina"}))
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/players/{guest}");

        let not_admin = app
            .patch_as(
                &format!("/api/v1/players/{alice_player}"),
                Some(&alice),
                &json!({"user_id": newcomer}),
            )
            .await;
        assert_eq!(
            (not_admin.status, not_admin.code()),
            (403, "admin_required")
        );

        let linked = app
            .patch_as(&path, Some(&admin), &json!({"user_id": newcomer}))
            .await;
        assert_eq!(linked.status, 200, "{}", linked.body);
        assert_eq!(linked.body["is_guest"], false);
        assert_eq!(linked.body["verified"], true);

        let relinked = app
            .patch_as(&path, Some(&admin), &json!({"user_id": other_newcomer}))
            .await;
        assert_eq!(
            (relinked.status, relinked.code()),
            (409, "player_already_linked")
        );
        let taken = app
            .patch_as(
                &format!("/api/v1/players/{second_guest}"),
                Some(&admin),
                &json!({"user_id": newcomer}),
            )
            .await;
        assert_eq!(
            (taken.status, taken.code()),
            (409, "user_already_has_player")
        );

        let unlinked = app
            .patch_as(&path, Some(&admin), &json!({"user_id": null}))
            .await;
        assert_eq!(unlinked.body["is_guest"], true);
    }
);

crate::api_test!(
    the_elo_history_lists_each_applied_change,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let id = app.singles(&alice, a, b, WIN_3_0).await;
        let empty = app
            .get_as(&format!("/api/v1/players/{a}/elo-history"), None)
            .await;
        assert_eq!(empty.body, json!([]));
        for token in [&alice, &bob] {
            let reply = app
                .post_as(
                    &format!("/api/v1/matches/{id}/confirm"),
                    Some(token),
                    &json!({}),
                )
                .await;
            assert_eq!(reply.status, 200);
        }
        let history = app
            .get_as(&format!("/api/v1/players/{a}/elo-history"), None)
            .await;
        assert_eq!(history.status, 200);
        let row = &history.body[0];
        assert_eq!(row["match_id"], id);
        assert_eq!(
            (&row["old_rating"], &row["new_rating"], &row["change"]),
            (&json!(1500), &json!(1524), &json!(24))
        );
        assert_eq!(row["k_factor"], 48.0);
        assert!(row["at"].is_string());
        let missing = app.get_as("/api/v1/players/999999/elo-history", None).await;
        assert_eq!((missing.status, missing.code()), (404, "not_found"));
    }
);
