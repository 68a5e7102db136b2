//! The operator commands, through the same functions the binary calls.

use ttstats_api::cli;
use ttstats_api::config::Settings;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_then_checking_finds_no_drift_and_a_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::for_tests(dir.path());
    let seeded = cli::seed_demo(&settings, 12, 120).await.unwrap();
    assert_eq!((seeded.players, seeded.matches), (12, 120));
    assert!(cli::check(&settings, false).await.unwrap().is_clean());
    let dry = cli::recalculate(&settings, true).await.unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.matches_replayed, seeded.confirmed as usize);
    // Seeded ratings come from a play-order replay, so replaying again changes nobody.
    assert!(dry.changed_players.is_empty(), "{:?}", dry.changed_players);
    assert!(cli::format_recalc(&dry).contains("would replay"));
}

#[tokio::test]
async fn cache_commands_explain_what_to_do_without_redis() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::for_tests(dir.path());
    let out = cli::cache_command(&settings, cli::CacheCommand::Stats)
        .await
        .unwrap();
    assert!(out.contains("REDIS_URL is not set"), "{out}");
    assert!(out.contains("/api/v1/admin/cache/clear"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_warm_fills_redis_for_every_instance() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path());
    crate::helpers::use_test_redis(&mut settings);
    if settings.redis_url.is_none() {
        return;
    }
    cli::seed_demo(&settings, 12, 120).await.unwrap();
    let out = cli::cache_command(&settings, cli::CacheCommand::Warm { players: 5 })
        .await
        .unwrap();
    assert!(out.starts_with("warmed 37 value(s)"), "{out}");
    assert!(out.contains("5 player(s)"), "{out}");

    // A server started afterwards finds the warmed values in Redis.
    let app = ttstats_api::startup::Application::build(&settings)
        .await
        .unwrap();
    let url = format!("http://{}/api/v1/leaderboard", app.address());
    tokio::spawn(app.run_until_stopped());
    let reply = reqwest::get(url).await.unwrap();
    assert_eq!(reply.headers()["x-cache"], "HIT-L2");
}
