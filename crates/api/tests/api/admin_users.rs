use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;
use ttstats_domain::scoring::GameScore;
use ttstats_domain::{BestOf, MatchKind, MatchType, PlayerId};
use ttstats_persistence::match_writes::{self, NewMatchInput};
use ttstats_persistence::{matches, players};

use crate::helpers::{PASSWORD, Reply, TestApp, admin_token, register_verified};

async fn patch_user(app: &TestApp, token: Option<&str>, id: i64, body: serde_json::Value) -> Reply {
    app.call(
        Method::PATCH,
        &format!("/api/v1/admin/users/{id}"),
        token,
        Some(&body),
    )
    .await
}

pub(crate) async fn user_id(app: &TestApp, token: &str) -> i64 {
    app.get_as("/api/v1/me", Some(token)).await.body["user"]["id"]
        .as_i64()
        .unwrap()
}

crate::api_test!(
    admin_endpoints_refuse_anonymous_callers_and_plain_users,
    |app| async move {
        let (user, _) = register_verified(&app, "ada").await;
        let id = user_id(&app, &user).await;
        for path in ["/api/v1/admin/users", "/api/v1/admin/outbox"] {
            let anonymous = app.get_as(path, None).await;
            assert_eq!(
                (anonymous.status, anonymous.code()),
                (401, "unauthenticated")
            );
            let plain = app.get_as(path, Some(&user)).await;
            assert_eq!((plain.status, plain.code()), (403, "admin_required"));
        }
        let anonymous = patch_user(&app, None, id, json!({"is_admin": true})).await;
        assert_eq!(anonymous.status, 401);
        let own = patch_user(&app, Some(&user), id, json!({"is_admin": true})).await;
        assert_eq!((own.status, own.code()), (403, "admin_required"));
        let me = app.get_as("/api/v1/me", Some(&user)).await;
        assert_eq!(me.body["user"]["is_admin"], false);
    }
);

crate::api_test!(
    an_admin_lists_accounts_with_their_players_page_by_page,
    |app| async move {
        let admin = admin_token(&app).await;
        let (_, ada_player) = register_verified(&app, "ada").await;
        assert_eq!(app.register("bob").await.status, 201);
        let first = app
            .get_as("/api/v1/admin/users?per_page=2", Some(&admin))
            .await;
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(
            (first.body["total"].as_i64(), first.body["page"].as_i64()),
            (Some(3), Some(1))
        );
        let items = first.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["username"], "admin");
        assert_eq!(items[0]["is_admin"], true);
        assert_eq!(items[1]["username"], "ada");
        assert_eq!(items[1]["player_id"], ada_player);
        assert_eq!(items[1]["email_verified"], true);
        assert_eq!(items[1]["active"], true);
        assert!(
            items[1]["last_login_at"].is_string(),
            "verification signs in"
        );
        let second = app
            .get_as("/api/v1/admin/users?page=2&per_page=2", Some(&admin))
            .await;
        let items = second.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["username"], "bob");
        assert_eq!(items[0]["email_verified"], false);
        let bad = app
            .get_as("/api/v1/admin/users?per_page=0", Some(&admin))
            .await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
    }
);

crate::api_test!(
    deactivating_an_account_revokes_its_sessions,
    |app| async move {
        let admin = admin_token(&app).await;
        let (_, _) = register_verified(&app, "ada").await;
        let session = app.login("ada", PASSWORD).await;
        let access = session.body["access_token"].as_str().unwrap().to_owned();
        let refresh = session.body["refresh_token"].as_str().unwrap().to_owned();
        let id = user_id(&app, &access).await;

        let patched = patch_user(&app, Some(&admin), id, json!({"active": false})).await;
        assert_eq!(patched.status, 200, "{}", patched.body);
        assert_eq!(patched.body["active"], false);
        assert_eq!(patched.body["email_verified"], true, "absent fields stay");
        let refreshed = app
            .post_as(
                "/api/v1/auth/refresh",
                None,
                &json!({ "refresh_token": refresh }),
            )
            .await;
        assert_eq!((refreshed.status, refreshed.code()), (401, "invalid_token"));
        let me = app.get_as("/api/v1/me", Some(&access)).await;
        assert_eq!((me.status, me.code()), (401, "invalid_token"));
        let login = app.login("ada", PASSWORD).await;
        assert_eq!(login.code(), "account_inactive");

        let reactivated = patch_user(&app, Some(&admin), id, json!({"active": true})).await;
        assert_eq!(reactivated.body["active"], true);
        assert_eq!(app.login("ada", PASSWORD).await.status, 200);
    }
);

