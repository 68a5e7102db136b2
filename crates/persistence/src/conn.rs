//! A borrowed connection of either backend, and the macro that writes a query once for both.

use diesel::SqliteConnection;
use diesel_async::AsyncPgConnection;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;

/// The SQLite connection type diesel-async pools.
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

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
