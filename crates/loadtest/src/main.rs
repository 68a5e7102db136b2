//! `ttstats-load`: the parts of `just bench` and `just soak` a plain HTTP load generator
//! (wrk) cannot do — cold misses (a cache clear before every request), the write path (a
//! match recorded and confirmed by two users, then the first read that must show it) under
//! concurrent statistics reads, and the soak with per-minute figures. Results are JSON on
//! stdout; progress goes to stderr.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[derive(Parser)]
#[command(
    name = "ttstats-load",
    about = "Load driver of `just bench` and `just soak`"
)]
struct Cli {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Latency of reads that miss both tiers: an admin clears the cache before each request.
    Cold {
        /// Admin account, `username:password`.
        #[arg(long)]
        admin: String,
        /// Account the reads are made as, `username:password` (anonymous without).
        #[arg(long)]
        reader: Option<String>,
        /// Requests per path.
        #[arg(long, default_value_t = 30)]
        repeat: usize,
        /// Paths to read (each with its own clear).
        #[arg(required = true)]
        paths: Vec<String>,
    },
    /// Reads every player's statistics and first history page once (fills the cache).
    Warm,
    /// Statistics reads by many clients, some of which record and confirm matches; every
    /// write is followed by a read that must show it (a stale read counts as an error).
    Mixed(MixedArgs),
}

#[derive(clap::Args)]
struct MixedArgs {
    /// Accounts with players, comma-separated; consecutive pairs play each other, so each
    /// pair's matches are recorded by one client only and their counts are predictable.
    #[arg(long, value_delimiter = ',', required = true)]
    users: Vec<String>,
    /// Password of every account in `--users`.
    #[arg(long, env = "TTSTATS_LOAD_PASSWORD")]
    password: String,
    /// Concurrent clients (the first `users/2` of them also write).
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Share of a writing client's operations that are writes (record + confirm).
    #[arg(long, default_value_t = 0.1)]
    write_share: f64,
    /// Total duration in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Report interval in seconds (the soak's "per minute").
    #[arg(long, default_value_t = 60)]
    interval: u64,
    /// Server process id, for its resident memory at each interval.
    #[arg(long)]
    pid: Option<u32>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(256)
        .build()?;
    let api = Api {
        client,
        base: cli.base.trim_end_matches('/').to_owned(),
    };
    let result = match cli.command {
        Command::Cold {
            admin,
            reader,
            repeat,
            paths,
        } => cold(&api, &admin, reader.as_deref(), repeat, &paths).await?,
        Command::Warm => warm(&api).await?,
        Command::Mixed(args) => mixed(api, args).await?,
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &result)?;
    writeln!(out)?;
    Ok(())
}

#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
}

/// One request's outcome: status, `X-Cache`, body.
struct Reply {
    status: u16,
    x_cache: Option<String>,
    body: Value,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<Reply> {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let x_cache = response
            .headers()
            .get("x-cache")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            x_cache,
            body,
        })
    }

    async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Reply> {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Reply> {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    async fn login(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let reply = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"username": username, "password": password}),
            )
            .await?;
        match reply.body["access_token"].as_str() {
            Some(token) if reply.status == 200 => Ok(token.to_owned()),
            _ => bail!(
                "login of {username} failed: {} {}",
                reply.status,
                reply.body
            ),
        }
    }

    /// Ids of the players on the default leaderboard (everyone with a confirmed match).
    async fn ranked_players(&self) -> anyhow::Result<Vec<i64>> {
        let reply = self.get("/api/v1/leaderboard?limit=1000", None).await?;
        let ids: Vec<i64> = reply.body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["player"]["id"].as_i64())
                    .collect()
            })
            .unwrap_or_default();
        if ids.len() < 2 {
            bail!("the leaderboard lists fewer than two players: seed the database first");
        }
        Ok(ids)
    }
}

