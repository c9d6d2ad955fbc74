//! How the Postgres store turns sqlx's errors into the runtime's store-neutral [`Error`]:
//! each database failure is classified here, once, as transient (worth retrying) or not.

use crate::error::{DatabaseError, Error};

impl From<sqlx::Error> for Error {
    /// A database failure of the Postgres store, classified by [`is_transient`].
    fn from(e: sqlx::Error) -> Self {
        let transient = is_transient(&e);
        Error::Database(DatabaseError::new(e, transient))
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    /// A failure to apply the Postgres store's migrations.
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Migrate(Box::new(e))
    }
}

/// Whether a database error is worth retrying: a lost connection, or Postgres SQLSTATE class
/// 08 (connection), 40 (rollback: serialization, deadlock), 53 (resources) or 57P (operator
/// intervention: shutdown, restart).
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            c.starts_with("08")
                || c.starts_with("40")
                || c.starts_with("53")
                || c.starts_with("57P")
        }),
        _ => false,
    }
}

/// The error Postgres returned, if `e` is one (not a connection or driver failure).
pub(super) fn postgres_error(e: &Error) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    let Error::Database(db) = e else {
        return None;
    };
    match db.get_ref().downcast_ref::<sqlx::Error>() {
        Some(sqlx::Error::Database(pg)) => Some(&**pg),
        _ => None,
    }
}

/// The error Postgres returned if `e` is a detected deadlock (SQLSTATE 40P01).
pub(super) fn deadlock(e: &Error) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    postgres_error(e).filter(|pg| pg.code().as_deref() == Some("40P01"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_failures_are_transient_and_display_as_before() {
        let e = Error::from(sqlx::Error::PoolTimedOut);
        assert!(e.is_transient());
        assert_eq!(
            e.to_string(),
            format!("database error: {}", sqlx::Error::PoolTimedOut)
        );
        assert!(deadlock(&e).is_none());
    }

    #[test]
    fn other_failures_are_not_transient() {
        let e = Error::from(sqlx::Error::RowNotFound);
        assert!(!e.is_transient());
        assert!(postgres_error(&e).is_none());
    }
}
