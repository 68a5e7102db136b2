use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;
use ttstats_api::config::RateLimits;
use ttstats_api_types::auth::TokenResponse;
use ttstats_domain::UserId;
use ttstats_persistence::tokens;

use crate::helpers::{PASSWORD, Reply, TestApp, admin_token, register_verified};

const REGISTER: &str = "/api/v1/auth/register";
const VERIFY: &str = "/api/v1/auth/verify-email";
const RESEND: &str = "/api/v1/auth/resend-verification";
const REFRESH: &str = "/api/v1/auth/refresh";
const LOGOUT: &str = "/api/v1/auth/logout";

fn str_of<'a>(body: &'a serde_json::Value, field: &str) -> &'a str {
    body[field].as_str().unwrap_or_default()
}

async fn refresh(app: &TestApp, token: &str) -> Reply {
    app.post_as(REFRESH, None, &json!({ "refresh_token": token }))
        .await
}

async fn register_with_password(app: &TestApp, username: &str, password: &str) -> Reply {
    let body = json!({
        "username": username,
        "email": format!("{username}@example.test"),
        "password": password,
    });
    app.post_as(REGISTER, None, &body).await
}

crate::api_test!(
    a_new_account_verifies_signs_in_rotates_its_refresh_token_and_signs_out,
    |app| async move {
        let body = json!({
            "username": "ada",
            "email": "ada@example.test",
            "password": PASSWORD,
            "player_name": "Ada Lovelace",
        });
        let registered = app.post_as(REGISTER, None, &body).await;
        assert_eq!(registered.status, 201, "{}", registered.body);
        assert_eq!(registered.body["user"]["username"], "ada");
        assert_eq!(registered.body["user"]["email_verified"], false);
        assert_eq!(registered.body["player"]["name"], "Ada Lovelace");
        assert_eq!(registered.body["player"]["verified"], false);
        assert_eq!(registered.body["player"]["is_guest"], false);

        // The link in the outbox is absolute, under the configured public URL.
        let token = app.verification_token("ada@example.test").await.unwrap();
        let (rows, _) = app
            .state
            .db
            .run(async |conn| ttstats_persistence::outbox::list_outbox(conn, 0, 10).await)
            .await
            .unwrap();
        let expected_link = format!("http://127.0.0.1:8080/verify-email/{token}");
        assert!(rows[0].body_text.contains(&expected_link));
        assert_eq!(rows[0].user_id, registered.body["user"]["id"].as_i64());

        let early = app.login("ada", PASSWORD).await;
        assert_eq!((early.status, early.code()), (403, "email_not_verified"));

        let verified = app.post_as(VERIFY, None, &json!({ "token": token })).await;
        assert_eq!(verified.status, 200, "{}", verified.body);
        assert_eq!(verified.body["already_verified"], false);
        assert_eq!(verified.body["user"]["email_verified"], true);
        assert_eq!(verified.body["tokens"]["token_type"], "Bearer");
        let again = app.post_as(VERIFY, None, &json!({ "token": token })).await;
        assert_eq!(
            (again.status, again.code()),
            (422, "verification_token_invalid")
        );

        let session = app.login("ada@example.test", PASSWORD).await;
        assert_eq!(session.status, 200, "{}", session.body);
        assert_eq!(session.body["token_type"], "Bearer");
        let pair: TokenResponse = session.json();
        assert_eq!(pair.expires_in, 900);
        let me = app.get_as("/api/v1/me", Some(&pair.access_token)).await;
        assert_eq!(me.status, 200, "{}", me.body);
        assert_eq!(
            me.body["user"],
            json!({"id": registered.body["user"]["id"], "username": "ada",
                   "email": "ada@example.test", "email_verified": true, "is_admin": false})
        );
        assert_eq!(me.body["player"]["id"], registered.body["player"]["id"]);
        assert_eq!(me.body["player"]["verified"], true);

        let first = str_of(&session.body, "refresh_token").to_owned();
        let rotated = refresh(&app, &first).await;
        assert_eq!(rotated.status, 200, "{}", rotated.body);
        let second = str_of(&rotated.body, "refresh_token").to_owned();
        assert_ne!(first, second);
        let access = str_of(&rotated.body, "access_token");
        assert_eq!(app.get_as("/api/v1/me", Some(access)).await.status, 200);

        // Reusing the rotated token revokes the family: the new token dies with it.
        let reused = refresh(&app, &first).await;
        assert_eq!((reused.status, reused.code()), (401, "token_reused"));
        assert!(reused.headers.contains_key("www-authenticate"));
        let dead = refresh(&app, &second).await;
        assert_eq!((dead.status, dead.code()), (401, "invalid_token"));

        let session = app.login("ada", PASSWORD).await;
        let third = str_of(&session.body, "refresh_token").to_owned();
        let out = app
            .post_as(LOGOUT, None, &json!({ "refresh_token": third }))
            .await;
        assert_eq!(out.status, 204);
        let after = refresh(&app, &third).await;
        assert_eq!((after.status, after.code()), (401, "invalid_token"));
        let out_again = app
            .post_as(LOGOUT, None, &json!({ "refresh_token": third }))
            .await;
        assert_eq!(out_again.status, 204);
    }
);

