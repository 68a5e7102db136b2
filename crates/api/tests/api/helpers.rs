use std::collections::BTreeMap;

use chrono::Utc;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::json;
use ttstats_api::cli::{self, CreateUser};
use ttstats_api::config::Settings;
use ttstats_api::startup::Application;
use ttstats_api::state::AppState;
use ttstats_domain::PlayerId;
use ttstats_domain::elo::PlayerAggregates;
use ttstats_persistence::outbox;
use ttstats_persistence::players::{self, NewPlayer};
use ttstats_persistence::testing::TestDb;
use ttstats_persistence::users::{self, NewUser};
use ttstats_persistence::{Backend, to_db};

/// Three games won by side 1: a complete best-of-5 win.
pub const WIN_3_0: &[(i64, i64)] = &[(11, 5), (11, 7), (11, 9)];

/// The games of `scores` as the request's JSON list.
pub fn games(scores: &[(i64, i64)]) -> Value {
    scores
        .iter()
        .map(|(a, b)| json!({"side1_points": a, "side2_points": b}))
        .collect()
}

/// The password of every account the helpers create: valid under the policy and unlike the
/// usernames tests use.
pub const PASSWORD: &str = "tidal-quartz-92";

/// A running application on a fresh database, spoken to over real HTTP.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// `None` on a second instance, which shares the first one's database.
    _db: Option<TestDb>,
    _data_dir: tempfile::TempDir,
}

/// Starts the application on an ephemeral port on a fresh database of `backend`;
/// `None` when PostgreSQL is not configured locally (skipped with a warning).
pub async fn spawn_app_on(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// Like [`spawn_app_on`], with settings adjusted first (e.g. the real rate limits:
/// `Settings::for_tests` raises the per-address ones so tests can register many users).
pub async fn spawn_app_with(
    backend: Backend,
    adjust: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let db = TestDb::new(backend).await?;
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        database_url: db.url.clone(),
        ..Settings::for_tests(data_dir.path())
    };
    adjust(&mut settings);
    let app = Application::build(&settings).await.unwrap();
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        state,
        _db: Some(db),
        _data_dir: data_dir,
    })
}

/// The shared test Redis (`TEST_REDIS_URL`, from `scripts/services.sh`). Locally a missing one
/// is `None` (with a warning); with `CI=true` it fails the test.
pub fn test_redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "TEST_REDIS_URL is required with CI=true (run `eval \"$(scripts/services.sh start)\"`)"
            );
            eprintln!(
                "warning: TEST_REDIS_URL not set; this test runs with the in-process cache only"
            );
            None
        }
    }
}

/// Points the cache at the test Redis under a key prefix no other test uses (so tests share
/// one Redis without seeing each other's values or invalidations). Without `TEST_REDIS_URL`
/// locally the app keeps its L1-only cache.
pub fn use_test_redis(settings: &mut Settings) {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    settings.redis_url = test_redis_url();
    settings.cache_prefix = format!(
        "t{}x{}x{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        Utc::now().timestamp_micros()
    );
}

/// Starts the application on SQLite.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await.unwrap()
}

/// Declares one black-box test per backend: `api_test!(name, |app| async move { … });`, or
/// with adjusted settings: `api_test!(name, with |s| s.rate_limits = …, |app| async move { … });`
#[macro_export]
macro_rules! api_test {
    ($name:ident, |$app:ident| $body:expr) => {
        $crate::api_test!($name, with | _settings | (), |$app| $body);
    };
    ($name:ident, with |$settings:ident| $adjust:expr, |$app:ident| $body:expr) => {
        mod $name {
            #[expect(
                clippy::allow_attributes,
                reason = "the glob import is unused in bodies that need nothing from the file"
            )]
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::helpers::spawn_app_with(
                    ttstats_persistence::Backend::Sqlite,
                    |$settings: &mut ttstats_api::config::Settings| {
                        $adjust;
                    },
                )
                .await
                .unwrap();
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) = $crate::helpers::spawn_app_with(
                    ttstats_persistence::Backend::Postgres,
                    |$settings: &mut ttstats_api::config::Settings| {
                        $adjust;
                    },
                )
                .await
                else {
                    return;
                };
                $body.await;
            }
        }
    };
}

/// A response read as status + JSON body.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: serde_json::Value,
}

impl Reply {
    /// Reads a response: status, headers and the JSON body (`null` when it is not JSON).
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// The body as a typed DTO.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone()).unwrap()
    }

    /// The problem+json `code`.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

impl TestApp {
    /// A second application instance on this one's database, Redis and key prefix, with its
    /// own in-process cache and the same token secret: two API servers behind one balancer.
    pub async fn second_instance(&self) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            jwt_secret: Some(self.state.settings.jwt_secret().unwrap()),
            data_dir: data_dir.path().to_owned(),
            ..self.state.settings.clone()
        };
        let app = Application::build(&settings).await.unwrap();
        let address = format!("http://{}", app.address());
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::new(),
            state,
            _db: None,
            _data_dir: data_dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&impl Serialize>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::read(request.send().await.unwrap()).await
    }
}

impl TestApp {
    /// A user (active; `verified`: e-mail verified; `admin`) with a player named `name`,
    /// inserted directly; returns an access token and the player id.
    pub async fn user(&self, name: &str, verified: bool, admin: bool) -> (String, i64) {
        let (user_id, player_id) = self.insert_user(name, verified, admin, true).await;
        (self.token(user_id), player_id.unwrap())
    }

