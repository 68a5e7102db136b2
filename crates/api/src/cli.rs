//! Operator commands behind the `ttstats` subcommands (plain functions so tests can call them).

use std::fmt::Write;

use anyhow::Context;
use chrono::Utc;
use ttstats_api_types::auth::{NewAccount, RegisterRequest};
use ttstats_persistence::Db;
use ttstats_persistence::pool::PoolOptions;
use ttstats_persistence::ratings::{self, RecalcReport};

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
