//! The typed API client: one module per resource over `api-types`, so a changed DTO fails to
//! compile here and in the server alike. Pages call these functions and never build URLs.

pub mod admin;
pub mod auth;
pub mod championships;
pub mod client;
pub mod live;
pub mod matches;
pub mod notifications;
pub mod players;
pub mod schedule;
pub mod stats;

use std::fmt::Write;

pub use client::ApiError;

/// Encodes a query string from `(name, value)` pairs, skipping empty values.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<String>)>) -> String {
    let encoded: Vec<String> = pairs
        .into_iter()
        .filter_map(|(name, value)| {
            value
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={}", encode(&v)))
        })
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_skips_empty_values_and_encodes_the_rest() {
        assert_eq!(query_string([("a", None), ("b", Some(String::new()))]), "");
        assert_eq!(
            query_string([
                ("search", Some("Ada L&B".into())),
                ("page", Some("2".into()))
            ]),
            "?search=Ada%20L%26B&page=2"
        );
    }
}
