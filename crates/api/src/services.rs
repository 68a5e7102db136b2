//! Use cases: free functions that open the transaction, check permissions, and call the domain
//! rules and the persistence functions (STYLE.md §3).

pub mod accounts;
pub mod admin_users;
pub mod championships;
pub mod invalidate;
pub mod live;
pub mod matches;
pub mod notifications;
pub mod operations;
pub mod players;
pub mod schedule;
pub mod stats;
pub mod warm;

use ttstats_persistence::DbError;

use crate::error::ApiError;

/// Maps a storage `NotFound` to a `not_found` naming `what`.
pub(crate) fn or_not_found(what: &'static str) -> impl Fn(DbError) -> ApiError {
    move |error| match error {
        DbError::NotFound => ApiError::not_found(what),
        other => other.into(),
    }
}

/// A stored count as a list total.
pub(crate) fn total(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
