//! Operator commands behind the `ttstats` subcommands (plain functions so tests can call them).

use std::fmt::Write;

use anyhow::Context;
use chrono::Utc;
use ttstats_api_types::auth::{NewAccount, RegisterRequest};
use ttstats_cache::{Cache, CacheConfig, Family};
use ttstats_persistence::Db;
use ttstats_persistence::check::{self, DriftReport};
use ttstats_persistence::pool::PoolOptions;
use ttstats_persistence::ratings::{self, RecalcReport};
use ttstats_persistence::seed::{self, SeedReport};

use crate::config::Settings;
use crate::error::ApiError;
use crate::services::accounts::{self, AccountFlags};

/// `ttstats user create` arguments.
#[derive(Debug, clap::Args)]
pub struct CreateUser {
    /// Login name (3–150 letters, digits, @.+-_).
    #[arg(long)]
    pub username: String,
    /// E-mail address.
    #[arg(long)]
    pub email: String,
    /// Password (the normal policy applies).
    #[arg(long, env = "TTSTATS_NEW_PASSWORD")]
    pub password: String,
    /// Grant administrator rights.
    #[arg(long)]
    pub admin: bool,
    /// Mark the e-mail address verified.
    #[arg(long)]
    pub verified: bool,
    /// Player name (defaults to the username).
    #[arg(long)]
    pub player_name: Option<String>,
}

async fn open(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database_url, &PoolOptions::default())
        .await
        .with_context(|| format!("cannot open {}", settings.redacted_database_url()))?;
    db.migrate().await.context("migrations failed")?;
    Ok(db)
}

/// Applies pending migrations.
pub async fn migrate(settings: &Settings) -> anyhow::Result<Vec<String>> {
    let db = Db::connect(&settings.database_url, &PoolOptions::default())
        .await
        .with_context(|| format!("cannot open {}", settings.redacted_database_url()))?;
    Ok(db.migrate().await?)
}

/// Creates a user and its player through the same validation and code path as registration
/// (an unverified account gets its verification e-mail queued); returns (user id, player id).
pub async fn create_user(settings: &Settings, args: &CreateUser) -> anyhow::Result<(i64, i64)> {
    let request = RegisterRequest {
        username: args.username.clone(),
        email: args.email.clone(),
        password: args.password.clone(),
        player_name: args.player_name.clone(),
        ..RegisterRequest::default()
    };
    let new = NewAccount::try_from(&request).map_err(|errors| anyhow::anyhow!("{errors}"))?;
    let db = open(settings).await?;
    let flags = AccountFlags {
        is_admin: args.admin,
        verified: args.verified,
    };
    let created = accounts::create_account(&db, settings, &new, flags, Utc::now())
        .await
        .map_err(|e| match e {
            ApiError::Domain(rule) => anyhow::anyhow!("{}: {rule}", rule.code()),
            other => anyhow::anyhow!("{other}"),
        })?;
    Ok((created.user.id, created.player.row.id))
}

/// Replays every confirmed match (or reports what a replay would change).
pub async fn recalculate(settings: &Settings, dry_run: bool) -> anyhow::Result<RecalcReport> {
    let db = open(settings).await?;
    Ok(db
        .transaction(async |conn| ratings::recalculate(conn, dry_run).await)
        .await?)
}

/// A recalculation report for people.
pub fn format_recalc(report: &RecalcReport) -> String {
    let mut out = String::new();
    let verb = if report.dry_run {
        "would replay"
    } else {
        "replayed"
    };
    let _ = writeln!(
        out,
        "{verb} {} confirmed match(es); {} history row(s) {}",
        report.matches_replayed,
        report.history_rows_deleted,
        if report.dry_run {
            "would be rebuilt"
        } else {
            "rebuilt"
        }
    );
    if !report.first_matches.is_empty() {
        let _ = writeln!(out, "first matches in play order:");
        for (id, at) in &report.first_matches {
            let _ = writeln!(out, "  #{id} played {}", at.format("%Y-%m-%d %H:%M"));
        }
    }
    if report.changed_players.is_empty() {
        let _ = writeln!(out, "no rating changes");
    } else {
        let _ = writeln!(
            out,
            "{} player(s) change rating:",
            report.changed_players.len()
        );
        for (player, old, new) in &report.changed_players {
            let _ = writeln!(out, "  player {player}: {old} -> {new} ({:+})", new - old);
        }
    }
    out
}

