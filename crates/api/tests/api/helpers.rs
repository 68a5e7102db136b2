use ttstats_api::config::Settings;
use ttstats_api::startup::Application;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    _data_dir: tempfile::TempDir,
}

/// Starts the application on an ephemeral port with a fresh data directory.
pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let app = Application::build(&Settings::for_tests(data_dir.path())).unwrap();
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        _data_dir: data_dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }
}
