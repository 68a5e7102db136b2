//! Hostile input and hardening: token forgeries, input limits, security headers, CORS, the
//! trusted-proxy rule of rate limiting, passwords kept out of the logs, production refusals.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use reqwest::Method;
use serde_json::json;
use ttstats_api::ratelimit::Limit;

use crate::helpers::{PASSWORD, Reply, TestApp, register_verified};

/// A token with the given header, the claims of a valid token for `user_id` changed by
/// `claims`, and an HMAC-SHA256 signature made with the server's own secret.
fn forge(
    app: &TestApp,
    header: &serde_json::Value,
    user_id: i64,
    claims: impl FnOnce(&mut serde_json::Value),
) -> String {
    let now = Utc::now().timestamp();
    let mut body = json!({"sub": user_id, "iat": now - 60, "exp": now + 600, "aud": "ttstats", "iss": "ttstats"});
    claims(&mut body);
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(body.to_string())
    );
    let secret = app.state.settings.jwt_secret().unwrap();
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::HS256)
            .unwrap();
    format!("{message}.{signature}")
}

crate::api_test!(
    forged_access_tokens_of_another_algorithm_issuer_or_audience_are_invalid,
    |app| async move {
        let (token, _) = register_verified(&app, "ada").await;
        let me = app.get_as("/api/v1/me", Some(&token)).await;
        let id = me.body["user"]["id"].as_i64().unwrap();
        let hs256 = json!({"alg": "HS256", "typ": "JWT"});
        let genuine = forge(&app, &hs256, id, |_| {});
        assert_eq!(
            app.get_as("/api/v1/me", Some(&genuine)).await.status,
            200,
            "the forging helper signs like the server"
        );
        let secret = app.state.settings.jwt_secret().unwrap();
        let hs512 = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
            &json!({"sub": id, "iat": Utc::now().timestamp(), "exp": Utc::now().timestamp() + 600,
                    "aud": "ttstats", "iss": "ttstats"}),
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap();
        let unsigned = {
            let mut parts = genuine.rsplitn(2, '.');
            let _signature = parts.next();
            let message = parts.next().unwrap();
            let payload = message.split('.').nth(1).unwrap();
            format!(
                "{}.{payload}.",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
            )
        };
        let payload_swapped = {
            // The signature of `genuine` over another user's claims.
            let other = forge(&app, &hs256, id + 1, |_| {});
            let mut parts: Vec<&str> = genuine.split('.').collect();
            parts[1] = other.split('.').nth(1).unwrap();
            parts.join(".")
        };
        let forged = [
            (
                "RS256 header, HMAC with the secret",
                forge(&app, &json!({"alg": "RS256", "typ": "JWT"}), id, |_| {}),
            ),
            ("HS512 with the secret", hs512),
            ("alg none", unsigned),
            (
                "another issuer",
                forge(&app, &hs256, id, |c| c["iss"] = json!("evil")),
            ),
            (
                "another audience",
                forge(&app, &hs256, id, |c| c["aud"] = json!("evil")),
            ),
            (
                "no audience",
                forge(&app, &hs256, id, |c| {
                    c.as_object_mut().unwrap().remove("aud");
                }),
            ),
            (
                "expired a second ago",
                forge(&app, &hs256, id, |c| {
                    c["exp"] = json!(Utc::now().timestamp() - 1);
                }),
            ),
            ("payload swapped", payload_swapped),
        ];
        for (what, bad) in forged {
            let reply = app.get_as("/api/v1/me", Some(&bad)).await;
            assert_eq!(
                (reply.status, reply.code()),
                (401, "invalid_token"),
                "{what}"
            );
            // A bad token is refused even where no token is needed.
            let public = app.get_as("/api/v1/leaderboard", Some(&bad)).await;
            assert_eq!(
                (public.status, public.code()),
                (401, "invalid_token"),
                "{what}"
            );
        }
    }
);

