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
            // The connection died under the query (server restarted, network cut): the
            // database is unavailable, not the request wrong (503 + Retry-After, not 500).
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, info)
                if is_server_shutdown(info.message()) =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Query(other),
        }
    }
}

/// PostgreSQL's messages for SQLSTATE 57P01–57P03 (administrator or crash shutdown, server
/// starting or shutting down), which diesel-async reports without their code. They are
/// matched in English (the default `lc_messages`); [`crate::Db`] also maps any failure that
/// leaves the connection closed, whatever the language.
fn is_server_shutdown(message: &str) -> bool {
    message.starts_with("terminating connection due to")
        || message.starts_with("the database system is")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_lost_under_a_query_is_unavailable_not_a_query_error() {
        let closed = DieselError::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand,
            Box::new("connection closed".to_owned()),
        );
        assert!(matches!(DbError::from(closed), DbError::Unavailable(_)));
        let shutdown = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("terminating connection due to administrator command".to_owned()),
        );
        assert!(matches!(DbError::from(shutdown), DbError::Unavailable(_)));
        let other = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("division by zero".to_owned()),
        );
        assert!(matches!(DbError::from(other), DbError::Query(_)));
    }
}
