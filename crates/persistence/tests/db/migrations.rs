use ttstats_persistence::Backend;
use ttstats_persistence::both_backends;
use ttstats_persistence::migrate;

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
