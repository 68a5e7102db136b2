//! Process plumbing of the system tests: throwaway Redis and PostgreSQL servers and real
//! `ttstats` processes on free loopback ports in a temporary directory, each of which a test
//! can kill, hang (SIGSTOP) and restart. Everything is bounded in time; every process is
//! killed when its handle drops.

use std::fs::File;
use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The JWT secret every instance of one deployment shares.
pub const JWT_SECRET: &str = "system-tests-0123456789abcdef0123456789";
/// The password of every account the tests create.
pub const PASSWORD: &str = "tidal-quartz-92";
/// How long any single HTTP request may take before the test calls it a hang.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// `CI=true` turns a missing server binary into a failure instead of a skip.
fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The path of `binary` (on `PATH` or in `/usr/local/bin`), or `None` after printing why the
/// calling test is skipped; with `CI=true` a missing binary fails the test.
pub fn require(binary: &str, test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/local/bin")])
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file());
    if found.is_none() {
        assert!(!ci(), "{binary} is required with CI=true ({test})");
        eprintln!("SKIPPED {test}: {binary} not found");
    }
    found
}

/// A free loopback port (bound and released; the server binds it right after).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Sends `signal` (`STOP`, `CONT`, `TERM`, `KILL`) to `pid`.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Polls `check` every 50 ms until it returns `Some`, failing after `limit`.
pub async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn log_file(dir: &Path, name: &str) -> (File, File) {
    let file = File::options()
        .create(true)
        .append(true)
        .open(dir.join(name))
        .unwrap();
    (file.try_clone().unwrap(), file)
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// A `redis-server` in the foreground, without persistence.
pub struct Redis {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts Redis in `dir`; `None` (skipped) when `redis-server` is missing.
    pub async fn start(dir: &Path, test: &str) -> Option<Self> {
        let binary = require("redis-server", test)?;
        let mut redis = Self {
            binary,
            dir: dir.to_owned(),
            port: free_port(),
            child: None,
        };
        redis.restart().await;
        Some(redis)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap()
    }

    /// Starts it again on the same port (after [`Redis::kill`]); empty, as after a crash
    /// without persistence.
    pub async fn restart(&mut self) {
        let (out, err) = log_file(&self.dir, "redis.log");
        let child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let port = self.port;
        wait_for(
            "Redis to answer PING",
            Duration::from_secs(10),
            || async move { redis_ping(port).await.then_some(()) },
        )
        .await;
    }

    /// SIGKILL, as a crash.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOP: Redis keeps its connections open but answers nothing (a hung server).
    pub fn hang(&self) {
        signal(self.pid(), "STOP");
    }

    /// SIGCONT after [`Redis::hang`].
    pub fn resume(&self) {
        signal(self.pid(), "CONT");
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn redis_ping(port: u16) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()?;
        stream.write_all(b"PING\r\n").await.ok()?;
        let mut reply = [0_u8; 7];
        stream.read_exact(&mut reply).await.ok()?;
        (&reply == b"+PONG\r\n").then_some(())
    };
    tokio::time::timeout(Duration::from_secs(1), attempt)
        .await
        .ok()
        .flatten()
        .is_some()
}

/// A PostgreSQL cluster of its own (initdb + pg_ctl), so a test can restart it.
pub struct Postgres {
    bin_dir: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Postgres {
    /// Creates and starts a cluster under `dir`; `None` (skipped) when the server binaries
    /// are missing.
    pub fn start(dir: &Path, test: &str) -> Option<Self> {
        let initdb = require("initdb", test)?;
        require("pg_ctl", test)?;
        let bin_dir = initdb.parent().unwrap().to_owned();
        let dir = dir.join("pg");
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            let (uid, gid) = postgres_ids();
            for path in [dir.parent().unwrap(), dir.as_path()] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
            }
        }
        let pg = Self {
            bin_dir,
            dir,
            port: free_port(),
        };
        let data = pg.data();
        let output = pg
            .command("initdb")
            .args(["-D", &data, "-U", "postgres", "--auth=trust", "--no-sync"])
            .output()
            .unwrap();
        assert!(output.status.success(), "initdb failed: {output:?}");
        pg.start_server();
        Some(pg)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin_dir.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.stdin(Stdio::null());
        command
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server (waits until it accepts connections).
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        let output = self
            .command("pg_ctl")
            .args([
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "-t",
                "30",
            ])
            .arg("start")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "pg_ctl start failed: {output:?}\n{}",
            tail(&self.dir.join("log"))
        );
    }

    /// Stops the server the way an operator's restart does (`-m fast`: sessions are
    /// terminated, transactions in progress roll back).
    pub fn stop_server(&self) {
        let output = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "fast", "-w", "-t", "30", "stop"])
            .output()
            .unwrap();
        assert!(output.status.success(), "pg_ctl stop failed: {output:?}");
    }

    /// Runs `sql` through `psql` and returns its unaligned output (callers check
    /// `require("psql", …)` first).
    pub fn psql(&self, sql: &str) -> String {
        let output = Command::new("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.url(),
            ])
            .args(["-c", sql])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(output.status.success(), "psql failed: {output:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// An interactive `psql` session (stdin piped) for holding locks.
    pub fn session(&self) -> Child {
        Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.url()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let output = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "running as root needs a `postgres` user (scripts/services.sh creates it)"
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    (id("-u"), id("-g"))
}

/// What one `ttstats` deployment shares: database, Redis and secret. Each instance gets its
/// own port and log file in `dir`.
#[derive(Clone)]
pub struct Deployment {
    pub dir: PathBuf,
    pub database_url: String,
    pub redis_url: Option<String>,
    /// Extra variables (pool size, timeouts).
    pub extra: Vec<(String, String)>,
}

impl Deployment {
    /// A deployment on `database_url` (SQLite when it is `None`: a file in `dir`).
    pub fn new(dir: &Path, database_url: Option<String>, redis_url: Option<String>) -> Self {
        let database_url = database_url
            .unwrap_or_else(|| format!("sqlite://{}", dir.join("ttstats.db").display()));
        Self {
            dir: dir.to_owned(),
            database_url,
            redis_url,
            extra: Vec::new(),
        }
    }

    /// Adds a variable to every instance and command.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("TTSTATS_DATA_DIR".into(), self.dir.display().to_string()),
            ("DATABASE_URL".into(), self.database_url.clone()),
            ("TTSTATS_JWT_SECRET".into(), JWT_SECRET.into()),
            (
                "TTSTATS_STATIC_DIR".into(),
                self.dir.join("no-spa").display().to_string(),
            ),
            ("TTSTATS_SIGN_IN_LIMIT".into(), "1000/60".into()),
            ("TTSTATS_REGISTER_LIMIT".into(), "1000/60".into()),
            ("RUST_LOG".into(), "warn,ttstats_cache=info".into()),
        ];
        if let Some(url) = &self.redis_url {
            env.push(("REDIS_URL".into(), url.clone()));
        }
        env.extend(self.extra.iter().cloned());
        env
    }

    /// Runs `ttstats ARGS` to completion (bounded) with the deployment's environment.
    pub fn command(&self, args: &[&str]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ttstats"))
            .args(args)
            .env_clear()
            .envs(self.env())
            .env("TTSTATS_NEW_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_mins(1) {
                let _ = child.kill();
                panic!("ttstats {args:?} did not finish within 60 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    }

    /// `ttstats user create --verified [--admin]` (the operator's bootstrap); the player id.
    pub fn create_user(&self, name: &str, admin: bool) -> i64 {
        let email = format!("{name}@example.test");
        let mut args = vec![
            "user",
            "create",
            "--username",
            name,
            "--email",
            &email,
            "--verified",
        ];
        if admin {
            args.push("--admin");
        }
        let output = self.command(&args);
        assert!(output.status.success(), "user create failed: {output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        let (_, player) = text.trim().rsplit_once("player id ").unwrap();
        player.parse().unwrap()
    }

    /// `ttstats check`: `true` when it reports no drift (exit status 0).
    pub fn check_reports_no_drift(&self) -> (bool, String) {
        let output = self.command(&["check"]);
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), report)
    }

    /// Starts `ttstats serve` on a free port and waits for `/readyz` 200.
    pub async fn serve(&self, name: &str) -> Instance {
        let mut instance = Instance {
            name: name.to_owned(),
            deployment: self.clone(),
            port: free_port(),
            child: None,
            api: Api::new(""),
        };
        instance.api = Api::new(&format!("http://127.0.0.1:{}", instance.port));
        instance.start().await;
        instance
    }
}

/// One `ttstats serve` process.
pub struct Instance {
    pub name: String,
    deployment: Deployment,
    port: u16,
    child: Option<Child>,
    pub api: Api,
}

impl Instance {
    fn log(&self) -> PathBuf {
        self.deployment.dir.join(format!("{}.log", self.name))
    }

    /// (Re)starts the process on its port and waits until it is ready.
    pub async fn start(&mut self) {
        let (out, err) = log_file(&self.deployment.dir, &format!("{}.log", self.name));
        let child = Command::new(env!("CARGO_BIN_EXE_ttstats"))
            .args(["serve", "--bind", &format!("127.0.0.1:{}", self.port)])
            .env_clear()
            .envs(self.deployment.env())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "{} exited during start-up ({status}):\n{}",
                    self.name,
                    tail(&self.log())
                );
            }
            if self.api.get("/readyz").await.is_ok_and(|r| r.status == 200) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{} not ready within 30 s:\n{}",
                self.name,
                tail(&self.log())
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap()
    }

    /// SIGKILL and reap.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        signal(self.pid(), "TERM");
    }

    /// Waits (bounded) for the process to exit.
    pub async fn exited(&mut self, limit: Duration) -> ExitStatus {
        let child = self.child.as_mut().unwrap();
        let status = wait_for("the server to exit", limit, || {
            let status = child.try_wait().unwrap();
            async move { status }
        })
        .await;
        self.child = None;
        status
    }

    /// The last log lines (for failure messages).
    pub fn log_tail(&self) -> String {
        tail(&self.log())
    }

    /// Cache statistics (`GET /api/v1/admin/cache/stats`).
    pub async fn cache_stats(&self, admin: &str) -> Value {
        let reply = self
            .api
            .call("GET", "/api/v1/admin/cache/stats", Some(admin), None)
            .await
            .unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body
    }

    /// Waits until both Redis and the invalidation subscriber are connected.
    pub async fn wait_for_redis(&self, admin: &str) {
        wait_for(
            &format!("{} to reconnect to Redis", self.name),
            Duration::from_secs(20),
            || async {
                let stats = self.cache_stats(admin).await;
                let l2 = &stats["l2"];
                (l2["connected"] == true
                    && l2["subscriber_connected"] == true
                    && l2["pending_invalidations"] == false)
                    .then_some(())
            },
        )
        .await;
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A response: status, headers, JSON body (`Null` when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// An HTTP client of one instance, every request bounded by [`REQUEST_TIMEOUT`].
#[derive(Clone)]
pub struct Api {
    pub base: String,
    client: reqwest::Client,
}

impl Api {
    fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()
                .unwrap(),
        }
    }

    /// Sends a request; `Err` on a transport failure (refused, reset, timed out).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, reqwest::Error> {
        self.call_with(method, path, token, body, &[]).await
    }

    /// [`Api::call`] with extra headers.
    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<Reply, reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await?;
        Ok(Reply {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        })
    }

    /// `GET path` without a token.
    pub async fn get(&self, path: &str) -> Result<Reply, reqwest::Error> {
        self.call("GET", path, None, None).await
    }

    /// Signs in and returns the access token.
    pub async fn login(&self, username: &str) -> String {
        let body = serde_json::json!({"username": username, "password": PASSWORD});
        let reply = self
            .call("POST", "/api/v1/auth/login", None, Some(&body))
            .await
            .unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }
}
