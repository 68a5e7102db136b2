//! The `ttstats` binary: one executable with a subcommand per operator task.

use std::io::Write;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ttstats_api::config::Settings;
use ttstats_api::{cli, openapi, startup::Application, telemetry};

#[derive(Parser)]
#[command(
    name = "ttstats",
    version,
    about = "Club table-tennis statistics service"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the SPA (the default command).
    ///
    /// Environment: TTSTATS_BIND (127.0.0.1:8080), TTSTATS_DATA_DIR (./data), DATABASE_URL
    /// (sqlite://{data dir}/ttstats.db or postgres://…), REDIS_URL (unset = in-process cache
    /// only), TTSTATS_JWT_SECRET (generated into the data dir), TTSTATS_ENV (development |
    /// production), TTSTATS_LOG_FORMAT (pretty | json), TTSTATS_CACHE (on | off), TTSTATS_CACHE_PREFIX (ttstats),
    /// TTSTATS_CACHE_DEBUG_HEADERS (off | on), TTSTATS_STATIC_DIR (frontend/dist),
    /// TTSTATS_PUBLIC_URL (http://127.0.0.1:8080; base of e-mailed links, which are also
    /// logged while no SMTP sender exists), TTSTATS_SIGN_IN_LIMIT (5/900),
    /// TTSTATS_REGISTER_LIMIT (5/3600), TTSTATS_VERIFICATION_EMAIL_LIMIT (3/3600),
    /// TTSTATS_DB_POOL_SIZE (16 connections), TTSTATS_DB_TIMEOUT (5 s wait for a connection,
    /// then 503), TTSTATS_L1_MAX_MB (64 MiB in-process cache; 0 = Redis only),
    /// TTSTATS_TRUSTED_PROXIES (none; proxy IPs whose X-Forwarded-For is believed),
    /// TTSTATS_CORS_ORIGINS (none; origins allowed to call the API from a browser),
    /// TTSTATS_BENCH_STATIC_DIR (benchmarks only: serve its *.json at /bench/static/{name}).
    /// docs/operations.md has them all.
    Serve {
        /// Listen address; overrides TTSTATS_BIND.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document as YAML (`just openapi` writes it to openapi.yaml).
    Openapi,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Elo ratings.
    #[command(subcommand)]
    Elo(EloCommand),
    /// Recompute every cache column and aggregate from raw rows and report drift
    /// (exit status 1 when there is drift).
    Check {
        /// Repair the drift found.
        #[arg(long)]
        fix: bool,
    },
    /// Fill the database with realistic demo data (valid scores, singles and doubles,
    /// confirmed and pending, spread over two years).
    SeedDemo {
        /// Number of players.
        #[arg(long, default_value_t = 200)]
        players: u32,
        /// Number of matches.
        #[arg(long, default_value_t = 5_000)]
        matches: u32,
    },
    /// Operate the shared cache through Redis.
    #[command(subcommand)]
    Cache(cli::CacheCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account with its player (bootstraps the first admin).
    Create(cli::CreateUser),
}

#[derive(Subcommand)]
enum EloCommand {
    /// Replay every confirmed match in play order and report what changed.
    Recalculate {
        /// Report what would change without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    telemetry::init(&settings);
    // Locked per command, never across `serve`: logs go to stdout too.
    let mut out = std::io::stdout();
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            let settings = Settings {
                bind: bind.unwrap_or(settings.bind),
                ..settings
            };
            let app = Application::build(&settings).await?;
            tracing::info!(address = %app.address(), "ttstats is listening");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let applied = cli::migrate(&settings).await?;
            writeln!(out, "applied {} migration(s)", applied.len())?;
            for name in applied {
                writeln!(out, "  {name}")?;
            }
        }
        Command::Openapi => out.write_all(openapi::yaml()?.as_bytes())?,
        Command::User(UserCommand::Create(args)) => {
            let (user, player) = cli::create_user(&settings, &args).await?;
            writeln!(
                out,
                "created user {} (id {user}) with player id {player}",
                args.username
            )?;
        }
        Command::Check { fix } => {
            let report = cli::check(&settings, fix).await?;
            writeln!(out, "{report}")?;
            if fix && !report.is_clean() {
                writeln!(out, "repaired")?;
            } else if !report.is_clean() {
                out.flush()?;
                std::process::exit(1);
            }
        }
        Command::SeedDemo { players, matches } => {
            let report = cli::seed_demo(&settings, players, matches).await?;
            writeln!(
                out,
                "created {} players ({} guests), {} matches ({} doubles; {} confirmed, {} pending), {} games",
                report.players,
                report.guests,
                report.matches,
                report.doubles,
                report.confirmed,
                report.pending,
                report.games
            )?;
        }
        Command::Cache(command) => {
            write!(out, "{}", cli::cache_command(&settings, command).await?)?;
        }
        Command::Elo(EloCommand::Recalculate { dry_run }) => {
            let report = cli::recalculate(&settings, dry_run).await?;
            write!(out, "{}", cli::format_recalc(&report)).context("write report")?;
        }
    }
    Ok(())
}
