use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().contains_key("x-request-id"),
        "every response carries the request id of its log lines"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

crate::api_test!(readyz_reports_the_database_ready, |app| async move {
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
});

#[tokio::test]
async fn swagger_ui_and_the_openapi_document_are_served_offline() {
    let app = spawn_app().await;
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let spec: serde_json::Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/healthz"].is_object());
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn unknown_api_paths_fall_back_to_the_spa_page() {
    let app = spawn_app().await;
    let response = app.get("/players/3").await;
    // Without a built SPA directory the fallback has nothing to serve; it must not be a 500.
    assert!(response.status().as_u16() < 500);
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern() {
    let app = spawn_app().await;
    app.get("/healthz").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains("ttstats_http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/healthz""#), "{text}");
}

#[tokio::test]
async fn the_bench_static_bodies_are_served_only_when_configured() {
    let app = spawn_app().await;
    assert_ne!(
        app.get("/bench/static/leaderboard.json").await.status(),
        200
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("leaderboard.json"), br#"{"items":[1,2,3]}"#).unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"not served").unwrap();
    let static_dir = dir.path().to_owned();
    let app = crate::helpers::spawn_app_with(ttstats_persistence::Backend::Sqlite, |s| {
        s.bench_static_dir = Some(static_dir);
    })
    .await
    .unwrap();
    let response = app.get("/bench/static/leaderboard.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), r#"{"items":[1,2,3]}"#);
    assert_eq!(app.get("/bench/static/notes.txt").await.status(), 404);
}
