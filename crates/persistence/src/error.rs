//! Storage errors, with unique and foreign-key violations mapped at the source so callers never
//! inspect diesel.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ttstats_domain::DomainError;

/// A failed storage operation.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write.
    #[error("constraint {constraint} refused the write")]
    Conflict {
        /// The constraint (index) name, when the backend reports it.
        constraint: String,
    },
    /// A domain rule refused the write; nothing was written.
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// The database cannot be reached (pool timeout, connection refused, shutting down).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other failure.
    #[error("database error")]
    Query(#[source] DieselError),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(
                kind
                @ (DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation),
                info,
            ) => Self::Conflict {
                constraint: info
                    .constraint_name()
                    .map_or_else(|| format!("{kind:?}: {}", info.message()), str::to_owned),
            },
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Query(other),
        }
    }
}

impl<E: std::error::Error + 'static> From<bb8::RunError<E>> for DbError {
    fn from(error: bb8::RunError<E>) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl DbError {
    /// Whether this is a unique violation on the given index (both backends name it
    /// differently: PostgreSQL reports the index, SQLite the columns).
    pub fn is_conflict_on(&self, index: &str, columns: &str) -> bool {
        matches!(self, Self::Conflict { constraint } if constraint.contains(index) || constraint.contains(columns))
    }
}