crate::api_test!(
    every_password_rule_is_refused_with_its_own_code,
    |app| async move {
        let cases = [
            ("Sh0rt!", "password_too_short"),
            (&*"long-password-".repeat(10), "password_too_long"),
            ("9876501234", "password_entirely_numeric"),
            ("password123", "password_too_common"),
            ("marguerite-77", "password_too_similar"),
        ];
        for (password, code) in cases {
            let reply = register_with_password(&app, "marguerite", password).await;
            assert_eq!((reply.status, reply.code()), (422, code), "{password}");
            assert_eq!(
                reply.body["errors"]["password"].as_array().unwrap().len(),
                1
            );
        }
        // All failures are reported together.
        let reply = register_with_password(&app, "marguerite", "123").await;
        assert_eq!(reply.code(), "password_too_short");
        assert_eq!(
            reply.body["errors"]["password"].as_array().unwrap().len(),
            2
        );
        let reply = app
            .post_as(
                REGISTER,
                None,
                &json!({"username": "no spaces", "email": "nope", "password": "1"}),
            )
            .await;
        assert_eq!((reply.status, reply.code()), (422, "username_invalid"));
        for field in ["username", "email", "password"] {
            assert!(reply.body["errors"][field].is_array(), "{field}");
        }
        let reply = app
            .post_as(REGISTER, None, &json!({"username": "ada"}))
            .await;
        assert_eq!((reply.status, reply.code()), (400, "malformed_request"));
    }
);

crate::api_test!(
    usernames_and_emails_are_taken_whatever_their_case,
    |app| async move {
        assert_eq!(app.register("ada").await.status, 201);
        let same_name = app
            .post_as(
                REGISTER,
                None,
                &json!({"username": "ADA", "email": "other@example.test", "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            (same_name.status, same_name.code()),
            (409, "username_taken")
        );
        let same_email = app
            .post_as(
                REGISTER,
                None,
                &json!({"username": "bob", "email": "Ada@Example.TEST", "password": PASSWORD}),
            )
            .await;
        assert_eq!((same_email.status, same_email.code()), (409, "email_taken"));
    }
);

crate::api_test!(
    ten_simultaneous_registrations_of_one_username_create_one_account,
    |app| async move {
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..10 {
            let (client, url) = (app.client.clone(), app.url(REGISTER));
            attempts.spawn(async move {
                let body = json!({
                    "username": "racer",
                    "email": format!("racer{i}@example.test"),
                    "password": PASSWORD,
                });
                let response = client.post(url).json(&body).send().await.unwrap();
                let status = response.status().as_u16();
                let body: serde_json::Value = response.json().await.unwrap();
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            });
        }
        let results = attempts.join_all().await;
        let created = results.iter().filter(|(status, _)| *status == 201).count();
        assert_eq!(created, 1, "{results:?}");
        for (status, code) in results.iter().filter(|(status, _)| *status != 201) {
            assert_eq!((*status, code.as_str()), (409, "username_taken"));
        }
    }
);

crate::api_test!(a_signed_in_caller_cannot_register_again, |app| async move {
    let (token, _) = register_verified(&app, "ada").await;
    let body = json!({"username": "bob", "email": "bob@example.test", "password": PASSWORD});
    let reply = app.post_as(REGISTER, Some(&token), &body).await;
    assert_eq!((reply.status, reply.code()), (409, "already_signed_in"));
});

crate::api_test!(
    sign_in_refuses_wrong_credentials_unverified_and_deactivated_accounts,
    |app| async move {
        let unknown = app.login("nobody", PASSWORD).await;
        assert_eq!(
            (unknown.status, unknown.code()),
            (401, "invalid_credentials")
        );
        assert_eq!(app.register("bob").await.status, 201);
        let unverified = app.login("bob", PASSWORD).await;
        assert_eq!(
            (unverified.status, unverified.code()),
            (403, "email_not_verified")
        );
        let wrong = app.login("bob", "not-the-password").await;
        assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));

        let (_, _) = register_verified(&app, "carol").await;
        assert_eq!(app.login("CAROL", PASSWORD).await.status, 200);
        let admin = admin_token(&app).await;
        let me = app.get_as("/api/v1/me", Some(&admin)).await;
        assert_eq!(me.body["user"]["is_admin"], true);
        let users = app.get_as("/api/v1/admin/users", Some(&admin)).await;
        let carol = users.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "carol")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let patched = app
            .call(
                Method::PATCH,
                &format!("/api/v1/admin/users/{carol}"),
                Some(&admin),
                Some(&json!({"active": false})),
            )
            .await;
        assert_eq!(patched.status, 200);
        let inactive = app.login("carol", PASSWORD).await;
        assert_eq!(
            (inactive.status, inactive.code()),
            (403, "account_inactive")
        );
        let wrong = app.login("carol", "not-the-password").await;
        assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    }
);

