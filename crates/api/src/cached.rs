//! Cacheable reads over HTTP (ARCHITECTURE.md §4, API.md): the cache answers with serialized
//! bytes and their ETag; this turns them into the response with `ETag`, `304` on a matching
//! `If-None-Match`, `X-Cache`, `Server-Timing` and the opt-in debug headers.

use std::future::Future;
use std::time::Instant;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use ttstats_cache::{Cached, Key, Source};

use crate::error::ApiError;
use crate::state::AppState;

/// Serializes a response value once, for the cache to keep.
pub fn to_bytes(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.into()))
}

/// Whether this request asks to bypass the cache: only an admin's `Cache-Control: no-cache`
/// counts, so nobody else can use it to load the database (API.md).
pub fn wants_bypass(req: &HttpRequest, is_admin: bool) -> bool {
    is_admin
        && req
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-cache"))
}

/// Answers a cacheable read: the value of `key`, computed by `compute` on a miss.
pub async fn respond<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: &Key,
    is_admin: bool,
    compute: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    respond_with(req, state, key, is_admin, compute, Members::default()).await
}

/// Per-request members of a cached JSON object (values that depend on the viewer or on
/// current ratings are never cached, DOMAIN.md §5), serialized as they are added.
#[derive(Debug, Default)]
pub struct Members(Vec<u8>);

impl Members {
    /// Adds `"name": value`.
    pub fn with(mut self, name: &str, value: &impl Serialize) -> Result<Self, ApiError> {
        if !self.0.is_empty() {
            self.0.push(b',');
        }
        serde_json::to_writer(&mut self.0, name).map_err(|e| ApiError::Internal(e.into()))?;
        self.0.push(b':');
        serde_json::to_writer(&mut self.0, value).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(self)
    }
}

/// Like [`respond`], with `members` spliced into the cached JSON object.
pub async fn respond_with<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: &Key,
    is_admin: bool,
    compute: F,
    members: Members,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    let started = Instant::now();
    let cached = part(req, state, key, is_admin, compute).await?;
    respond_part(req, state, &cached, members, started)
}

/// Answers with a cached value and `members` spliced into it; the ETag comes from the
/// value's ETag and the members, not from hashing the whole body again.
pub fn respond_part(
    req: &HttpRequest,
    state: &AppState,
    cached: &Cached,
    members: Members,
    started: Instant,
) -> Result<HttpResponse, ApiError> {
    let (body, etag) = if members.0.is_empty() {
        (cached.bytes.clone(), cached.etag.clone())
    } else {
        let body = splice(&cached.bytes, &members.0)?;
        let etag = ttstats_cache::etag_of(&[cached.etag.as_bytes(), &members.0]);
        (actix_web::web::Bytes::from(body), etag)
    };
    Ok(finish(
        req,
        state,
        body,
        &etag,
        cached.source,
        cached.compute_time,
        started,
    ))
}

/// Answers a read that is never cached for this caller (an admin's calendar, which shows
/// more than any user's): computed afresh, `X-Cache: BYPASS`, with an `ETag`.
pub async fn respond_uncached<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    compute: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    let started = Instant::now();
    let cached = state.cache.bypass(compute).await?;
    Ok(finish(
        req,
        state,
        cached.bytes.clone(),
        &cached.etag,
        cached.source,
        cached.compute_time,
        started,
    ))
}

/// One part of a composed response (see [`respond_parts`]), read through the cache, or
/// computed afresh when an admin asks to bypass it.
pub async fn part<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: &Key,
    is_admin: bool,
    compute: F,
) -> Result<Cached, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    if wants_bypass(req, is_admin) {
        state.cache.bypass(compute).await
    } else {
        state.cache.get_or_compute(key, compute).await
    }
}

/// The parts of one composed response (see [`respond_parts`]): each read through the cache,
/// those L1 lacks looked up in Redis together, or all computed afresh when an admin asks to
/// bypass the cache. `compute(i)` computes `keys[i]`.
pub async fn parts<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    keys: &[Key],
    is_admin: bool,
    compute: F,
) -> Result<Vec<Cached>, ApiError>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    if !wants_bypass(req, is_admin) {
        return state.cache.get_or_compute_all(keys, compute).await;
    }
    let mut all = Vec::with_capacity(keys.len());
    for i in 0..keys.len() {
        all.push(state.cache.bypass(|| compute(i)).await?);
    }
    Ok(all)
}

/// [`parts`] of a fixed number of keys.
pub async fn parts_of<const N: usize, F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    keys: &[Key; N],
    is_admin: bool,
    compute: F,
) -> Result<[Cached; N], ApiError>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    parts(req, state, keys, is_admin, compute)
        .await?
        .try_into()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("a part is missing")))
}

