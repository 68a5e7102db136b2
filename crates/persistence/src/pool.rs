//! Connection pools for both backends and the transaction helper.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::SqliteConnection;
use diesel::connection::{AnsiTransactionManager as SyncAnsi, SimpleConnection};
use diesel_async::pooled_connection::bb8::Pool as Bb8Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, PoolableConnection, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, TransactionManager};

use crate::conn::{Conn, SqliteConn};
use crate::error::DbError;

type PgTm = <AsyncPgConnection as AsyncConnection>::TransactionManager;
type SqliteTm = <SqliteConn as AsyncConnection>::TransactionManager;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// Pool sizing and timeouts.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Maximum connections (SQLite uses at most 4: one writer at a time anyway).
    pub max_size: u32,
    /// How long a request waits for a connection before failing with `Unavailable`.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 16,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone)]
enum Pool {
    Pg(Bb8Pool<AsyncPgConnection>),
    Sqlite(Bb8Pool<SqliteConn>),
}

/// A database handle: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: String,
    /// Connections taken from the pool by [`Db::run`] and [`Db::transaction`], for metrics and
    /// for tests that a cache hit reads no database.
    checkouts: Arc<AtomicU64>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

/// The backend a URL names: `postgres://`/`postgresql://`, else SQLite (`sqlite://path` or a
/// bare path).
pub fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// The file path of a SQLite URL.
pub fn sqlite_path(url: &str) -> PathBuf {
    PathBuf::from(url.strip_prefix("sqlite://").unwrap_or(url))
}

// WAL lets readers run beside the one writer; busy_timeout makes a second writer wait instead
// of failing with "database is locked".
const SQLITE_SETUP: &str = "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; \
    PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