/// p50/p99/max/mean in milliseconds of a set of durations.
fn summary(samples: &mut [Duration]) -> Value {
    if samples.is_empty() {
        return json!({"n": 0});
    }
    samples.sort_unstable();
    let ms = |d: Duration| (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
    let at =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    json!({
        "n": samples.len(),
        "p50_ms": ms(at(0.50)),
        "p99_ms": ms(at(0.99)),
        "max_ms": ms(samples[samples.len() - 1]),
        "mean_ms": ms(mean),
    })
}

async fn cold(
    api: &Api,
    admin: &str,
    reader: Option<&str>,
    repeat: usize,
    paths: &[String],
) -> anyhow::Result<Value> {
    let login = async |account: &str| {
        let (username, password) = account
            .split_once(':')
            .context("an account is username:password")?;
        api.login(username, password).await
    };
    let token = login(admin).await?;
    let reader = match reader {
        Some(account) => Some(login(account).await?),
        None => None,
    };
    let mut cases = Vec::new();
    for path in paths {
        let mut samples = Vec::with_capacity(repeat);
        let mut sources: BTreeMap<String, usize> = BTreeMap::new();
        for _ in 0..repeat {
            let cleared = api
                .post("/api/v1/admin/cache/clear", Some(&token), &json!({}))
                .await?;
            if !(200..300).contains(&cleared.status) {
                bail!("cache clear answered {}: {}", cleared.status, cleared.body);
            }
            let started = Instant::now();
            let reply = api.get(path, reader.as_deref()).await?;
            samples.push(started.elapsed());
            if reply.status != 200 {
                bail!("GET {path} answered {}", reply.status);
            }
            *sources
                .entry(reply.x_cache.unwrap_or_else(|| "none".into()))
                .or_default() += 1;
        }
        eprintln!("cold {path}: {repeat} reads");
        cases.push(json!({"path": path, "latency": summary(&mut samples), "x_cache": sources}));
    }
    Ok(json!({"cold": cases}))
}

async fn warm(api: &Api) -> anyhow::Result<Value> {
    let players = api.ranked_players().await?;
    let started = Instant::now();
    let mut errors = 0;
    for id in &players {
        for path in [
            format!("/api/v1/players/{id}/stats"),
            format!("/api/v1/players/{id}/matches"),
        ] {
            if api.get(&path, None).await?.status != 200 {
                errors += 1;
            }
        }
    }
    Ok(json!({
        "players": players.len(),
        "requests": players.len() * 2,
        "errors": errors,
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

/// What one client saw, per operation, in the current interval.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    requests: u64,
    reads: u64,
    writes: u64,
    errors: u64,
    stale: u64,
    first_errors: Vec<String>,
}

impl Tally {
    fn record(&mut self, op: &'static str, took: Duration) {
        self.latencies.entry(op).or_default().push(took);
    }

    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_errors.len() < 5 {
            self.first_errors.push(what);
        }
    }

    fn absorb(&mut self, other: Tally) {
        for (op, mut samples) in other.latencies {
            self.latencies.entry(op).or_default().append(&mut samples);
        }
        self.requests += other.requests;
        self.reads += other.reads;
        self.writes += other.writes;
        self.errors += other.errors;
        self.stale += other.stale;
        for e in other.first_errors {
            if self.first_errors.len() < 5 {
                self.first_errors.push(e);
            }
        }
    }
}

/// A writing client's two accounts: `a` records, `b` confirms.
struct Pair {
    a_token: String,
    a_player: i64,
    b_token: String,
    b_player: i64,
    /// `total_matches` of `a` the next fresh read must show.
    expected: Option<i64>,
}

async fn mixed(api: Api, args: MixedArgs) -> anyhow::Result<Value> {
    if args.users.len() < 2 {
        bail!("--users needs at least two accounts");
    }
    let mut tokens = Vec::new();
    let mut players = Vec::new();
    for user in &args.users {
        let token = api.login(user, &args.password).await?;
        let me = api.get("/api/v1/me", Some(&token)).await?;
        let player = me.body["player"]["id"]
            .as_i64()
            .with_context(|| format!("{user} has no player"))?;
        tokens.push(token);
        players.push(player);
    }
    let ranked = Arc::new(api.ranked_players().await?);
    let tokens = Arc::new(tokens);
    let shared = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let pair = (client < players.len() / 2).then(|| Pair {
            a_token: tokens[2 * client].clone(),
            a_player: players[2 * client],
            b_token: tokens[2 * client + 1].clone(),
            b_player: players[2 * client + 1],
            expected: None,
        });
        let (api, ranked, tokens, shared, stop) = (
            api.clone(),
            ranked.clone(),
            tokens.clone(),
            shared.clone(),
            stop.clone(),
        );
        let write_share = args.write_share;
        tasks.push(tokio::spawn(async move {
            client_loop(
                &api,
                client,
                pair,
                &ranked,
                &tokens,
                write_share,
                &shared,
                &stop,
            )
            .await;
        }));
    }

    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut intervals = Vec::new();
    let mut total = Tally::default();
    while Instant::now() < deadline {
        let next = (Instant::now() + Duration::from_secs(args.interval)).min(deadline);
        tokio::time::sleep_until(next.into()).await;
        let tally = std::mem::take(&mut *shared.lock().await);
        let line = interval_line(&tally, started.elapsed(), args.pid);
        eprintln!("{}", line["text"].as_str().unwrap_or_default());
        intervals.push(line);
        total.absorb(tally);
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    total.absorb(std::mem::take(&mut *shared.lock().await));
    let seconds = started.elapsed().as_secs_f64();
    let mut ops = serde_json::Map::new();
    for (op, samples) in &mut total.latencies {
        ops.insert((*op).to_owned(), summary(samples));
    }
    Ok(json!({
        "seconds": seconds,
        "clients": args.clients,
        "writers": (players.len() / 2).min(args.clients),
        "requests": total.requests,
        "requests_per_second": total.requests as f64 / seconds,
        "reads": total.reads,
        "writes": total.writes,
        "errors": total.errors,
        "stale_reads": total.stale,
        "first_errors": total.first_errors,
        "ops": ops,
        "intervals": intervals,
        "rss_kib": args.pid.and_then(rss_kib),
    }))
}

fn interval_line(tally: &Tally, elapsed: Duration, pid: Option<u32>) -> Value {
    let mut reads: Vec<Duration> = tally
        .latencies
        .iter()
        .filter(|(op, _)| op.starts_with("read"))
        .flat_map(|(_, s)| s.iter().copied())
        .collect();
    let mut writes: Vec<Duration> = tally
        .latencies
        .get("write_to_fresh_read")
        .cloned()
        .unwrap_or_default();
    let reads = summary(&mut reads);
    let writes = summary(&mut writes);
    let rss = pid.and_then(rss_kib);
    let text = format!(
        "t={:>4.0}s requests={} reads p50={}ms p99={}ms | write→fresh p50={}ms p99={}ms | errors={} stale={} | rss={}",
        elapsed.as_secs_f64(),
        tally.requests,
        reads["p50_ms"],
        reads["p99_ms"],
        writes["p50_ms"],
        writes["p99_ms"],
        tally.errors,
        tally.stale,
        rss.map_or_else(|| "-".to_owned(), |kib| format!("{} MiB", kib / 1024)),
    );
    json!({
        "t_seconds": elapsed.as_secs_f64(),
        "requests": tally.requests,
        "reads": reads,
        "write_to_fresh_read": writes,
        "errors": tally.errors,
        "stale_reads": tally.stale,
        "rss_kib": rss,
        "text": text,
    })
}

/// Resident memory of a process, from `/proc/{pid}/status`.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[expect(clippy::too_many_arguments, reason = "one client's whole context")]
async fn client_loop(
    api: &Api,
    client: usize,
    mut pair: Option<Pair>,
    ranked: &[i64],
    tokens: &[String],
    write_share: f64,
    shared: &Mutex<Tally>,
    stop: &AtomicBool,
) {
    let token = &tokens[client % tokens.len()];
    let mut tally = Tally::default();
    let mut last_flush = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let write = pair.is_some() && rand::rng().random_bool(write_share.clamp(0.0, 1.0));
        match (&mut pair, write) {
            (Some(pair), true) => write_once(api, pair, &mut tally).await,
            _ => read_once(api, ranked, token, &mut tally).await,
        }
        if last_flush.elapsed() > Duration::from_millis(500) {
            shared.lock().await.absorb(std::mem::take(&mut tally));
            last_flush = Instant::now();
        }
    }
    shared.lock().await.absorb(tally);
}

/// One statistics read, chosen like a club's traffic: mostly player pages and leaderboards.
async fn read_once(api: &Api, ranked: &[i64], token: &str, tally: &mut Tally) {
    let (op, path, auth): (&'static str, String, bool) = {
        let mut rng = rand::rng();
        let a = *ranked.choose(&mut rng).unwrap_or(&1);
        let b = *ranked.choose(&mut rng).unwrap_or(&2);
        match rng.random_range(0..10) {
            0 => ("read_leaderboard", "/api/v1/leaderboard".into(), false),
            1 => (
                "read_leaderboard_filtered",
                "/api/v1/leaderboard?kind=singles&period=90d".into(),
                false,
            ),
            4 | 5 => (
                "read_player_history",
                format!("/api/v1/players/{a}/matches"),
                false,
            ),
            6 if a != b => (
                "read_head_to_head",
                format!("/api/v1/head-to-head?player1={a}&player2={b}"),
                false,
            ),
            7 => ("read_dashboard", "/api/v1/dashboard".into(), true),
            8 => ("read_badges", "/api/v1/me/badges".into(), true),
            _ => (
                "read_player_stats",
                format!("/api/v1/players/{a}/stats"),
                false,
            ),
        }
    };
    let started = Instant::now();
    let reply = api.get(&path, auth.then_some(token)).await;
    tally.requests += 1;
    tally.reads += 1;
    match reply {
        Ok(r) if r.status == 200 => tally.record(op, started.elapsed()),
        Ok(r) => tally.error(format!("GET {path}: {} {}", r.status, r.body)),
        Err(e) => tally.error(format!("GET {path}: {e}")),
    }
}

/// Records a match between the pair, confirms it as the opponent, then reads the recorder's
/// statistics, which must count it: the latency from the first request to that fresh read.
async fn write_once(api: &Api, pair: &mut Pair, tally: &mut Tally) {
    let stats_path = format!("/api/v1/players/{}/stats", pair.a_player);
    let expected = match pair.expected {
        Some(n) => n,
        None => match api.get(&stats_path, None).await {
            Ok(r) if r.status == 200 => {
                tally.requests += 1;
                r.body["total_matches"].as_i64().unwrap_or(0)
            }
            _ => {
                tally.error(format!("GET {stats_path} before the first write failed"));
                return;
            }
        },
    };
    let side1_wins = rand::rng().random_bool(0.5);
    let game = |won: bool| {
        if won {
            json!({"side1_points": 11, "side2_points": 7})
        } else {
            json!({"side1_points": 8, "side2_points": 11})
        }
    };
    let body = json!({
        "kind": "singles",
        "best_of": 3,
        "side1": [pair.a_player],
        "side2": [pair.b_player],
        "games": [game(side1_wins), game(side1_wins)],
    });
    let started = Instant::now();
    tally.requests += 1;
    tally.writes += 1;
    let created = match api
        .post("/api/v1/matches", Some(&pair.a_token), &body)
        .await
    {
        Ok(r) if r.status == 201 => r,
        Ok(r) => return tally.error(format!("POST /matches: {} {}", r.status, r.body)),
        Err(e) => return tally.error(format!("POST /matches: {e}")),
    };
    tally.record("write_record", started.elapsed());
    let Some(id) = created.body["id"].as_i64() else {
        return tally.error("POST /matches answered no id".into());
    };
    // Both players are verified, so both confirm (DOMAIN.md §3.5); the second one confirms.
    let mut confirmed = None;
    for token in [&pair.a_token, &pair.b_token] {
        let confirm_started = Instant::now();
        tally.requests += 1;
        tally.writes += 1;
        match api
            .post(
                &format!("/api/v1/matches/{id}/confirm"),
                Some(token),
                &json!({}),
            )
            .await
        {
            Ok(r) if r.status == 200 => confirmed = Some(r),
            Ok(r) => return tally.error(format!("POST confirm: {} {}", r.status, r.body)),
            Err(e) => return tally.error(format!("POST confirm: {e}")),
        }
        tally.record("write_confirm", confirm_started.elapsed());
    }
    let Some(confirmed) = confirmed else { return };
    if confirmed.body["is_confirmed"] != json!(true) {
        return tally.error(format!("match {id} is not confirmed after both confirmed"));
    }
    let read_started = Instant::now();
    tally.requests += 1;
    tally.reads += 1;
    match api.get(&stats_path, None).await {
        Ok(r) if r.status == 200 => {
            tally.record("read_after_write", read_started.elapsed());
            tally.record("write_to_fresh_read", started.elapsed());
            let seen = r.body["total_matches"].as_i64().unwrap_or(-1);
            if seen == expected + 1 {
                pair.expected = Some(seen);
            } else {
                tally.stale += 1;
                tally.error(format!(
                    "stale read of {stats_path} ({}): total_matches {seen}, expected {}",
                    r.x_cache.unwrap_or_default(),
                    expected + 1
                ));
                pair.expected = None;
            }
        }
        Ok(r) => tally.error(format!("GET {stats_path}: {}", r.status)),
        Err(e) => tally.error(format!("GET {stats_path}: {e}")),
    }
}
