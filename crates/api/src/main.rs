//! The `ttstats` binary: one executable with a subcommand per operator task.

use clap::{Parser, Subcommand};
use ttstats_api::config::Settings;
use ttstats_api::{startup::Application, telemetry};

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
    /// only), TTSTATS_JWT_SECRET (generated), TTSTATS_ENV (development | production),
    /// TTSTATS_LOG_FORMAT (pretty | json), TTSTATS_CACHE (on | off),
    /// TTSTATS_CACHE_DEBUG_HEADERS (off | on).
    Serve {
        /// Listen address; overrides TTSTATS_BIND.
        #[arg(long)]
        bind: Option<String>,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    telemetry::init(&settings);
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            let settings = Settings {
                bind: bind.unwrap_or(settings.bind),
                ..settings
            };
            let app = Application::build(&settings)?;
            tracing::info!(address = %app.address(), "ttstats is listening");
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