crate::api_test!(
    expired_tampered_foreign_and_unsigned_access_tokens_are_invalid,
    |app| async move {
        let (token, _) = register_verified(&app, "ada").await;
        assert_eq!(app.get_as("/api/v1/me", Some(&token)).await.status, 200);
        let me = app.get_as("/api/v1/me", None).await;
        assert_eq!((me.status, me.code()), (401, "unauthenticated"));

        let user_id = app.get_as("/api/v1/me", Some(&token)).await.body["user"]["id"]
            .as_i64()
            .unwrap();
        let secret = app.state.settings.jwt_secret().unwrap();
        let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
        let sign = |claims: serde_json::Value| {
            jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
        };
        let now = Utc::now().timestamp();
        let claims = |aud: &str, exp: i64, sub: i64| json!({"sub": sub, "iat": now - 60, "exp": exp, "aud": aud, "iss": "ttstats"});
        let expired = app
            .state
            .jwt
            .issue(user_id, Utc::now() - Duration::hours(1))
            .unwrap();
        let mut tampered = token.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let unsigned = {
            let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
            let payload = token.split('.').nth(1).unwrap();
            format!("{header}.{payload}.")
        };
        let bad_tokens = [
            ("expired", expired),
            ("tampered", tampered),
            ("unsigned", unsigned),
            (
                "other audience",
                sign(claims("someone-else", now + 600, user_id)),
            ),
            (
                "unknown user",
                sign(claims("ttstats", now + 600, user_id + 1000)),
            ),
            ("garbage", "not.a.token".to_owned()),
        ];
        assert_eq!(
            app.get_as(
                "/api/v1/me",
                Some(&sign(claims("ttstats", now + 600, user_id)))
            )
            .await
            .status,
            200,
            "the forged-token helper signs like the server"
        );
        for (what, bad) in bad_tokens {
            let reply = app.get_as("/api/v1/me", Some(&bad)).await;
            assert_eq!(
                (reply.status, reply.code()),
                (401, "invalid_token"),
                "{what}"
            );
        }
        let response = app
            .client
            .get(app.url("/api/v1/me"))
            .header("Authorization", "Token abc")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
);

crate::api_test!(
    verification_links_expire_after_a_day_and_an_early_verification_is_reported,
    |app| async move {
        assert_eq!(app.register("ada").await.status, 201);
        let unknown = app.post_as(VERIFY, None, &json!({"token": "f00d"})).await;
        assert_eq!(
            (unknown.status, unknown.code()),
            (422, "verification_token_invalid")
        );

        // Backdate the live token by 24 h: it expires at exactly that instant.
        let (token, hash) = ttstats_api::auth::new_opaque_token();
        let ada = app
            .state
            .db
            .run(async |conn| ttstats_persistence::users::find_by_login(conn, "ada").await)
            .await
            .unwrap()
            .unwrap();
        let sent = Utc::now() - Duration::hours(24);
        app.state
            .db
            .transaction(async |conn| {
                tokens::upsert_verification_token(
                    conn,
                    UserId(ada.id),
                    &hash,
                    sent,
                    sent + Duration::hours(24),
                )
                .await
            })
            .await
            .unwrap();
        let expired = app.post_as(VERIFY, None, &json!({ "token": token })).await;
        assert_eq!(
            (expired.status, expired.code()),
            (422, "verification_token_expired")
        );

        // A fresh link, but an admin verified the address first.
        let resent = app
            .post_as(RESEND, None, &json!({"email": "ada@example.test"}))
            .await;
        assert_eq!(resent.status, 202);
        let fresh = app.verification_token("ada@example.test").await.unwrap();
        let admin = admin_token(&app).await;
        let patched = app
            .call(
                Method::PATCH,
                &format!("/api/v1/admin/users/{}", ada.id),
                Some(&admin),
                Some(&json!({"email_verified": true})),
            )
            .await;
        assert_eq!(patched.status, 200);
        let early = app.post_as(VERIFY, None, &json!({ "token": fresh })).await;
        assert_eq!(early.status, 200);
        assert_eq!(early.body["already_verified"], true);
        assert!(early.body.get("tokens").is_none());
    }
);

crate::api_test!(
    resending_replaces_the_link_and_stops_at_three_emails_an_hour,
    |app| async move {
        let unknown = app
            .post_as(RESEND, None, &json!({"email": "nobody@example.test"}))
            .await;
        assert_eq!(unknown.status, 202);
        assert_eq!(app.register("ada").await.status, 201);
        let first = app.verification_token("ada@example.test").await.unwrap();
        for _ in 0..3 {
            let reply = app
                .post_as(RESEND, None, &json!({"email": "ADA@example.test"}))
                .await;
            assert_eq!(reply.status, 202);
        }
        let (rows, total) = app
            .state
            .db
            .run(async |conn| ttstats_persistence::outbox::list_outbox(conn, 0, 10).await)
            .await
            .unwrap();
        assert_eq!(
            total, 3,
            "registration + 2 resends; the third resend is over the limit"
        );
        assert!(rows.iter().all(|r| r.kind == "verify_email"));
        let newest = app.verification_token("ada@example.test").await.unwrap();
        assert_ne!(first, newest);
        let old = app.post_as(VERIFY, None, &json!({ "token": first })).await;
        assert_eq!(old.code(), "verification_token_invalid");
        let verified = app.post_as(VERIFY, None, &json!({ "token": newest })).await;
        assert_eq!(verified.status, 200);
        // Verified accounts get no more links.
        app.post_as(RESEND, None, &json!({"email": "ada@example.test"}))
            .await;
        let (_, total) = app
            .state
            .db
            .run(async |conn| ttstats_persistence::outbox::list_outbox(conn, 0, 10).await)
            .await
            .unwrap();
        assert_eq!(total, 3);
    }
);

crate::api_test!(
    the_sixth_failed_sign_in_from_an_address_is_refused_with_retry_after,
    with | settings | settings.rate_limits = RateLimits::default(),
    |app| async move {
        let (_, _) = register_verified(&app, "ada").await;
        for _ in 0..5 {
            let reply = app.login("ada", "not-the-password").await;
            assert_eq!((reply.status, reply.code()), (401, "invalid_credentials"));
        }
        // Blocked now, even with the right password, and for other accounts from the address.
        for login in ["ada", "somebody-else"] {
            let reply = app.login(login, PASSWORD).await;
            assert_eq!(
                (reply.status, reply.code()),
                (429, "rate_limited"),
                "{login}"
            );
            let retry: u64 = reply.headers["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=900).contains(&retry), "{retry}");
        }
    }
);

crate::api_test!(
    the_sixth_registration_from_an_address_in_an_hour_is_refused,
    with | settings | settings.rate_limits = RateLimits::default(),
    |app| async move {
        for i in 0..5 {
            // Refused registrations count too: the limit also protects the password hashing.
            let reply = register_with_password(&app, &format!("user{i}"), "1").await;
            assert_eq!(reply.status, 422);
        }
        let reply = app.register("ada").await;
        assert_eq!((reply.status, reply.code()), (429, "rate_limited"));
        let retry: u64 = reply.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((3500..=3600).contains(&retry), "{retry}");
    }
);

crate::api_test!(
    passwords_never_appear_in_responses_or_the_outbox,
    |app| async move {
        let admin = admin_token(&app).await;
        let registered = app.register("ada").await;
        let (token, _) = register_verified(&app, "bob").await;
        let session = app.login("bob", PASSWORD).await;
        let replies = [
            registered,
            session,
            app.get_as("/api/v1/me", Some(&token)).await,
            app.get_as("/api/v1/admin/users", Some(&admin)).await,
            app.get_as("/api/v1/admin/outbox", Some(&admin)).await,
        ];
        for reply in &replies {
            let text = reply.body.to_string();
            assert!(!text.contains(PASSWORD), "{text}");
            assert!(!text.contains("argon2"), "{text}");
            assert!(!text.contains("password_hash"), "{text}");
        }
        assert_eq!(replies[4].body["total"], 2);
    }
);

crate::api_test!(
    the_user_create_command_applies_the_registration_rules,
    |app| async move {
        let args = |username: &str, password: &str| ttstats_api::cli::CreateUser {
            username: username.into(),
            email: format!("{username}@example.test"),
            password: password.into(),
            admin: false,
            verified: false,
            player_name: None,
        };
        let settings = &app.state.settings;
        let weak = ttstats_api::cli::create_user(settings, &args("ada", "12345678"))
            .await
            .unwrap_err()
            .to_string();
        assert!(weak.contains("password"), "{weak}");
        assert!(
            ttstats_api::cli::create_user(settings, &args("ada", PASSWORD))
                .await
                .is_ok()
        );
        let same_name = ttstats_api::cli::CreateUser {
            email: "other@example.test".into(),
            ..args("ADA", PASSWORD)
        };
        let taken = ttstats_api::cli::create_user(settings, &same_name)
            .await
            .unwrap_err()
            .to_string();
        assert!(taken.contains("username_taken"), "{taken}");
        // An unverified account created by the command gets its link like a registration.
        assert!(app.verification_token("ada@example.test").await.is_some());
    }
);