crate::api_test!(
    an_admin_grants_admin_rights_and_unknown_accounts_are_not_found,
    |app| async move {
        let admin = admin_token(&app).await;
        let (ada, _) = register_verified(&app, "ada").await;
        let id = user_id(&app, &ada).await;
        let promoted = patch_user(&app, Some(&admin), id, json!({"is_admin": true})).await;
        assert_eq!(promoted.body["is_admin"], true);
        assert_eq!(
            app.get_as("/api/v1/admin/users", Some(&ada)).await.status,
            200
        );
        let missing = patch_user(&app, Some(&admin), 9999, json!({"is_admin": true})).await;
        assert_eq!((missing.status, missing.code()), (404, "not_found"));
        let malformed = patch_user(&app, Some(&admin), id, json!({"active": "yes"})).await;
        assert_eq!(
            (malformed.status, malformed.code()),
            (400, "malformed_request")
        );
        let nothing = patch_user(&app, Some(&admin), id, json!({})).await;
        assert_eq!(nothing.status, 200);
    }
);

crate::api_test!(
    unverifying_a_participant_auto_confirms_their_pending_match,
    |app| async move {
        let admin = admin_token(&app).await;
        let (_, ada) = register_verified(&app, "ada").await;
        let (bob_token, bob) = register_verified(&app, "bob").await;
        let bob_id = user_id(&app, &bob_token).await;
        let now = Utc::now();
        let input = NewMatchInput {
            kind: MatchKind::Singles,
            best_of: BestOf::new(3).unwrap(),
            match_type: MatchType::Casual,
            played_at: now - Duration::minutes(30),
            location_id: None,
            notes: String::new(),
            side1: vec![PlayerId(ada)],
            side2: vec![PlayerId(bob)],
            games: vec![
                (GameScore::new(11, 5).unwrap(), None),
                (GameScore::new(11, 7).unwrap(), None),
            ],
            created_by_user_id: None,
            championship_id: None,
            side1_entry_id: None,
            side2_entry_id: None,
            live_scorekeeper: None,
        };
        let created = app
            .state
            .db
            .transaction(async |conn| match_writes::create_match(conn, &input, now).await)
            .await
            .unwrap();
        assert!(
            !created.became_confirmed,
            "both players are verified: pending"
        );
        let match_id = created.match_id.unwrap();

        let patched =
            patch_user(&app, Some(&admin), bob_id, json!({"email_verified": false})).await;
        assert_eq!(patched.status, 200, "{}", patched.body);
        assert_eq!(patched.body["email_verified"], false);
        let (confirmed, rating) = app
            .state
            .db
            .run(async |conn| {
                let full = matches::load_match(conn, match_id).await?;
                let ada = players::get_player(conn, PlayerId(ada)).await?;
                Ok((full.row.is_confirmed, ada.rating))
            })
            .await
            .unwrap();
        assert!(confirmed, "bob's side has no verified player left");
        assert!(rating > 1500, "the confirmation applied Elo");
        let bob_me = app.get_as("/api/v1/me", Some(&bob_token)).await;
        assert_eq!(bob_me.body["player"]["verified"], false);
    }
);

crate::api_test!(
    the_outbox_shows_queued_links_newest_first,
    |app| async move {
        let admin = admin_token(&app).await;
        assert_eq!(app.register("ada").await.status, 201);
        assert_eq!(app.register("bob").await.status, 201);
        let outbox = app
            .get_as("/api/v1/admin/outbox?per_page=1", Some(&admin))
            .await;
        assert_eq!(outbox.status, 200, "{}", outbox.body);
        assert_eq!(outbox.body["total"], 2, "the verified admin got no e-mail");
        let item = &outbox.body["items"][0];
        assert_eq!(item["to_address"], "bob@example.test");
        assert_eq!(item["kind"], "verify_email");
        assert_eq!(item["sent_at"], serde_json::Value::Null);
        assert_eq!(item["attempts"], 0);
        assert!(
            item["body_text"]
                .as_str()
                .unwrap()
                .contains("http://127.0.0.1:8080/verify-email/")
        );
        let older = app
            .get_as("/api/v1/admin/outbox?page=2&per_page=1", Some(&admin))
            .await;
        assert_eq!(older.body["items"][0]["to_address"], "ada@example.test");
    }
);
