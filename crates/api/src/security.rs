//! Browser-facing hardening: security headers on every response and the CORS allow-list.
//!
//! * Every response gets `X-Content-Type-Options: nosniff`, `Referrer-Policy`,
//!   `X-Frame-Options: DENY` and a `Content-Security-Policy`, unless the handler set its own:
//!   API answers (JSON, problem+json, text) may load nothing ([`API_CSP`]); the Swagger UI at
//!   `/docs` gets [`DOCS_CSP`]; the SPA's `index.html` gets [`spa_csp`], which names the hash
//!   of each inline script trunk writes (so no `'unsafe-inline'` for scripts) and allows the
//!   WebAssembly module to compile (`'wasm-unsafe-eval'`).
//! * CORS is closed by default: without `TTSTATS_CORS_ORIGINS` no cross-origin page may read
//!   an answer (preflights are refused); listed origins may call the API with a bearer token.

use std::fmt::Write as _;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy of API answers: they are data, never documents that load anything.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
                           form-action 'none'";
/// The policy of the bundled Swagger UI (its own scripts and styles; inline style attributes
/// and `data:` images are what swagger-ui renders with).
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; \
                            style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                            connect-src 'self'; object-src 'none'; base-uri 'self'; \
                            form-action 'self'; frame-ancestors 'none'";
/// `Referrer-Policy` of every response.
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// The policy of the SPA page whose HTML is `index_html`: same-origin scripts, the hashes of
/// its inline scripts, WebAssembly compilation, same-origin API calls; inline style attributes
/// are allowed (the app sets widths with them), plugins, framing and foreign forms are not.
pub fn spa_csp(index_html: &str) -> String {
    let mut hashes = String::new();
    for script in inline_scripts(index_html) {
        let digest = Sha256::digest(script.as_bytes());
        let _ = write!(
            hashes,
            " 'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The bodies of the `<script>` elements without a `src` attribute.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

/// Adds the security headers a handler did not set itself.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, REFERRER_POLICY);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        header::CONTENT_SECURITY_POLICY,
        if docs { DOCS_CSP } else { API_CSP },
    );
    Ok(response)
}

/// The CORS middleware for `origins` (`TTSTATS_CORS_ORIGINS`); none allows no cross-origin
/// caller. Same-origin requests (the SPA) are unaffected either way.
pub fn cors(origins: &[String]) -> Cors {
    // Closed, answers do not depend on `Origin`, so they need not vary by it.
    let closed = if origins.is_empty() {
        Cors::default().disable_vary_header()
    } else {
        Cors::default()
    };
    origins
        .iter()
        .fold(closed, |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_NONE_MATCH,
            header::CACHE_CONTROL,
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            HeaderName::from_static("x-cache"),
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("server-timing"),
        ])
        .max_age(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spa_policy_names_the_hash_of_each_inline_script_only() {
        let html = "<head><script type=\"module\">init();</script>\
                    <script src=\"/app.js\"></script></head>";
        let csp = spa_csp(html);
        // printf 'init();' | openssl dgst -sha256 -binary | base64
        assert!(
            csp.contains("'sha256-GEnM5q1nYY/iACnyMTdov+tNp9OFcBnnDgNXUXaVNXc='"),
            "{csp}"
        );
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
