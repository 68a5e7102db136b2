//! The built SPA: history fallback, caching headers, precompressed assets, API 404s.

use ttstats_persistence::Backend;

use crate::helpers::spawn_app_with;

const WASM: &str = "ttstats-frontend-0123456789abcdef_bg.wasm";

async fn app_with_dist() -> (crate::helpers::TestApp, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>ttstats</title><script type=\"module\">init();</script>",
    )
    .unwrap();
    std::fs::write(dist.path().join(WASM), b"\0asm plain").unwrap();
    std::fs::write(dist.path().join(format!("{WASM}.gz")), b"gzipped bytes").unwrap();
    let dir = dist.path().to_path_buf();
    let app = spawn_app_with(Backend::Sqlite, |s| s.static_dir = dir)
        .await
        .unwrap();
    (app, dist)
}

#[tokio::test]
async fn deep_links_get_the_app_page_revalidated_on_every_load() {
    let (app, _dist) = app_with_dist().await;
    for path in ["/", "/players/3", "/matches/new"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>ttstats</title>")
        );
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_sent_precompressed_when_accepted() {
    let (app, _dist) = app_with_dist().await;
    let plain = app.get(&format!("/{WASM}")).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(plain.headers()["content-type"], "application/wasm");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm plain");

    let gzipped = app
        .client
        .get(app.url(&format!("/{WASM}")))
        .header("accept-encoding", "br;q=1, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["content-type"], "application/wasm");
    assert_eq!(gzipped.headers()["vary"], "Accept-Encoding");
    assert_eq!(gzipped.bytes().await.unwrap().as_ref(), b"gzipped bytes");
}

#[tokio::test]
async fn unknown_api_paths_are_problem_404s_not_the_app_page() {
    let (app, _dist) = app_with_dist().await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let escape = app.get("/..%2F..%2Fetc%2Fpasswd").await;
    assert!(escape.status().as_u16() < 500);
    assert!(!escape.text().await.unwrap().contains("root:"));
}

#[tokio::test]
async fn the_app_page_may_run_its_own_scripts_and_wasm_and_nothing_else() {
    let (app, _dist) = app_with_dist().await;
    for path in ["/", "/index.html", "/players/3"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        // printf 'init();' | openssl dgst -sha256 -binary | base64
        assert!(
            csp.contains(
                "script-src 'self' 'wasm-unsafe-eval' \
                 'sha256-GEnM5q1nYY/iACnyMTdov+tNp9OFcBnnDgNXUXaVNXc='"
            ),
            "{path}: {csp}"
        );
        assert!(csp.contains("connect-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains('*'), "{path}: {csp}");
    }
}
