use std::collections::BTreeSet;

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use ttstats_persistence::testing::TestDb;
use ttstats_persistence::{Backend, Conn, Db, both_backends, migrate, schema};

#[test]
fn both_trees_have_the_same_migrations_in_the_same_order() {
    let pg = migrate::embedded_names(Backend::Postgres);
    let sqlite = migrate::embedded_names(Backend::Sqlite);
    assert!(!pg.is_empty());
    assert_eq!(pg, sqlite);
}

both_backends!(migrations_go_down_and_up_again, |t| async move {
    migrate::revert_all(&t.url).await.unwrap();
    let applied = migrate::run_pending(&t.url).await.unwrap();
    assert_eq!(applied.len(), migrate::embedded_names(t.backend()).len());
    assert!(migrate::run_pending(&t.url).await.unwrap().is_empty());
});

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
}

/// (table, column) and (table, index) pairs of a migrated database, without diesel's own
/// bookkeeping table and the primary-key indexes each backend names its own way.
#[derive(Debug, PartialEq)]
struct Shape {
    columns: BTreeSet<(String, String)>,
    indexes: BTreeSet<(String, String)>,
}

async fn shape(db: &Db) -> Shape {
    let (columns, indexes) = db
        .run(async |conn| {
            Ok(match conn {
                Conn::Pg(c) => (
                    diesel::sql_query(
                        "SELECT table_name::text AS table_name, column_name::text AS name \
                         FROM information_schema.columns WHERE table_schema = 'public'",
                    )
                    .load::<Named>(c)
                    .await?,
                    diesel::sql_query(
                        "SELECT tablename::text AS table_name, indexname::text AS name \
                         FROM pg_indexes WHERE schemaname = 'public' \
                         AND indexname NOT LIKE '%\\_pkey'",
                    )
                    .load::<Named>(c)
                    .await?,
                ),
                Conn::Sqlite(c) => (
                    diesel::sql_query(
                        "SELECT m.name AS table_name, p.name AS name \
                         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                    )
                    .load::<Named>(c)
                    .await?,
                    diesel::sql_query(
                        "SELECT tbl_name AS table_name, name FROM sqlite_master \
                         WHERE type = 'index' AND name NOT LIKE 'sqlite\\_autoindex%' ESCAPE '\\'",
                    )
                    .load::<Named>(c)
                    .await?,
                ),
            })
        })
        .await
        .unwrap();
    let pairs = |rows: Vec<Named>| {
        rows.into_iter()
            .filter(|r| r.table_name != "__diesel_schema_migrations")
            .map(|r| (r.table_name, r.name))
            .collect()
    };
    Shape {
        columns: pairs(columns),
        indexes: pairs(indexes),
    }
}

/// The (table, column) pairs `schema.rs` declares, read from the SQL diesel generates.
fn declared_columns() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    macro_rules! tables {
        ($($table:ident),* $(,)?) => {$(
            let query = schema::$table::table.select(schema::$table::all_columns);
            let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
            let list = sql
                .strip_prefix("SELECT ")
                .and_then(|s| s.split(" FROM ").next())
                .unwrap();
            for column in list.split(", ") {
                let name = column.rsplit('.').next().unwrap().trim_matches('`');
                out.insert((stringify!($table).to_owned(), name.to_owned()));
            }
        )*};
    }
    tables!(
        users,
        email_verification_tokens,
        refresh_tokens,
        notification_preferences,
        email_outbox,
        players,
        locations,
        matches,
        match_participants,
        match_confirmations,
        games,
        elo_history,
        championships,
        championship_entries,
        championship_entry_members,
        scheduled_matches,
        scheduled_match_participants,
        achievements,
        player_achievements,
        notifications,
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_tree_builds_exactly_the_tables_and_columns_of_schema_rs() {
    let sqlite = TestDb::new(Backend::Sqlite).await.unwrap();
    assert_eq!(shape(&sqlite.db).await.columns, declared_columns());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_trees_build_the_same_tables_columns_and_indexes() {
    let sqlite = TestDb::new(Backend::Sqlite).await.unwrap();
    let Some(pg) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (sqlite, pg) = (shape(&sqlite.db).await, shape(&pg.db).await);
    assert!(sqlite.indexes.len() > 20, "{:?}", sqlite.indexes);
    assert_eq!(pg.columns, sqlite.columns);
    assert_eq!(pg.indexes, sqlite.indexes);
}
