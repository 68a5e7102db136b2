//! A borrowed connection of either backend, and the macro that writes a query once for both.

use diesel::SqliteConnection;
use diesel_async::AsyncPgConnection;
use diesel_async::sync_connection_wrapper::{SpawnBlocking, SyncConnectionWrapper};
use futures_util::future::BoxFuture;

/// The SQLite connection type diesel-async pools.
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection, WaitOnCancel>;

/// Runs SQLite work on tokio's blocking pool like diesel-async's default, but a cancelled
/// operation is waited for with a plain thread block instead of `block_in_place`, which panics
/// on actix's current-thread workers when a request future is dropped mid-query (an extractor
/// failing first, a client going away). Waiting is required: the connection must be idle
/// before the pool looks at it again. The work runs on another thread, so blocking here for
/// its few milliseconds cannot deadlock.
pub struct WaitOnCancel(tokio::runtime::Handle);

impl SpawnBlocking for WaitOnCancel {
    fn spawn_blocking<'a, R>(
        &mut self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> BoxFuture<'a, Result<R, Box<dyn std::error::Error + Send + Sync + 'static>>>
    where
        R: Send + 'static,
    {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let handle = self.0.spawn_blocking(move || {
            let result = task();
            // The receiver is gone when nobody had to wait; that is fine.
            let _ = done.send(());
            result
        });
        let guard = FinishGuard(Some(finished));
        Box::pin(async move {
            let result = handle.await.map_err(Into::into);
            guard.disarm();
            result
        })
    }

    fn get_runtime() -> Self {
        // Connections are only opened from inside the runtime (pool, migrations task).
        Self(tokio::runtime::Handle::current())
    }
}

/// Blocks in `Drop` until the blocking task has finished, unless disarmed.
struct FinishGuard(Option<std::sync::mpsc::Receiver<()>>);

impl FinishGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for FinishGuard {
    fn drop(&mut self) {
        if let Some(finished) = self.0.take() {
            // Returns when the task has sent, or at once when it panicked (sender dropped).
            let _ = finished.recv();
        }
    }
}

/// A connection borrowed from a pool (or inside a transaction).
pub enum Conn<'c> {
    /// PostgreSQL.
    Pg(&'c mut AsyncPgConnection),
    /// SQLite.
    Sqlite(&'c mut SqliteConn),
}

/// Runs `body` with `c` bound to the concrete connection of `conn`'s backend; the body is
/// expanded once per backend so each copy type-checks against its own SQL dialect.
///
/// ```ignore
/// db_run!(conn, |c| players::table.count().get_result::<i64>(c).await)
/// ```
macro_rules! db_run {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::conn::Conn::Pg($c) => $body,
            $crate::conn::Conn::Sqlite($c) => $body,
        }
    };
    ($conn:expr, pg: |$pc:ident| $pg:expr, sqlite: |$sc:ident| $sqlite:expr) => {
        match $conn {
            $crate::conn::Conn::Pg($pc) => $pg,
            $crate::conn::Conn::Sqlite($sc) => $sqlite,
        }
    };
}

/// Inserts many rows: multi-row statements on PostgreSQL, one statement per row on SQLite
/// (diesel-async cannot batch there; inside a transaction each row is cheap).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        db_run!(
            $conn,
            pg: |c| {
                for chunk in $rows.chunks(1000) {
                    diesel::insert_into($table).values(chunk).execute(c).await?;
                }
                Ok::<(), $crate::error::DbError>(())
            },
            sqlite: |c| {
                for row in $rows.iter() {
                    diesel::insert_into($table).values(row).execute(c).await?;
                }
                Ok::<(), $crate::error::DbError>(())
            }
        )
    };
}