/// Recomputes every derived value and reports drift; with `fix`, repairs it in one transaction.
pub async fn check(settings: &Settings, fix: bool) -> anyhow::Result<DriftReport> {
    let db = open(settings).await?;
    let report = if fix {
        db.transaction(async |conn| check::fix(conn).await).await?
    } else {
        db.run(async |conn| check::check(conn).await).await?
    };
    Ok(report)
}

/// Fills the database with demo data, printing progress to stderr.
pub async fn seed_demo(
    settings: &Settings,
    players: u32,
    matches: u32,
) -> anyhow::Result<SeedReport> {
    let db = open(settings).await?;
    let started = std::time::Instant::now();
    let report = seed::seed_demo(&db, players, matches, |done, total| {
        let percent = if total == 0 {
            100
        } else {
            u64::from(done) * 100 / u64::from(total)
        };
        eprint!("\rseeding matches: {done}/{total} ({percent}%)");
    })
    .await?;
    eprintln!(
        "\rseeded in {:.1} s{:30}",
        started.elapsed().as_secs_f64(),
        ""
    );
    Ok(report)
}

/// A cache handle for operator commands (Redis from `REDIS_URL`).
pub async fn cache(settings: &Settings) -> Cache {
    Cache::new(cache_config(settings)).await
}

/// The cache configuration the settings describe.
pub fn cache_config(settings: &Settings) -> CacheConfig {
    CacheConfig {
        redis_url: settings.redis_url.clone(),
        enabled: settings.cache_enabled,
        l1_max_bytes: settings.cache_l1_bytes,
        ..CacheConfig::default()
    }
}

/// `ttstats cache …` output for people.
pub async fn cache_command(settings: &Settings, command: CacheCommand) -> anyhow::Result<String> {
    let mut out = String::new();
    if settings.redis_url.is_none() {
        let _ = writeln!(
            out,
            "REDIS_URL is not set: each server keeps its own in-process cache, which this command \
             cannot reach. Use POST /api/v1/admin/cache/clear (and GET …/cache/stats) on the server."
        );
        return Ok(out);
    }
    let cache = cache(settings).await;
    match command {
        CacheCommand::Ping => {
            let rtt = cache
                .ping()
                .await
                .map_err(|e| anyhow::anyhow!("Redis did not answer: {e}"))?;
            let _ = writeln!(
                out,
                "Redis answered in {:.2} ms",
                rtt.as_secs_f64() * 1000.0
            );
        }
        CacheCommand::Stats => {
            let stats = cache.stats().await;
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&stats)?);
        }
        CacheCommand::Clear { family } => {
            let family = family
                .map(|f| f.parse::<Family>().map_err(|e| anyhow::anyhow!("{e}")))
                .transpose()?;
            let report = cache.clear(family).await;
            let what = family.map_or_else(|| "every family".to_owned(), |f| f.as_str().to_owned());
            let _ = writeln!(
                out,
                "cleared {what}: {} Redis value(s) removed; {}",
                report.l2_keys_removed.unwrap_or(0),
                if report.published {
                    "every running instance drops its in-process copies"
                } else {
                    "Redis was unreachable, running instances keep theirs until their TTL"
                }
            );
        }
    }
    Ok(out)
}

/// `ttstats cache` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CacheCommand {
    /// Hit/miss statistics per tier and family, Redis keys and memory.
    Stats,
    /// Drop cached values (one family, or all) in Redis and every instance's L1.
    Clear {
        /// One family (leaderboard, player_stats, head_to_head, dashboard_totals, …).
        #[arg(long)]
        family: Option<String>,
    },
    /// Round-trip time to Redis.
    Ping,
}
