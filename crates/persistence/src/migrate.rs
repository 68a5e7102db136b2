//! Embedded migrations for both backends, applied by `ttstats migrate` and at `serve` start.

use diesel::migration::MigrationSource;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::DbError;
use crate::pool::{Backend, Db, backend_of, sqlite_path};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

// Several instances starting at once: one migrates, the others wait on this lock.
// The migration that adds `players`' streak and achievement-measure columns.
const TOTALS_MIGRATION: &str = "000005_aggregates";

const MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(7021984)";

/// Applies pending migrations to the database at `url`; returns the names applied.
pub async fn run_pending(url: &str) -> Result<Vec<String>, DbError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || run_pending_blocking(&url))
        .await
        .map_err(|e| DbError::Unavailable(format!("migration task failed: {e}")))?
}

/// The migration names embedded for `backend`, in order.
pub fn embedded_names(backend: Backend) -> Vec<String> {
    let source = match backend {
        Backend::Postgres => POSTGRES,
        Backend::Sqlite => SQLITE,
    };
    MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
        .map(|ms| ms.iter().map(|m| m.name().to_string()).collect())
        .unwrap_or_default()
}

fn run_pending_blocking(url: &str) -> Result<Vec<String>, DbError> {
    let applied = match backend_of(url) {
        Backend::Postgres => {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(url)
                .map_err(|e| DbError::Unavailable(e.to_string()))?;
            conn.batch_execute(MIGRATION_LOCK)?;
            conn.run_pending_migrations(POSTGRES)
                .map_err(|e| DbError::Unavailable(format!("migration failed: {e}")))?
                .iter()
                .map(ToString::to_string)
                .collect()
        }
        Backend::Sqlite => {
            let mut conn = crate::pool::sqlite_sync(&sqlite_path(url))?;
            conn.run_pending_migrations(SQLITE)
                .map_err(|e| DbError::Unavailable(format!("migration failed: {e}")))?
                .iter()
                .map(ToString::to_string)
                .collect()
        }
    };
    Ok(applied)
}

/// Reverts every migration (tests of the down scripts).
pub async fn revert_all(url: &str) -> Result<(), DbError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), DbError> {
        match backend_of(&url) {
            Backend::Postgres => {
                use diesel::Connection;
                let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
                conn.revert_all_migrations(POSTGRES)
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
            }
            Backend::Sqlite => {
                let mut conn = crate::pool::sqlite_sync(&sqlite_path(&url))?;
                conn.revert_all_migrations(SQLITE)
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| DbError::Unavailable(format!("migration task failed: {e}")))?
}

impl Db {
    /// Applies pending migrations to this database, then synchronises the achievement
    /// definitions from the domain crate (they are data, not schema).
    pub async fn migrate(&self) -> Result<Vec<String>, DbError> {
        let applied = run_pending(self.url()).await?;
        // The migration adding the streak and achievement-measure columns cannot compute them
        // in SQL: fill them once, right after it ran.
        let fill_totals = applied.iter().any(|m| m.contains(TOTALS_MIGRATION));
        self.transaction(async |conn| {
            crate::achievements::sync_definitions(conn).await?;
            if fill_totals {
                crate::achievements::refresh_totals(conn).await?;
            }
            Ok(())
        })
        .await?;
        Ok(applied)
    }
}
