//! Throwaway databases for tests: a fresh, migrated database per test on either backend.
//!
//! SQLite always works (a temp file). PostgreSQL needs `TEST_DATABASE_URL` (set by
//! `scripts/services.sh`, which `just test` runs): each process migrates a template database
//! once and every test gets `CREATE DATABASE … TEMPLATE` of it. Without the variable the
//! PostgreSQL tests are skipped with a warning — except with `CI=true`, where it is an error.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use tokio::sync::Mutex;

use crate::pool::{Backend, Db, PoolOptions};

/// A test database; the SQLite file is removed on drop.
pub struct TestDb {
    /// The pool.
    pub db: Db,
    /// The URL, for spawning servers on the same database.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static TEMPLATE: Mutex<Option<String>> = Mutex::const_new(None);
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server URL for tests, if configured. With `CI=true` a missing one panics.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "TEST_DATABASE_URL is required with CI=true (run the tests through `just test`)"
            );
            None
        }
    }
}

impl TestDb {
    /// A fresh migrated database on `backend`; `None` when PostgreSQL is not configured
    /// locally (the caller skips with a warning).
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite().await),
            Backend::Postgres => {
                let Some(server) = postgres_url() else {
                    eprintln!("warning: TEST_DATABASE_URL not set; skipping a PostgreSQL test");
                    return None;
                };
                Some(Self::postgres(&server).await)
            }
        }
    }

    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url, &PoolOptions::default())
            .await
            .expect("sqlite pool");
        db.migrate().await.expect("migrations");
        Self {
            db,
            url,
            _dir: Some(dir),
        }
    }

    async fn postgres(server: &str) -> Self {
        let mut template = TEMPLATE.lock().await;
        let mut admin = AsyncPgConnection::establish(server)
            .await
            .expect("connect to TEST_DATABASE_URL");
        let template_name = if let Some(name) = template.as_ref() {
            name.clone()
        } else {
            {
                let name = format!("ttstats_template_{}", std::process::id());
                for sql in [
                    format!("DROP DATABASE IF EXISTS {name}"),
                    format!("CREATE DATABASE {name}"),
                ] {
                    admin.batch_execute(&sql).await.expect("create template");
                }
                let url = with_database(server, &name);
                crate::migrate::run_pending(&url)
                    .await
                    .expect("migrate template");
                // What `Db::migrate` does after the migrations, on a plain connection that is
                // closed before the template is copied.
                let mut conn = AsyncPgConnection::establish(&url)
                    .await
                    .expect("connect to the template");
                crate::achievements::sync_definitions(&mut crate::Conn::Pg(&mut conn))
                    .await
                    .expect("achievement definitions");
                drop(conn);
                *template = Some(name.clone());
                name
            }
        };
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        // Held under the lock: PostgreSQL refuses concurrent copies of one template.
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template_name}"))
            .await
            .expect("create test database");
        drop(template);
        let url = with_database(server, &name);
        let db = Db::connect(&url, &PoolOptions::default())
            .await
            .expect("postgres pool");
        Self {
            db,
            url,
            _dir: None,
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }
}

/// Runs raw SQL on `db`: setup the application has no write path for yet, or a state it never
/// produces.
pub async fn exec(db: &Db, sql: &str) {
    db.run(async |conn| {
        match conn {
            crate::Conn::Pg(c) => c.batch_execute(sql).await?,
            crate::Conn::Sqlite(c) => c.batch_execute(sql).await?,
        }
        Ok(())
    })
    .await
    .expect("raw SQL");
}

/// The text column `v` of every row `sql` returns (`SELECT subject AS v FROM …`).
pub async fn strings(db: &Db, sql: &str) -> Vec<String> {
    use diesel::sql_types::Text;
    use diesel_async::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        v: String,
    }
    let rows: Vec<Row> = db
        .run(async |conn| {
            Ok(match conn {
                crate::Conn::Pg(c) => diesel::sql_query(sql).load(c).await?,
                crate::Conn::Sqlite(c) => diesel::sql_query(sql).load(c).await?,
            })
        })
        .await
        .expect("raw query");
    rows.into_iter().map(|r| r.v).collect()
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Declares one test per backend from one async body taking `db: TestDb`:
/// `both_backends!(name, |db| async move { … });` yields `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::testing::TestDb::new($crate::Backend::Sqlite)
                    .await
                    .expect("sqlite");
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::testing::TestDb::new($crate::Backend::Postgres).await
                else {
                    return;
                };
                $body.await;
            }
        }
    };
}