crate::api_test!(
    a_reused_refresh_token_revokes_every_token_of_its_family,
    |app| async move {
        register_verified(&app, "ada").await;
        let first = app.login("ada", PASSWORD).await.body["refresh_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let refresh = |token: String| {
            let app = &app;
            async move {
                app.post_as(
                    "/api/v1/auth/refresh",
                    None,
                    &json!({"refresh_token": token}),
                )
                .await
            }
        };
        let second = refresh(first.clone()).await;
        assert_eq!(second.status, 200, "{}", second.body);
        let second = second.body["refresh_token"].as_str().unwrap().to_owned();
        let stolen = refresh(first).await;
        assert_eq!((stolen.status, stolen.code()), (401, "token_reused"));
        // The legitimate holder's newer token died with the family.
        let after = refresh(second).await;
        assert_eq!(after.status, 401, "{}", after.body);
        // Another session of the same user is a different family and still works.
        let other = app.login("ada", PASSWORD).await.body["refresh_token"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(refresh(other).await.status, 200);
    }
);

crate::api_test!(
    oversized_bodies_pages_strings_and_numbers_are_refused_with_their_codes,
    |app| async move {
        let (token, me) = app.user("ada", true, false).await;
        let (_, rival) = app.user("bob", true, false).await;
        // A body over 64 KiB: DOMAIN.md §6 `malformed_request` (400).
        let huge = json!({"name": "x".repeat(70 * 1024)}).to_string();
        let reply = app
            .send_raw(Method::POST, "/api/v1/players", &token, huge)
            .await;
        assert_eq!((reply.status, reply.code()), (400, "malformed_request"));
        assert_eq!(reply.headers["content-type"], "application/problem+json");
        // Page size 1–100 (API.md); anything else is a bad parameter, never clamped silently.
        for query in [
            "per_page=101",
            "per_page=0",
            "per_page=-1",
            "page=0",
            "page=99999999999999999999",
        ] {
            let reply = app.get_as(&format!("/api/v1/players?{query}"), None).await;
            assert_eq!(
                (reply.status, reply.code()),
                (400, "invalid_query_parameter"),
                "{query}"
            );
        }
        assert_eq!(
            app.get_as("/api/v1/players?per_page=100", None)
                .await
                .status,
            200
        );
        // String lengths.
        let long = app
            .post_as(
                "/api/v1/players",
                Some(&token),
                &json!({"name": "x".repeat(101)}),
            )
            .await;
        assert_eq!((long.status, long.code()), (422, "field_too_long"));
        let base = json!({"best_of": 3, "match_type": "casual", "side1": [me], "side2": [rival],
                          "games": [{"side1_points": 11, "side2_points": 5}]});
        let with = |field: &str, value: serde_json::Value| {
            let mut body = base.clone();
            body[field] = value;
            body
        };
        let notes = app
            .post_as(
                "/api/v1/matches",
                Some(&token),
                &with("notes", json!("n".repeat(5000))),
            )
            .await;
        assert_eq!((notes.status, notes.code()), (422, "field_too_long"));
        // Number ranges, including values no integer type holds.
        let cases = [
            (with("best_of", json!(1001)), 422, "best_of_invalid"),
            (with("best_of", json!(1e30)), 400, "malformed_request"),
            (with("side2", json!([i64::MAX])), 422, "unknown_player"),
            (
                with("games", json!([{"side1_points": -1, "side2_points": 11}])),
                422,
                "game_score_negative",
            ),
            (
                with(
                    "games",
                    json!([{"side1_points": 11, "side2_points": 5, "duration_minutes": 301}]),
                ),
                422,
                "duration_invalid",
            ),
            (
                with(
                    "games",
                    json!([{"side1_points": 99_999_999_999_i64, "side2_points": 5}]),
                ),
                422,
                "game_score_overshoot",
            ),
            (
                with("games", json!([{"side1_points": 1e20, "side2_points": 5}])),
                400,
                "malformed_request",
            ),
        ];
        for (body, status, code) in cases {
            let reply = app.post_as("/api/v1/matches", Some(&token), &body).await;
            assert_eq!((reply.status, reply.code()), (status, code), "{body}");
        }
        let id = app
            .get_as("/api/v1/players/99999999999999999999", None)
            .await;
        assert_eq!(id.status, 400);
    }
);

/// The security headers every answer carries.
fn assert_hardened(reply: &reqwest::header::HeaderMap, what: &str) {
    assert_eq!(reply["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(
        reply["referrer-policy"], "strict-origin-when-cross-origin",
        "{what}"
    );
    assert_eq!(reply["x-frame-options"], "DENY", "{what}");
    assert!(reply.contains_key("content-security-policy"), "{what}");
}

crate::api_test!(
    api_answers_carry_security_headers_and_load_nothing,
    |app| async move {
        for path in [
            "/api/v1/players",
            "/api/v1/me",
            "/healthz",
            "/api/v1/no-such-thing",
        ] {
            let reply = app.get_as(path, None).await;
            assert_hardened(&reply.headers, path);
            let csp = reply.headers["content-security-policy"].to_str().unwrap();
            assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        }
        let docs = app.get("/docs/").await;
        assert_eq!(docs.status(), 200);
        assert_hardened(docs.headers(), "/docs/");
        let csp = docs.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
    }
);

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/api/v1/matches"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

async fn get_from(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/v1/players"))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

crate::api_test!(
    cross_origin_callers_are_refused_by_default,
    |app| async move {
        let denied = preflight(&app, "https://elsewhere.example").await;
        assert_eq!(denied.status(), 400);
        assert!(
            denied
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
        // A simple request is answered (the browser withholds it from the page) without any grant.
        let simple = get_from(&app, "https://elsewhere.example").await;
        assert_eq!(simple.status(), 200);
        assert!(
            simple
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
    }
);

crate::api_test!(
    listed_origins_may_call_the_api_and_others_may_not,
    with | s | s.cors_origins = vec!["https://club.example".into()],
    |app| async move {
        let allowed = preflight(&app, "https://club.example").await;
        assert_eq!(allowed.status(), 200);
        assert_eq!(
            allowed.headers()["access-control-allow-origin"],
            "https://club.example"
        );
        let methods = allowed.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap();
        assert!(methods.contains("POST"), "{methods}");
        let headers = allowed.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        assert!(headers.contains("authorization"), "{headers}");
        let simple = get_from(&app, "https://club.example").await;
        assert_eq!(
            simple.headers()["access-control-allow-origin"],
            "https://club.example"
        );

        let denied = preflight(&app, "https://club.example.evil.test").await;
        assert!(
            denied
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
        let simple = get_from(&app, "http://club.example").await;
        assert!(
            simple
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
    }
);

async fn failed_login_via(app: &TestApp, forwarded_for: &str, username: &str) -> Reply {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": username, "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    Reply::read(response).await
}

crate::api_test!(
    forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy,
    with | s | s.rate_limits.sign_in_failures = Limit::new(2, 900),
    |app| async move {
        // Spoofing X-Forwarded-For does not buy a direct client fresh attempts.
        for (i, spoofed) in ["198.51.100.1", "198.51.100.2"].into_iter().enumerate() {
            let reply = failed_login_via(&app, spoofed, &format!("nobody{i}")).await;
            assert_eq!(reply.code(), "invalid_credentials");
        }
        let third = failed_login_via(&app, "198.51.100.3", "nobody3").await;
        assert_eq!((third.status, third.code()), (429, "rate_limited"));
    }
);

crate::api_test!(
    behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own,
    with | s | {
        s.rate_limits.sign_in_failures = Limit::new(2, 900);
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    },
    |app| async move {
        for i in 0..2 {
            let reply = failed_login_via(&app, "203.0.113.7", &format!("nobody{i}")).await;
            assert_eq!(reply.code(), "invalid_credentials");
        }
        let blocked = failed_login_via(&app, "203.0.113.7", "nobody2").await;
        assert_eq!((blocked.status, blocked.code()), (429, "rate_limited"));
        // Another client behind the same proxy is not blocked by its neighbour.
        let neighbour = failed_login_via(&app, "203.0.113.8", "nobody3").await;
        assert_eq!(
            (neighbour.status, neighbour.code()),
            (401, "invalid_credentials")
        );
        // A spoofed left part of the chain does not change who the proxy vouched for.
        let spoofed = failed_login_via(&app, "192.0.2.1, 203.0.113.7", "nobody4").await;
        assert_eq!((spoofed.status, spoofed.code()), (429, "rate_limited"));
    }
);

/// A `ttstats` process with `vars`; stdout and stderr go to `log`.
fn ttstats(args: &[&str], vars: &[(&str, &str)], log: &Path) -> Child {
    let file = std::fs::File::create(log).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ttstats"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("TTSTATS_JWT_SECRET")
        .env_remove("TTSTATS_ENV")
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file));
    for (name, value) in vars {
        command.env(name, value);
    }
    command.spawn().unwrap()
}

/// Waits for `child` and returns what it wrote.
fn finish(mut child: Child, log: &Path) -> String {
    child.wait().unwrap();
    std::fs::read_to_string(log).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_appear_in_no_log_line_even_at_debug_level() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let data = dir.path().display().to_string();
    let admin_password = "tidal-Lantern-4711";
    let password = "hunter-Quartz-2718";
    let vars = [
        ("TTSTATS_DATA_DIR", data.as_str()),
        ("TTSTATS_BIND", bind.as_str()),
        ("TTSTATS_LOG_FORMAT", "json"),
        ("RUST_LOG", "debug"),
        ("TTSTATS_NEW_PASSWORD", admin_password),
    ];
    let log = dir.path().join("ttstats.log");
    let created = finish(
        ttstats(
            &[
                "user",
                "create",
                "--username",
                "operator",
                "--email",
                "operator@example.test",
                "--verified",
            ],
            &vars,
            &log,
        ),
        &log,
    );
    assert!(created.contains("created user operator"), "{created}");
    let mut server = ttstats(&["serve"], &vars, &log);
    let base = format!("http://{bind}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let post = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{base}/api/v1{path}"))
            .json(&body)
            .send()
    };
    let registered = post(
        "/auth/register",
        json!({"username": "ada", "email": "ada@example.test", "password": password}),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), 201);
    for (login, secret) in [
        ("ada", password),
        ("operator", admin_password),
        ("operator", password),
    ] {
        let _ = post(
            "/auth/login",
            json!({"username": login, "password": secret}),
        )
        .await;
    }
    let _ = post(
        "/auth/register",
        json!({"username": "bob", "email": "bad", "password": password}),
    )
    .await;
    let _ = post(
        "/auth/login",
        json!({"username": "ada", "password": [password]}),
    )
    .await;
    server.kill().unwrap();
    let log = finish(server, &log);
    assert!(
        log.contains("/api/v1/auth/login"),
        "the requests were logged: {log}"
    );
    assert!(!log.contains(password), "{log}");
    assert!(!log.contains(admin_password), "{log}");
    assert!(!log.contains("$argon2"), "{log}");
}

#[test]
fn production_mode_refuses_to_start_with_a_default_secret_or_an_open_redis() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let strong = "8f3c1e9a7b2d4f6081a3c5e7f9b1d3a5";
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[], "TTSTATS_JWT_SECRET"),
        (&[("TTSTATS_JWT_SECRET", "change-me")], "TTSTATS_JWT_SECRET"),
        (
            &[
                ("TTSTATS_JWT_SECRET", strong),
                ("REDIS_URL", "redis://127.0.0.1:6379"),
            ],
            "REDIS_URL",
        ),
    ];
    for (extra, named) in cases {
        let mut vars = vec![
            ("TTSTATS_ENV", "production"),
            ("TTSTATS_DATA_DIR", data.as_str()),
            ("TTSTATS_BIND", "127.0.0.1:0"),
        ];
        vars.extend_from_slice(extra);
        let log = dir.path().join("refusal.log");
        let mut child = ttstats(&["serve"], &vars, &log);
        let status = child.wait().unwrap();
        assert!(!status.success(), "{extra:?}");
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains(named), "{extra:?}: {text}");
    }
}
