#![allow(dead_code, reason = "helpers shared by the feature test files")]

use serde::Serialize;
use serde::de::DeserializeOwned;
use ttstats_api::config::Settings;
use ttstats_api::startup::Application;
use ttstats_api::state::AppState;
use ttstats_persistence::Backend;
use ttstats_persistence::testing::TestDb;

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