impl Db {
    /// Connects a pool to `url` (PostgreSQL or SQLite, created if missing). Does not migrate.
    pub async fn connect(url: &str, options: &PoolOptions) -> Result<Self, DbError> {
        let pool = match backend_of(url) {
            Backend::Postgres => {
                // A checkout costs no round trip (the default sends `SELECT 1` before every
                // one, which doubled the statements of a one-query read such as the badge):
                // a connection whose server went away is closed by then and is replaced;
                // one that breaks later fails its query with 503 and is not reused.
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                config.recycling_method = RecyclingMethod::CustomFunction(Box::new(|conn| {
                    let broken = conn.is_broken();
                    Box::pin(async move {
                        if broken {
                            Err(diesel::result::Error::BrokenTransactionManager)
                        } else {
                            Ok(())
                        }
                    })
                }));
                let manager =
                    AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
                let pool = Bb8Pool::builder()
                    .max_size(options.max_size)
                    .connection_timeout(options.connection_timeout)
                    .build(manager)
                    .await
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
                Pool::Pg(pool)
            }
            Backend::Sqlite => {
                let path = sqlite_path(url);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        DbError::Unavailable(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let mut config = ManagerConfig::<SqliteConn>::default();
                // An embedded connection cannot go away: no test statement per checkout.
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|url| {
                    Box::pin(async move {
                        let mut conn = SqliteConn::establish(url).await?;
                        diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, SQLITE_SETUP)
                            .await
                            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    })
                });
                let manager = AsyncDieselConnectionManager::<SqliteConn>::new_with_config(
                    path.to_string_lossy(),
                    config,
                );
                let pool = Bb8Pool::builder()
                    .max_size(options.max_size.min(4))
                    .connection_timeout(options.connection_timeout)
                    .build(manager)
                    .await
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
                Pool::Sqlite(pool)
            }
        };
        Ok(Self {
            pool,
            url: url.to_owned(),
            checkouts: Arc::default(),
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Pg(_) => Backend::Postgres,
            Pool::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The URL this pool connects to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many times a connection was taken from the pool to run queries (every
    /// [`Db::run`] and [`Db::transaction`] since start; clones share the count).
    pub fn checkouts(&self) -> u64 {
        self.checkouts.load(Ordering::Relaxed)
    }

    /// Connections in use and idle, for metrics.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = match &self.pool {
            Pool::Pg(p) => p.state(),
            Pool::Sqlite(p) => p.state(),
        };
        (
            state.connections - state.idle_connections,
            state.idle_connections,
        )
    }

    /// Runs `f` on a pooled connection without a transaction (single reads).
    pub async fn run<R>(
        &self,
        f: impl AsyncFnOnce(&mut Conn<'_>) -> Result<R, DbError>,
    ) -> Result<R, DbError> {
        self.checkouts.fetch_add(1, Ordering::Relaxed);
        match &self.pool {
            Pool::Pg(pool) => {
                let mut pooled = pool.get().await?;
                let result = f(&mut Conn::Pg(&mut pooled)).await;
                closed_means_unavailable(result, &mut pooled)
            }
            Pool::Sqlite(pool) => {
                let mut pooled = pool.get().await?;
                f(&mut Conn::Sqlite(&mut pooled)).await
            }
        }
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    /// SQLite transactions start with `BEGIN IMMEDIATE`, taking the write lock up front: a
    /// deferred transaction that reads and then writes can fail on the lock upgrade whatever
    /// the busy timeout. A transaction abandoned mid-way (a dropped future) leaves the
    /// connection marked broken, so the pool discards it instead of reusing an open
    /// transaction.
    pub async fn transaction<R>(
        &self,
        f: impl AsyncFnOnce(&mut Conn<'_>) -> Result<R, DbError>,
    ) -> Result<R, DbError> {
        self.checkouts.fetch_add(1, Ordering::Relaxed);
        match &self.pool {
            Pool::Pg(pool) => {
                let mut pooled = pool.get().await?;
                let c: &mut AsyncPgConnection = &mut pooled;
                let result = async {
                    PgTm::begin_transaction(c).await?;
                    match f(&mut Conn::Pg(c)).await {
                        Ok(value) => {
                            PgTm::commit_transaction(c).await?;
                            Ok(value)
                        }
                        Err(e) => {
                            PgTm::rollback_transaction(c).await?;
                            Err(e)
                        }
                    }
                }
                .await;
                closed_means_unavailable(result, c)
            }
            Pool::Sqlite(pool) => {
                let mut pooled = pool.get().await?;
                let c: &mut SqliteConn = &mut pooled;
                c.spawn_blocking(|conn| SyncAnsi::begin_transaction_sql(conn, "BEGIN IMMEDIATE"))
                    .await?;
                match f(&mut Conn::Sqlite(c)).await {
                    Ok(value) => {
                        SqliteTm::commit_transaction(c).await?;
                        Ok(value)
                    }
                    Err(e) => {
                        SqliteTm::rollback_transaction(c).await?;
                        Err(e)
                    }
                }
            }
        }
    }

    /// Checks that the database answers (readiness).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run(async |conn| {
            db_run!(conn, |c| {
                diesel_async::SimpleAsyncConnection::batch_execute(c, "SELECT 1").await
            })?;
            Ok(())
        })
        .await
    }
}

/// A query that failed because its connection died (a PostgreSQL restart terminates every
/// session, whatever language its message is in) reports the database unavailable (503)
/// rather than a query error (500). The pool discards the closed connection.
fn closed_means_unavailable<R>(
    result: Result<R, DbError>,
    conn: &mut AsyncPgConnection,
) -> Result<R, DbError> {
    use diesel_async::pooled_connection::PoolableConnection;
    match result {
        Err(DbError::Query(e)) if conn.is_broken() => {
            Err(DbError::Unavailable(format!("connection lost: {e}")))
        }
        other => other,
    }
}

/// Opens a plain synchronous SQLite connection with the standard pragmas (migrations, CLI).
pub(crate) fn sqlite_sync(path: &Path) -> Result<SqliteConnection, DbError> {
    use diesel::Connection;
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| DbError::Unavailable(e.to_string()))?;
    conn.batch_execute(SQLITE_SETUP)?;
    Ok(conn)
}