    /// A verified user without a player; returns an access token and the user id.
    pub async fn user_without_player(&self, name: &str, admin: bool) -> (String, i64) {
        let (user_id, _) = self.insert_user(name, true, admin, false).await;
        (self.token(user_id), user_id)
    }

    fn token(&self, user_id: i64) -> String {
        self.state.jwt.issue(user_id, Utc::now()).unwrap()
    }

    async fn insert_user(
        &self,
        name: &str,
        verified: bool,
        admin: bool,
        with_player: bool,
    ) -> (i64, Option<i64>) {
        let now = to_db(Utc::now());
        self.state
            .db
            .transaction(async |conn| {
                let user = users::insert_user(
                    conn,
                    &NewUser {
                        username: name,
                        email: &format!("{name}@example.test"),
                        password_hash: "not-a-hash",
                        is_admin: admin,
                        is_active: true,
                        email_verified_at: verified.then_some(now),
                        created_at: now,
                    },
                )
                .await?;
                let player = if with_player {
                    let new = NewPlayer {
                        created_by_user_id: Some(user.0),
                        ..new_player(name, Some(user.0))
                    };
                    Some(players::insert_player(conn, &new).await?.0)
                } else {
                    None
                };
                Ok((user.0, player))
            })
            .await
            .unwrap()
    }

    /// Records singles `a` vs `b` with `scores` as `token`; returns the new match's id.
    pub async fn singles(&self, token: &str, a: i64, b: i64, scores: &[(i64, i64)]) -> i64 {
        let reply = self
            .post_as(
                "/api/v1/matches",
                Some(token),
                &json!({"side1": [a], "side2": [b], "games": games(scores)}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_i64().unwrap()
    }

    /// A guest player (no account); returns its id.
    pub async fn guest(&self, name: &str) -> i64 {
        self.state
            .db
            .transaction(async |conn| players::insert_player(conn, &new_player(name, None)).await)
            .await
            .unwrap()
            .0
    }

    /// Sets a player's rating and experience (as if earlier matches had been rated).
    pub async fn set_rating(&self, player: i64, rating: i32, rated_matches: u32) {
        let aggregates = BTreeMap::from([(
            PlayerId(player),
            PlayerAggregates {
                rating,
                peak_rating: rating.max(1500),
                rated_matches,
                ..PlayerAggregates::default()
            },
        )]);
        self.state
            .db
            .transaction(async |conn| players::write_aggregates(conn, &aggregates).await)
            .await
            .unwrap();
    }

    pub async fn get_as(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None::<&Value>).await
    }

    pub async fn post_as(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch_as(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn put_as(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete_as(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::DELETE, path, token, None::<&Value>).await
    }

    /// Sends `body` as-is with a JSON content type.
    pub async fn send_raw(&self, method: Method, path: &str, token: &str, body: String) -> Reply {
        let response = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        Reply::read(response).await
    }
}

impl TestApp {
    /// Registers `username` (e-mail `{username}@example.test`, password [`PASSWORD`]).
    pub async fn register(&self, username: &str) -> Reply {
        let body = json!({
            "username": username,
            "email": format!("{username}@example.test"),
            "password": PASSWORD,
        });
        self.post_as("/api/v1/auth/register", None, &body).await
    }

    /// The token of the newest verification link queued for `email`, read from the outbox.
    pub async fn verification_token(&self, email: &str) -> Option<String> {
        let (rows, _) = self
            .state
            .db
            .run(async |conn| outbox::list_outbox(conn, 0, 100).await)
            .await
            .unwrap();
        let row = rows
            .iter()
            .find(|r| r.kind == "verify_email" && r.to_address == email)?;
        let (_, rest) = row.body_text.split_once("/verify-email/")?;
        Some(rest.split_whitespace().next()?.to_owned())
    }

    /// Signs in; the token pair's body (`access_token`, `refresh_token`, …).
    pub async fn login(&self, username: &str, password: &str) -> Reply {
        let body = json!({"username": username, "password": password});
        self.post_as("/api/v1/auth/login", None, &body).await
    }
}

/// Registers `username`, follows the verification link from the outbox (which signs in) and
/// returns the access token and the player id: a verified player ready to record matches.
pub async fn register_verified(app: &TestApp, username: &str) -> (String, i64) {
    let registered = app.register(username).await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let player_id = registered.body["player"]["id"].as_i64().unwrap();
    let email = format!("{username}@example.test");
    let token = app.verification_token(&email).await.unwrap();
    let verified = app
        .post_as(
            "/api/v1/auth/verify-email",
            None,
            &json!({ "token": token }),
        )
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let access = verified.body["tokens"]["access_token"].as_str().unwrap();
    (access.to_owned(), player_id)
}

/// Creates the verified administrator `admin` (with a player) the way `ttstats user create
/// --admin --verified` does, signs in and returns the access token.
pub async fn admin_token(app: &TestApp) -> String {
    let args = CreateUser {
        username: "admin".into(),
        email: "admin@example.test".into(),
        password: PASSWORD.into(),
        admin: true,
        verified: true,
        player_name: Some("Club Admin".into()),
    };
    cli::create_user(&app.state.settings, &args).await.unwrap();
    let reply = app.login("admin", PASSWORD).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["access_token"].as_str().unwrap().to_owned()
}

/// A player row named `name` linked to `user_id`, created now.
fn new_player(name: &str, user_id: Option<i64>) -> NewPlayer<'_> {
    let now = to_db(Utc::now());
    NewPlayer {
        user_id,
        name,
        nickname: "",
        playing_style: "normal",
        notes: "",
        created_by_user_id: None,
        created_at: now,
        updated_at: now,
    }
}
