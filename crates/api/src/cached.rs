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
    respond_with(req, state, key, is_admin, compute, |_| Ok(None)).await
}

/// Like [`respond`], with per-request fields spliced into the cached JSON object (values that
/// depend on the viewer or on current ratings are never cached, DOMAIN.md §5).
pub async fn respond_with<F, Fut, X>(
    req: &HttpRequest,
    state: &AppState,
    key: &Key,
    is_admin: bool,
    compute: F,
    extra: X,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
    X: FnOnce(&Cached) -> Result<Option<serde_json::Map<String, serde_json::Value>>, ApiError>,
{
    let started = Instant::now();
    let cached = if wants_bypass(req, is_admin) {
        state.cache.bypass(compute).await?
    } else {
        state.cache.get_or_compute(key, compute).await?
    };
    let (body, etag) = match extra(&cached)? {
        Some(fields) if !fields.is_empty() => {
            let body = splice(&cached.bytes, &fields)?;
            let etag = ttstats_cache::etag(&body);
            (actix_web::web::Bytes::from(body), etag)
        }
        _ => (cached.bytes.clone(), cached.etag.clone()),
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

/// Answers with one JSON object made of the members of every part, in order. `X-Cache` tells
/// the weakest source among the parts (any bypass, else any miss, else any L2 hit).
pub fn respond_parts(
    req: &HttpRequest,
    state: &AppState,
    parts: &[Cached],
    started: Instant,
) -> Result<HttpResponse, ApiError> {
    let mut body = b"{}".to_vec();
    for p in parts {
        body = merge(&body, &p.bytes)?;
    }
    let etag = ttstats_cache::etag(&body);
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

/// The members of two serialized JSON objects in one object, without re-parsing either.
fn merge(first: &[u8], second: &[u8]) -> Result<Vec<u8>, ApiError> {
    let members = |object: &[u8]| -> Result<Vec<u8>, ApiError> {
        let start = object.iter().position(|b| *b == b'{');
        let end = object.iter().rposition(|b| *b == b'}');
        match (start, end) {
            (Some(s), Some(e)) if s < e => Ok(object[s + 1..e].trim_ascii().to_vec()),
            _ => Err(ApiError::Internal(anyhow::anyhow!(
                "cached value is not an object"
            ))),
        }
    };
    let (head, tail) = (members(first)?, members(second)?);
    let mut out = Vec::with_capacity(head.len() + tail.len() + 3);
    out.push(b'{');
    out.extend_from_slice(&head);
    if !head.is_empty() && !tail.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(&tail);
    out.push(b'}');
    Ok(out)
}

/// Appends `fields` to a serialized JSON object without re-serializing the rest.
fn splice(
    object: &[u8],
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<u8>, ApiError> {
    let end = object
        .iter()
        .rposition(|b| *b == b'}')
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("cached value is not an object")))?;
    let empty = object[..end]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'{');
    let mut out = Vec::with_capacity(object.len() + 64 * fields.len());
    out.extend_from_slice(&object[..end]);
    for (i, (name, value)) in fields.iter().enumerate() {
        if !(empty && i == 0) {
            out.push(b',');
        }
        out.extend(serde_json::to_vec(name).map_err(|e| ApiError::Internal(e.into()))?);
        out.push(b':');
        out.extend(serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.into()))?);
    }
    out.push(b'}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_parts_give_one_object_with_every_member() {
        let merge_all = |parts: &[&[u8]]| -> serde_json::Value {
            let mut body = b"{}".to_vec();
            for p in parts {
                body = merge(&body, p).unwrap();
            }
            serde_json::from_slice(&body).unwrap()
        };
        assert_eq!(
            merge_all(&[br#"{"a":1}"#, b"{}", br#"{"b":{"c":[2]}}"#]),
            serde_json::json!({"a":1,"b":{"c":[2]}})
        );
        assert_eq!(merge_all(&[b"{}"]), serde_json::json!({}));
    }

    #[test]
    fn spliced_fields_give_valid_json_with_every_member() {
        let mut fields = serde_json::Map::new();
        fields.insert("can_edit".into(), true.into());
        fields.insert("p".into(), 57.into());
        let out = splice(br#"{"a":1,"b":{"c":2}}"#, &fields).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a":1,"b":{"c":2},"can_edit":true,"p":57})
        );
        let out = splice(b"{}", &fields).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value, serde_json::json!({"can_edit":true,"p":57}));
    }
}
