use std::collections::BTreeMap;

use chrono::Utc;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ttstats_api::config::Settings;
use ttstats_api::startup::Application;
use ttstats_api::state::AppState;
use ttstats_domain::PlayerId;
use ttstats_domain::elo::PlayerAggregates;
use ttstats_persistence::players::{self, NewPlayer};
use ttstats_persistence::testing::TestDb;
use ttstats_persistence::users::{self, NewUser};
use ttstats_persistence::{Backend, to_db};

/// A running application on a fresh database, spoken to over real HTTP.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _db: TestDb,
    _data_dir: tempfile::TempDir,
}

/// Starts the application on an ephemeral port on a fresh database of `backend`;
/// `None` when PostgreSQL is not configured locally (skipped with a warning).
pub async fn spawn_app_on(backend: Backend) -> Option<TestApp> {
    let db = TestDb::new(backend).await?;
    let data_dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        database_url: db.url.clone(),
        ..Settings::for_tests(data_dir.path())
    };
    let app = Application::build(&settings).await.unwrap();
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        state,
        _db: db,
        _data_dir: data_dir,
    })
}

/// Starts the application on SQLite.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await.unwrap()
}

/// Declares one black-box test per backend: `api_test!(name, |app| async move { … });`
#[macro_export]
macro_rules! api_test {
    ($name:ident, |$app:ident| $body:expr) => {
        #[expect(
            clippy::allow_attributes,
            reason = "whether a test body uses its module's items varies, so `expect` cannot work"
        )]
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::helpers::spawn_app_on(ttstats_persistence::Backend::Sqlite)
                    .await
                    .unwrap();
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) =
                    $crate::helpers::spawn_app_on(ttstats_persistence::Backend::Postgres).await
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
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Reply {
            status,
            headers,
            body,
        }
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
                        user_id: Some(user.0),
                        name,
                        nickname: "",
                        playing_style: "normal",
                        notes: "",
                        created_by_user_id: Some(user.0),
                        created_at: now,
                        updated_at: now,
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
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }
}