/// Answers with one JSON object made of the members of every part, in order. `X-Cache` tells
/// the weakest source among the parts (any bypass, else any miss, else any L2 hit).
pub fn respond_parts(
    req: &HttpRequest,
    state: &AppState,
    parts: &[Cached],
    started: Instant,
) -> Result<HttpResponse, ApiError> {
    let members = parts
        .iter()
        .map(|p| members_of(&p.bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let body = object(&members);
    let etags: Vec<&[u8]> = parts.iter().map(|p| p.etag.as_bytes()).collect();
    let etag = ttstats_cache::etag_of(&etags);
    let source = parts
        .iter()
        .map(|p| p.source)
        .max_by_key(|s| match s {
            Source::HitL1 => 0,
            Source::HitL2 => 1,
            Source::Miss => 2,
            Source::Bypass => 3,
        })
        .unwrap_or(Source::Bypass);
    let compute_time = parts
        .iter()
        .filter_map(|p| p.compute_time)
        .reduce(|a, b| a + b);
    Ok(finish(
        req,
        state,
        actix_web::web::Bytes::from(body),
        &etag,
        source,
        compute_time,
        started,
    ))
}

/// Serializes `value` without the members `fields` (those are spliced in per request).
pub fn to_bytes_without(value: &impl Serialize, fields: &[&str]) -> Result<Vec<u8>, ApiError> {
    let mut value = serde_json::to_value(value).map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(object) = value.as_object_mut() {
        for field in fields {
            object.remove(*field);
        }
    }
    to_bytes(&value)
}

fn finish(
    req: &HttpRequest,
    state: &AppState,
    body: actix_web::web::Bytes,
    etag: &str,
    source: Source,
    compute_time: Option<std::time::Duration>,
    started: Instant,
) -> HttpResponse {
    let not_modified = if_none_match(req, etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header(("X-Cache", source.as_str()))
        .insert_header((
            "Server-Timing",
            server_timing(source, compute_time, started),
        ));
    if state.settings.cache_debug_headers {
        let hit = matches!(source, Source::HitL1 | Source::HitL2);
        response
            .insert_header(("X-Cache-Hits", u8::from(hit).to_string()))
            .insert_header(("X-Cache-Misses", u8::from(!hit).to_string()))
            .insert_header((
                "X-Request-Time",
                format!("{:.3}ms", started.elapsed().as_secs_f64() * 1000.0),
            ));
    }
    if not_modified {
        return response.finish();
    }
    response
        .content_type(HeaderValue::from_static("application/json"))
        .body(body)
}

fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
}

fn server_timing(
    source: Source,
    compute_time: Option<std::time::Duration>,
    started: Instant,
) -> String {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let db = compute_time
        .map(|took| format!(", db;dur={:.3}", ms(took)))
        .unwrap_or_default();
    format!(
        "cache;desc=\"{}\"{db}, total;dur={:.3}",
        source.as_str(),
        ms(started.elapsed())
    )
}

/// The members of a serialized JSON object: the bytes between its braces, trimmed.
fn members_of(object: &[u8]) -> Result<&[u8], ApiError> {
    let start = object.iter().position(|b| *b == b'{');
    let end = object.iter().rposition(|b| *b == b'}');
    match (start, end) {
        (Some(s), Some(e)) if s < e => Ok(object[s + 1..e].trim_ascii()),
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "cached value is not an object"
        ))),
    }
}

/// One JSON object of the given serialized members lists, in order.
fn object(members: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(members.iter().map(|m| m.len() + 1).sum::<usize>() + 2);
    out.push(b'{');
    for m in members.iter().filter(|m| !m.is_empty()) {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(m);
    }
    out.push(b'}');
    out
}

/// Appends serialized `members` to a serialized JSON object without re-serializing the rest.
fn splice(cached: &[u8], members: &[u8]) -> Result<Vec<u8>, ApiError> {
    Ok(object(&[members_of(cached)?, members]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_parts_give_one_object_with_every_member() {
        let merge_all = |parts: &[&[u8]]| -> serde_json::Value {
            let members: Vec<&[u8]> = parts.iter().map(|p| members_of(p).unwrap()).collect();
            serde_json::from_slice(&object(&members)).unwrap()
        };
        assert_eq!(
            merge_all(&[br#"{"a":1}"#, b"{ }", br#"{"b":{"c":[2]}}"#]),
            serde_json::json!({"a":1,"b":{"c":[2]}})
        );
        assert_eq!(merge_all(&[b"{}"]), serde_json::json!({}));
        assert!(members_of(b"[1]").is_err());
    }

    #[test]
    fn spliced_members_give_valid_json_with_every_member() {
        let members = Members::default()
            .with("can_edit", &true)
            .and_then(|m| m.with("p", &57))
            .unwrap();
        let out = splice(br#"{"a":1,"b":{"c":2}}"#, &members.0).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a":1,"b":{"c":2},"can_edit":true,"p":57})
        );
        let out = splice(b"{}", &members.0).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value, serde_json::json!({"can_edit":true,"p":57}));
    }
}
