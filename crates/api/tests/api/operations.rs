//! Admin operations: cache statistics and clearing, Elo recalculation.

use reqwest::Method;

crate::api_test!(cache_statistics_are_for_admins_only, |app| async move {
    let (admin, _) = app.user("root", true, true).await;
    let (user, _) = app.user("ann", true, false).await;
    let stats = app.get_as("/api/v1/admin/cache/stats", Some(&admin)).await;
    assert_eq!(stats.status, 200, "{:?}", stats.body);
    assert!(stats.body["l1"]["entries"].is_u64());
    assert_eq!(
        stats.body["l2"]["connected"], false,
        "tests run without REDIS_URL"
    );
    let refused = app.get_as("/api/v1/admin/cache/stats", Some(&user)).await;
    assert_eq!((refused.status, refused.code()), (403, "admin_required"));
    let anonymous = app.get_as("/api/v1/admin/cache/stats", None).await;
    assert_eq!(
        (anonymous.status, anonymous.code()),
        (401, "unauthenticated")
    );
});

crate::api_test!(
    clearing_an_unknown_family_is_a_bad_parameter,
    |app| async move {
        let (admin, _) = app.user("root", true, true).await;
        let cleared = app
            .call(
                Method::POST,
                "/api/v1/admin/cache/clear",
                Some(&admin),
                None::<&()>,
            )
            .await;
        assert_eq!(cleared.status, 204);
        let bad = app
            .call(
                Method::POST,
                "/api/v1/admin/cache/clear?family=nope",
                Some(&admin),
                None::<&()>,
            )
            .await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
    }
);

crate::api_test!(an_elo_dry_run_reports_without_writing, |app| async move {
    let (admin, _) = app.user("root", true, true).await;
    let report = app
        .call(
            Method::POST,
            "/api/v1/admin/elo/recalculate?dry_run=true",
            Some(&admin),
            None::<&()>,
        )
        .await;
    assert_eq!(report.status, 200, "{:?}", report.body);
    assert_eq!(report.body["dry_run"], true);
    assert_eq!(report.body["matches_replayed"], 0);
});
