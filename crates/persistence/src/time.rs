//! Timestamps are stored as UTC `TIMESTAMP` (no zone) on both backends, at microsecond
//! precision so a value reads back identical from PostgreSQL and SQLite.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// A UTC instant as stored.
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

/// A stored timestamp as a UTC instant.
pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
