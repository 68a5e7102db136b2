//! The built SPA at `/`, with a history-API fallback so deep links (`/players/3`) load the app.
//!
//! Caching: trunk names its outputs with a content hash (`ttstats-frontend-<hash>_bg.wasm`),
//! so those are `immutable` for a year; `index.html` (and anything unhashed) is `no-cache`, so
//! a deploy is picked up at the next load. Precompressed `.br`/`.gz` siblings written by
//! `scripts/build-frontend.sh` are sent when the client accepts them.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

/// `Cache-Control` of content-hashed assets.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of `index.html` and unhashed files.
pub const NO_CACHE: &str = "no-cache";

#[derive(Clone)]
struct SpaDir(PathBuf);

/// Mounts the SPA directory last, after every API route.
pub fn configure(cfg: &mut web::ServiceConfig, dir: PathBuf) {
    cfg.app_data(web::Data::new(SpaDir(dir)))
        .default_service(web::to(serve));
}

async fn serve(req: HttpRequest, dir: web::Data<SpaDir>) -> actix_web::Result<HttpResponse> {
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD
    {
        return Ok(HttpResponse::MethodNotAllowed().finish());
    }
    let requested = req.path().trim_start_matches('/');
    let file = safe_relative(requested)
        .map(|rel| dir.0.join(rel))
        .filter(|p| p.is_file());
    let Some(file) = file else {
        if requested.starts_with("api/") {
            // An unknown API path is an API 404, never the app's HTML.
            return Err(crate::error::ApiError::not_found("resource").into());
        }
        // History fallback: every unknown path is a route of the app.
        let index = dir.0.join("index.html");
        let csp = index_csp(&index).await;
        let mut response = NamedFile::open_async(index).await?.into_response(&req);
        set_cache_control(&mut response, NO_CACHE);
        set_csp(&mut response, csp);
        return Ok(response);
    };
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let cache = if is_hashed(&name) {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    let accepts = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut response = match precompressed(&file, &accepts) {
        Some((path, encoding)) => {
            let mime = actix_files::file_extension_to_mime(
                file.extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or_default(),
            );
            NamedFile::open_async(path)
                .await?
                .set_content_type(mime)
                .set_content_encoding(encoding)
                .into_response(&req)
        }
        None => NamedFile::open_async(&file).await?.into_response(&req),
    };
    set_cache_control(&mut response, cache);
    if name == "index.html" {
        set_csp(&mut response, index_csp(&file).await);
    }
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    Ok(response)
}

/// Whether a file name carries trunk's content hash: `name-<hex ≥ 8>` before the extension
/// (and before `_bg` for the wasm module).
pub fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `.br` or `.gz` sibling of `file` the client accepts, best first.
fn precompressed(file: &Path, accept_encoding: &str) -> Option<(PathBuf, ContentEncoding)> {
    let accepts = |token: &str| {
        accept_encoding
            .split(',')
            .any(|part| part.split(';').next().is_some_and(|t| t.trim() == token))
    };
    [
        ("br", ContentEncoding::Brotli),
        ("gzip", ContentEncoding::Gzip),
    ]
    .into_iter()
    .filter(|(token, _)| accepts(token))
    .map(|(token, encoding)| {
        let suffix = if token == "br" { "br" } else { "gz" };
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(suffix);
        (PathBuf::from(name), encoding)
    })
    .find(|(path, _)| path.is_file())
}

/// `requested` as a path below the SPA directory, refusing `..`, roots and prefixes.
fn safe_relative(requested: &str) -> Option<PathBuf> {
    if requested.is_empty() {
        return None;
    }
    let path = Path::new(requested);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

/// The Content-Security-Policy of the app page at `index` (its inline scripts' hashes).
async fn index_csp(index: &Path) -> Option<String> {
    let html = tokio::fs::read_to_string(index).await.ok()?;
    Some(crate::security::spa_csp(&html))
}

fn set_csp(response: &mut HttpResponse, csp: Option<String>) {
    if let Some(value) = csp.and_then(|csp| HeaderValue::from_str(&csp).ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

fn set_cache_control(response: &mut HttpResponse, value: &'static str) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed("ttstats-frontend-4f1c2a9b8e7d6c5b_bg.wasm"));
        assert!(is_hashed("ttstats-frontend-4f1c2a9b8e7d6c5b.js"));
        assert!(is_hashed("main-0123abcd0123abcd.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("ttstats-frontend.js"));
        assert!(!is_hashed("favicon.ico"));
    }

    #[test]
    fn paths_cannot_escape_the_spa_directory() {
        assert_eq!(safe_relative("a/b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(safe_relative("../etc/passwd"), None);
        assert_eq!(safe_relative("a/../../b"), None);
        assert_eq!(safe_relative(""), None);
    }
}
